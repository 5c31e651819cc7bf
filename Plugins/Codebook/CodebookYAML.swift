import VerbatimCore
import Yams

/// A codebook file's YAML tree with node positions, for file:line:column errors.
///
/// Composed with Yams' basic resolver: codebooks are read as text throughout, and the default
/// resolver's regular-expression tag checks (run on every mapping key to detect duplicates) made a
/// 10,000-rule codebook take seconds to load.
struct CodebookYAML {
    let path: String
    let root: Node

    static func load(path: String) throws(VerbatimError) -> CodebookYAML {
        try parse(FileIO.readText(path: path), path: path)
    }

    static func parse(_ text: String, path: String) throws(VerbatimError) -> CodebookYAML {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw convert(error, path: path)
        } catch {
            throw VerbatimError.invalidFile(message: "not valid YAML: \(error)", hint: nil, at: SourceLocation(file: path, line: 1))
        }
        guard let root else {
            throw VerbatimError.invalidFile(message: "the file is empty", hint: "start it with `version: 1`",
                                            at: SourceLocation(file: path, line: 1, column: 1))
        }
        return CodebookYAML(path: path, root: root)
    }

    private static func convert(_ error: YamlError, path: String) -> VerbatimError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let what = [context.map { "\($0.text)" }, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return .invalidFile(message: "not valid YAML: \(what)", hint: "check the indentation and quoting near this place",
                                at: SourceLocation(file: path, line: mark.line, column: mark.column))
        case let .duplicatedKeysInMapping(duplicates, context):
            return .invalidFile(message: "'\(duplicates.first ?? "")' appears twice in one mapping", hint: "remove one of them",
                                at: SourceLocation(file: path, line: context.mark.line, column: context.mark.column))
        default:
            return .invalidFile(message: "not valid YAML: \(error)", hint: "save the file as UTF-8", at: SourceLocation(file: path, line: 1))
        }
    }

    func location(_ node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(file: path, line: 1, column: 1) }
        return SourceLocation(file: path, line: mark.line, column: mark.column)
    }

    func error(_ node: Node?, _ message: String, hint: String? = nil) -> VerbatimError {
        .invalidFile(message: message, hint: hint, at: location(node))
    }

    /// A mapping's entries as (key, key node, value node), in file order.
    func entries(_ node: Node, what: String) throws(VerbatimError) -> [(key: String, keyNode: Node, value: Node)] {
        guard case let .mapping(mapping) = node else { throw error(node, "\(what) must be a mapping (key: value)") }
        var result: [(key: String, keyNode: Node, value: Node)] = []
        result.reserveCapacity(mapping.count)
        for (k, v) in mapping {
            guard case let .scalar(s) = k else { throw error(k, "keys in \(what) must be plain text") }
            result.append((s.string, k, v))
        }
        return result
    }

    func scalar(_ node: Node, what: String) throws(VerbatimError) -> String {
        guard case let .scalar(s) = node else { throw error(node, "\(what) must be a single value, not a list or mapping") }
        return s.string
    }

    /// A sequence's items; a lone scalar counts as a one-item list.
    func items(_ node: Node, what: String) throws(VerbatimError) -> [Node] {
        switch node {
        case let .sequence(seq): return Array(seq)
        case .scalar: return [node]
        default: throw error(node, "\(what) must be a list")
        }
    }
}
