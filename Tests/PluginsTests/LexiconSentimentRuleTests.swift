import ICUTokenizer
import LexiconSentiment
import Testing
import VerbatimCore
import VerbatimTestSupport

/// The rules of the sentiment engine, one fixture at a time.
@Suite struct LexiconSentimentRuleTests {
    let harness: StageHarness

    init() throws {
        harness = try StageHarness(yaml: "version: 1\nstages: [icu-tokenizer, lexicon-sentiment]")
    }

    func sentiment(_ text: String, question: String? = nil) throws -> Sentiment {
        try #require(harness.run(text, question: question).sentiment)
    }

    func score(_ text: String) throws -> Double { try sentiment(text).score }
    func label(_ text: String) throws -> Sentiment.Label { try sentiment(text).label }

    @Test(arguments: [
        ("The new tool is helpful.", 1.0),
        ("The new tool is not helpful.", -1.0),
        ("Funding was not a problem.", 1.0),
        ("There was no lack of support from ministers.", 1.0),
        ("Working across departments is never easy.", -1.0),
        ("The shared calendar didn't work.", -1.0),
        ("Nobody was happy with the outcome.", -1.0),
        ("The anti-collaborative behaviour of some teams.", -1.0),
    ])
    func negation(_ text: String, _ sign: Double) throws {
        #expect(try score(text) * sign > 0.2, "\(text)")
    }

    @Test func negationStopsAtAComma() throws {
        #expect(try score("No, the workshop was excellent.") > 0.3)
    }

    @Test func intensifiersAndDampenersScaleTheNextWord() throws {
        let plain = try score("The meeting was good.")
        #expect(try score("The meeting was very good.") > plain)
        #expect(try score("The meeting was extremely good.") > score("The meeting was very good."))
        #expect(try score("The meeting was slightly good.") < plain)
        #expect(try score("The meeting was somewhat good.") > 0)
        #expect(try score("The delay was extremely bad.") < score("The delay was bad."))
        #expect(try score("The delay was somewhat bad.") > score("The delay was bad."))
    }

    @Test func contrastShiftsWeightToTheClauseAfterBut() throws {
        let after = try sentiment("The venue was poor but the people were excellent.")
        let before = try sentiment("The people were excellent but the venue was poor.")
        #expect(after.score > 0.3)
        #expect(after.score > before.score)
        // Both sides are clear, so the answer is mixed whichever way it leans.
        #expect(after.label == .mixed && before.label == .mixed)
        #expect(try score("It was slow. However, the results were excellent.") > score("It was slow. The results were excellent."))
    }

    @Test func concessionWeighsLess() throws {
        #expect(try label("Although the start was slow, the project worked brilliantly.") == .positive)
        #expect(try label("The project worked, although the paperwork was a complete nightmare and a waste of time.") == .negative)
    }

    @Test(arguments: [
        "Lack of trust between departments.",
        "Absence of leadership from the top.",
        "Shortage of skilled staff.",
        "Difficulty in sharing data securely.",
        "Insufficient support from senior managers.",
        "Confidence is lacking.",
    ])
    func lackOfFlipsWhatFollows(_ text: String) throws {
        #expect(try label(text) == .negative, "\(text)")
    }

    @Test func removingABadThingIsGood() throws {
        #expect(try score("This reduced duplication.") > 0)
        #expect(try score("Legislation undermines trust.") < 0)
        #expect(try score("Short-term targets hinder cooperation.") <= score("Short-term targets hinder."))
    }

    @Test func prescriptiveFramingReadsAsAdviceNotPraise() throws {
        #expect(try label("Leadership was excellent.") == .positive)
        #expect(try label("Leadership should be excellent.") == .neutral)
        #expect(try label("It would be good if departments shared their plans.") == .neutral)
        #expect(try label("We need to get the basics right.") == .neutral)
        #expect(try label("Clear objectives are key.") == .neutral)
        // Complaints keep most of their weight even under a modal.
        #expect(try label("A new tool would be a complete waste of money.") == .negative)
    }

    @Test func capitalsAndExclamationMarksAddEmphasis() throws {
        let plain = try score("The new system is great.")
        #expect(try score("The new system is GREAT.") > plain)
        #expect(try score("The new system is great!!!") > plain)
        #expect(try score("The new system is sooo great.") > plain)
        // A text written all in capitals is not shouting any one word.
        #expect(try score("THE NEW SYSTEM IS GREAT.") == plain)
        #expect(try score("Departments need to talk!") == 0)
    }

