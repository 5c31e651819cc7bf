import VerbatimCore

/// Escaping for the XML parts of XLSX and REFI-QDA files.
public enum XMLText {
    /// Whether XML 1.0 allows `scalar` in a document at all (even as a character reference).
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// `s` without the characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF).
    public static func cleaned(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { !isAllowed($0) }) else { return s }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: s.unicodeScalars.filter(isAllowed))
        return String(out)
    }

    /// Text content: `&`, `<`, `>` escaped, carriage returns kept as references (parsers would
    /// otherwise turn CR LF into LF), forbidden characters removed.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars where isAllowed(scalar) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// An attribute value in double quotes: also `"`, and white space as references so attribute
    /// normalisation does not turn tabs and line breaks into spaces.
    public static func attribute(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars where isAllowed(scalar) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Escaping for the HTML report: every piece of data goes through here, so answers that contain
/// markup show as text.
public enum HTMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\0": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` escaped, with the given scalar ranges wrapped in `<mark>`.
    public static func highlight(_ text: String, spans: [Range<Int>]) -> String {
        let scalars = Array(text.unicodeScalars)
        func piece(_ a: Int, _ b: Int) -> String {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[max(0, a)..<min(b, scalars.count)])
            return escape(String(s))
        }
        var out = ""
        var pos = 0
        for r in MarkdownText.mergedSpans(spans) where r.lowerBound >= pos && r.upperBound <= scalars.count {
            out += piece(pos, r.lowerBound) + "<mark>" + piece(r.lowerBound, r.upperBound) + "</mark>"
            pos = r.upperBound
        }
        return out + piece(pos, scalars.count)
    }
}

/// Theme colours for reports: the codebook's when it gives a valid `#RRGGBB`/`#RGB`, else a fixed palette
/// colour by position, so the same codebook always gets the same colours.
public enum ThemePalette {
    public static let colors = [
        "#3B75AF", "#EF8636", "#519E3E", "#C53A32", "#8D69B8", "#84584E", "#D57DBF", "#7F7F7F",
        "#BCBC35", "#42B8C7", "#1F4E79", "#A05A2C", "#2E7D32", "#6A1B9A", "#00838F", "#AD1457",
    ]

    public static func isValid(_ color: String) -> Bool {
        let hex = color.utf8.dropFirst()
        return color.hasPrefix("#") && (hex.count == 6 || hex.count == 3)
            && hex.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x46) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// The colour of the theme at `index`.
    public static func color(for theme: ThemeInfo, index: Int) -> String {
        if let c = theme.color, isValid(c) { return c }
        return colors[index % colors.count]
    }

    /// `themes` with every colour filled in.
    public static func filled(_ themes: [ThemeInfo]) -> [ThemeInfo] {
        themes.enumerated().map { k, t in
            var copy = t
            copy.color = color(for: t, index: k)
            return copy
        }
    }
}
