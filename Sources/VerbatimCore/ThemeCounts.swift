/// Counts of coded responses per theme and question, with the sentiment split, accumulated as
/// documents stream past. Parent themes are rolled up: a response counts once for a parent when it
/// has the parent or any of its descendants.
///
/// Also kept, in the same pass: a theme × theme co-occurrence table (responses coded with both,
/// roll-ups included, so the diagonal is each theme's own count) and, when `breakdownField` is set
/// (`--by grade`), the same cells split by the value of that metadata field.
public final class ThemeCounts: DocumentSink {
    public struct Cell: Sendable, Equatable {
        public var responses = 0
        public var positive = 0
        public var negative = 0
        public var neutral = 0
        public var mixed = 0
        public init() {}

        mutating func add(_ label: Sentiment.Label?) {
            responses += 1
            switch label {
            case .positive?: positive += 1
            case .negative?: negative += 1
            case .neutral?: neutral += 1
            case .mixed?: mixed += 1
            case nil: break
            }
        }

        public static func + (a: Cell, b: Cell) -> Cell {
            var c = a
            c.responses += b.responses
            c.positive += b.positive
            c.negative += b.negative
            c.neutral += b.neutral
            c.mixed += b.mixed
            return c
        }
    }

    /// The label used for responses without a question.
    public static let noQuestion = "(none)"
    /// The label of the all-questions rows (and of the all-groups rows of a breakdown).
    public static let allQuestions = "ALL"
    /// The group of responses whose breakdown field is missing or empty.
    public static let noValue = "(none)"

    public private(set) var themes: [ThemeInfo]
    /// The metadata field of the breakdown, if any.
    public let breakdownField: String?
    /// question → group → answers (only with a breakdown field).
    public private(set) var groupAnswers: [String: [String: Int]] = [:]
    /// theme → question → group → cell (only with a breakdown field).
    public private(set) var groupCells: [String: [String: [String: Cell]]] = [:]

    // Counting is by index (themes in `themes` order, questions in first-seen order), so that a
    // response costs a few array increments rather than a string hash per cell.
    private var themeIndex: [String: Int] = [:]
    /// Per theme index: the indices it counts for (itself, then its ancestors), worked out when the
    /// theme is first counted (an undeclared ancestor joins `themes` then, not before).
    private var rollups: [[Int]?] = []
    private var ancestorIDs: [String: [String]] = [:]
    private var questionIndex: [String: Int] = [:]
    private var questionNames: [String] = []
    private var answerCounts: [Int] = []
    /// [theme][question]
    private var cellGrid: [[Cell]] = []
    /// [theme][theme]: responses coded with both.
    private var pairGrid: [[Int]] = []
    /// `add`'s list of the themes a response counts for, kept to reuse its capacity.
    private var countedScratch: [Int] = []
    /// The last question seen and its index: answers mostly arrive grouped by question.
    private var lastQuestion: (name: String, index: Int)?

    /// Answers per question.
    public var answers: [String: Int] { Dictionary(uniqueKeysWithValues: zip(questionNames, answerCounts)) }

    /// theme → question → cell, for the cells that counted a response.
    public var cells: [String: [String: Cell]] {
        var out: [String: [String: Cell]] = [:]
        for (t, row) in cellGrid.enumerated() {
            for (q, cell) in row.enumerated() where cell.responses > 0 { out[themes[t].id, default: [:]][questionNames[q]] = cell }
        }
        return out
    }

    /// theme → theme → responses coded with both.
    public var pairs: [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for (a, row) in pairGrid.enumerated() {
            for (b, n) in row.enumerated() where n > 0 { out[themes[a].id, default: [:]][themes[b].id] = n }
        }
        return out
    }

    public init(themes: [ThemeInfo], breakdownField: String? = nil) {
        self.breakdownField = breakdownField.flatMap { $0.isEmpty ? nil : $0 }
        let parents = Dictionary(themes.map { ($0.id, $0.parent) }, uniquingKeysWith: { a, _ in a })
        for t in themes {
            var chain: [String] = []
            var seen: Set<String> = [t.id]
            var p = t.parent
            while let parent = p, seen.insert(parent).inserted {
                chain.append(parent)
                p = parents[parent] ?? nil
            }
            ancestorIDs[t.id] = chain
        }
        self.themes = themes
        for (i, t) in themes.enumerated() where themeIndex[t.id] == nil { themeIndex[t.id] = i }
        rollups = Array(repeating: nil, count: themes.count)
        cellGrid = Array(repeating: [], count: themes.count)
        pairGrid = Array(repeating: Array(repeating: 0, count: themes.count), count: themes.count)
    }

