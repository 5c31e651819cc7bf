import Foundation
import VerbatimCore
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads responses from the first sheet of an `.xlsx` workbook, as survey tools export them: the
/// first non-empty row names the columns, and the same long/wide options as CSV pick the columns
/// (`InputOptions.idColumn`, `textColumn`, `questionColumn`, `textColumns`).
///
/// Cells may be shared strings, inline strings, formula results, booleans or numbers (numbers keep
/// their stored form: dates come through as the spreadsheet's day numbers). Error messages name the
/// sheet row as the line.
public final class XLSXResponseReader {
    public let path: String
    private var items: [InputItem] = []
    private var position = 0
    private let strict: Bool

    public init(path: String, options: InputOptions) throws(VerbatimError) {
        self.path = path
        strict = options.strict
        let zip = try ZipPackage.Reader(path: path)
        let sheetPath = try Self.firstSheetPath(zip)
        var shared: [String] = []
        if let bytes = try zip.read("xl/sharedStrings.xml") { shared = try Self.sharedStrings(bytes, name: path) }
        guard let sheet = try zip.read(sheetPath) else {
            throw .io(path: path, message: "the workbook names sheet '\(sheetPath)', which the file does not contain")
        }
        let rows = try Self.rows(sheet, shared: shared, name: path)
        items = try Self.responses(rows, options: options, path: path)
    }

    /// The next item, or nil at the end. In strict mode a malformed row throws.
    public func next() throws -> InputItem? {
        guard position < items.count else { return nil }
        defer { position += 1 }
        if case let .malformed(error) = items[position], strict { throw error }
        return items[position]
    }

    // MARK: Workbook structure

    static func firstSheetPath(_ zip: ZipPackage.Reader) throws(VerbatimError) -> String {
        guard let workbook = try zip.read("xl/workbook.xml") else {
            throw .io(path: zip.path, message: "not an .xlsx workbook (no xl/workbook.xml); save the survey export as Excel .xlsx")
        }
        let sheets = try XMLElements.collect(workbook, name: zip.path, elements: ["sheet"])
        guard let first = sheets.first, let relation = first.attributes.first(where: { $0.key.hasSuffix(":id") || $0.key == "id" })?.value
        else {
            throw .io(path: zip.path, message: "the workbook lists no sheets")
        }
        if let rels = try zip.read("xl/_rels/workbook.xml.rels") {
            for r in try XMLElements.collect(rels, name: zip.path, elements: ["Relationship"]) where r.attributes["Id"] == relation {
                guard let target = r.attributes["Target"] else { break }
                return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            }
        }
        return "xl/worksheets/sheet1.xml"
    }

    static func sharedStrings(_ bytes: [UInt8], name: String) throws(VerbatimError) -> [String] {
        let collector = SharedStringCollector()
        try XMLElements.parse(bytes, name: name, delegate: collector)
        return collector.strings
    }

    /// Row number (1-based) and cells by column index.
    struct Row {
        var number: Int
        var cells: [Int: String]
    }

    static func rows(_ bytes: [UInt8], shared: [String], name: String) throws(VerbatimError) -> [Row] {
        let collector = SheetCollector(shared: shared)
        try XMLElements.parse(bytes, name: name, delegate: collector)
        return collector.rows
    }

    /// The 0-based column of a cell reference such as `AB12`.
    static func column(of reference: String) -> Int? {
        var n = 0
        var letters = 0
        for u in reference.utf8 {
            guard u >= 65 && u <= 90 || u >= 97 && u <= 122 else { break }
            n = n * 26 + Int((u & 0xDF) - 64)
            letters += 1
        }
        return letters == 0 ? nil : n - 1
    }

    // MARK: Rows to responses

    static func responses(_ rows: [Row], options: InputOptions, path: String) throws(VerbatimError) -> [InputItem] {
        let nonEmpty = rows.filter { $0.cells.values.contains { !$0.isEmpty } }
        guard let headerRow = nonEmpty.first else {
            throw .malformedRecord(message: "the first sheet is empty; its first row must name the columns",
                                   at: SourceLocation(file: path, line: 1, column: 1))
        }
        let width = (headerRow.cells.keys.max() ?? -1) + 1
        let header = (0..<width).map { (headerRow.cells[$0] ?? "").trimmingCharacters(in: .whitespaces) }
        let location = SourceLocation(file: path, line: headerRow.number, column: 1)
        func index(_ column: String, _ what: String) throws(VerbatimError) -> Int {
            guard let i = header.firstIndex(of: column) else {
                throw .malformedRecord(
                    message: "no column '\(column)' for \(what); the header has: \(header.filter { !$0.isEmpty }.joined(separator: ", "))",
                    at: location)
            }
            return i
        }
        var idIndex = header.firstIndex(of: "id")
        if let c = options.idColumn { idIndex = try index(c, "--id-column") }
        var items: [InputItem] = []
        var dataRow = 0
        if options.textColumns.isEmpty {
            let textIndex = try index(options.textColumn, "--text-column (the answers)")
            var questionIndex = header.firstIndex(of: "question")
            if let c = options.questionColumn { questionIndex = try index(c, "--question-column") }
            for row in nonEmpty.dropFirst() {
                dataRow += 1
                let at = SourceLocation(file: path, line: row.number)
                let id = idIndex.flatMap { row.cells[$0] }.flatMap { $0.isEmpty ? nil : $0 } ?? "row-\(dataRow)"
                let question = questionIndex.flatMap { row.cells[$0] }.flatMap { $0.isEmpty ? nil : $0 }
                var metadata: [(key: String, value: JSONValue)] = []
                for (i, name) in header.enumerated() where i != textIndex && i != idIndex && i != questionIndex && !name.isEmpty {
                    metadata.append((name, .string(row.cells[i] ?? "")))
                }
                items.append(.response(Response(id: id, question: question, text: row.cells[textIndex] ?? "", metadata: metadata, source: at)))
            }
        } else {
            var answerColumns: [(Int, String)] = []
            for c in options.textColumns { answerColumns.append((try index(c, "--text-columns"), c)) }
            let answerIndices = Set(answerColumns.map(\.0))
            for row in nonEmpty.dropFirst() {
                dataRow += 1
                let at = SourceLocation(file: path, line: row.number)
                let respondent = idIndex.flatMap { row.cells[$0] }.flatMap { $0.isEmpty ? nil : $0 } ?? "row-\(dataRow)"
                var metadata: [(key: String, value: JSONValue)] = []
                if let idIndex { metadata.append(("respondent", .string(row.cells[idIndex] ?? ""))) }
                for (i, name) in header.enumerated() where !answerIndices.contains(i) && i != idIndex && !name.isEmpty {
                    metadata.append((name, .string(row.cells[i] ?? "")))
                }
                for (i, column) in answerColumns {
                    guard let text = row.cells[i], text.contains(where: { !$0.isWhitespace }) else { continue }
                    items.append(.response(Response(id: "\(respondent)-\(column)", question: column, text: text, metadata: metadata, source: at)))
                }
            }
        }
        return items
    }

