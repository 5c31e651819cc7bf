/// The declaration of one stage option: shown by `verbatim stages`, checked by the host.
public struct OptionSpec: Sendable {
    public enum Kind: Sendable, Equatable, CustomStringConvertible {
        case string
        /// A file path, resolved against the pipeline file's folder.
        case path
        case integer(ClosedRange<Int>?)
        case number(ClosedRange<Double>?)
        case boolean
        case stringList
        case choice([String])
        /// Any YAML value, passed on as JSON (e.g. settings for a process stage).
        case json

        public var description: String {
            switch self {
            case .string: return "string"
            case .path: return "path"
            case let .integer(r): return r.map { "integer \($0.lowerBound)…\($0.upperBound)" } ?? "integer"
            case let .number(r): return r.map { "number \(JSONWriter.format($0.lowerBound))…\(JSONWriter.format($0.upperBound))" } ?? "number"
            case .boolean: return "boolean"
            case .stringList: return "list of strings"
            case let .choice(c): return "one of " + c.joined(separator: "|")
            case .json: return "any value"
            }
        }
    }

    public var name: String
    public var kind: Kind
    public var help: String
    /// Shown in `verbatim stages`; nil when the option is required or has no default.
    public var defaultValue: OptionValue?
    public var isRequired: Bool

    public init(_ name: String, _ kind: Kind, default defaultValue: OptionValue? = nil, required: Bool = false, help: String) {
        self.name = name
        self.kind = kind
        self.help = help
        self.defaultValue = defaultValue
        self.isRequired = required
    }
}

/// A checked option value.
public enum OptionValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    case list([String])
    case json(JSONValue)

    public var description: String {
        switch self {
        case let .string(s): return s
        case let .integer(i): return String(i)
        case let .number(d): return JSONWriter.format(d)
        case let .boolean(b): return b ? "true" : "false"
        case let .list(l): return "[" + l.joined(separator: ", ") + "]"
        case let .json(j):
            var w = JSONWriter()
            w.value(j)
            return String(decoding: w.bytes, as: UTF8.self)
        }
    }
}

/// The checked options of one stage instance, with the place each was written (for errors that a
/// stage raises itself, such as "codebook file not found").
public struct StageOptions: Sendable {
    public let stage: String
    private var values: [String: OptionValue]
    private var locations: [String: SourceLocation]
    /// Where the stage entry itself is in the pipeline file.
    public let location: SourceLocation?

    public init(stage: String, values: [String: OptionValue] = [:], locations: [String: SourceLocation] = [:],
                location: SourceLocation? = nil) {
        self.stage = stage
        self.values = values
        self.locations = locations
        self.location = location
    }

    public func value(_ name: String) -> OptionValue? { values[name] }
    public func location(of name: String) -> SourceLocation? { locations[name] ?? location }

    public func string(_ name: String) -> String? {
        if case let .string(s)? = values[name] { return s }
        return nil
    }
    public func integer(_ name: String) -> Int? {
        if case let .integer(i)? = values[name] { return i }
        return nil
    }
    public func number(_ name: String) -> Double? {
        switch values[name] {
        case let .number(d)?: return d
        case let .integer(i)?: return Double(i)
        default: return nil
        }
    }
    public func boolean(_ name: String) -> Bool? {
        if case let .boolean(b)? = values[name] { return b }
        return nil
    }
    public func json(_ name: String) -> JSONValue? {
        if case let .json(j)? = values[name] { return j }
        return nil
    }
    public func list(_ name: String) -> [String]? {
        if case let .list(l)? = values[name] { return l }
        return nil
    }

    /// An error about option `name`, placed where it was written.
    public func invalid(_ name: String, _ message: String) -> VerbatimError {
        .invalidOption(stage: stage, option: name, message: message, at: location(of: name))
    }

    /// Checks raw values against `specs`: unknown names, types, ranges, choices and required options.
    /// Defaults fill in what is missing.
    public static func check(
        stage: String, raw: [(name: String, value: RawOption, at: SourceLocation?)], specs: [OptionSpec],
        location: SourceLocation?
    ) throws(VerbatimError) -> StageOptions {
        var values: [String: OptionValue] = [:]
        var locations: [String: SourceLocation] = [:]
        for item in raw {
            guard let spec = specs.first(where: { $0.name == item.name }) else {
                throw .unknownOption(stage: stage, option: item.name, known: specs.map(\.name), at: item.at ?? location)
            }
            if let at = item.at { locations[item.name] = at }
            values[item.name] = try convert(item.value, spec: spec, stage: stage, at: item.at ?? location)
        }
        for spec in specs where values[spec.name] == nil {
            if let d = spec.defaultValue {
                values[spec.name] = d
            } else if spec.isRequired {
                throw .missingOption(stage: stage, option: spec.name, at: location)
            }
        }
        return StageOptions(stage: stage, values: values, locations: locations, location: location)
    }

    private static func convert(_ raw: RawOption, spec: OptionSpec, stage: String, at: SourceLocation?) throws(VerbatimError) -> OptionValue {
        func bad(_ message: String) -> VerbatimError { .invalidOption(stage: stage, option: spec.name, message: message, at: at) }
        switch (spec.kind, raw) {
        case (.json, _):
            return .json(raw.json)
        case (.string, .scalar(let s)), (.path, .scalar(let s)):
            if case .path = spec.kind, s.isEmpty { throw bad("expected a file path, got an empty string") }
            return .string(s)
        case (.integer(let range), .scalar(let s)):
            guard let i = Int(s) else { throw bad("expected an integer, got '\(s)'") }
            if let range, !range.contains(i) { throw bad("\(i) is out of range \(range.lowerBound)…\(range.upperBound)") }
            return .integer(i)
        case (.number(let range), .scalar(let s)):
            guard let d = Double(s), d.isFinite else { throw bad("expected a number, got '\(s)'") }
            if let range, !range.contains(d) {
                throw bad("\(s) is out of range \(JSONWriter.format(range.lowerBound))…\(JSONWriter.format(range.upperBound))")
            }
            return .number(d)
        case (.boolean, .scalar(let s)):
            switch s.lowercased() {
            case "true", "yes", "on": return .boolean(true)
            case "false", "no", "off": return .boolean(false)
            default: throw bad("expected true or false, got '\(s)'")
            }
        case (.choice(let choices), .scalar(let s)):
            guard choices.contains(s) else { throw bad("'\(s)' is not one of: \(choices.joined(separator: ", "))") }
            return .string(s)
        case (.stringList, .list(let l)):
            return .list(l)
        case (.stringList, .scalar(let s)):
            return .list([s])
        case (_, .list):
            throw bad("expected a single \(spec.kind), got a list")
        case (_, .mapping):
            throw bad("expected \(spec.kind), got a mapping")
        }
    }
}

/// An option value as written in the config, before checking.
public enum RawOption: Sendable, Equatable {
    case scalar(String)
    case list([String])
    /// A mapping, or a list that holds more than plain values.
    case mapping(JSONValue)

    /// The value as JSON: scalars that read as numbers or booleans become those.
    public var json: JSONValue {
        switch self {
        case let .scalar(s): return RawOption.typedScalar(s)
        case let .list(l): return .array(l.map(RawOption.typedScalar))
        case let .mapping(j): return j
        }
    }

    static func typedScalar(_ s: String) -> JSONValue {
        switch s {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null", "~": return .null
        default:
            if let d = Double(s), d.isFinite, s.first.map({ $0.isNumber || $0 == "-" }) == true { return .number(d) }
            return .string(s)
        }
    }
}