    public func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws { add(document) }

    /// The breakdown group of a response: its value of `breakdownField`, or `noValue`.
    public func group(of response: Response) -> String? {
        guard let field = breakdownField else { return nil }
        guard let value = response.metadata(field)?.scalarText, !value.isEmpty else { return Self.noValue }
        return value
    }

    /// The index of `theme`, appending it to `themes` the first time (a theme no stage declared,
    /// e.g. from an exec: stage, is listed after the others).
    private func index(of theme: ThemeInfo) -> Int {
        if let i = themeIndex[theme.id] { return i }
        let i = themes.count
        themes.append(theme)
        themeIndex[theme.id] = i
        rollups.append(nil)
        cellGrid.append(Array(repeating: Cell(), count: questionNames.count))
        for k in pairGrid.indices { pairGrid[k].append(0) }
        pairGrid.append(Array(repeating: 0, count: themes.count))
        return i
    }

    private func rollup(_ i: Int) -> [Int] {
        if let known = rollups[i] { return known }
        let chain = [i] + (ancestorIDs[themes[i].id] ?? []).map { index(of: ThemeInfo(id: $0, label: $0)) }
        rollups[i] = chain
        return chain
    }

    private func index(ofQuestion question: String) -> Int {
        if let last = lastQuestion, last.name == question { return last.index }
        if let known = questionIndex[question] {
            lastQuestion = (question, known)
            return known
        }
        let q = questionNames.count
        questionIndex[question] = q
        questionNames.append(question)
        answerCounts.append(0)
        for t in cellGrid.indices { cellGrid[t].append(Cell()) }
        lastQuestion = (question, q)
        return q
    }

    public func add(_ document: Document) {
        let question = document.response.question ?? Self.noQuestion
        let q = index(ofQuestion: question)
        let group = group(of: document.response)
        answerCounts[q] += 1
        if let group { groupAnswers[question, default: [:]][group, default: 0] += 1 }
        // The themes this response counts for, each once, in first-coded order; the scratch array
        // keeps its capacity from one response to the next.
        var counted = countedScratch
        countedScratch = []
        counted.removeAll(keepingCapacity: true)
        defer { countedScratch = counted }
        let overall = document.sentiment?.label
        for code in document.codes {
            let label = document.themeSentiment.isEmpty ? overall : document.themeSentiment[code.theme]?.label ?? overall
            let own = themeIndex[code.theme] ?? index(of: ThemeInfo(id: code.theme, label: code.theme))
            for t in rollup(own) where !counted.contains(t) {
                counted.append(t)
                let themeLabel = t == own ? label : overall
                cellGrid[t][q].add(themeLabel)
                if let group { groupCells[themes[t].id, default: [:]][question, default: [:]][group, default: Cell()].add(themeLabel) }
            }
        }
        for a in counted {
            pairGrid[a].withUnsafeMutableBufferPointer { row in
                for b in counted { row[b] += 1 }
            }
        }
    }

    /// Adds another set of counts (from another shard) to this one. Both must use the same breakdown field.
    public func merge(_ other: ThemeCounts) {
        for t in other.themes { _ = index(of: t) }
        for (q, n) in zip(other.questionNames, other.answerCounts) { answerCounts[index(ofQuestion: q)] += n }
        for (t, row) in other.cellGrid.enumerated() {
            let mine = themeIndex[other.themes[t].id]!
            for (q, c) in row.enumerated() where c.responses > 0 {
                let i = index(ofQuestion: other.questionNames[q])
                cellGrid[mine][i] = cellGrid[mine][i] + c
            }
        }
        for (q, byGroup) in other.groupAnswers {
            for (g, n) in byGroup { groupAnswers[q, default: [:]][g, default: 0] += n }
        }
        for (t, byQuestion) in other.groupCells {
            for (q, byGroup) in byQuestion {
                for (g, c) in byGroup { groupCells[t, default: [:]][q, default: [:]][g] = (groupCells[t]?[q]?[g] ?? Cell()) + c }
            }
        }
        for (a, row) in other.pairGrid.enumerated() {
            let mineA = themeIndex[other.themes[a].id]!
            for (b, n) in row.enumerated() where n > 0 { pairGrid[mineA][themeIndex[other.themes[b].id]!] += n }
        }
    }

    public var questions: [String] { questionNames.sorted() }
    public var totalAnswers: Int { answerCounts.reduce(0, +) }

