import VerbatimCore

/// Reads WordStat / QDA Miner `.CAT` category dictionaries:
///
///     ECONOMY
///     	BUDGET* (1)
///     	FISCAL POLICY (1)
///     	TAXES
///     		TAX* (2)
///
/// A line with more-indented lines under it is a category (nested categories become child themes);
/// the other lines are entries, with an optional `(weight)`. Entries are upper case by convention and
/// match any case; `_` joins the words of a phrase. Rule entries (proximity and logic operators such
/// as NEAR, AFTER, BEFORE, AND, NOT) are reported, not mapped.
enum WordStatDictionaryReader {
    static let ruleWords: Set<String> = ["near", "after", "before", "and", "or", "not", "notnear", "notafter", "notbefore"]

    static func read(_ text: String, path: String) throws(VerbatimError) -> ImportedCodebook {
        var book = ImportedCodebook(name: FileIO.fileName(of: path), source: path, format: .wordstat)
        var items: [(line: Int, depth: Int, text: String)] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        for (index, raw) in lines.enumerated() {
            var depth = 0
            var spaces = 0
            var rest = Substring(raw)
            while let c = rest.first, c == "\t" || c == " " {
                if c == "\t" { depth += 1 } else {
                    spaces += 1
                    if spaces == 4 { depth += 1; spaces = 0 }
                }
                rest.removeFirst()
            }
            let body = String(rest).trimmingEdges(" \t")
            if body.isEmpty { continue }
            items.append((index + 1, depth, body))
        }
        var taken = Set<String>()
        var stack: [(depth: Int, theme: Int)] = []
        for (k, item) in items.enumerated() {
            while let top = stack.last, top.depth >= item.depth { stack.removeLast() }
            let hasChildren = k + 1 < items.count && items[k + 1].depth > item.depth
            let at = SourceLocation(file: path, line: item.line, column: item.depth + 1)
            if hasChildren {
                let name = item.text
                var theme = ImportedCodebook.Theme(id: ImportedCodebook.themeID(name, taken: &taken), label: name,
                                                   description: "WordStat category \(name) from \(FileIO.fileName(of: path))")
                theme.parent = stack.last.map { book.themes[$0.theme].id }
                book.themes.append(theme)
                stack.append((item.depth, book.themes.count - 1))
                continue
            }
            guard let owner = stack.last?.theme else {
                book.notes.append(.init(location: at, message: "'\(item.text)' is outside any category; skipped"))
                continue
            }
            var entry = item.text
            var weight = 1.0
            if entry.hasSuffix(")"), let open = entry.lastIndex(of: "(") {
                let inside = entry[entry.index(after: open)..<entry.index(before: entry.endIndex)]
                if let w = Double(String(inside).trimmingEdges(" ")) {
                    weight = w
                    entry = String(entry[..<open]).trimmingEdges(" ")
                }
            }
            if weight <= 0 {
                book.notes.append(.init(location: at, message: "'\(entry)' has weight \(weight); only positive weights can be mapped, skipped"))
                continue
            }
            let words = entry.lowercased().split(whereSeparator: { $0 == " " || $0 == "_" }).map(String.init)
            if words.contains(where: { ruleWords.contains($0) }) || entry.contains("@") || entry.contains("/W") {
                book.notes.append(.init(location: at, message: "'\(entry)' is a WordStat rule (proximity or logic); rewrite it with NEAR/n, BEFORE/n or unless: in the codebook"))
                continue
            }
            let (pattern, problem) = ImportedCodebook.pattern(fromWord: entry, phraseSeparators: ["_"])
            guard let pattern else {
                book.notes.append(.init(location: at, message: "\(problem ?? entry); skipped"))
                continue
            }
            book.themes[owner].entries.append(.init(pattern, weight: weight))
        }
        if book.themes.isEmpty {
            throw VerbatimError.invalidFile(
                message: "no categories found", hint: "a .CAT file lists a category name, then its entries indented by a tab",
                at: SourceLocation(file: path, line: 1, column: 1))
        }
        return book
    }
}
