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
