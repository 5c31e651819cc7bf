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
///
/// It works on UTF-8 bytes: every character it replaces is ASCII (or NUL), and an ASCII byte is
/// always a scalar of its own, so the bytes alone decide (unlike Markdown's, no `Character` check).
public enum HTMLText {
    /// `& < > " '` as entities, NUL as U+FFFD; everything else as it is.
    public static func escape(_ s: String) -> String {
        var s = s
        let escaped: [UInt8]? = s.withUTF8 { bytes in
            // Most labels and ids need nothing: then the string itself is kept.
            guard firstSpecial(bytes, from: 0) < bytes.count else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            appendEscaped(bytes, to: &out)
            return out
        }
        return escaped.map { String(decoding: $0, as: UTF8.self) } ?? s
    }

    /// `text` escaped, with the given scalar ranges wrapped in `<mark>`.
    public static func highlight(_ text: String, spans: [Range<Int>]) -> String {
        SpanHighlight.render(text, spans: spans, open: "<mark>", close: "</mark>", escape: appendEscaped)
    }

    /// Appends the escape of the UTF-8 text `bytes` to `out`: the runs between special bytes are
    /// copied whole.
    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var run = 0
        while run < bytes.count {
            let i = firstSpecial(bytes, from: run)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
            guard i < bytes.count else { break }
            switch bytes[i] {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
            default: out.append(contentsOf: [0xEF, 0xBF, 0xBD])  // NUL: U+FFFD
            }
            run = i + 1
        }
    }

    /// The bytes `escape` replaces, all below 64: NUL `"` `&` `'` `<` `>`, as bits of one word.
    static let specialBits: UInt64 = 1 | 1 << 0x22 | 1 << 0x26 | 1 << 0x27 | 1 << 0x3C | 1 << 0x3E

    /// The index of the first byte at or after `start` that `escape` replaces (`bytes.count` if none).
    static func firstSpecial(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        while i < bytes.count {
            let b = bytes[i]
            if b < 64 && (specialBits >> UInt64(b)) & 1 != 0 { return i }
            i += 1
        }
        return i
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
