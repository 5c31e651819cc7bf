import Testing
import VerbatimCore
import VerbatimStages
import VerbatimTestSupport

/// The codebook and the lexicon remember words by the stemmer's word numbers (`WordNumbering`).
/// That must never change a result: every answer codes exactly as it does by the words' bytes.
@Suite struct WordNumberingAgreementTests {
    static func bundledPipeline() throws -> Pipeline {
        try StageRegistry.builtin.build(PipelineConfig.load(path: TestPaths.corpus + "/pipeline.yaml"))
    }

    /// The bundled answers as written, then in capitals, then in lower case: the capitals send every
    /// word to the byte path of the codebook's case-sensitive terms (`=IT`, `=SCS`), the lower case
    /// through numbers that earlier answers gave.
    static func answers() throws -> [Response] {
        let written = try CodebookScaleTests.responses()
        let upper = written.map { Response(id: $0.id + "-upper", question: $0.question, text: $0.text.uppercased()) }
        let lower = written.map { Response(id: $0.id + "-lower", question: $0.question, text: $0.text.lowercased()) }
        return written + upper + lower + written
    }

    static func expectSameResults(_ a: Document, _ b: Document, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(a.codes == b.codes, "\(a.response.id)", sourceLocation: sourceLocation)
        #expect(a.sentiment == b.sentiment, "\(a.response.id)", sourceLocation: sourceLocation)
        #expect(a.themeSentiment == b.themeSentiment, "\(a.response.id)", sourceLocation: sourceLocation)
        #expect(a.sentenceSentiment == b.sentenceSentiment, "\(a.response.id)", sourceLocation: sourceLocation)
    }

    @Test func bundledPipelineGivesTheSameResultsWithAndWithoutWordNumbers() throws {
        let pipeline = try Self.bundledPipeline()
        let numbered = try pipeline.makeWorker(), plain = try pipeline.makeWorker()
        let stemmer = try #require(plain.names.firstIndex(of: "snowball-stemmer"))
        var numberedWords = 0, words = 0
        for r in try Self.answers() {
            var a = Document(r)
            try numbered.process(&a)
            #expect(a.wordNumberSpace != WordNumbering.none)
            numberedWords += a.tokens.filter { $0.wordNumber >= 0 }.count
            words += a.tokens.filter { $0.kind == .word }.count
            var b = Document(r)
            for (k, p) in plain.processors.enumerated() {
                try p.process(&b)
                if k == stemmer { b.wordNumberSpace = WordNumbering.none }
            }
            Self.expectSameResults(a, b)
        }
        // Nearly every word is numbered (not those over 16 bytes), so the numbers were put to use.
        #expect(numberedWords * 100 > words * 95, "\(numberedWords) of \(words) words numbered")
    }

    /// One worker's codebook and lexicon fed answers stemmed by two different stemmers in turn: the
    /// same number means different words in their two spaces, so a memo that kept a space's numbers
    /// into the other's would code wrongly.
    @Test func numbersOfDifferentStemmersNeverMix() throws {
        let pipeline = try Self.bundledPipeline()
        let reference = try pipeline.makeWorker(), mine = try pipeline.makeWorker(), other = try pipeline.makeWorker()
        let frontEnd = try #require(mine.names.firstIndex(of: "snowball-stemmer")) + 1
        // Different orders of first use, so that the two stemmers number the words differently.
        for r in try CodebookScaleTests.responses().reversed() {
            var d = Document(r)
            try other.process(&d)
        }
        var spaces: Set<UInt64> = []
        for (k, r) in try Self.answers().enumerated() {
            var expected = Document(r)
            try reference.process(&expected)
            var d = Document(r)
            let front = k % 2 == 0 ? mine : other
            for p in front.processors[..<frontEnd] { try p.process(&d) }
            spaces.insert(d.wordNumberSpace)
            for p in mine.processors[frontEnd...] { try p.process(&d) }
            Self.expectSameResults(d, expected)
        }
        #expect(spaces.count == 2)
    }
}