    @Test(arguments: [
        ("The meeting ran late :)", 1.0), ("The meeting ran late :-(", -1.0), ("Launch day 😀", 1.0),
        ("Launch day 👍🏽", 1.0), ("Our team <3", 1.0), ("Quarterly review 😡", -1.0),
    ])
    func emoticonsAndEmoji(_ text: String, _ sign: Double) throws {
        #expect(try score(text) * sign > 0.2, "\(text)")
    }

    @Test func punctuationInProseIsNotAnEmoticon() throws {
        #expect(try score("See the annex (item 2): budgets, staff and timing.") == 0)
    }

    @Test func clearlyPositiveAndNegativeClausesMakeMixed() throws {
        #expect(try label("The tool could be excellent, but it is far too expensive.") == .mixed)
        #expect(try label("Ministerial leadership was superb. Funding was a disaster.") == .mixed)
        #expect(try label("Ministerial leadership was superb. The funding was slightly late.") == .positive)
    }

    @Test func sentenceScoresAlignWithSentences() throws {
        let document = try harness.run("Leadership was excellent. Funding was a nightmare. We met in June.")
        #expect(document.sentences.count == 3)
        #expect(document.sentenceSentiment.count == 3)
        #expect(document.sentenceSentiment[0] > 0.3)
        #expect(document.sentenceSentiment[1] < -0.3)
        #expect(document.sentenceSentiment[2] == 0)
        #expect(document.assigned.isSuperset(of: [.sentiment, .themeSentiment]))
        #expect(document.themeSentiment.isEmpty)
    }

    @Test func scoresStayWithinMinusOneAndOne() throws {
        let gushing = String(repeating: "Excellent, wonderful, brilliant! ", count: 40)
        let s = try score(gushing)
        #expect(s > 0.99 && s <= 1)
        #expect(try score("") == 0)
        #expect(try label("") == .neutral)
    }

    @Test func traceExplainsTheContributions() throws {
        let document = try harness.run("Leadership was not good.", trace: true)
        let lines = document.trace.filter { $0.stage == "lexicon-sentiment" }.map(\.message)
        #expect(lines.contains { $0 == "'good' +1.9 (negated by 'not' ×-0.7) → -1.33" })
        #expect(lines.contains { $0.hasPrefix("sentence 1: raw -1.33, score -0.32") })
        #expect(lines.last { $0.hasPrefix("answer:") }?.hasSuffix("→ negative (score ≤ -0.25)") == true)
        let boosted = try harness.run("Leadership was very good.", trace: true).trace.map(\.message)
        #expect(boosted.contains { $0 == "'good' +1.9 ('very' ×1.3) → +2.47" })
        #expect(try harness.run("Leadership was not good.").trace.isEmpty)
    }
}

/// The question's framing: a prior the answer's words can override.
@Suite struct LexiconSentimentFramingTests {
    let harness: StageHarness

    init() throws {
        harness = try StageHarness(yaml: """
            version: 1
            stages:
              - icu-tokenizer
              - stage: lexicon-sentiment
                options:
                  question_framing: {Q3: negative, Q8: positive 0.5, Q4: neutral}
            """)
    }

    func label(_ text: String, _ question: String?) throws -> Sentiment.Label {
        try #require(harness.run(text, question: question).sentiment?.label)
    }

    @Test func aBarrierQuestionMakesABareAnswerAComplaint() throws {
        #expect(try label("Funding.", "Q3") == .negative)
        #expect(try label("Funding.", "Q9") == .neutral)
        #expect(try label("Funding.", nil) == .neutral)
    }

    @Test func theTextCanOverrideThePrior() throws {
        #expect(try label("Honestly, none: we had excellent support and it was a great success.", "Q3") == .positive)
        #expect(try label("It was a failure and a complete waste of time.", "Q8") == .negative)
    }

    @Test func aWeakPriorNeedsSomeEvidence() throws {
        #expect(try label("The Hermes project with the Law Officers' departments.", "Q8") == .neutral)
        #expect(try label("The Hermes project was a great success.", "Q8") == .positive)
    }

    @Test func anAdviceQuestionReadsAnswersAsAdvice() throws {
        #expect(try label("Excellent ministerial leadership.", "Q4") == .neutral)
        #expect(try label("Excellent ministerial leadership.", "Q9") == .positive)
    }

