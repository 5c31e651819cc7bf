import VerbatimCore

/// REFI-QDA codebook export (`.qdc`, namespace `urn:QDA-XML:codebook:1.0`): each theme a `Code` with
/// its label as the name, its description, its colour, and its sub-themes nested inside it.
///
/// What the format has no place for (the theme id, its position in the codebook, the questions it
/// applies to, and whether its colour was assigned by the palette) goes on a last line of the
/// description, `verbatim: id=…; order=…`, so `QDCCodebookReader` gives back the same codebook.
public enum QDCCodebookWriter {
    public static func render(_ themes: [ThemeInfo], origin: String = "Verbatim") throws(VerbatimError) -> String {
        guard !themes.isEmpty else {
            throw .usage("the pipeline declares no themes, and a REFI-QDA codebook needs at least one code")
        }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"\(XMLText.attribute(origin))\">\n<Codes>\n"
        out += codes(themes, indent: "")
        out += "</Codes>\n</CodeBook>\n"
        return out
    }

    /// The nested `Code` elements (shared with the project export, whose `Code` has the same form).
    static func codes(_ themes: [ThemeInfo], indent: String) -> String {
        let ids = Set(themes.map(\.id))
        var children: [String: [Int]] = [:]
        var roots: [Int] = []
        for (k, t) in themes.enumerated() {
            if let p = t.parent, p != t.id, ids.contains(p) { children[p, default: []].append(k) } else { roots.append(k) }
        }
        var out = ""
        var written = Set<Int>()
        func write(_ k: Int, depth: Int) {
            guard written.insert(k).inserted else { return }
            let t = themes[k]
            let pad = indent + String(repeating: "  ", count: depth + 1)
            out += "\(pad)<Code guid=\"\(guid(forTheme: t.id))\" name=\"\(XMLText.attribute(t.label))\" isCodable=\"true\" color=\"\(ThemePalette.color(for: t, index: k))\">\n"
            out += "\(pad)  <Description>\(XMLText.escape(description(t, order: k, ids: ids)))</Description>\n"
            for child in children[t.id] ?? [] { write(child, depth: depth + 1) }
            out += "\(pad)</Code>\n"
        }
        for k in roots { write(k, depth: 0) }
        // Themes caught in a parent cycle have no root; write them at the top level.
        for k in themes.indices where !written.contains(k) { write(k, depth: 0) }
        return out
    }

    public static func guid(forTheme id: String) -> String { StableGUID.make("code:" + id) }

    /// The marker that starts the line of Verbatim fields in a description.
    static let marker = "verbatim: "

    static func description(_ t: ThemeInfo, order: Int, ids: Set<String>) -> String {
        var fields = ["id=" + encode(t.id), "order=\(order)"]
        if !t.questions.isEmpty { fields.append("questions=" + t.questions.map(encode).joined(separator: ",")) }
        if let p = t.parent, !ids.contains(p) || p == t.id { fields.append("parent=" + encode(p)) }
        if let c = t.color {
            if !ThemePalette.isValid(c) { fields.append("color=" + encode(c)) }
        } else {
            fields.append("color=auto")
        }
        let line = marker + fields.joined(separator: "; ")
        return t.description.isEmpty ? line : t.description + "\n\n" + line
    }

    /// Percent-encodes the characters that separate fields.
    static func encode(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "%", ";", "=", ",", "\n", "\r":
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "%" + (hex.count < 2 ? "0" + hex : hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
