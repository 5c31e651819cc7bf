import Testing
import VerbatimCore
import VerbatimTestSupport
@testable import ExecStage

/// Process stages: the protocol, and every way a program can misbehave, each with its message.
@Suite struct ExecStageTests {
    static let fixtures = TestPaths.repositoryRoot + "/Tests/PluginsTests/Fixtures"

    func harness(_ mode: String, timeout: Double = 5, startup: Double = 60, onError: String = "fail") throws -> StageHarness {
        try StageHarness(yaml: """
            version: 1
            stages:
              - stage: exec
                options:
                  command: [python3, scripted_stage.py, \(mode.split(separator: " ").joined(separator: ", "))]
                  timeout: \(timeout)
                  startup_timeout: \(startup)
                  on_error: \(onError)
            """, baseDirectory: Self.fixtures)
    }

    func batch(_ texts: [String]) -> [Document] {
        texts.enumerated().map { Document(Response(id: "r\($0.offset)", text: $0.element)) }
    }

    func buildError(_ mode: String, startup: Double = 60) -> String {
        do {
            _ = try harness(mode, startup: startup)
            return "no error"
        } catch { return "\(error)" }
    }

    @Test func handshakeGivesNameRequiresAndAssigns() throws {
        let h = try harness("ok")
        let stage = try #require(h.pipeline.stages.first as? ExecStage)
        #expect(stage.handshake == ExecStage.Handshake(name: "scripted", version: 1, requires: [], assigns: [.codes]))
        #expect(stage.instanceName == "exec:scripted")
    }

    @Test func codesWithEvidenceAndAnnotationsComeBack() throws {
        let marked = MarkedText("Le ⏩budget⏪ était 😀 serré")
        let doc = try harness("ok").run(marked.text)
        #expect(doc.codes.map(\.theme) == ["money"])
        #expect(doc.codes[0].evidence.map(\.span) == marked.spans)
        #expect(doc.codes[0].evidence[0].rule == "scripted: word budget")
        #expect(doc.annotations["length"] == .number(Double(marked.text.unicodeScalars.count)))
    }

    @Test func shortFormRunsTheCommand() throws {
        let h = try StageHarness(yaml: "version: 1\nstages:\n  - \"exec: python3 scripted_stage.py ok\"\n", baseDirectory: Self.fixtures)
        #expect(try h.run("the budget").codes.count == 1)
    }

    @Test func missingHandshakeTimesOut() {
        let message = buildError("nohello", startup: 0.5)
        #expect(message.contains("gave no handshake: no answer within 0.5 s"))
        #expect(message.contains("option 'command' of stage 'exec'"))
    }

    @Test func wrongProtocolVersionIsRefused() {
        #expect(buildError("badhello").contains("it speaks protocol 99; this host speaks 1"))
    }

    @Test func missingProgramSaysItExited() {
        let message: String
        do {
            _ = try StageHarness(yaml: "version: 1\nstages:\n  - \"exec: no-such-program-here\"\n", baseDirectory: Self.fixtures)
            message = "no error"
        } catch { message = "\(error)" }
        #expect(message.contains("gave no handshake: it exited (exit status 127)"))
        #expect(message.contains("no-such-program-here"))
    }

    func failures(_ mode: String, timeout: Double = 5, onError: String = "fail", count: Int = 4) throws -> [(index: Int, error: VerbatimError)] {
        let worker = try harness(mode, timeout: timeout, onError: onError).pipeline.makeWorker()
        var docs = batch((0..<count).map { "answer \($0) about the budget" })
        return worker.process(batch: &docs)
    }

    @Test func crashNamesStageResponseStatusAndStandardError() throws {
        let f = try failures("crash 2")
        #expect(f.map(\.index) == [2, 3])
        guard case let .stageAborted(stage, id, message) = f[0].error else {
            Issue.record("expected stageAborted, got \(f[0].error)")
            return
        }
        #expect(stage == "exec:scripted")
        #expect(id == "r2")
        #expect(message.contains("it exited (exit status 3)"))
        #expect(message.contains("scripted stage: simulated crash"))
        #expect("\(f[0].error)".contains("set `on_error: skip`"))
    }

    @Test func skipModeReportsAndRestartsAfterACrash() throws {
        let h = try harness("crash 1", onError: "skip")
        let worker = try h.pipeline.makeWorker()
        var first = batch(["a budget", "b budget"])
        let f = worker.process(batch: &first)
        try #require(f.map(\.index) == [1])
        guard case .stageFailed(_, "r1", _) = f[0].error else {
            Issue.record("expected stageFailed for r1, got \(f[0].error)")
            return
        }
        // A fresh copy of the program takes the next batch.
        var second = batch(["c budget"])
        #expect(worker.process(batch: &second).isEmpty)
        #expect(second[0].codes.count == 1)
    }

    @Test func hangIsATimeout() throws {
        let f = try failures("hang 1", timeout: 2)
        #expect(f.map(\.index) == [1, 2, 3])
        #expect("\(f[0].error)".contains("stage 'exec:scripted' failed on response 'r1': no answer within 2 s"))
        #expect("\(f[1].error)".contains("not answered"))
    }

    @Test func malformedJSONIsReportedPerResponse() throws {
        let f = try failures("malformed", count: 2)
        #expect(f.map(\.index) == [0, 1])
        #expect("\(f[0].error)".contains("failed on response 'r0': returned malformed JSON"))
        #expect("\(f[0].error)".contains("{this is not json"))
    }

    @Test func offsetsOutsideTheTextAreRejected() throws {
        let f = try failures("offsets", count: 1)
        #expect("\(f[0].error)".contains("evidence of 'money' has offsets 0..<35 outside the text (25 characters)"))
    }

    @Test func editsThatDoNotAddUpAreRejected() throws {
        let f = try failures("edits", count: 1)
        #expect("\(f[0].error)".contains("edits do not add up: the old text has 25 characters and the edits change that by 0, but the new text has 27"))
    }

    @Test func outOfStepAnswersBreakTheStream() throws {
        let f = try failures("wrongseq", count: 2)
        #expect(f.map(\.index) == [0, 1])
        #expect("\(f[0].error)".contains("answered seq 5/id 'r0' where seq 0/id 'r0' was expected"))
    }

    @Test func stageReportedErrorsAreKeptPerResponse() throws {
        let f = try failures("error", onError: "skip", count: 2)
        #expect(f.map(\.index) == [0, 1])
        #expect("\(f[1].error)" == "error: stage 'exec:scripted' failed on response 'r1': reported: cannot classify this one")
    }

    @Test func editsRemapEarlierEvidence() {
        // "ab [X] cd": the old range 3..<10 became 3 characters.
        let edits = [ExecConnection.Edit(start: 3, end: 10, length: 3)]
        #expect(ExecConnection.map(1, edits, isEnd: false) == 1)
        #expect(ExecConnection.map(12, edits, isEnd: false) == 8)
        #expect(ExecConnection.map(5, edits, isEnd: false) == 3)
        #expect(ExecConnection.map(5, edits, isEnd: true) == 6)
    }

    @Test func shellWordsKeepQuotedArguments() {
        #expect(ShellWords.split("python3 'my stage.py' --flag \"a b\"") == ["python3", "my stage.py", "--flag", "a b"])
    }
}
