import VerbatimCore
import Yams

/// Reads quanteda-style YAML dictionaries: keys are categories, values are lists of glob patterns or
/// nested categories.
///
///     economy:
///       - budget*
///       - fiscal policy
///     politics:
///       parties: [labour, conservative*]
///
/// Nested keys become child themes. Patterns match words (any case); a trailing `*` is a prefix
/// wildcard; words separated by spaces are a phrase. Other glob forms are reported.
enum QuantedaDictionaryReader {
    static func read(_ text: String, path: String) throws(VerbatimError) -> ImportedCodebook {
        let file = try YAMLFile.parse(text, path: path)
        var book = ImportedCodebook(name: FileIO.fileName(of: path), source: path, format: .quanteda)
        var taken = Set<String>()
        try walk(file.root, parent: nil, file: file, book: &book, taken: &taken)
        if book.themes.isEmpty {
            throw file.error(file.root, "no categories found", hint: "write `category: [pattern, pattern]`")
        }
        return book
    }

    private static func walk(_ node: Node, parent: String?, file: YAMLFile, book: inout ImportedCodebook,
                             taken: inout Set<String>) throws(VerbatimError) {
        for entry in try file.entries(node, what: "a dictionary") {
            let id = ImportedCodebook.themeID(entry.key, taken: &taken)
            var theme = ImportedCodebook.Theme(id: id, label: entry.key,
                                               description: "quanteda dictionary key \(entry.key) from \(FileIO.fileName(of: file.path))")
            theme.parent = parent
            let index = book.themes.count
            book.themes.append(theme)
            switch entry.value {
            case .mapping:
                try walk(entry.value, parent: id, file: file, book: &book, taken: &taken)
            default:
                for item in try file.items(entry.value, what: "the patterns of '\(entry.key)'") {
                    let raw = try file.scalar(item, what: "a pattern")
                    let (pattern, problem) = ImportedCodebook.pattern(fromWord: raw)
                    if let pattern {
                        book.themes[index].entries.append(.init(pattern))
                    } else {
                        book.notes.append(.init(location: file.location(item), message: "\(problem ?? raw); skipped"))
                    }
                }
            }
        }
    }
}
