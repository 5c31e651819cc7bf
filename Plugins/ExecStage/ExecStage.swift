import VerbatimCore

/// A stage that runs an external program speaking the JSON-lines stage protocol (docs/stage-protocol.md).
///
/// The program's handshake says what it requires and assigns; the host checks that when the pipeline
/// is built. Each worker starts its own copy of the program and pipelines a whole batch through it.
public struct ExecStage: Stage {
    public static let protocolVersion = 1

    public static let descriptor = StageDescriptor(
        name: "exec",
        version: 1,
        summary: "run an external program that speaks the JSON-lines stage protocol (docs/stage-protocol.md)",
        options: [
            OptionSpec("command", .stringList, required: true,
                       help: "the program and its arguments, run in the pipeline file's folder"),
            OptionSpec("timeout", .number(0.01...86_400), default: .number(30),
                       help: "seconds without an answer before the stage counts as hung"),
            OptionSpec("startup_timeout", .number(0.01...86_400), default: .number(60),
                       help: "seconds the program may take to start and answer the handshake"),
            OptionSpec("on_error", .choice(["fail", "skip"]), default: .string("fail"),
                       help: "fail the run, or skip and report the responses concerned"),
            OptionSpec("settings", .json, help: "any value, passed to the program in the handshake"),
        ],
        assigns: [])

    public let command: [String]
    public let directory: String
    public let timeout: Double
    public let startupTimeout: Double
    public let skipOnError: Bool
    public let settings: JSONValue
    /// From the program's handshake.
    public let handshake: Handshake

    public struct Handshake: Sendable, Equatable {
        public var name: String
        public var version: Int
        public var requires: [Annotation]
        public var assigns: [Annotation]
    }

    public var requires: [Annotation] { handshake.requires }
    public var assigns: [Annotation] { handshake.assigns }
    public var instanceName: String { "exec:\(handshake.name)" }

    public init(options: StageOptions, context: StageContext) throws {
        var command = options.list("command") ?? []
        if command.count == 1 { command = ShellWords.split(command[0]) }
        guard !command.isEmpty else { throw options.invalid("command", "the command is empty") }
        self.command = command
        directory = context.baseDirectory
        timeout = options.number("timeout") ?? 30
        startupTimeout = options.number("startup_timeout") ?? 60
        skipOnError = options.string("on_error") == "skip"
        settings = options.json("settings") ?? .object([])
        do {
            let probe = try ExecConnection(command: command, directory: directory, timeout: timeout,
                                           startupTimeout: startupTimeout, settings: settings,
                                           label: command.joined(separator: " "))
            handshake = probe.handshake
            probe.close()
        } catch {
            throw options.invalid("command", error.message)
        }
    }

    public func makeProcessor() throws -> any StageProcessor {
        ExecProcessor(stage: self)
    }
}

/// Splits a command line on white space, keeping 'single' and "double" quoted words together.
enum ShellWords {
    static func split(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for ch in line {
            if let q = quote {
                if ch == q { quote = nil } else { current.append(ch) }
            } else if ch == "'" || ch == "\"" {
                quote = ch
                inWord = true
            } else if ch.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(ch)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}

/// One worker's running copy of the program.
final class ExecProcessor: StageProcessor {
    let stage: ExecStage
    private var connection: ExecConnection?

    init(stage: ExecStage) { self.stage = stage }

    deinit { connection?.close() }

    private func connect() throws -> ExecConnection {
        if let connection { return connection }
        do {
            let c = try ExecConnection(command: stage.command, directory: stage.directory, timeout: stage.timeout,
                                       startupTimeout: stage.startupTimeout, settings: stage.settings,
                                       label: stage.instanceName)
            connection = c
            return c
        } catch {
            let id = "(start-up)"
            throw stage.skipOnError
                ? VerbatimError.stageFailed(stage: stage.instanceName, responseID: id, message: error.message)
                : VerbatimError.stageAborted(stage: stage.instanceName, responseID: id, message: error.message)
        }
    }

    func process(_ document: inout Document) throws {
        var batch = [document]
        if let e = process(batch: &batch)[0] { throw e }
        document = batch[0]
    }

    func process(batch: inout [Document]) -> [Error?] {
        var errors = [Error?](repeating: nil, count: batch.count)
        let c: ExecConnection
        do { c = try connect() } catch {
            if stage.skipOnError { return errors.map { _ in error } }
            return [Error?](repeating: error, count: batch.count)
        }
        let outcome = c.exchange(&batch)
        for (i, message) in outcome.failures {
            let id = batch[i].response.id
            errors[i] = stage.skipOnError
                ? VerbatimError.stageFailed(stage: stage.instanceName, responseID: id, message: message)
                : VerbatimError.stageAborted(stage: stage.instanceName, responseID: id, message: message)
        }
        if outcome.broken {
            // The program died, hung or broke the protocol: start a fresh copy for the next batch.
            c.close()
            connection = nil
        }
        return errors
    }
}