    /// The breakdown groups, sorted (empty without a breakdown field).
    public var groups: [String] {
        var all = Set<String>()
        for byGroup in groupAnswers.values { all.formUnion(byGroup.keys) }
        return all.sorted()
    }

    /// The cell of `theme` for `question` (or `allQuestions`) and, with a breakdown, `group`
    /// (nil or `allQuestions` for all groups).
    public func cell(_ theme: String, _ question: String, group: String? = nil) -> Cell {
        if let group, group != Self.allQuestions {
            guard let byQuestion = groupCells[theme] else { return Cell() }
            if question == Self.allQuestions {
                return byQuestion.keys.sorted().reduce(Cell()) { $0 + (byQuestion[$1]?[group] ?? Cell()) }
            }
            return byQuestion[question]?[group] ?? Cell()
        }
        guard let t = themeIndex[theme] else { return Cell() }
        if question == Self.allQuestions {
            // Summed in question order, whatever order the questions arrived in.
            return questions.reduce(Cell()) { $0 + cellGrid[t][questionIndex[$1]!] }
        }
        guard let q = questionIndex[question] else { return Cell() }
        return cellGrid[t][q]
    }

    public func answers(for question: String, group: String? = nil) -> Int {
        if let group, group != Self.allQuestions {
            if question == Self.allQuestions { return groupAnswers.values.reduce(0) { $0 + ($1[group] ?? 0) } }
            return groupAnswers[question]?[group] ?? 0
        }
        if question == Self.allQuestions { return totalAnswers }
        return questionIndex[question].map { answerCounts[$0] } ?? 0
    }

    /// Responses coded with both `a` and `b` (roll-ups included); `cooccurrence(a, a)` is `a`'s count.
    public func cooccurrence(_ a: String, _ b: String) -> Int {
        guard let i = themeIndex[a], let j = themeIndex[b] else { return 0 }
        return pairGrid[i][j]
    }

    /// The share of answers, 0 when there are none.
    public static func share(_ responses: Int, of answers: Int) -> Double {
        answers == 0 ? 0 : Double(responses) / Double(answers)
    }

    // MARK: Outputs

    /// `counts.csv`: one row per theme and question (and an ALL row per theme), zeros included.
    /// With a breakdown field, a `group` column is appended and each theme/question row is repeated
    /// per group, after its all-groups row. Text cells are neutralised against spreadsheet formulas.
    public func csv() -> String {
        var out = "theme,label,parent,question,responses,answers,share,positive,negative,neutral,mixed"
        out += breakdownField == nil ? "\r\n" : ",group\r\n"
        let groupColumn: [String?] = breakdownField == nil ? [nil] : [Self.allQuestions] + groups
        for theme in themes {
            for q in questions + [Self.allQuestions] {
                for g in groupColumn {
                    let c = cell(theme.id, q, group: g)
                    let n = answers(for: q, group: g)
                    var fields: [String] = [
                        theme.id, theme.label, theme.parent ?? "", q, String(c.responses), String(n),
                        Self.decimal(Self.share(c.responses, of: n), places: 4), String(c.positive), String(c.negative),
                        String(c.neutral), String(c.mixed),
                    ]
                    if let g { fields.append(g) }
                    out += fields.map { CSVField.escape($0, neutralise: true) }.joined(separator: ",") + "\r\n"
                }
            }
        }
        return out
    }

