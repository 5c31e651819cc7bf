import Codebook
import Testing
import VerbatimCore
import VerbatimTestSupport

/// Every rule kind of the codebook language, checked on marked-text fixtures: the marked words are
/// exactly the evidence the theme must get (no marks: the theme must not be coded).
@Suite struct CodebookRuleTests {
    @Test func plainWordsMatchOnStems() throws {
        let f = try CodebookFixture(oneTheme(["fund"]))
        try f.expectEvidence("t", "⏩Funding⏪ was short and the ⏩funds⏪ ran out.")
        try f.expectEvidence("t", "A fundamental change.")
    }

    @Test func exactFormWithCapitalsIsCaseSensitive() throws {
        let f = try CodebookFixture(oneTheme(["=IT"]))
        try f.expectEvidence("t", "The ⏩IT⏪ is old and it crashes.")
        try f.expectEvidence("t", "It works, it really does.")
        // The lower-case "it" is known by its word number by now; the capitals must still match, as
        // written, and nothing else may.
        try f.expectEvidence("t", "it works and ⏩IT⏪ works; it, It, iT, ⏩IT⏪.")
        try f.expectEvidence("t", "it it it")
    }

    @Test func exactLowerCaseFormRefusesOtherWordForms() throws {
        let exact = try CodebookFixture(oneTheme(["=government"]))
        try exact.expectEvidence("t", "⏩Government⏪ needs better governance.")
        // The stem rule, for contrast: government and governance share the stem "govern".
        let stem = try CodebookFixture(oneTheme(["government"]))
        try stem.expectEvidence("t", "⏩Government⏪ needs better ⏩governance⏪.")
    }

    @Test func phrasesMatchWordsInARow() throws {
        let f = try CodebookFixture(oneTheme(["senior buy-in"]))
        try f.expectEvidence("t", "the ⏩senior buy-in⏪ was lacking")
        try f.expectEvidence("t", "⏩Senior buy in⏪ matters")
        try f.expectEvidence("t", "senior staff buy-in")
        try f.expectEvidence("t", "Ask someone senior. Buy-in follows.")
        try f.expectEvidence("t", "senior, buy-in")
    }

    @Test func ignoredWordsAreSkippedInPhrases() throws {
        let f = try CodebookFixture(oneTheme(["lack of leadership"]))
        try f.expectEvidence("t", "a ⏩lack of the leadership⏪ we need")
        try f.expectEvidence("t", "a lack of any leadership")
    }

    @Test func wildcardsMatchPrefixes() throws {
        let f = try CodebookFixture(oneTheme(["fund*", "cross-depart*"]))
        try f.expectEvidence("t", "⏩Funding⏪ and ⏩fundamental⏪ reform of ⏩cross-departmental⏪ work")
        try f.expectEvidence("t", "a fun day")
    }

    @Test func nearMatchesEitherOrderWithinTheDistanceInOneSentence() throws {
        let f = try CodebookFixture(oneTheme(["senior NEAR/4 buy-in"]))
        try f.expectEvidence("t", "the ⏩senior buy-in⏪ was lacking")
        try f.expectEvidence("t", "⏩buy-in⏪ from the most ⏩senior⏪ staff")
        try f.expectEvidence("t", "senior officials gave us some real lasting buy-in")
        try f.expectEvidence("t", "We asked senior staff. Buy-in came later.")
    }

    @Test func beforeKeepsTheOrder() throws {
        let f = try CodebookFixture(oneTheme(["lack BEFORE/3 trust"]))
        try f.expectEvidence("t", "a ⏩lack⏪ of ⏩trust⏪ between teams")
        try f.expectEvidence("t", "trust was not lacking")
    }

    @Test func alternativesInOnePosition() throws {
        let f = try CodebookFixture(oneTheme(["senior|top support"]))
        try f.expectEvidence("t", "⏩top support⏪ and ⏩senior support⏪")
        try f.expectEvidence("t", "junior support")
    }

