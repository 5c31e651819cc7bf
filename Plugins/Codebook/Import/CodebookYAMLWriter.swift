import VerbatimCore

/// Writes an imported dictionary as a codebook YAML file in this toolkit's language, with what
/// could not be mapped listed at the top, so nothing is lost without a trace.
public enum CodebookYAMLWriter {
    public static func yaml(_ book: ImportedCodebook) -> String {
        var out = "# Imported from \(FileIO.fileName(of: book.source)) (\(book.format.rawValue)) by `verbatim codebook import`.\n"
        out += "# Entries match exact word forms in any case (=word) or word prefixes (word*), as in the source tool;\n"
        out += "# change =word to word to match on stems instead.\n"
        if book.notes.isEmpty {
            out += "# Every entry of the source was mapped.\n"
        } else {
            out += "# Not mapped (\(book.notes.count)):\n"
            for note in book.notes { out += "#   line \(note.location.line): \(oneLine(note.message))\n" }
        }
        out += "version: 1\n"
        out += "name: \(quoted(book.name))\n"
        out += "settings:\n  threshold: 1\n"
        out += "themes:\n"
        for theme in book.themes {
            out += "  - id: \(quoted(theme.id))\n"
            out += "    label: \(quoted(theme.label))\n"
            if !theme.description.isEmpty { out += "    description: \(quoted(theme.description))\n" }
            if let parent = theme.parent { out += "    parent: \(quoted(parent))\n" }
            if let colour = theme.colour { out += "    colour: \(quoted(colour))\n" }
            // One rule per weight, in order of first appearance; duplicates dropped.
            var order: [Double] = []
            var byWeight: [Double: [String]] = [:]
            for entry in theme.entries {
                if byWeight[entry.weight] == nil { order.append(entry.weight) }
                if !(byWeight[entry.weight]?.contains(entry.pattern) ?? false) { byWeight[entry.weight, default: []].append(entry.pattern) }
            }
            if order.isEmpty { continue }
            out += "    rules:\n"
            for (n, weight) in order.enumerated() {
                out += "      - id: \(order.count == 1 ? "entries" : "entries-\(n + 1)")\n"
                if weight != 1 { out += "        weight: \(JSONWriter.format(weight))\n" }
                out += "        match:\n"
                for pattern in byWeight[weight]! { out += "          - \(quoted(pattern))\n" }
            }
        }
        return out
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func oneLine(_ s: String) -> String { String(s.map { $0.isNewline ? " " : $0 }) }
}
