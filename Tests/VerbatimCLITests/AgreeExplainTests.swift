import Testing
@testable import VerbatimCLI
import VerbatimCore
import VerbatimTestSupport

/// `verbatim agree` and `verbatim explain`, run in process.
@Suite struct AgreeExplainTests {
    func agree(_ arguments: [String]) throws -> String {
        let command = try #require(try VerbatimCommand.parseAsRoot(["agree"] + arguments) as? AgreeCommand)
        return try command.execute()
    }

    func explain(_ arguments: [String]) throws -> String {
        let command = try #require(try VerbatimCommand.parseAsRoot(["explain"] + arguments) as? ExplainCommand)
        return try command.execute()
    }

    func errorText(_ body: () throws -> String) -> String {
        do { return "no error: " + (try body()) } catch { return "\(error)" }
    }

    /// A folder with a gold file, a coded file and an input, worked through by hand in the tests below.
    func files() throws -> String {
        let dir = try TestPaths.temporaryDirectory("agree-test")
        try FileIO.writeAtomically("""
            {"id": "1", "themes": ["a", "b"], "sentiment": "negative"}
            {"id": "2", "themes": ["a"], "sentiment": "positive"}
            {"id": "3", "themes": [], "sentiment": "neutral"}
            {"id": "4", "themes": ["b"], "sentiment": "negative"}

            """, to: dir + "/gold.jsonl")
        try FileIO.writeAtomically("""
            {"id":"1","question":null,"themes":["a"],"evidence":{"a":[{"start":0,"end":3,"text":"ant","rule":"a/ant: ant"}]},"sentiment":{"label":"negative","score":-0.5}}
            {"id":"2","question":null,"themes":["a","b"],"evidence":{"a":[{"start":0,"end":3,"text":"ant","rule":"a/ant: ant"}],"b":[{"start":4,"end":7,"text":"bee","rule":"b/bee: bee*"}]},"sentiment":{"label":"neutral","score":0}}
            {"id":"3","question":null,"themes":[],"evidence":{},"sentiment":{"label":"neutral","score":0}}
            {"id":"4","question":null,"text":"a bee here","themes":["b"],"evidence":{"b":[{"start":2,"end":5,"text":"bee","rule":"b/bee: bee*"}]},"sentiment":{"label":"negative","score":-0.2}}
            {"id":"5","question":null,"themes":["a"],"evidence":{},"sentiment":null}

            """, to: dir + "/coded.jsonl")
        try FileIO.writeAtomically("""
            {"id": "1", "text": "ant and bumblebees"}
            {"id": "2", "text": "ant bee"}

            """, to: dir + "/input.jsonl")
        return dir
    }

    @Test func helpListsTheOptions() {
        let agreeHelp = AgreeCommand.helpMessage()
        for option in ["<gold>", "--coded", "--show-errors", "--pipeline", "--threads", "micro", "alpha"] {
            #expect(agreeHelp.contains(option), "agree help mentions \(option)")
        }
        let explainHelp = ExplainCommand.helpMessage()
        for option in ["<text>", "--id", "--input", "--question", "--pipeline"] {
            #expect(explainHelp.contains(option), "explain help mentions \(option)")
        }
    }

    @Test func agreeWithACodedFilePrintsTheStatistics() throws {
        let dir = try files()
        let output = try agree([dir + "/gold.jsonl", "--coded", dir + "/coded.jsonl"])
        let lines = output.split(separator: "\n").map(String.init)
        // Theme b: tp 1, fp 1, fn 1, tn 1 → P 0.5, R 0.5, F1 0.5, kappa 0, support 2, coded 2.
        #expect(lines.contains { $0.hasPrefix("b ") && $0.hasSuffix("0.500   0.500   0.500   0.000        2      2") }, "\(output)")
        #expect(lines.contains { $0.hasPrefix("a ") && $0.hasSuffix("1.000   1.000   1.000   1.000        2      2") }, "\(output)")
        #expect(lines.contains { $0.hasPrefix("micro ") && $0.contains("0.750   0.750   0.750") })
        #expect(lines.contains { $0.hasPrefix("macro ") && $0.contains("0.750   0.750   0.750") })
        #expect(lines.contains("micro-F1 0.750  macro-F1 0.750"))
        // 8 decisions: 3 yes-yes, 3 no-no, 2 disagreements → 1 − (16 − 1)·2 / (8·8) = 0.531.
        #expect(lines.contains { $0.hasPrefix("alpha 0.531  (Krippendorff, nominal, 4 answers × 2 themes = 8 decisions)") }, "\(output)")
        #expect(lines.contains("sentiment  accuracy 0.750  macro-F1 0.556  kappa 0.600  (4 answers)"), "\(output)")
        #expect(!output.contains("FP "), "errors only with --show-errors")
    }

    @Test func showErrorsListsEvidenceAndTexts() throws {
        let dir = try files()
        let output = try agree([dir + "/gold.jsonl", dir + "/input.jsonl", "--coded", dir + "/coded.jsonl", "--show-errors"])
        #expect(output.contains("\nb\n  FP 2\n       \"bee\"  ← b/bee: bee*\n  FN 1  \"ant and bumblebees\"\n"), "\(output)")
        #expect(!output.contains("\na\n"), "theme a has no errors")
    }

