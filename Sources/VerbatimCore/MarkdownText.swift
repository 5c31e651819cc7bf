/// Markdown text helpers.
public enum MarkdownText {
    /// Escapes characters Markdown would read as markup, and HTML.
    public static func escape(_ s: String) -> String {
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

    /// `text` escaped, with the given scalar ranges in bold.
    public static func highlight(_ text: String, spans: [Range<Int>]) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = ""
        var pos = 0
        func piece(_ a: Int, _ b: Int) -> String {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[max(0, a)..<min(b, scalars.count)])
            return escape(String(s))
        }
        for r in mergedSpans(spans) where r.lowerBound >= pos && r.upperBound <= scalars.count {
            out += piece(pos, r.lowerBound) + "**" + piece(r.lowerBound, r.upperBound) + "**"
            pos = r.upperBound
        }
        out += piece(pos, scalars.count)
        return out
    }

    /// Sorted, with overlapping or touching ranges joined.
    public static func mergedSpans(_ spans: [Range<Int>]) -> [Range<Int>] {
        spans.sorted { $0.lowerBound < $1.lowerBound }.reduce(into: [Range<Int>]()) { acc, r in
            if let last = acc.last, r.lowerBound <= last.upperBound {
                acc[acc.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                acc.append(r)
            }
        }
    }
}
