import Testing
@testable import VerbatimCore
@testable import VerbatimReports
import VerbatimTestSupport

/// Which extract of an answer becomes the quote, and how it is trimmed. Fixtures mark the evidence
/// with ⏩…⏪, both in the answer and in the expected quote.
@Suite struct QuoteExtractionTests {
    func quote(_ marked: String, maxCharacters: Int = 280) throws -> Quote {
        let document = try Fixtures.document(marked)
        return try #require(QuoteExtractor.extract(code: document.codes[0], from: document, maxCharacters: maxCharacters, sequence: 1))
    }

    @Test func shortAnswerIsQuotedWhole() throws {
        #expect(Fixtures.marked(try quote("We had ⏩senior buy-in⏪ from the start.")) == "We had ⏩senior buy-in⏪ from the start.")
    }

    @Test func onlyTheSentenceWithTheEvidence() throws {
        let q = try quote("It went well at first. The ⏩funding⏪ ran out in March. Then we stopped.")
        #expect(Fixtures.marked(q) == "The ⏩funding⏪ ran out in March.")
    }

    @Test func sentencesFromFirstToLastEvidence() throws {
        let q = try quote("Intro here. The ⏩budget⏪ was small. Nobody helped. So the ⏩funding⏪ stopped. The end.")
        #expect(Fixtures.marked(q) == "The ⏩budget⏪ was small. Nobody helped. So the ⏩funding⏪ stopped.")
    }

    @Test func tooLongSpanKeepsTheSentenceWithMostEvidence() throws {
        let filler = String(repeating: "nothing to see here at all ", count: 4)
        let q = try quote("The ⏩budget⏪ was small. \(filler)and so on. The ⏩funding⏪ and ⏩budget⏪ both stopped.", maxCharacters: 80)
        #expect(Fixtures.marked(q) == "The ⏩funding⏪ and ⏩budget⏪ both stopped.")
    }

    @Test func trimsAtClauseBoundaries() throws {
        let q = try quote(
            "Although the project was long and difficult, the ⏩senior buy-in⏪ kept it going, which surprised everyone in the team at the time.",
            maxCharacters: 70)
        #expect(Fixtures.marked(q) == "…the ⏩senior buy-in⏪ kept it going…")
    }

    @Test func growsByWholeClausesWhileTheyFit() throws {
        let q = try quote(
            "Although the project was long, the ⏩senior buy-in⏪ kept it going, which surprised everyone in the team at the time.",
            maxCharacters: 70)
        #expect(Fixtures.marked(q) == "Although the project was long, the ⏩senior buy-in⏪ kept it going…")
    }

    @Test func trimsBetweenWordsInsideAClauseAndNotOnAFunctionWord() throws {
        let q = try quote(
            "We all agreed that without real ⏩senior buy-in⏪ nothing much would ever change here in our department at all",
            maxCharacters: 40)
        #expect(Fixtures.marked(q) == "…real ⏩senior buy-in⏪ nothing much would…")
    }

    @Test func neverCutsAWordAtAnyLength() throws {
        let marked = "Leadership accountability, rooted in departmental outcomes, which compete with cross government projects "
            + "for ⏩resources⏪ and costs arising in one organisation (and benefits in another) - as well as the wrong culture."
        let source = MarkedText(marked).text
        let words = Set(source.split(whereSeparator: { $0 == " " }).map(String.init))
        for limit in stride(from: 16, through: 220, by: 3) {
            let q = try quote(marked, maxCharacters: limit)
            #expect(q.text.unicodeScalars.count <= limit, "limit \(limit): \(q.text)")
            var body = Substring(q.text)
            if body.hasPrefix("…") { body = body.dropFirst() }
            if body.hasSuffix("…") { body = body.dropLast() }
            #expect(source.contains(body), "limit \(limit): \(q.text)")
            // First and last pieces are whole words of the answer (trailing punctuation may be dropped).
            let pieces = body.split(separator: " ")
            for piece in [pieces.first, pieces.last].compactMap({ $0 }) {
                #expect(words.contains { $0 == piece || $0.hasPrefix(piece) && !$0.dropFirst(piece.count).contains(where: \.isLetter) },
                        "limit \(limit): '\(piece)' is not a whole word in \(q.text)")
            }
            #expect(Fixtures.marked(q).contains("⏩resources⏪"), "limit \(limit): \(Fixtures.marked(q))")
        }
    }

    @Test func evidenceOffsetsCountUnicodeScalars() throws {
        #expect(Fixtures.marked(try quote("Great 👩🏽‍💻 ⏩teamwork⏪ 🎉 across teams")) == "Great 👩🏽‍💻 ⏩teamwork⏪ 🎉 across teams")
        #expect(Fixtures.marked(try quote("نحتاج إلى ⏩ثقافة⏪ تعاون أفضل")) == "نحتاج إلى ⏩ثقافة⏪ تعاون أفضل")
    }

    @Test func aWordLongerThanTheLimitIsCutBetweenCharacters() throws {
        let word = String(repeating: "x", count: 300)
        let q = try quote("⏩\(word)⏪", maxCharacters: 50)
        #expect(q.text.unicodeScalars.count <= 50)
        #expect(q.text.hasSuffix("…"))
    }

    @Test func fiftyThousandCharacterAnswer() throws {
        let q = try quote(Fixtures.longAnswer)
        #expect(q.text.unicodeScalars.count <= 280)
        #expect(Fixtures.marked(q).contains("⏩funding⏪"))
    }

    @Test func withoutSentenceAnnotationsTheWholeTextIsTheCandidate() throws {
        let m = MarkedText("First part, then the ⏩budget⏪ part.")
        var document = Document(Response(id: "a", text: m.text))
        document.codes = [Code(theme: "funding", score: 1, evidence: [Evidence(span: m.spans[0], rule: "r")])]
        let q = try #require(QuoteExtractor.extract(code: document.codes[0], from: document, maxCharacters: 280, sequence: 1))
        #expect(Fixtures.marked(q) == "First part, then the ⏩budget⏪ part.")
        #expect(q.stems == ["budget", "first", "part", "the", "then"])
    }

    @Test func readabilityPrefersSelfContainedSentences() {
        let whole = QuoteExtractor.readability(body: "Senior leaders must show that collaboration matters to them and to their teams.",
                                               trimmedStart: false, trimmedEnd: false, wholeAnswer: true, limit: 280)
        let dangling = QuoteExtractor.readability(body: "and they must show that collaboration matters to them and to their teams",
                                                  trimmedStart: true, trimmedEnd: true, wholeAnswer: false, limit: 280)
        let fragment = QuoteExtractor.readability(body: "Leadership.", trimmedStart: false, trimmedEnd: false, wholeAnswer: true, limit: 280)
        #expect(whole > dangling)
        #expect(whole > fragment)
    }
}
