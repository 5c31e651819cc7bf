import Testing
@testable import VerbatimCLI
import VerbatimCore
import VerbatimTestSupport

/// End-to-end runs of `verbatim run`, in process.
@Suite struct RunCommandTests {
    /// The progress line: answers, rate, and the time left once the input's size is known.
    @Test func progressLineShowsRateAndTimeLeft() {
        var summary = RunSummary()
        summary.read = 1_234_567
        summary.bytes = 50_000_000
        #expect(ProgressReporter.line(summary, elapsed: 10, fractionRead: nil) == "1,234,567 answers, 123,456/s, 5.0 MB/s")
        #expect(ProgressReporter.line(summary, elapsed: 10, fractionRead: 0.25)
                == "1,234,567 answers, 123,456/s, 5.0 MB/s, 25% read, about 30 s left")
        #expect(ProgressReporter.line(summary, elapsed: 100, fractionRead: 0.5).hasSuffix("50% read, about 2 min left"))
        // Too little read to say how long the rest takes.
        #expect(!ProgressReporter.line(summary, elapsed: 2, fractionRead: 0.001).contains("left"))
        #expect(ProgressReporter.grouped(999) == "999")
        #expect(ProgressReporter.grouped(1_000) == "1,000")
        #expect(ProgressReporter.grouped(-12_345) == "-12,345")
    }

    func run(_ arguments: [String]) throws {
        let command = try #require(try VerbatimCommand.parseAsRoot(["run"] + arguments) as? RunCommand)
        try command.execute()
    }

    func lines(_ path: String) throws -> [String] {
        // Splitting on Character: "\r\n" is one Character, so CSV's CRLF lines split too.
        try FileIO.readText(path: path).split(whereSeparator: \.isNewline).map(String.init)
    }

    @Test func bundledCorpusEndToEnd() throws {
        let out = try TestPaths.temporaryDirectory()
        try run(["--out", out, "--quiet", "--pipeline", TestPaths.corpus + "/pipeline.yaml",
                 TestPaths.corpus + "/responses.jsonl"])
        let coded = try lines(out + "/coded.jsonl")
        let input = try lines(TestPaths.corpus + "/responses.jsonl")
        #expect(coded.count == 325)
        var codedResponses = 0
        for (codedLine, inputLine) in zip(coded, input) {
            let record = try JSONParser.parse(codedLine)
            let source = try JSONParser.parse(inputLine)
            #expect(record["id"] == source["id"])
            let text = Array(try #require(source["text"]?.stringValue).unicodeScalars)
            let themes = try #require(record["themes"]?.arrayValue).compactMap(\.stringValue)
            #expect(themes == themes.sorted())
            if !themes.isEmpty { codedResponses += 1 }
            for theme in themes {
                let spans = try #require(record["evidence"]?[theme]?.arrayValue, "\(theme) has no evidence")
                #expect(!spans.isEmpty)
                for span in spans {
                    let start = Int(try #require(span["start"]?.doubleValue))
                    let end = Int(try #require(span["end"]?.doubleValue))
                    #expect(0 <= start && start < end && end <= text.count)
                    var slice = String.UnicodeScalarView()
                    slice.append(contentsOf: text[start..<end])
                    #expect(span["text"]?.stringValue == String(slice))
                    let rule = span["rule"]?.stringValue
                    #expect(rule?.isEmpty == false)
                }
            }
            let label = record["sentiment"]?["label"]?.stringValue
            #expect(["positive", "negative", "neutral", "mixed"].contains(label ?? ""))
        }
        #expect(codedResponses > 200, "the default codebook codes most answers")
        let counts = try lines(out + "/counts.csv")
        #expect(counts.first == "theme,label,parent,question,responses,answers,share,positive,negative,neutral,mixed")
        #expect(counts.count == 1 + 18 * 5, "18 themes × (Q3, Q4, Q8, Q9, ALL)")
        let quotes = try FileIO.readText(path: out + "/quotes.md")
        #expect(quotes.hasPrefix("# Themed quotes"))
        #expect(quotes.contains("**"), "evidence is highlighted")
        #expect(!FileIO.exists(out + "/problems.txt"))
    }

    @Test func outputIsByteIdenticalForOneAndTwoThreads() throws {
        let one = try TestPaths.temporaryDirectory(), two = try TestPaths.temporaryDirectory()
        try run(["--out", one, "--quiet", "--threads", "1", TestPaths.corpus + "/responses.jsonl"])
        try run(["--out", two, "--quiet", "--threads", "2", TestPaths.corpus + "/responses.jsonl"])
        for file in ["coded.jsonl", "counts.csv", "quotes.md"] {
            #expect(try FileIO.readBytes(path: one + "/" + file) == FileIO.readBytes(path: two + "/" + file), "\(file) differs")
        }
    }

    @Test func malformedRecordsAreReportedAndSkipped() throws {
        let dir = try TestPaths.temporaryDirectory()
        let input = dir + "/in.jsonl"
        try FileIO.writeAtomically("""
            {"id": "a", "text": "Senior leadership was strong."}
            {"id": "b", "text": "broken
            {"id": "c"}
            {"id": "d", "text": "Funding was a barrier."}

            """, to: input)
        let out = dir + "/out"
        try run(["--out", out, "--quiet", input])
        let coded = try lines(out + "/coded.jsonl")
        let ids = try coded.map { try JSONParser.parse($0)["id"]?.stringValue }
        #expect(ids == ["a", "d"])
        let problems = try FileIO.readText(path: out + "/problems.txt")
        #expect(problems.contains("\(input):2:"))
        #expect(problems.contains("unterminated string"))
        #expect(problems.contains("\(input):3:1: error: the record has no \"text\" field"))
    }

    @Test func strictModeFailsAndLeavesNoPartialOutput() throws {
        let dir = try TestPaths.temporaryDirectory()
        let input = dir + "/in.jsonl"
        try FileIO.writeAtomically("{\"id\": \"a\", \"text\": \"ok\"}\ngarbage\n", to: input)
        let out = dir + "/out"
        #expect {
            try run(["--out", out, "--quiet", "--strict", input])
        } throws: { error in
            "\(error)".hasPrefix("\(input):2:1: error: not valid JSON: unexpected character 'g', expected a value")
        }
        #expect(!FileIO.exists(out + "/coded.jsonl"))
        #expect(!FileIO.exists(out + "/counts.csv"))
    }

    @Test func wideCSVInput() throws {
        let dir = try TestPaths.temporaryDirectory()
        let input = dir + "/survey.csv"
        try FileIO.writeAtomically(
            "\u{FEFF}respondent,grade,Q3,Q8\r\n7,SCS,\"Lack of funding, and no \"\"buy-in\"\"\",\r\n8,G7,,\"A joint project\nwith local government\"\r\n",
            to: input)
        let out = dir + "/out"
        try run(["--out", out, "--quiet", "--id-column", "respondent", "--text-columns", "Q3,Q8", input])
        let records = try lines(out + "/coded.jsonl").map { try JSONParser.parse($0) }
        #expect(records.map { $0["id"]?.stringValue } == ["7-Q3", "8-Q8"])
        #expect(records.map { $0["question"]?.stringValue } == ["Q3", "Q8"])
        #expect(records[0]["metadata"]?["grade"]?.stringValue == "SCS")
    }

    @Test func unknownStageFailsBeforeReadingInput() throws {
        let dir = try TestPaths.temporaryDirectory()
        try FileIO.writeAtomically("version: 1\nstages:\n  - stage: icu-tokeniser\n", to: dir + "/p.yaml")
        #expect {
            try run(["--out", dir + "/out", "--quiet", "--pipeline", dir + "/p.yaml", "/nonexistent.jsonl"])
        } throws: { error in
            "\(error)".contains("unknown stage 'icu-tokeniser'") || "\(error)".contains("does not exist")
        }
    }

    @Test func helpDescribesTheContract() {
        let help = RunCommand.helpMessage()
        for option in ["--pipeline", "--out", "--threads", "--strict", "--id-column", "--text-columns", "coded.jsonl", "counts.csv", "quotes.md"] {
            #expect(help.contains(option), "help lacks \(option)")
        }
        let root = VerbatimCommand.helpMessage()
        for sub in ["run", "stem", "stages"] { #expect(root.contains(sub)) }
    }

    @Test func stagesListingShowsOptionsAndRequirements() {
        let listing = StagesCommand.listing(.builtin)
        #expect(listing.contains("snowball-stemmer@1"))
        #expect(listing.contains("requires: tokens"))
        #expect(listing.contains("language (string), default english"))
    }
}
