import VerbatimCore

/// Reads LIWC `.dic` dictionaries:
///
///     %
///     1	posemo
///     2	negemo
///     %
///     good	1
///     abandon*	2
///
/// Categories become themes; each word becomes an exact-form pattern (`=good`) or a prefix wildcard
/// (`abandon*`) in every theme it is listed under. Constructs LIWC evaluates in context (the
/// parenthesised conditional assignments of some editions) are reported, not mapped.
enum LIWCDictionaryReader {
    static func read(_ text: String, path: String) throws(VerbatimError) -> ImportedCodebook {
        var book = ImportedCodebook(name: FileIO.fileName(of: path), source: path, format: .liwc)
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        var section = 0  // 0 before the first %, 1 in the category table, 2 in the words
        var categories: [String: Int] = [:]  // LIWC id → theme index
        var taken = Set<String>()
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            let line = String(rawLine).trimmingEdges(" \t")
            if line.isEmpty { continue }
            if line == "%" {
                section += 1
                continue
            }
            let at = SourceLocation(file: path, line: lineNumber, column: 1)
            // Fields are tab-separated; files without tabs use spaces. Tabs keep conditional
            // assignments such as "(02 134)53" in one field.
            let fields = (line.contains("\t") ? line.split(separator: "\t") : line.split(separator: " "))
                .map { String($0).trimmingEdges(" ") }.filter { !$0.isEmpty }
            switch section {
            case 0:
                throw VerbatimError.invalidFile(message: "a LIWC dictionary starts with a line holding only '%'",
                                                hint: "the category table sits between the first two '%' lines", at: at)
            case 1:
                guard fields.count >= 2 else {
                    throw VerbatimError.invalidFile(message: "a category line needs an id and a name, e.g. '1\tposemo'", hint: nil, at: at)
                }
                let name = fields[1...].joined(separator: " ")
                guard categories[fields[0]] == nil else {
                    throw VerbatimError.invalidFile(message: "category id '\(fields[0])' is defined twice", hint: nil, at: at)
                }
                categories[fields[0]] = book.themes.count
                book.themes.append(.init(id: ImportedCodebook.themeID(name, taken: &taken), label: name,
                                         description: "LIWC category \(fields[0]) (\(name)) from \(FileIO.fileName(of: path))"))
            default:
                guard fields.count >= 2 else {
                    book.notes.append(.init(location: at, message: "'\(line)' lists no category; skipped"))
                    continue
                }
                // The word (or phrase) comes first; then the category ids.
                let word = fields[0]
                let ids = Array(fields.dropFirst())
                let (pattern, problem) = ImportedCodebook.pattern(fromWord: word)
                guard let pattern else {
                    book.notes.append(.init(location: at, message: "\(problem ?? "'\(word)'"); skipped"))
                    continue
                }
                for id in ids {
                    guard id.allSatisfy(\.isNumber) else {
                        book.notes.append(.init(location: at, message: "'\(word)': '\(id)' is a conditional category assignment, which LIWC evaluates in context; not mapped"))
                        continue
                    }
                    guard let t = categories[id] else {
                        book.notes.append(.init(location: at, message: "'\(word)' refers to category \(id), which the table does not define; skipped"))
                        continue
                    }
                    book.themes[t].entries.append(.init(pattern))
                }
            }
        }
        guard section >= 2 else {
            throw VerbatimError.invalidFile(message: "the category table is not closed by a second '%' line", hint: nil,
                                            at: SourceLocation(file: path, line: max(1, lines.count), column: 1))
        }
        return book
    }
}

extension String {
    func trimmingEdges(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
