import VerbatimCore

/// The `.xlsx` export: sheets Counts (as counts.csv), Quotes (the chosen quotes per theme),
/// Matrix (one row per response, a 0/1 column per theme) and Co-occurrence.
///
/// Text cells are inline strings, which spreadsheets never run as formulas, so they keep their text
/// as it is; cells longer than Excel's 32,767-character limit are cut with "…".
public enum XLSXExportWriter {
    public static func data(_ content: ReportContent) throws -> [UInt8] {
        try SpreadsheetWorkbook(sheets: [countsSheet(content), quotesSheet(content), matrixSheet(content), cooccurrenceSheet(content)]).data()
    }

    static func countsSheet(_ content: ReportContent) -> SpreadsheetWorkbook.Sheet {
        let counts = content.counts
        var header = ["theme", "label", "parent", "question", "responses", "answers", "share", "positive", "negative", "neutral", "mixed"]
        let groups: [String?] = counts.breakdownField == nil ? [nil] : [ThemeCounts.allQuestions] + counts.groups
        if let field = counts.breakdownField { header.append(field) }
        var rows: [[SpreadsheetWorkbook.Cell]] = [header.map { .text($0) }]
        for theme in content.themes {
            for q in counts.questions + [ThemeCounts.allQuestions] {
                for g in groups {
                    let c = counts.cell(theme.id, q, group: g)
                    let n = counts.answers(for: q, group: g)
                    var row: [SpreadsheetWorkbook.Cell] = [
                        .text(theme.id), .text(theme.label), .text(theme.parent ?? ""), .text(q), .number(Double(c.responses)),
                        .number(Double(n)), .percent(ThemeCounts.share(c.responses, of: n)), .number(Double(c.positive)),
                        .number(Double(c.negative)), .number(Double(c.neutral)), .number(Double(c.mixed)),
                    ]
                    if let g { row.append(.text(g)) }
                    rows.append(row)
                }
            }
        }
        return .init(name: "Counts", rows: rows, widths: [22, 36, 18, 10, 11, 9, 9, 9, 9, 9, 9, 14])
    }

    static func quotesSheet(_ content: ReportContent) -> SpreadsheetWorkbook.Sheet {
        var rows: [[SpreadsheetWorkbook.Cell]] = [
            ["theme", "label", "rank", "id", "question", "quote", "evidence", "sentiment", "sentiment_score"].map { .text($0) },
        ]
        for theme in content.themes {
            for (k, q) in (content.quotes[theme.id] ?? []).enumerated() {
                rows.append([
                    .text(theme.id), .text(theme.label), .number(Double(k + 1)), .text(q.id), .text(q.question ?? ""), .text(q.text),
                    .text(q.evidence.map { slice(q.text, $0) }.joined(separator: " | ")),
                    .text(q.sentiment?.label.rawValue ?? ""), q.sentiment.map { .number($0.score) } ?? .empty,
                ])
            }
        }
        return .init(name: "Quotes", rows: rows, widths: [22, 30, 6, 12, 10, 90, 30, 11, 10])
    }

    static func matrixSheet(_ content: ReportContent) -> SpreadsheetWorkbook.Sheet {
        let ids = content.themes.map(\.id)
        var rows: [[SpreadsheetWorkbook.Cell]] = [(["id", "question", "sentiment"] + ids + ["text"]).map { .text($0) }]
        let parents = Dictionary(content.themes.map { ($0.id, $0.parent) }, uniquingKeysWith: { a, _ in a })
        for r in content.responses {
            // Parents roll up, as in the counts.
            var has = Set<String>()
            for code in r.codes {
                var theme: String? = code.theme
                var steps = 0
                // The step limit guards against a parent cycle in a hand-written codebook.
                while let t = theme, steps < 64 {
                    has.insert(t)
                    theme = parents[t] ?? nil
                    steps += 1
                }
            }
            var row: [SpreadsheetWorkbook.Cell] = [.text(r.id), .text(r.question ?? ""), .text(r.sentiment?.label.rawValue ?? "")]
            row += ids.map { .number(has.contains($0) ? 1 : 0) }
            row.append(.text(r.text))
            rows.append(row)
        }
        return .init(name: "Matrix", rows: rows, widths: [12, 10, 10] + ids.map { _ in 8 } + [80])
    }

    static func cooccurrenceSheet(_ content: ReportContent) -> SpreadsheetWorkbook.Sheet {
        let ids = content.themes.map(\.id)
        var rows: [[SpreadsheetWorkbook.Cell]] = [(["theme"] + ids).map { .text($0) }]
        for a in ids {
            rows.append([.text(a)] + ids.map { .number(Double(content.counts.cooccurrence(a, $0))) })
        }
        return .init(name: "Co-occurrence", rows: rows, widths: [22] + ids.map { _ in 8 })
    }

    static func slice(_ text: String, _ range: Range<Int>) -> String {
        let scalars = Array(text.unicodeScalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[max(0, range.lowerBound)..<min(range.upperBound, scalars.count)])
        return String(view)
    }
}