    @Test func exclusionVetoesAHitInItsSentenceOnly() throws {
        let f = try CodebookFixture(oneTheme(["{ id: churn, match: churn, unless: [churn is not the issue] }"]))
        try f.expectEvidence("t", "⏩Churn⏪ hurts continuity.")
        try f.expectEvidence("t", "Churn is not the issue here.")
        try f.expectEvidence("t", "Churn is not the issue. But ⏩churn⏪ in posts hurts.")
        let trace = try f.code("Churn is not the issue here.").trace.map(\.message)
        #expect(trace.contains { $0.hasPrefix("vetoed t/churn: churn — \"Churn\"") && $0.contains("by t/churn unless: churn is not the issue — \"Churn is not the issue\"") },
                "\(trace)")
    }

    @Test func themeExclusionVetoesEveryRule() throws {
        let f = try CodebookFixture(oneTheme(["tool", "system"], extra: ["unless: [\"not NEAR/3 answer\"]"]))
        try f.expectEvidence("t", "Tools and systems are not the answer.")
        try f.expectEvidence("t", "⏩Tools⏪ help. The answer is elsewhere.")
    }

    @Test func negatedHitsCanBeSkipped() throws {
        let f = try CodebookFixture(oneTheme(["{ match: fund, negated: skip }"]))
        try f.expectEvidence("t", "We had no funding.")
        try f.expectEvidence("t", "We don't have funding.")
        try f.expectEvidence("t", "No doubt, ⏩funding⏪ helped.")
        try f.expectEvidence("t", "Not the tools but ⏩funding⏪.")
        try f.expectEvidence("t", "No one could say the long awaited ⏩funding⏪ arrived.")
        let trace = try f.code("We had no funding.").trace.map(\.message)
        #expect(trace.contains { $0.hasPrefix("negated t/fund: fund — \"funding\"") && $0.hasSuffix("after \"no\": not counted") }, "\(trace)")
    }

    @Test func negatedHitsCountByDefault() throws {
        let f = try CodebookFixture(oneTheme(["fund"]))
        try f.expectEvidence("t", "We had no ⏩funding⏪.")
        let trace = try f.code("We had no funding.").trace.map(\.message)
        #expect(trace.contains { $0.hasPrefix("negated t/fund") && $0.hasSuffix(": counted") }, "\(trace)")
    }

    @Test func negationCuesAndWindowAreConfigurable() throws {
        let f = try CodebookFixture(oneTheme(["fund"], extra: ["negated: skip"],
                                             top: "settings: { negation: { cues: [hardly], window: 2 } }"))
        try f.expectEvidence("t", "There was hardly any funding.")
        try f.expectEvidence("t", "There was hardly ever any ⏩funding⏪.")
        try f.expectEvidence("t", "There was not ⏩funding⏪.")
        try f.expectEvidence("t", "There wasn't funding.")
    }

    @Test func weakRulesNeedCompanyToReachTheThreshold() throws {
        let f = try CodebookFixture(oneTheme(["{ id: tool, match: tool, weight: 0.5 }", "{ id: system, match: system, weight: 0.5 }"]))
        try f.expectEvidence("t", "The tool helped.")
        try f.expectEvidence("t", "The tool, the other tool, a third tool.")
        try f.expectEvidence("t", "The ⏩tool⏪ and the ⏩system⏪ helped.")
        let trace = try f.code("The tool helped.").trace.map(\.message)
        #expect(trace.contains("below threshold t: score 0.5 < 1 (tool)"), "\(trace)")
        let code = try #require(try f.code("The tool and the system, and the tool again.").codes.first)
        #expect(code.score == 1)
        #expect(code.evidence.map(\.weight) == [0.5, 0.5, 0], "a rule counts once; repeats are shown with weight 0")
    }

    @Test func themeThresholdOverridesTheDefault() throws {
        let f = try CodebookFixture(oneTheme(["budget", "cost"], extra: ["threshold: 1.5"]))
        try f.expectEvidence("t", "The budget was tight.")
        try f.expectEvidence("t", "The ⏩budget⏪ and the ⏩costs⏪.")
    }

    @Test func conceptsExpandInPhrasesAndAreSharedByThemes() throws {
        let yaml = """
            version: 1
            concepts:
              senior: [minister, "permanent secretary", director*]
            themes:
              - id: a
                rules: ["@senior NEAR/3 support"]
              - id: b
                rules: ["@senior"]
            """
        let f = try CodebookFixture(yaml)
        try f.expectEvidence("a", "⏩Permanent secretaries⏪ gave ⏩support⏪.")
        try f.expectEvidence("a", "The ⏩directorate's support⏪ helped.")
        try f.expectEvidence("a", "⏩Ministers⏪ offered ⏩support⏪.")
        try f.expectEvidence("a", "Permanent staff gave support.")
        try f.expectEvidence("b", "⏩Permanent secretaries⏪ gave support.")
    }

    @Test func themesApplyOnlyToTheirQuestions() throws {
        let f = try CodebookFixture(oneTheme(["fund"], extra: ["questions: [Q4]"]))
        try f.expectEvidence("t", "⏩Funding⏪.", question: "Q4")
        try f.expectEvidence("t", "Funding.", question: "Q3")
        try f.expectEvidence("t", "⏩Funding⏪.")
    }

    @Test func withoutStemsWordsMatchTheirNormalisedForm() throws {
        let f = try CodebookFixture(oneTheme(["fund"]), stems: false)
        try f.expectEvidence("t", "the ⏩Fund⏪ and its funding")
        let error = #expect(throws: VerbatimError.self) { try CodebookFixture(oneTheme(["~fund"]), stems: false) }
        #expect("\(error!)".contains("/cb.yaml:6:10: error: `~fund` needs stems, but no stemmer runs before the codebook stage"), "\(error!)")
        #expect("\(error!)".contains("hint: add 'snowball-stemmer' before 'codebook'"))
    }

    @Test func evidenceSpansAreUTF8ByteOffsets() throws {
        let f = try CodebookFixture(oneTheme(["café", "fund"]))
        try f.expectEvidence("t", "😀 Le ⏩café⏪ — über ⏩funding⏪ für alle")
    }

    @Test func codesAreSortedByThemeIDAndTracesOnlyWhenAsked() throws {
        let yaml = """
            version: 1
            themes:
              - { id: zeta, rules: [fund] }
              - { id: alpha, rules: [budget] }
            """
        let f = try CodebookFixture(yaml)
        let plain = try f.harness.run("funding and budget")
        #expect(plain.codes.map(\.theme) == ["alpha", "zeta"])
        #expect(plain.trace.isEmpty)
        let traced = try f.code("funding and budget")
        #expect(traced.trace.contains { $0.stage == "codebook" && $0.message.hasPrefix("fired zeta/fund: fund — \"funding\"") })
        #expect(traced.trace.contains { $0.message == "coded alpha: score 1 ≥ 1" })
    }

    @Test func namespacePrefixesThemeIDsAndParents() throws {
        let yaml = """
            version: 1
            themes:
              - { id: people, label: People }
              - { id: leadership, parent: people, colour: "#112233", questions: [Q3], rules: [leader] }
            """
        let f = try CodebookFixture(yaml, options: "namespace: dept")
        let document = try f.harness.run("strong leaders", question: "Q3")
        #expect(document.codes.map(\.theme) == ["dept:leadership"])
        #expect(document.codes[0].evidence.map(\.rule) == ["dept:leadership/leader: leader"])
        let themes = f.harness.pipeline.themes
        #expect(themes.map(\.id) == ["dept:people", "dept:leadership"])
        #expect(themes[1] == ThemeInfo(id: "dept:leadership", label: "leadership", parent: "dept:people", questions: ["Q3"], color: "#112233"))
        // Counts roll up to the parent.
        let counts = ThemeCounts(themes: themes)
        counts.add(document)
        #expect(counts.cells["dept:people"]?["Q3"]?.responses == 1)
    }

    @Test func stackedCodebooksKeepEachOthersCodes() throws {
        let directory = try TestPaths.temporaryDirectory("codebook-test")
        try FileIO.writeAtomically(oneTheme(["fund"]), to: directory + "/a.yaml")
        try FileIO.writeAtomically(oneTheme(["budget"]), to: directory + "/b.yaml")
        let harness = try StageHarness(after: """
            - stage: codebook
              options: { codebook: b.yaml, namespace: second }
            - stage: codebook
              options: { codebook: a.yaml, namespace: first }
            """, baseDirectory: directory)
        let document = try harness.run("funding and budget")
        #expect(document.codes.map(\.theme) == ["first:t", "second:t"])
    }

    @Test func identicalPhrasesInManyRulesAllFire() throws {
        let yaml = """
            version: 1
            themes:
              - { id: a, rules: [shared services, "shared NEAR/2 services"] }
              - { id: b, rules: [shared services] }
            """
        let f = try CodebookFixture(yaml)
        let document = try f.code("We use shared services widely.")
        #expect(document.codes.map(\.theme) == ["a", "b"])
        #expect(document.codes[0].score == 2)
        #expect(document.codes[0].evidence.map(\.rule) == ["a/shared-near-2-services: shared NEAR/2 services", "a/shared-services: shared services"])
    }
}
