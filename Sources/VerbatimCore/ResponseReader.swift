/// How to read an input file: its format and, for spreadsheets, which columns hold what.
public struct InputOptions: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case jsonl, csv, text
    }

    /// nil: decide from the file extension (`.jsonl`/`.ndjson`/`.json`, `.csv`, anything else is text).
    public var format: Format?
    /// Long-form CSV: the columns of the id, the answer and the question.
    public var idColumn: String?
    public var textColumn: String = "text"
    public var questionColumn: String?
    /// Wide-form CSV: one respondent per row, one answer per listed column.
    public var textColumns: [String] = []
    /// Stop at the first malformed record instead of reporting it and carrying on.
    public var strict = false

    public init(format: Format? = nil) { self.format = format }

    public func resolvedFormat(for path: String) -> Format {
        if let format { return format }
        switch FileIO.fileExtension(of: path) {
        case "jsonl", "ndjson", "json": return .jsonl
        case "csv": return .csv
        default: return path == "-" ? .jsonl : .text
        }
    }
}

/// One item from an input: a response, or a record that could not be read (reported, then skipped).
public enum InputItem: Sendable {
    case response(Response)
    case malformed(VerbatimError)
}

/// Streams responses from JSON Lines, CSV (long or wide form) or plain text, one record at a time.
public final class ResponseReader {
    public let path: String
    public let format: InputOptions.Format
    private let options: InputOptions
    private let stream: ByteStreamReader
    private var lineNumber = 0
    private var csv: CSVState?
    private var pending: [InputItem] = []
    private var pendingIndex = 0

    public init(path: String, options: InputOptions) throws(VerbatimError) {
        self.path = path
        self.options = options
        self.format = options.resolvedFormat(for: path)
        self.stream = try ByteStreamReader(path: path)
        if format == .csv { try startCSV() }
    }

    private var displayPath: String { path == "-" ? "<stdin>" : path }

    /// The share of the input read so far (0...1), when its size is known ahead (a file, or standard
    /// input redirected from one); nil for a pipe.
    public var fractionRead: Double? {
        guard let size = stream.size, size > 0 else { return nil }
        return min(1, Double(stream.position) / Double(size))
    }

    /// The next item, or nil at end of input. In strict mode a malformed record throws.
    public func next() throws -> InputItem? {
        while true {
            let item: InputItem?
            switch format {
            case .jsonl: item = try nextJSONL()
            case .text: item = try nextText()
            case .csv: item = try nextCSV()
            }
            if case let .malformed(error)? = item, options.strict { throw error }
            return item
        }
    }

    // MARK: JSON Lines

    private func nextJSONL() throws -> InputItem? {
        while true {
            var result: InputItem?
            let more = try stream.nextLine { line in
                lineNumber += 1
                result = parseJSONLine(line)
            }
            if !more { return nil }
            if let result { return result }
        }
    }

