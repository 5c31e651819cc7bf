/// A JSON value with object keys kept in input order (so metadata round-trips as it came).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    /// A number kept as its source text, so `007` or `1e400` survive a round trip untouched.
    case numberText(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.numberText(x), .numberText(y)): return x == y
        case let (.number(x), .numberText(y)), let (.numberText(y), .number(x)): return Double(y) == x
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members.first { $0.key == key }?.value }
        return nil
    }

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    public var doubleValue: Double? {
        switch self {
        case let .number(d): return d
        case let .numberText(t): return Double(t)
        default: return nil
        }
    }

    public var arrayValue: [JSONValue]? {
        if case let .array(a) = self { return a }
        return nil
    }

    /// A scalar rendered as plain text (for ids, CSV cells and `--by` groups); nil for arrays and objects.
    public var scalarText: String? {
        switch self {
        case .null: return ""
        case let .bool(b): return b ? "true" : "false"
        case let .number(d): return JSONWriter.format(d)
        case let .numberText(t): return t
        case let .string(s): return s
        case .array, .object: return nil
        }
    }
}
