/// A place in an input file, for error messages (`pipeline.yaml:12:7`). Lines and columns are 1-based.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int?

    public init(file: String, line: Int, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        if let column { return "\(file):\(line):\(column)" }
        return "\(file):\(line)"
    }
}

/// Every error Verbatim reports. Each message names the place (file, line, column where known)
/// and says what to do about it.
public enum VerbatimError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A pipeline names a stage that no registered plugin provides.
    case unknownStage(name: String, available: [String], at: SourceLocation?)
    /// A stage needs an annotation that no earlier stage assigns.
    case missingRequirement(stage: String, requirement: Annotation, providers: [String], at: SourceLocation?)
    /// A stage option is not one the stage declares.
    case unknownOption(stage: String, option: String, known: [String], at: SourceLocation?)
    /// A stage option has the wrong type or an invalid value.
    case invalidOption(stage: String, option: String, message: String, at: SourceLocation?)
    /// A required stage option is missing.
    case missingOption(stage: String, option: String, at: SourceLocation?)
    /// A configuration, codebook or lexicon file is not well-formed.
    case invalidFile(message: String, hint: String?, at: SourceLocation)
    /// A file could not be read or written.
    case io(path: String, message: String)
    /// One input record could not be read; the run reports it and carries on unless strict.
    case malformedRecord(message: String, at: SourceLocation)
    /// A stage failed on one response.
    case stageFailed(stage: String, responseID: String, message: String)
    /// A stage configured to fail the run on error (`on_error: fail`) failed on one response; the run
    /// stops and writes no output files.
    case stageAborted(stage: String, responseID: String, message: String)
    /// The command-line arguments do not fit together.
    case usage(String)

    public var description: String {
        switch self {
        case let .unknownStage(name, available, at):
            return Self.format(at, "unknown stage '\(name)'",
                               hint: "registered stages: \(available.joined(separator: ", ")) (see `verbatim stages`)")
        case let .missingRequirement(stage, requirement, providers, at):
            let hint = providers.isEmpty
                ? "no registered stage assigns it"
                : "add \(providers.map { "'\($0)'" }.joined(separator: " or ")) before '\(stage)'"
            return Self.format(at, "stage '\(stage)' requires '\(requirement)', which no earlier stage assigns", hint: hint)
        case let .unknownOption(stage, option, known, at):
            let hint = known.isEmpty ? "this stage takes no options" : "options of '\(stage)': \(known.joined(separator: ", "))"
            return Self.format(at, "stage '\(stage)' has no option '\(option)'", hint: hint)
        case let .invalidOption(stage, option, message, at):
            return Self.format(at, "option '\(option)' of stage '\(stage)': \(message)", hint: nil)
        case let .missingOption(stage, option, at):
            return Self.format(at, "stage '\(stage)' needs option '\(option)'", hint: "see `verbatim stages` for its options")
        case let .invalidFile(message, hint, at):
            return Self.format(at, message, hint: hint)
        case let .io(path, message):
            return "error: \(path): \(message)"
        case let .malformedRecord(message, at):
            return Self.format(at, message, hint: nil)
        case let .stageFailed(stage, responseID, message):
            return "error: stage '\(stage)' failed on response '\(responseID)': \(message)"
        case let .stageAborted(stage, responseID, message):
            return "error: stage '\(stage)' failed on response '\(responseID)': \(message)\n"
                + "  hint: the run stopped (on_error: fail); set `on_error: skip` on the stage to report such responses and carry on"
        case let .usage(message):
            return "error: \(message)"
        }
    }

    private static func format(_ at: SourceLocation?, _ message: String, hint: String?) -> String {
        var text = at.map { "\($0): error: " } ?? "error: "
        text += message
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}
