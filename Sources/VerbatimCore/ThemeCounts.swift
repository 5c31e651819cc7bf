/// Counts of coded responses per theme and question, with the sentiment split, accumulated as
/// documents stream past. Parent themes are rolled up: a response counts once for a parent when it
/// has the parent or any of its descendants.
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
    /// The label of the all-questions rows.
    public static let allQuestions = "ALL"

    public private(set) var themes: [ThemeInfo]
    /// Answers per question.
    public private(set) var answers: [String: Int] = [:]
    /// theme → question → cell.
    public private(set) var cells: [String: [String: Cell]] = [:]
    private var ancestors: [String: [String]] = [:]

    public init(themes: [ThemeInfo]) {
        self.themes = themes
        let parents = Dictionary(themes.map { ($0.id, $0.parent) }, uniquingKeysWith: { a, _ in a })
        for t in themes {
            var chain: [String] = []
            var seen: Set<String> = [t.id]
            var p = t.parent
            while let parent = p, seen.insert(parent).inserted {
                chain.append(parent)
                p = parents[parent] ?? nil
            }
            ancestors[t.id] = chain
        }
    }

    public func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws { add(document) }

    public func add(_ document: Document) {
        let question = document.response.question ?? Self.noQuestion
        answers[question, default: 0] += 1
        var counted = Set<String>()
        for code in document.codes {
            let label = document.themeSentiment[code.theme]?.label ?? document.sentiment?.label
            for theme in [code.theme] + (ancestors[code.theme] ?? []) where counted.insert(theme).inserted {
                if !themes.contains(where: { $0.id == theme }) {
                    // A theme no stage declared (e.g. from an exec: stage): list it after the others.
                    themes.append(ThemeInfo(id: theme, label: theme))
                }
                let themeLabel = theme == code.theme ? label : document.sentiment?.label
                cells[theme, default: [:]][question, default: Cell()].add(themeLabel)
            }
        }
    }

    /// Adds another set of counts (from another shard) to this one.
    public func merge(_ other: ThemeCounts) {
        for t in other.themes where !themes.contains(where: { $0.id == t.id }) { themes.append(t) }
        for (q, n) in other.answers { answers[q, default: 0] += n }
        for (t, byQuestion) in other.cells {
            for (q, c) in byQuestion { cells[t, default: [:]][q, default: Cell()] = cells[t]?[q].map { $0 + c } ?? c }
        }
    }

    public var questions: [String] { answers.keys.sorted() }
    public var totalAnswers: Int { answers.values.reduce(0, +) }

    public func cell(_ theme: String, _ question: String) -> Cell {
        if question == Self.allQuestions {
            return cells[theme]?.values.reduce(Cell(), +) ?? Cell()
        }
        return cells[theme]?[question] ?? Cell()
    }

    public func answers(for question: String) -> Int {
        question == Self.allQuestions ? totalAnswers : answers[question] ?? 0
    }

    /// `counts.csv`: one row per theme and question (and an ALL row per theme), zeros included.
    public func csv() -> String {
        var out = "theme,label,parent,question,responses,answers,share,positive,negative,neutral,mixed\r\n"
        for theme in themes {
            for q in questions + [Self.allQuestions] {
                let c = cell(theme.id, q)
                let n = answers(for: q)
                let share = n == 0 ? 0 : Double(c.responses) / Double(n)
                let fields: [String] = [
                    theme.id, theme.label, theme.parent ?? "", q, String(c.responses), String(n),
                    Self.decimal(share, places: 4), String(c.positive), String(c.negative), String(c.neutral), String(c.mixed),
                ]
                out += fields.map(CSVField.escape).joined(separator: ",") + "\r\n"
            }
        }
        return out
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
            let share = totalAnswers == 0 ? 0 : Double(all.responses) / Double(totalAnswers) * 100
            rows.append(
                [theme.parent == nil ? theme.label : "  " + theme.label]
                    + qs.map { String(cell(theme.id, $0).responses) }
                    + [String(all.responses), Self.decimal(share, places: 1) + "%",
                       "\(all.positive)/\(all.negative)/\(all.neutral)/\(all.mixed)"])
        }
        rows.append(["Answers"] + qs.map { String(answers[$0] ?? 0) } + [String(totalAnswers), "", ""])
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

/// CSV cell quoting (RFC 4180).
public enum CSVField {
    public static func escape(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacing("\"", with: "\"\"") + "\""
        }
        return s
    }
}