    @Test func badFramingIsReportedAtTheOption() {
        #expect {
            _ = try StageHarness(yaml: """
                version: 1
                stages:
                  - icu-tokenizer
                  - stage: lexicon-sentiment
                    options:
                      question_framing: {Q3: grumpy}
                """)
        } throws: {
            "\($0)".contains("option 'question_framing' of stage 'lexicon-sentiment': Q3: 'grumpy' is not positive, negative or neutral")
        }
    }
}

/// Sentiment per theme, from the clauses that carry the theme's evidence.
@Suite struct LexiconSentimentAspectTests {
    /// Tokenizes `fixture`, gives each marked span to a theme, then runs the sentiment stage.
    func run(_ fixture: MarkedText, themes: [String], question: String? = nil,
             options: StageOptions = StageOptions(stage: "lexicon-sentiment")) throws -> Document {
        var document = Document(Response(id: "t", question: question, text: fixture.text))
        let context = StageContext(baseDirectory: TestPaths.repositoryRoot)
        try ICUTokenizerStage(options: StageOptions(stage: "icu-tokenizer"), context: context).makeProcessor().process(&document)
        for (theme, span) in zip(themes, fixture.spans) {
            let evidence = Evidence(span: span, rule: "test")
            if let k = document.codes.firstIndex(where: { $0.theme == theme }) {
                document.codes[k].evidence.append(evidence)
            } else {
                document.codes.append(Code(theme: theme, score: 1, evidence: [evidence]))
            }
        }
        try LexiconSentimentStage(options: options, context: context).makeProcessor().process(&document)
        return document
    }

    @Test func eachThemeTakesTheSentimentOfItsOwnClause() throws {
        let fixture = MarkedText("⏩Leadership was excellent⏪ but ⏩funding was a nightmare⏪")
        let document = try run(fixture, themes: ["leadership", "funding_resources"])
        #expect(document.themeSentiment["leadership"]?.label == .positive)
        #expect(document.themeSentiment["funding_resources"]?.label == .negative)
        #expect(document.sentiment?.label == .mixed)
    }

    @Test func themesInSeparateSentences() throws {
        let fixture = MarkedText("We met ⏩face to face⏪ every week. Sadly the ⏩IT system⏪ kept crashing.")
        let document = try run(fixture, themes: ["communication_meetings", "tools_technology"])
        #expect(document.themeSentiment["communication_meetings"]?.label == .neutral)
        #expect(document.themeSentiment["tools_technology"]?.label == .negative)
    }

    @Test func aThemeMentionedTwiceCombinesItsClauses() throws {
        let fixture = MarkedText("⏩Trust⏪ was poor at first; by the end ⏩trust⏪ was superb and the rapport excellent.")
        let document = try run(fixture, themes: ["relationships_trust", "relationships_trust"])
        #expect(document.codes.count == 1)
        #expect(document.themeSentiment["relationships_trust"]?.label == .positive)
    }

    @Test func framingAppliesToThemesToo() throws {
        let options = try StageOptions.check(
            stage: "lexicon-sentiment",
            raw: [(name: "question_framing", value: .mapping(.object([(key: "Q3", value: .string("negative"))])), at: nil)],
            specs: LexiconSentimentStage.descriptor.options, location: nil)
        let document = try run(MarkedText("⏩Funding⏪ and ⏩timescales⏪."), themes: ["funding_resources", "time_pressure"],
                               question: "Q3", options: options)
        #expect(document.themeSentiment["funding_resources"]?.label == .negative)
        #expect(document.themeSentiment["time_pressure"]?.label == .negative)
    }

    @Test func codebookEvidenceDrivesAspectSentimentEndToEnd() throws {
        let directory = try TestPaths.temporaryDirectory("sentiment-aspect")
        try FileIO.writeAtomically("""
            version: 1
            themes:
              - id: leadership
                label: Leadership
                rules:
                  - { id: leaders, match: [leadership, ministers] }
              - id: funding_resources
                label: Funding
                rules:
                  - { id: money, match: [funding, budget] }
            """, to: directory + "/cb.yaml")
        let harness = try StageHarness(after: """
            - stage: codebook
              options: { codebook: cb.yaml }
            - stage: lexicon-sentiment
            """, baseDirectory: directory)
        let document = try harness.run("Leadership was excellent but funding was a nightmare.")
        #expect(Set(document.codes.map(\.theme)) == ["leadership", "funding_resources"])
        #expect(document.themeSentiment["leadership"]?.label == .positive)
        #expect(document.themeSentiment["funding_resources"]?.label == .negative)
    }
}

