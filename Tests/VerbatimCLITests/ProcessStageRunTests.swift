import Testing
@testable import VerbatimCLI
import VerbatimCore
import VerbatimTestSupport

/// Process stages inside whole runs: the PII redactor end to end, and a failing stage leaving nothing behind.
@Suite struct ProcessStageRunTests {
    func run(_ arguments: [String]) throws {
        let command = try #require(try VerbatimCommand.parseAsRoot(["run"] + arguments) as? RunCommand)
        try command.execute()
    }

    @Test func redactedPipelineRemovesPersonalDataBeforeCoding() throws {
        let dir = try TestPaths.temporaryDirectory()
        let input = dir + "/in.jsonl"
        try FileIO.writeAtomically("""
            {"id": "p1", "question": "Q9", "text": "Senior leadership buy-in was vital. Contact jane.doe@example.gov.uk or 020 7946 0958."}
            {"id": "p2", "question": "Q8", "text": "Mr John Smith at SW1A 2AA ran the joint funding board; NI AB 12 34 56 C."}
            {"id": "p3", "question": "Q3", "text": "Lack of funding and no clear roles."}

            """, to: input)
        let out = dir + "/out"
        try run(["--out", out, "--quiet", "--with-text", "--pipeline", TestPaths.corpus + "/pipeline-redacted.yaml", input])
        let records = try FileIO.readText(path: out + "/coded.jsonl").split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(records.map { $0["text"]?.stringValue } == [
            "Senior leadership buy-in was vital. Contact [EMAIL] or [PHONE].",
            "[NAME] at [POSTCODE] ran the joint funding board; NI [NI NUMBER].",
            "Lack of funding and no clear roles.",
        ])
        #expect(records[0]["annotations"]?["redactions"] == .number(2))
        // Evidence offsets point into the redacted text.
        for record in records {
            let text = Array(try #require(record["text"]?.stringValue).unicodeScalars)
            if case let .object(themes)? = record["evidence"] {
                for (_, spans) in themes {
                    for span in spans.arrayValue ?? [] {
                        let s = Int(span["start"]?.doubleValue ?? -1), e = Int(span["end"]?.doubleValue ?? -1)
                        var slice = String.UnicodeScalarView()
                        slice.append(contentsOf: text[s..<e])
                        #expect(span["text"]?.stringValue == String(slice))
                    }
                }
            }
        }
        let everything = try FileIO.readText(path: out + "/coded.jsonl") + FileIO.readText(path: out + "/quotes.md")
        for secret in ["jane.doe", "7946", "John Smith", "SW1A", "AB 12 34 56 C"] {
            #expect(!everything.contains(secret), "\(secret) leaked")
        }
    }

    @Test func failingProcessStageStopsTheRunAndWritesNothing() throws {
        let dir = try TestPaths.temporaryDirectory()
        let fixtures = TestPaths.repositoryRoot + "/Tests/PluginsTests/Fixtures"
        try FileIO.writeAtomically("""
            version: 1
            stages:
              - stage: exec
                options:
                  command: [python3, \(fixtures)/scripted_stage.py, crash, "1"]
                  on_error: fail
            """, to: dir + "/p.yaml")
        try FileIO.writeAtomically("{\"id\":\"a\",\"text\":\"one\"}\n{\"id\":\"b\",\"text\":\"two\"}\n", to: dir + "/in.jsonl")
        let out = dir + "/out"
        #expect {
            try run(["--out", out, "--quiet", "--threads", "1", "--pipeline", dir + "/p.yaml", dir + "/in.jsonl"])
        } throws: { error in
            let message = "\(error)"
            return message.contains("stage 'exec:scripted' failed on response 'b'") && message.contains("exit status 3")
        }
        for file in ["coded.jsonl", "counts.csv", "quotes.md"] { #expect(!FileIO.exists(out + "/" + file)) }
    }

    @Test func pipelineCheckShowsTheHandshake() throws {
        let report = try PipelineCommand.Check.report(path: TestPaths.corpus + "/pipeline-redacted.yaml")
        #expect(report.contains("ok, 5 stages"))
        #expect(report.contains("1. exec:pii-redactor  requires: -  assigns: text"))
        #expect(report.contains("2. icu-tokenizer"))
    }

    @Test func pipelineCheckHelp() {
        #expect(PipelineCommand.Check.helpMessage().contains("handshake"))
    }
}
