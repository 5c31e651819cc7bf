/// Markdown text helpers.
public enum MarkdownText {
    /// Escapes characters Markdown would read as markup, and HTML.
    public static func escape(_ s: String) -> String {
        var s = s
        return s.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 8)
            appendEscaped(bytes, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// `text` escaped, with the given scalar ranges in bold.
    public static func highlight(_ text: String, spans: [Range<Int>]) -> String {
        SpanHighlight.render(text, spans: spans, open: "**", close: "**", escape: appendEscaped)
    }

    /// Sorted, with overlapping or touching ranges joined.
    public static func mergedSpans(_ spans: [Range<Int>]) -> [Range<Int>] { SpanHighlight.mergedSpans(spans) }

    // MARK: Escaping

    /// Appends the escape of the UTF-8 text `bytes` (a whole string: nothing joins it before or
    /// after) to `out`, as `escapeByCharacter` would, but a byte at a time: comparing `Character`s
    /// is slow. Where the bytes alone cannot settle it, falls back to `escapeByCharacter`.
    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let start = out.count
        if !appendEscapedBytes(bytes, to: &out) {
            out.removeSubrange(start...)
            out.append(contentsOf: escapeByCharacter(String(decoding: bytes, as: UTF8.self)).utf8)
        }
    }

    /// The byte-level escape; false (with part of the output written) when a markup character
    /// touches a non-ASCII scalar, or U+1FEF (canonically equal to "`") occurs: only the grapheme
    /// rules can tell whether that is a `Character` of its own. An ASCII character next to
    /// ASCII always is (the one exception, "\r\n", is handled here).
    static func appendEscapedBytes(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        let n = bytes.count
        var i = 0
        while i < n {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\\"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "["),
                 UInt8(ascii: "]"), UInt8(ascii: "#"), UInt8(ascii: "|"), UInt8(ascii: "~"),
                 UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                // A prepended or extending scalar would make it part of a larger `Character`.
                if (i > 0 && bytes[i - 1] >= 0x80) || (i + 1 < n && bytes[i + 1] >= 0x80) { return false }
                switch b {
                case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
                default:
                    out.append(UInt8(ascii: "\\"))
                    out.append(b)
                }
            case UInt8(ascii: "\r"):
                // Controls are always `Character`s of their own; "\r\n" is one.
                out.append(UInt8(ascii: " "))
                if i + 1 < n && bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "\n"):
                out.append(UInt8(ascii: " "))
            case 0xE1:
                if i + 2 < n && bytes[i + 1] == 0xBF && bytes[i + 2] == 0xAF { return false }
                out.append(b)
            default:
                out.append(b)
            }
            i += 1
        }
        return true
    }

    /// The reference escape, a `Character` at a time.
    static func escapeByCharacter(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\", "*", "_", "`", "[", "]", "#", "|", "~": out.append("\\"); out.append(ch)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(ch)
            }
        }
        return out
    }
}
