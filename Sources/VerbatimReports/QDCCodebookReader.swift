import Foundation
import VerbatimCore
#if canImport(FoundationXML)
import FoundationXML
#endif

/// REFI-QDA codebook import: reads the `Code` tree of a `.qdc` file (or of a `project.qde`) into
/// themes. Codebooks written by `QDCCodebookWriter` come back exactly (ids, order, questions and
/// colours from its `verbatim:` line); others get ids made from the code names.
public enum QDCCodebookReader {
    public static func read(path: String) throws(VerbatimError) -> [ThemeInfo] {
        try read(bytes: FileIO.readBytes(path: path), name: path)
    }

    public static func read(xml: String, name: String = "<codebook>") throws(VerbatimError) -> [ThemeInfo] {
        try read(bytes: Array(xml.utf8), name: name)
    }

    public static func read(bytes: [UInt8], name: String) throws(VerbatimError) -> [ThemeInfo] {
        let collector = CodeTreeCollector()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        if !parser.parse() || parser.parserError != nil {
            let message = parser.parserError.map { "XML error \(($0 as NSError).code) near line \(parser.lineNumber)" } ?? "unknown error"
            throw .invalidFile(message: "not a well-formed REFI-QDA codebook: \(message)",
                               hint: "export it again as a .qdc (REFI-QDA codebook) file",
                               at: SourceLocation(file: name, line: max(1, parser.lineNumber)))
        }
        guard collector.sawCodes else {
            throw .invalidFile(message: "no <Codes> element: this is not a REFI-QDA codebook or project",
                               hint: nil, at: SourceLocation(file: name, line: 1))
        }
        return themes(from: collector.codes)
    }

    struct RawCode {
        var name: String
        var color: String?
        var description = ""
        var parent: Int?
    }

    static func themes(from raw: [RawCode]) -> [ThemeInfo] {
        var themes: [ThemeInfo] = []
        var orders: [Int?] = []
        var parentsFromFields: [String?] = []
        var used = Set<String>()
        for code in raw {
            var description = code.description
            var fields: [String: String] = [:]
            if let range = description.range(of: QDCCodebookWriter.marker, options: .backwards),
               range.lowerBound == description.startIndex || description[description.index(before: range.lowerBound)] == "\n",
               !description[range.upperBound...].contains("\n") {
                for field in description[range.upperBound...].split(separator: ";") {
                    let parts = field.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    fields[parts[0].trimmingCharacters(in: .whitespaces)] = String(parts[1]).trimmingCharacters(in: .whitespaces)
                }
                description = String(description[..<range.lowerBound])
                while description.hasSuffix("\n") { description.removeLast() }
            }
            var id = fields["id"].map(decode) ?? slug(code.name)
            if fields["id"] == nil {
                let base = id
                var n = 2
                while used.contains(id) {
                    id = "\(base)_\(n)"
                    n += 1
                }
            }
            used.insert(id)
            var theme = ThemeInfo(id: id, label: code.name, description: description)
            theme.questions = fields["questions"].map { $0.split(separator: ",").map { decode(String($0)) } } ?? []
            switch fields["color"] {
            case "auto"?: theme.color = nil
            case let c?: theme.color = decode(c)
            case nil: theme.color = code.color
            }
            themes.append(theme)
            orders.append(fields["order"].flatMap { Int($0) })
            parentsFromFields.append(fields["parent"].map(decode))
        }
        for (k, code) in raw.enumerated() {
            themes[k].parent = parentsFromFields[k] ?? code.parent.map { themes[$0].id }
        }
        if orders.allSatisfy({ $0 != nil }) {
            let order = themes.indices.sorted { (orders[$0]!, $0) < (orders[$1]!, $1) }
            themes = order.map { themes[$0] }
        }
        return themes
    }

    static func decode(_ s: String) -> String { s.removingPercentEncoding ?? s }

    /// An id from a code name: lower case, letters and digits, words joined by `_`.
    static func slug(_ name: String) -> String {
        var out = ""
        var pendingSeparator = false
        for ch in name.lowercased() {
            if ch.isLetter || ch.isNumber {
                if pendingSeparator, !out.isEmpty { out.append("_") }
                out.append(ch)
                pendingSeparator = false
            } else {
                pendingSeparator = true
            }
        }
        return out.isEmpty ? "code" : out
    }

    /// Collects `Code` elements, their nesting and their own `Description`.
    final class CodeTreeCollector: NSObject, XMLParserDelegate {
        var codes: [RawCode] = []
        var sawCodes = false
        private var stack: [Int] = []
        private var elements: [String] = []
        private var text = ""

        static func local(_ name: String) -> String {
            name.split(separator: ":").last.map(String.init) ?? name
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let name = Self.local(elementName)
            elements.append(name)
            switch name {
            case "Codes": sawCodes = true
            case "Code" where elements.dropLast().last == "Codes" || elements.dropLast().last == "Code":
                codes.append(RawCode(name: attributes["name"] ?? "", color: attributes["color"], parent: stack.last))
                stack.append(codes.count - 1)
            case "Description": text = ""
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) { text += String(decoding: CDATABlock, as: UTF8.self) }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            let name = Self.local(elementName)
            elements.removeLast()
            if name == "Description", elements.last == "Code", let k = stack.last {
                codes[k].description = text
            } else if name == "Code", elements.last == "Codes" || elements.last == "Code", !stack.isEmpty {
                stack.removeLast()
            }
        }
    }
}