/// Questions and "but", clause by clause: each marked span is given to its own theme, and a theme's
/// sentiment is the valence of its clause alone, before contrast weights.
@Suite struct LexiconSentimentQuestionAndContrastTests {
    let harness: StageHarness

    init() throws {
        harness = try StageHarness(yaml: "version: 1\nstages: [icu-tokenizer, lexicon-sentiment]")
    }

    /// Runs `fixture` with its spans as the themes "c0", "c1", … in order.
    func run(_ fixture: MarkedText) throws -> Document {
        var document = Document(Response(id: "t", text: fixture.text))
        let context = StageContext(baseDirectory: TestPaths.repositoryRoot)
        try ICUTokenizerStage(options: StageOptions(stage: "icu-tokenizer"), context: context).makeProcessor().process(&document)
        for (k, span) in fixture.spans.enumerated() {
            document.codes.append(Code(theme: "c\(k)", score: 1, evidence: [Evidence(span: span, rule: "test")]))
        }
        try LexiconSentimentStage(options: StageOptions(stage: "lexicon-sentiment"), context: context).makeProcessor().process(&document)
        return document
    }

    /// The raw valence behind a score: the inverse of raw / √(raw² + alpha).
    func raw(_ score: Double) -> Double {
        score * (SentimentSettings().normalization / (1 - score * score)).squareRoot()
    }

    func clause(_ document: Document, _ k: Int) throws -> Sentiment { try #require(document.themeSentiment["c\(k)"]) }
    func score(_ text: String) throws -> Double { try #require(harness.run(text).sentiment).score }

    @Test func aQuestionIsNotPraise() throws {
        let document = try run(MarkedText("⏩Is the new portal any good⏪? ⏩The helpdesk was excellent⏪."))
        #expect(try clause(document, 0).label == .neutral)
        #expect(try clause(document, 1).label == .positive)
        #expect(try #require(harness.run("Is the new portal any good?").sentiment).label == .neutral)
    }

    @Test func aQuestionKeepsMostOfAComplaint() throws {
        let asked = try clause(run(MarkedText("⏩Why is the portal so slow and unreliable⏪?")), 0)
        let said = try clause(run(MarkedText("⏩The portal is so slow and unreliable⏪.")), 0)
        #expect(asked.label == .negative)
        #expect(raw(asked.score) / raw(said.score) >= 0.8)
        let praiseAsked = try clause(run(MarkedText("⏩Is the portal really excellent⏪?")), 0)
        let praiseSaid = try clause(run(MarkedText("⏩The portal is really excellent⏪.")), 0)
        #expect(raw(praiseAsked.score) / raw(praiseSaid.score) <= 0.6)
    }

    @Test func aQuestionReachesOnlyItsOwnSentence() throws {
        let document = try run(MarkedText("⏩The helpdesk was good⏪. ⏩Is the portal any good⏪? ⏩The training was good⏪."))
        #expect(try clause(document, 0).label == .positive)
        #expect(try clause(document, 1).label == .neutral)
        #expect(try clause(document, 2).label == .positive)
    }

    @Test func aQuestionMarkInsideALinkAsksNothing() throws {
        let document = try run(MarkedText("⏩Good guide⏪ at https://example.org/guide?page=2 for new staff."))
        #expect(try clause(document, 0).label == .positive)
    }

    @Test func butDiscountsWhatItConcedesAndKeepsWhatFollows() throws {
        let document = try run(MarkedText("⏩The venue was fine⏪ but ⏩the food was slow⏪."))
        let before = raw(try clause(document, 0).score), after = raw(try clause(document, 1).score)
        let answer = raw(try #require(document.sentiment).score)
        #expect(abs(answer - (0.5 * before + after)) < 1e-9, "answer \(answer), clauses \(before) and \(after)")
        // A hedged complaint is no stronger than the bare one, and "but" weighs as "although" does.
        #expect(try score("The venue was fine but the food was slow.") > score("The food was slow."))
        #expect(try abs(score("The venue was fine but the food was slow.")
                        - score("Although the venue was fine, the food was slow.")) < 1e-9)
    }
}