    /// `cooccurrence.csv`: a square table of theme ids; each cell counts the responses coded with both.
    public func cooccurrenceCSV() -> String {
        var out = (["theme"] + themes.map(\.id)).map { CSVField.escape($0, neutralise: true) }.joined(separator: ",") + "\r\n"
        for a in themes {
            out += ([CSVField.escape(a.id, neutralise: true)] + themes.map { String(cooccurrence(a.id, $0.id)) })
                .joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// `counts.json`: the same numbers as `counts.csv`, nested, plus the co-occurrence matrix.
    ///
    /// `{"by", "total_answers", "questions": [{question, answers, groups?}], "themes": [{id, label, parent,
    /// counts: [{question, responses, answers, share, positive, negative, neutral, mixed, groups?: [{group, ...}]}]}],
    /// "cooccurrence": {"themes": [id], "matrix": [[n]]}}`
    public func json() -> String {
        var w = JSONWriter(reservingCapacity: 4096)
        let groups = self.groups
        w.beginObject()
        w.key("by")
        if let field = breakdownField { w.string(field) } else { w.null() }
        w.key("total_answers"); w.integer(totalAnswers)
        w.key("questions")
        w.beginArray()
        for q in questions + [Self.allQuestions] {
            w.beginObject()
            w.key("question"); w.string(q)
            w.key("answers"); w.integer(answers(for: q))
            if breakdownField != nil {
                w.key("groups")
                w.beginObject()
                for g in groups {
                    w.key(g); w.integer(answers(for: q, group: g))
                }
                w.endObject()
            }
            w.endObject()
        }
        w.endArray()
        w.key("themes")
        w.beginArray()
        for theme in themes {
            w.beginObject()
            w.key("id"); w.string(theme.id)
            w.key("label"); w.string(theme.label)
            w.key("parent")
            if let parent = theme.parent { w.string(parent) } else { w.null() }
            w.key("counts")
            w.beginArray()
            for q in questions + [Self.allQuestions] {
                w.beginObject()
                w.key("question"); w.string(q)
                writeCell(theme.id, q, group: nil, into: &w)
                if breakdownField != nil {
                    w.key("groups")
                    w.beginArray()
                    for g in groups {
                        w.beginObject()
                        w.key("group"); w.string(g)
                        writeCell(theme.id, q, group: g, into: &w)
                        w.endObject()
                    }
                    w.endArray()
                }
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.key("cooccurrence")
        w.beginObject()
        w.key("themes")
        w.beginArray()
        for t in themes { w.string(t.id) }
        w.endArray()
        w.key("matrix")
        w.beginArray()
        for a in themes {
            w.beginArray()
            for b in themes { w.integer(cooccurrence(a.id, b.id)) }
            w.endArray()
        }
        w.endArray()
        w.endObject()
        w.endObject()
        w.newline()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    private func writeCell(_ theme: String, _ question: String, group: String?, into w: inout JSONWriter) {
        let c = cell(theme, question, group: group)
        let n = answers(for: question, group: group)
        w.key("responses"); w.integer(c.responses)
        w.key("answers"); w.integer(n)
        w.key("share"); w.number(Self.share(c.responses, of: n))
        w.key("positive"); w.integer(c.positive)
        w.key("negative"); w.integer(c.negative)
        w.key("neutral"); w.integer(c.neutral)
        w.key("mixed"); w.integer(c.mixed)
    }

    /// Fixed-point formatting that does not depend on the locale.
    public static func decimal(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let n = Int((abs(value) * scale).rounded())
        var frac = String(n % Int(scale))
        while frac.count < places { frac = "0" + frac }
        return (value < 0 && n != 0 ? "-" : "") + String(n / Int(scale)) + (places > 0 ? "." + frac : "")
    }

    /// A compact table for the terminal: themes by question, with the share of all answers.
    public func summaryTable() -> String {
        let qs = questions
        var rows: [[String]] = [["Theme"] + qs + ["All", "Share", "+/-/~/±"]]
        for theme in themes {
            let all = cell(theme.id, Self.allQuestions)
            let share = Self.share(all.responses, of: totalAnswers) * 100
            rows.append(
                [theme.parent == nil ? theme.label : "  " + theme.label]
                    + qs.map { String(cell(theme.id, $0).responses) }
                    + [String(all.responses), Self.decimal(share, places: 1) + "%",
                       "\(all.positive)/\(all.negative)/\(all.neutral)/\(all.mixed)"])
        }
        rows.append(["Answers"] + qs.map { String(answers(for: $0)) } + [String(totalAnswers), "", ""])
        return TextTable.render(rows)
    }
}

/// A plain left/right aligned text table.
public enum TextTable {
    public static func render(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: header.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for (r, row) in rows.enumerated() {
            var line = ""
            for (i, cell) in row.enumerated() where i < widths.count {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                line += i == 0 ? cell + pad : "  " + pad + cell
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
            if r == 0 { out += String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1)) + "\n" }
        }
        return out
    }
}

/// CSV cell quoting (RFC 4180), and neutralising of cells a spreadsheet would run as a formula.
public enum CSVField {
    public static func escape(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacing("\"", with: "\"\"") + "\""
        }
        return s
    }

    /// `escape`, after `neutralised` when `neutralise` is set.
    public static func escape(_ s: String, neutralise: Bool) -> String {
        escape(neutralise ? neutralised(s) : s)
    }

    /// Spreadsheets run a cell starting with `=`, `+`, `-` or `@` as a formula, and some also after a
    /// leading tab or carriage return; a leading apostrophe makes them show the text instead.
    public static func neutralised(_ s: String) -> String {
        guard let first = s.unicodeScalars.first else { return s }
        switch first {
        case "=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}": return "'" + s
        default: return s
        }
    }
}