    private func parseJSONLine(_ raw: UnsafeBufferPointer<UInt8>) -> InputItem? {
        var line = raw
        if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = UnsafeBufferPointer(rebasing: line[3...]) }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            let column = Self.column(of: error.offset, in: line)
            return .malformed(.malformedRecord(
                message: "not valid JSON: \(error.message); each line must be one JSON object like {\"id\": \"r1\", \"text\": \"...\"}",
                at: SourceLocation(file: displayPath, line: lineNumber, column: column)))
        }
        guard case let .object(members) = value else {
            return .malformed(.malformedRecord(message: "expected a JSON object with \"id\" and \"text\"",
                                               at: SourceLocation(file: displayPath, line: lineNumber, column: 1)))
        }
        var id: String?
        var text: String?
        var question: String?
        var metadata: [(key: String, value: JSONValue)] = []
        for m in members {
            switch m.key {
            case "id":
                guard let s = m.value.scalarText, !s.isEmpty else {
                    return .malformed(.malformedRecord(message: "\"id\" must be a non-empty string or number",
                                                       at: location(ofKey: "id", in: line)))
                }
                id = s
            case "text":
                switch m.value {
                case let .string(s): text = s
                case .null: text = ""
                default:
                    return .malformed(.malformedRecord(message: "\"text\" must be a string",
                                                       at: location(ofKey: "text", in: line)))
                }
            case "question":
                question = m.value.scalarText.flatMap { $0.isEmpty ? nil : $0 }
            default:
                metadata.append(m)
            }
        }
        guard let text else {
            return .malformed(.malformedRecord(message: "the record has no \"text\" field; add the answer as \"text\"",
                                               at: SourceLocation(file: displayPath, line: lineNumber, column: 1)))
        }
        return .response(Response(id: id ?? "line-\(lineNumber)", question: question, text: text, metadata: metadata,
                                  source: SourceLocation(file: displayPath, line: lineNumber)))
    }

    /// Where `"key":` is written in the line (after any byte-order mark), for messages about its value.
    private func location(ofKey key: String, in line: UnsafeBufferPointer<UInt8>) -> SourceLocation {
        let needle = Array("\"\(key)\"".utf8)
        var offset = 0
        if line.count >= needle.count {
            for i in 0...(line.count - needle.count) where line[i..<(i + needle.count)].elementsEqual(needle) {
                // A key is followed by a colon; the same text as a string value is not.
                var j = i + needle.count
                while j < line.count, line[j] == 0x20 || line[j] == 0x09 { j += 1 }
                if j < line.count, line[j] == UInt8(ascii: ":") {
                    offset = i
                    break
                }
            }
        }
        return SourceLocation(file: displayPath, line: lineNumber, column: Self.column(of: offset, in: line))
    }

    /// 1-based column in Unicode scalars.
    static func column(of offset: Int, in line: UnsafeBufferPointer<UInt8>) -> Int {
        var c = 1
        for i in 0..<min(offset, line.count) where line[i] & 0xC0 != 0x80 { c += 1 }
        return c
    }

    // MARK: Plain text

    private func nextText() throws -> InputItem? {
        while true {
            var result: InputItem?
            let more = try stream.nextLine { line in
                lineNumber += 1
                var l = line
                if lineNumber == 1, l.starts(with: [0xEF, 0xBB, 0xBF]) { l = UnsafeBufferPointer(rebasing: l[3...]) }
                let text = String(decoding: l, as: UTF8.self)
                if text.contains(where: { !$0.isWhitespace }) {
                    result = .response(Response(id: String(lineNumber), text: text,
                                                source: SourceLocation(file: displayPath, line: lineNumber)))
                }
            }
            if !more { return nil }
            if let result { return result }
        }
    }

    // MARK: CSV

    private struct CSVState {
        var header: [String]
        var idIndex: Int?
        var textIndex: Int?
        var questionIndex: Int?
        /// Wide form: (column index, column name) of each answer column.
        var wideColumns: [(Int, String)]
        var row = 0
    }

    private func startCSV() throws(VerbatimError) {
        // A BOM before the header is common in Excel exports.
        if try stream.peekByte() == 0xEF {
            _ = try stream.nextByte()
            guard try stream.nextByte() == 0xBB, try stream.nextByte() == 0xBF else {
                throw .malformedRecord(message: "the file starts with a broken byte-order mark; save it as UTF-8",
                                       at: SourceLocation(file: displayPath, line: 1, column: 1))
            }
        }
        let location = SourceLocation(file: displayPath, line: 1, column: 1)
        guard case let .record(fields, _)? = try readCSVRecord() else {
            throw .malformedRecord(message: "the CSV file is empty or its header row is malformed; the first row must name the columns",
                                   at: location)
        }
        let header = fields.map(\.trimmingSpaces)
        func index(_ name: String, _ what: String) throws(VerbatimError) -> Int {
            guard let i = header.firstIndex(of: name) else {
                throw .malformedRecord(
                    message: "no column '\(name)' for \(what); the header has: \(header.joined(separator: ", "))",
                    at: location)
            }
            return i
        }
        var state = CSVState(header: header, wideColumns: [])
        if !options.textColumns.isEmpty {
            for name in options.textColumns { state.wideColumns.append((try index(name, "--text-columns"), name)) }
            if let idName = options.idColumn {
                state.idIndex = try index(idName, "--id-column")
            } else {
                state.idIndex = header.firstIndex(of: "id")
            }
        } else {
            state.textIndex = try index(options.textColumn, "--text-column (the answers)")
            if let idName = options.idColumn {
                state.idIndex = try index(idName, "--id-column")
            } else {
                state.idIndex = header.firstIndex(of: "id")
            }
            if let q = options.questionColumn {
                state.questionIndex = try index(q, "--question-column")
            } else {
                state.questionIndex = header.firstIndex(of: "question")
            }
        }
        csv = state
    }

    private enum CSVRecord {
        case record([String], line: Int)
        case malformed(VerbatimError)
    }

    /// Reads one RFC 4180 record: quoted fields may hold commas, quotes ("") and newlines.
    private func readCSVRecord() throws(VerbatimError) -> CSVRecord? {
        var fields: [String] = []
        var field: [UInt8] = []
        let startLine = lineNumber + 1
        lineNumber += 1
        var inQuotes = false
        var quotedField = false
        var sawAny = false
        var problem: (String, Int)?
        var column = 1
        while true {
            guard let b = try stream.nextByte() else {
                if inQuotes {
                    return .malformed(.malformedRecord(
                        message: "a quoted field is never closed; the rest of the file was read as part of it. Check the quotes from this row on",
                        at: SourceLocation(file: displayPath, line: startLine, column: 1)))
                }
                if !sawAny { return nil }
                fields.append(String(decoding: field, as: UTF8.self))
                break
            }
            sawAny = true
            if inQuotes {
                if b == 0x22 {
                    if try stream.peekByte() == 0x22 {
                        _ = try stream.nextByte()
                        field.append(0x22)
                    } else {
                        inQuotes = false
                    }
                } else {
                    if b == 0x0A { lineNumber += 1 }
                    field.append(b)
                }
                continue
            }
            if b == 0x2C {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                quotedField = false
                column += 1
            } else if b == 0x0A {
                fields.append(String(decoding: field, as: UTF8.self))
                break
            } else if b == 0x0D {
                if try stream.peekByte() == 0x0A { continue }
                fields.append(String(decoding: field, as: UTF8.self))
                break
            } else if b == 0x22 {
                if field.isEmpty && !quotedField {
                    inQuotes = true
                    quotedField = true
                } else if problem == nil {
                    problem = ("a quote inside an unquoted field, or text after a closing quote; quote the whole field and double inner quotes (\"\")", column)
                    field.append(b)
                } else {
                    field.append(b)
                }
            } else {
                if quotedField, problem == nil {
                    problem = ("text after a closing quote; quote the whole field and double inner quotes (\"\")", column)
                }
                field.append(b)
            }
        }
        if let problem {
            return .malformed(.malformedRecord(message: "malformed CSV row: \(problem.0) (field \(problem.1))",
                                               at: SourceLocation(file: displayPath, line: startLine)))
        }
        return .record(fields, line: startLine)
    }

    private func nextCSV() throws -> InputItem? {
        if pendingIndex < pending.count {
            defer { pendingIndex += 1 }
            return pending[pendingIndex]
        }
        pending.removeAll(keepingCapacity: true)
        pendingIndex = 0
        guard var state = csv else { return nil }
        defer { csv = state }
        while true {
            guard let record = try readCSVRecord() else { return nil }
            let fields: [String]
            let line: Int
            switch record {
            case let .malformed(e): return .malformed(e)
            case let .record(f, l):
                fields = f
                line = l
            }
            if fields.count == 1, fields[0].isEmpty { continue }  // blank line
            state.row += 1
            let at = SourceLocation(file: displayPath, line: line)
            guard fields.count == state.header.count else {
                return .malformed(.malformedRecord(
                    message: "malformed CSV row: \(fields.count) fields, but the header has \(state.header.count); quote fields that contain commas",
                    at: at))
            }
            let respondent = state.idIndex.map { fields[$0] }.flatMap { $0.isEmpty ? nil : $0 } ?? "row-\(state.row)"
            if state.wideColumns.isEmpty {
                let textIndex = state.textIndex!
                var metadata: [(key: String, value: JSONValue)] = []
                for (i, name) in state.header.enumerated() where i != textIndex && i != state.idIndex && i != state.questionIndex {
                    metadata.append((name, .string(fields[i])))
                }
                let question = state.questionIndex.map { fields[$0] }.flatMap { $0.isEmpty ? nil : $0 }
                return .response(Response(id: respondent, question: question, text: fields[textIndex], metadata: metadata, source: at))
            }
            let answerIndices = Set(state.wideColumns.map(\.0))
            var metadata: [(key: String, value: JSONValue)] = []
            for (i, name) in state.header.enumerated() where !answerIndices.contains(i) && i != state.idIndex {
                metadata.append((name, .string(fields[i])))
            }
            if let idIndex = state.idIndex { metadata.insert(("respondent", .string(fields[idIndex])), at: 0) }
            for (i, name) in state.wideColumns where fields[i].contains(where: { !$0.isWhitespace }) {
                pending.append(.response(Response(id: "\(respondent)-\(name)", question: name, text: fields[i],
                                                  metadata: metadata, source: at)))
            }
            if !pending.isEmpty {
                pendingIndex = 1
                return pending[0]
            }
        }
    }
}