    @Test func missingIDsAndMalformedLinesAreReportedWithTheirPlace() throws {
        let dir = try files()
        try FileIO.writeAtomically("{\"id\": \"1\", \"themes\": []}\n{\"id\": \"9\", \"themes\": []}\n{\"id\": \"8\", \"themes\": []}\n",
                                   to: dir + "/gold2.jsonl")
        let missing = errorText { try agree([dir + "/gold2.jsonl", "--coded", dir + "/coded.jsonl"]) }
        #expect(missing.hasPrefix("\(dir)/gold2.jsonl:2: error: id '9' is not among the coded answers of \(dir)/coded.jsonl (and 1 more of the 3 gold ids)"),
                "\(missing)")
        try FileIO.writeAtomically("{\"id\":\"1\",\"themes\":[]}\n{\"id\": \"2\", oops}\n", to: dir + "/bad.jsonl")
        let malformed = errorText { try agree([dir + "/gold.jsonl", "--coded", dir + "/bad.jsonl"]) }
        #expect(malformed.hasPrefix("\(dir)/bad.jsonl:2:13: error: not valid JSON"), "\(malformed)")
        try FileIO.writeAtomically("{\"id\": \"1\", \"themes\": [}\n", to: dir + "/badgold.jsonl")
        let badGold = errorText { try agree([dir + "/badgold.jsonl", "--coded", dir + "/coded.jsonl"]) }
        #expect(badGold.hasPrefix("\(dir)/badgold.jsonl:1:24: error: not valid JSON"), "\(badGold)")
    }

    /// A pipeline of the front end and a two-theme codebook, in a fresh folder.
    func pipeline() throws -> String {
        let dir = try TestPaths.temporaryDirectory("explain-test")
        try FileIO.writeAtomically("""
            version: 1
            themes:
              - id: funding
                label: Funding
                rules: [fund, budget, money, fees]
              - id: churn
                label: Churn
                rules: [{ id: churn, match: churn, unless: [churn is not the issue] }]
            """, to: dir + "/cb.yaml")
        try FileIO.writeAtomically("""
            version: 1
            stages:
              - stage: icu-tokenizer
              - stage: snowball-stemmer
              - stage: codebook
                options: { codebook: cb.yaml }
            """, to: dir + "/pipeline.yaml")
        return dir + "/pipeline.yaml"
    }

    @Test func agreeCodesInMemoryAndComparesOnlyTheGoldIDs() throws {
        let dir = try TestPaths.temporaryDirectory("agree-memory")
        // Q3-009 is about fees and charges; Q3-019 says churn is not the issue, and mentions money.
        try FileIO.writeAtomically("""
            {"id": "Q3-009", "themes": ["funding"]}
            {"id": "Q3-019", "themes": ["churn"]}

            """, to: dir + "/gold.jsonl")
        let output = try agree([dir + "/gold.jsonl", "--pipeline", try pipeline(), TestPaths.corpus + "/responses.jsonl", "--show-errors"])
        #expect(output.contains("2 answers, 2 themes"), "\(output)")
        #expect(output.contains("  FN Q3-019  \"Ministerial/senior churn is not the issue"), "\(output)")
        #expect(output.contains("  FP Q3-019\n       \"money\"  ← funding/"), "\(output)")
        let missing = errorText {
            try FileIO.writeAtomically("{\"id\": \"nope\", \"themes\": []}\n", to: dir + "/gold.jsonl")
            return try agree([dir + "/gold.jsonl", "--pipeline", try pipeline()])
        }
        #expect(missing.contains("gold.jsonl:1: error: id 'nope' is not among the coded answers"), "\(missing)")
    }

    @Test func explainShowsStemsRulesVetoesAndCodes() throws {
        let output = try explain(["Churn is not the issue; funding is.", "--pipeline", try pipeline()])
        #expect(output.hasPrefix("Answer text\n  Churn is not the issue; funding is.\n"))
        #expect(output.contains("funding→fund"), "tokens show their stems: \(output)")
        #expect(output.contains("vetoed churn/churn: churn — \"Churn\" at 0–5 by churn/churn unless: churn is not the issue"), "\(output)")
        #expect(output.contains("fired funding/fund: fund — \"funding\" at 24–31 weight 1"))
        #expect(output.contains("Codes:\n  funding  score 1\n    \"funding\" [24–31]  funding/fund: fund  weight 1\n"))
        #expect(output.contains("Sentiment: none (the pipeline has no sentiment stage)"))
    }

    @Test func explainPicksAnAnswerByIDWithTheDefaultPipeline() throws {
        let output = try explain(["--id", "Q3-019"])
        #expect(output.hasPrefix("Answer Q3-019 (Q3)\n  Ministerial/senior churn is not the issue"))
        #expect(output.contains("vetoed churn_continuity/churn"), "the bundled codebook vetoes this churn: \(output)")
        #expect(output.contains("\n  leadership  score"))
        let sentiment = try #require(output.split(separator: "\n").first { $0.hasPrefix("Sentiment: ") })
        #expect(["positive", "negative", "neutral", "mixed"].contains { sentiment.hasPrefix("Sentiment: \($0) (score ") }, "\(sentiment)")
    }

    @Test func explainNeedsTextOrID() {
        #expect(throws: (any Error).self) { try VerbatimCommand.parseAsRoot(["explain"]) }
        #expect(throws: (any Error).self) { try VerbatimCommand.parseAsRoot(["explain", "some text", "--id", "Q3-001"]) }
        let unknown = errorText { try explain(["--id", "Q0-000"]) }
        #expect(unknown.contains("no answer with id 'Q0-000'"))
    }
}
