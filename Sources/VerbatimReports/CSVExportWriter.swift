import VerbatimCore

/// The CSV export: `NAME.csv` holds one row per response and theme (a response with no theme gets
/// one row with the theme columns empty, so every answer appears), and `NAME-counts.csv` the counts
/// (the columns of `counts.csv`).
///
/// RFC 4180: comma-separated, CRLF line ends, fields with commas, quotes or line breaks quoted and
/// inner quotes doubled. Text cells that a spreadsheet would run as a formula (starting with `=`,
/// `+`, `-`, `@`, tab or CR) get a leading apostrophe. With `bom`, both files start with a UTF-8
/// byte-order mark so Excel reads them as UTF-8.
public enum CSVExportWriter {
    public static let columns = [
        "id", "question", "theme", "theme_label", "evidence", "evidence_offsets", "rules", "theme_sentiment",
        "sentiment", "sentiment_score", "text",
    ]

    /// The rows file; metadata fields follow the fixed columns, in first-seen order.
    public static func responsesCSV(_ content: ReportContent, metadataKeys: [String], bom: Bool = false) -> String {
        var out = bom ? "\u{FEFF}" : ""
        out += (columns + metadataKeys).map { CSVField.escape($0, neutralise: true) }.joined(separator: ",") + "\r\n"
        let labels = Dictionary(content.themes.map { ($0.id, $0.label) }, uniquingKeysWith: { a, _ in a })
        for r in content.responses {
            let meta = metadataKeys.map { r.metadataText($0) ?? "" }
            let sentiment = r.sentiment?.label.rawValue ?? ""
            let score = r.sentiment.map { JSONWriter.format($0.score) } ?? ""
            let codes: [CodedTheme?] = r.codes.isEmpty ? [nil] : r.codes
            for code in codes {
                let evidence = code?.evidence ?? []
                let text: [String] = [
                    r.id, r.question ?? "", code?.theme ?? "", code.map { labels[$0.theme] ?? $0.theme } ?? "",
                    evidence.map { r.text($0.start, $0.end) }.joined(separator: " | "),
                ]
                let offsets = evidence.map { "\($0.start)-\($0.end)" }.joined(separator: ";")
                let rules = evidence.map(\.rule).joined(separator: " | ")
                let themeSentiment = code.flatMap { r.themeSentiment[$0.theme]?.label.rawValue } ?? ""
                var fields = text.map { CSVField.escape($0, neutralise: true) }
                fields.append(CSVField.escape(offsets))
                fields.append(CSVField.escape(rules, neutralise: true))
                fields.append(CSVField.escape(themeSentiment))
                fields.append(CSVField.escape(sentiment))
                // A number: left as it is, so a negative score stays a number.
                fields.append(score)
                fields.append(CSVField.escape(r.text, neutralise: true))
                fields += meta.map { CSVField.escape($0, neutralise: true) }
                out += fields.joined(separator: ",") + "\r\n"
            }
        }
        return out
    }

    /// The counts file: `counts.csv` with an optional BOM.
    public static func countsCSV(_ content: ReportContent, bom: Bool = false) -> String {
        (bom ? "\u{FEFF}" : "") + content.counts.csv()
    }

    /// Where the counts go for an export to `path`: `survey.csv` → `survey-counts.csv`.
    public static func countsPath(for path: String) -> String {
        let ext = FileIO.fileExtension(of: path)
        let stem = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
        return stem + "-counts.csv"
    }

    /// Writes both files atomically.
    public static func write(_ content: ReportContent, metadataKeys: [String], to path: String, bom: Bool) throws(VerbatimError) {
        try FileIO.writeAtomically(responsesCSV(content, metadataKeys: metadataKeys, bom: bom), to: path)
        try FileIO.writeAtomically(countsCSV(content, bom: bom), to: countsPath(for: path))
    }
}
