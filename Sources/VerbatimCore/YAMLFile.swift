public import Yams

/// A parsed YAML file that remembers where each node was, so every error can name file:line:column.
public struct YAMLFile {
    public let path: String
    public let root: Node

    /// Reads and parses `path`.
    public static func load(path: String) throws(VerbatimError) -> YAMLFile {
        let text = try FileIO.readText(path: path)
        return try parse(text, path: path)
    }

    /// Parses YAML text; `path` is used in messages.
    public static func parse(_ text: String, path: String) throws(VerbatimError) -> YAMLFile {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw VerbatimError.invalidFile(message: "the file is empty", hint: nil, at: SourceLocation(file: path, line: 1, column: 1))
            }
            return YAMLFile(path: path, root: node)
        } catch let error as VerbatimError {
            throw error
        } catch let error as YamlError {
            throw Self.convert(error, path: path)
        } catch {
            throw VerbatimError.invalidFile(message: "not valid YAML: \(error)", hint: nil, at: SourceLocation(file: path, line: 1))
        }
    }

    private static func convert(_ error: YamlError, path: String) -> VerbatimError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let what = [context.map { "\($0.text)" }, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return .invalidFile(message: "not valid YAML: \(what)", hint: "check the indentation and quoting near this place",
                                at: SourceLocation(file: path, line: mark.line, column: mark.column))
        case let .reader(problem, _, _, _):
            return .invalidFile(message: "cannot read YAML: \(problem)", hint: "save the file as UTF-8", at: SourceLocation(file: path, line: 1))
        default:
            return .invalidFile(message: "not valid YAML: \(error)", hint: nil, at: SourceLocation(file: path, line: 1))
        }
    }

    public func location(_ node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(file: path, line: 1, column: 1) }
        return SourceLocation(file: path, line: mark.line, column: mark.column)
    }

    /// An error placed at `node`.
    public func error(_ node: Node?, _ message: String, hint: String? = nil) -> VerbatimError {
        .invalidFile(message: message, hint: hint, at: location(node))
    }

    /// The entries of a mapping node as (key text, key node, value node), in file order.
    public func entries(_ node: Node, what: String) throws(VerbatimError) -> [(key: String, keyNode: Node, value: Node)] {
        guard case let .mapping(mapping) = node else { throw error(node, "\(what) must be a mapping (key: value)") }
        var result: [(key: String, keyNode: Node, value: Node)] = []
        var seen = Set<String>()
        for (k, v) in mapping {
            guard case let .scalar(s) = k else { throw error(k, "keys in \(what) must be plain text") }
            if !seen.insert(s.string).inserted { throw error(k, "'\(s.string)' appears twice in \(what)") }
            result.append((s.string, k, v))
        }
        return result
    }

    /// A scalar's text, or an error naming what was expected.
    public func scalar(_ node: Node, what: String) throws(VerbatimError) -> String {
        guard case let .scalar(s) = node else { throw error(node, "\(what) must be a single value, not a list or mapping") }
        return s.string
    }

    /// A sequence's items; a lone scalar counts as a one-item list.
    public func items(_ node: Node, what: String) throws(VerbatimError) -> [Node] {
        switch node {
        case let .sequence(seq): return Array(seq)
        case .scalar: return [node]
        default: throw error(node, "\(what) must be a list")
        }
    }

    /// Raw option values for `StageOptions.check`.
    public func rawOption(_ node: Node) -> RawOption {
        switch node {
        case let .scalar(s): return .scalar(s.string)
        case let .sequence(seq):
            var items: [String] = []
            for item in seq {
                guard case let .scalar(s) = item else { return .mapping(json(node)) }
                items.append(s.string)
            }
            return .list(items)
        default: return .mapping(json(node))
        }
    }

    /// A YAML node as JSON (plain scalars typed as YAML 1.2 core schema would).
    public func json(_ node: Node) -> JSONValue {
        switch node {
        case let .scalar(s):
            return s.style == .plain ? RawOption.typedScalar(s.string) : .string(s.string)
        case let .sequence(seq): return .array(seq.map { json($0) })
        case let .mapping(m):
            return .object(m.map { (key: $0.key.string ?? "", value: json($0.value)) })
        case .alias: return .null
        }
    }
}
