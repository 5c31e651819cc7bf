import VerbatimCore

/// A small writer of SpreadsheetML (the XML inside .xlsx): worksheets of text and number cells,
/// text as inline strings, a bold header row that stays in view, and an auto-filter.
public struct SpreadsheetWorkbook {
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(Double)
        case percent(Double)
        case empty
    }

    public struct Sheet {
        public var name: String
        public var rows: [[Cell]]
        /// Column widths in characters, by column; missing ones use the default.
        public var widths: [Double]
        public init(name: String, rows: [[Cell]] = [], widths: [Double] = []) {
            self.name = name
            self.rows = rows
            self.widths = widths
        }
    }

    /// Excel refuses cells longer than this.
    public static let maxCellCharacters = 32_767

    public var sheets: [Sheet] = []
    public init(sheets: [Sheet] = []) { self.sheets = sheets }

    /// The .xlsx file.
    public func data() throws -> [UInt8] {
        var entries: [(path: String, bytes: [UInt8])] = [
            ("[Content_Types].xml", Array(contentTypes.utf8)),
            ("_rels/.rels", Array(Self.rootRelationships.utf8)),
            ("xl/workbook.xml", Array(workbook.utf8)),
            ("xl/_rels/workbook.xml.rels", Array(workbookRelationships.utf8)),
            ("xl/styles.xml", Array(Self.styles.utf8)),
        ]
        for (k, sheet) in sheets.enumerated() {
            entries.append(("xl/worksheets/sheet\(k + 1).xml", Self.worksheet(sheet)))
        }
        return try ZipPackage.make(entries)
    }

    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let officeRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships"

    var contentTypes: String {
        var out = Self.header + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        out += "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        out += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        out += "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        out += "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
        for k in sheets.indices {
            out += "<Override PartName=\"/xl/worksheets/sheet\(k + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return out + "</Types>"
    }

    static var rootRelationships: String {
        header + "<Relationships xmlns=\"\(packageRelationships)\">"
            + "<Relationship Id=\"rId1\" Type=\"\(officeRelationships)/officeDocument\" Target=\"xl/workbook.xml\"/>"
            + "</Relationships>"
    }

    var workbook: String {
        var out = Self.header + "<workbook xmlns=\"\(Self.main)\" xmlns:r=\"\(Self.officeRelationships)\"><sheets>"
        var used = Set<String>()
        for (k, sheet) in sheets.enumerated() {
            var name = Self.sheetName(sheet.name)
            if !used.insert(name.lowercased()).inserted {
                name = String(name.prefix(27)) + " (\(k + 1))"
                used.insert(name.lowercased())
            }
            out += "<sheet name=\"\(XMLText.attribute(name))\" sheetId=\"\(k + 1)\" r:id=\"rId\(k + 1)\"/>"
        }
        return out + "</sheets></workbook>"
    }

    var workbookRelationships: String {
        var out = Self.header + "<Relationships xmlns=\"\(Self.packageRelationships)\">"
        for k in sheets.indices {
            out += "<Relationship Id=\"rId\(k + 1)\" Type=\"\(Self.officeRelationships)/worksheet\" Target=\"worksheets/sheet\(k + 1).xml\"/>"
        }
        out += "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"\(Self.officeRelationships)/styles\" Target=\"styles.xml\"/>"
        return out + "</Relationships>"
    }

    /// Style 0 plain, 1 bold (header), 2 percent with one decimal, 3 wrapped text.
    static var styles: String {
        header + "<styleSheet xmlns=\"\(main)\">"
            + "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"0.0%\"/></numFmts>"
            + "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font><font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
            + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
            + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
            + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
            + "<cellXfs count=\"4\">"
            + "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
            + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
            + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
            + "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyAlignment=\"1\"><alignment wrapText=\"1\" vertical=\"top\"/></xf>"
            + "</cellXfs>"
            + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
            + "</styleSheet>"
    }

    /// Sheet names: at most 31 characters, none of `[]:*?/\`, not empty.
    static func sheetName(_ name: String) -> String {
        var cleaned = String(XMLText.cleaned(name).map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
        while cleaned.hasPrefix("'") { cleaned.removeFirst() }
        return cleaned.isEmpty ? "Sheet" : cleaned
    }

    /// "A", "B", …, "Z", "AA", … for 0-based `index`.
    public static func columnName(_ index: Int) -> String {
        var n = index + 1
        var name = ""
        while n > 0 {
            let r = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + r))) + name
            n = (n - 1) / 26
        }
        return name
    }

    static func worksheet(_ sheet: Sheet) -> [UInt8] {
        var out = header + "<worksheet xmlns=\"\(main)\">"
        let columns = sheet.rows.map(\.count).max() ?? 0
        if !sheet.rows.isEmpty {
            out += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>"
        }
        if !sheet.widths.isEmpty {
            out += "<cols>"
            for (k, w) in sheet.widths.enumerated() {
                out += "<col min=\"\(k + 1)\" max=\"\(k + 1)\" width=\"\(ThemeCounts.decimal(w, places: 1))\" customWidth=\"1\"/>"
            }
            out += "</cols>"
        }
        var bytes = Array(out.utf8)
        bytes.append(contentsOf: "<sheetData>".utf8)
        for (r, row) in sheet.rows.enumerated() {
            var line = "<row r=\"\(r + 1)\">"
            for (c, cell) in row.enumerated() {
                let ref = columnName(c) + String(r + 1)
                switch cell {
                case .empty: continue
                case let .number(d):
                    line += "<c r=\"\(ref)\"><v>\(d.isFinite ? JSONWriter.format(d) : "0")</v></c>"
                case let .percent(d):
                    line += "<c r=\"\(ref)\" s=\"2\"><v>\(d.isFinite ? JSONWriter.format(d) : "0")</v></c>"
                case let .text(s):
                    let style = r == 0 ? " s=\"1\"" : (s.count > 60 ? " s=\"3\"" : "")
                    line += "<c r=\"\(ref)\" t=\"inlineStr\"\(style)><is><t xml:space=\"preserve\">\(XMLText.escape(cellText(s)))</t></is></c>"
                }
            }
            line += "</row>"
            bytes.append(contentsOf: line.utf8)
        }
        bytes.append(contentsOf: "</sheetData>".utf8)
        if columns > 0, !sheet.rows.isEmpty {
            bytes.append(contentsOf: "<autoFilter ref=\"A1:\(columnName(columns - 1))\(sheet.rows.count)\"/>".utf8)
        }
        bytes.append(contentsOf: "</worksheet>".utf8)
        return bytes
    }

    /// Text that fits in one cell: cut (between characters) with "…" past Excel's limit.
    static func cellText(_ s: String) -> String {
        let cleaned = XMLText.cleaned(s)
        guard cleaned.utf16.count > maxCellCharacters else { return cleaned }
        var out = ""
        var units = 0
        for ch in cleaned {
            let n = ch.utf16.count
            if units + n > maxCellCharacters - 1 { break }
            out.append(ch)
            units += n
        }
        return out + "…"
    }
}
