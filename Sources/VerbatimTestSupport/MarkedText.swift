import VerbatimCore

/// Marked-text fixtures: `"the ⏩senior buy-in⏪ was missing"` is the text without the markers plus
/// the marked spans, so a test states where evidence (or a quote's highlight) must fall.
public struct MarkedText: Sendable, Equatable, CustomStringConvertible {
    public static let open: Character = "⏩"
    public static let close: Character = "⏪"

    public let text: String
    /// Marked spans as UTF-8 byte ranges of `text`.
    public let spans: [ByteSpan]

    public init(_ marked: String) {
        var text = ""
        var spans: [ByteSpan] = []
        var openAt: Int?
        for ch in marked {
            if ch == Self.open {
                precondition(openAt == nil, "nested ⏩ in fixture: \(marked)")
                openAt = text.utf8.count
            } else if ch == Self.close {
                guard let start = openAt else { preconditionFailure("⏪ without ⏩ in fixture: \(marked)") }
                spans.append(ByteSpan(start: Int32(start), end: Int32(text.utf8.count)))
                openAt = nil
            } else {
                text.append(ch)
            }
        }
        precondition(openAt == nil, "unclosed ⏩ in fixture: \(marked)")
        self.text = text
        self.spans = spans
    }

    /// Renders `text` with `spans` marked, for readable failure messages.
    public static func render(_ text: String, spans: [ByteSpan]) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var opens: [Int: Int] = [:], closes: [Int: Int] = [:]
        for s in spans {
            opens[Int(s.start), default: 0] += 1
            closes[Int(s.end), default: 0] += 1
        }
        for i in 0...bytes.count {
            for _ in 0..<(closes[i] ?? 0) { out.append(contentsOf: Array(String(close).utf8)) }
            for _ in 0..<(opens[i] ?? 0) { out.append(contentsOf: Array(String(open).utf8)) }
            if i < bytes.count { out.append(bytes[i]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { Self.render(text, spans: spans) }
}