    // MARK: XML collectors

    /// `<si>` items: the text of their `<t>` elements, leaving out phonetic runs (`<rPh>`).
    final class SharedStringCollector: NSObject, XMLParserDelegate {
        var strings: [String] = []
        private var current = ""
        private var inText = false
        private var phonetic = 0

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch XMLElements.local(elementName) {
            case "si": current = ""
            case "t": inText = phonetic == 0
            case "rPh": phonetic += 1
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            switch XMLElements.local(elementName) {
            case "si": strings.append(current)
            case "t": inText = false
            case "rPh": phonetic -= 1
            default: break
            }
        }
    }

    /// `<row>`s of `<c>` cells: the value by type (`s` shared, `inlineStr`, `str`, `b`, numbers).
    final class SheetCollector: NSObject, XMLParserDelegate {
        let shared: [String]
        var rows: [Row] = []
        private var row: Row?
        private var nextColumn = 0
        private var cellColumn = 0
        private var cellType = ""
        private var value = ""
        private var inValue = false
        private var inlineText = ""
        private var inInlineText = false
        private var phonetic = 0

        init(shared: [String]) { self.shared = shared }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch XMLElements.local(elementName) {
            case "row":
                let number = attributes["r"].flatMap { Int($0) } ?? ((rows.last?.number ?? 0) + 1)
                row = Row(number: number, cells: [:])
                nextColumn = 0
            case "c":
                cellColumn = attributes["r"].flatMap(XLSXResponseReader.column(of:)) ?? nextColumn
                nextColumn = cellColumn + 1
                cellType = attributes["t"] ?? "n"
                value = ""
                inlineText = ""
            case "v": inValue = true
            case "t": inInlineText = phonetic == 0
            case "rPh": phonetic += 1
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inValue { value += string } else if inInlineText { inlineText += string }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            switch XMLElements.local(elementName) {
            case "v": inValue = false
            case "t": inInlineText = false
            case "rPh": phonetic -= 1
            case "c":
                let text: String
                switch cellType {
                case "s": text = Int(value.trimmingCharacters(in: .whitespaces)).flatMap { $0 >= 0 && $0 < shared.count ? shared[$0] : nil } ?? ""
                case "inlineStr": text = inlineText
                case "b": text = value == "1" ? "TRUE" : (value == "0" ? "FALSE" : value)
                case "str", "e": text = value
                default: text = Self.number(value)
                }
                row?.cells[cellColumn] = text
            case "row":
                if let row { rows.append(row) }
                row = nil
            default: break
            }
        }

        /// Whole numbers without ".0"; anything else as stored.
        static func number(_ raw: String) -> String {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if let d = Double(trimmed), d.isFinite, d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
            return trimmed
        }
    }
}

/// Small helpers around Foundation's event-driven XML parser.
enum XMLElements {
    struct Element {
        var name: String
        var attributes: [String: String]
    }

    static func local(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    static func parse(_ bytes: [UInt8], name: String, delegate: XMLParserDelegate) throws(VerbatimError) {
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        if !parser.parse() || parser.parserError != nil {
            let message = parser.parserError.map { "XML error \(($0 as NSError).code) near line \(parser.lineNumber)" } ?? "unknown error"
            throw .io(path: name, message: "malformed XML inside the workbook: \(message)")
        }
    }

    /// Every element named one of `elements` (local names), with its attributes, in document order.
    static func collect(_ bytes: [UInt8], name: String, elements: Set<String>) throws(VerbatimError) -> [Element] {
        let collector = Collector(elements)
        try parse(bytes, name: name, delegate: collector)
        return collector.found
    }

    final class Collector: NSObject, XMLParserDelegate {
        let names: Set<String>
        var found: [Element] = []
        init(_ names: Set<String>) { self.names = names }
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let local = XMLElements.local(elementName)
            if names.contains(local) { found.append(Element(name: local, attributes: attributes)) }
        }
    }
}
