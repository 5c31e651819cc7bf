import Foundation
import VerbatimCore
@testable import VerbatimReports
import VerbatimTestSupport

/// Documents built from marked-text fixtures, hostile data for the exports, and external tools.
enum Fixtures {
    /// Tokens, sentences and English stems, as the real pipeline's front end gives them.
    static func harness() throws -> StageHarness {
        try StageHarness(yaml: "version: 1\nstages:\n" + StageHarness.frontEnd)
    }

    /// A document whose `theme` evidence is the ⏩…⏪ spans of `marked` (one code, score = span count).
    static func document(
        _ marked: String, theme: String = "funding", id: String = "r1", question: String? = "Q1",
        sentiment: Sentiment? = nil, metadata: [(key: String, value: JSONValue)] = [], harness: StageHarness? = nil
    ) throws -> Document {
        let m = MarkedText(marked)
        let h = try harness ?? self.harness()
        var document = try h.run(Response(id: id, question: question, text: m.text, metadata: metadata))
        if !m.spans.isEmpty {
            document.codes = [Code(theme: theme, score: Double(m.spans.count),
                                   evidence: m.spans.map { Evidence(span: $0, rule: "\(theme)/test") })]
        }
        document.sentiment = sentiment
        return document
    }

    /// A quote's text with its evidence marked ⏩…⏪, to compare with fixtures.
    static func marked(_ q: Quote) -> String {
        let scalars = Array(q.text.unicodeScalars)
        var byteOffsets = [0]
        for s in scalars { byteOffsets.append(byteOffsets.last! + String(s).utf8.count) }
        let spans = q.evidence.map { ByteSpan(start: Int32(byteOffsets[$0.lowerBound]), end: Int32(byteOffsets[$0.upperBound])) }
        return MarkedText.render(q.text, spans: spans)
    }

    static let themes = [
        ThemeInfo(id: "people", label: "People", description: "Everything about people."),
        ThemeInfo(id: "culture", label: "Culture & <silos>", description: "Silo \"mentality\"", parent: "people", questions: ["Q3", "Q9"],
                  color: "#AA3300"),
        ThemeInfo(id: "funding", label: "=Funding", description: "Money; budgets, and costs = 100%", color: "#0055AA"),
    ]

    static let script = "<script>document.body.setAttribute('data-pwned','1')</script>"
    static let image = "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">"
    static let rtl = "نحتاج إلى ثقافة تعاون أفضل بين الإدارات"
    static let emoji = "Great 👩🏽‍💻 teamwork 🎉 across teams"

    /// One long answer: 50,000 characters once the ⏩⏪ markers are taken out, the evidence near the middle.
    static var longAnswer: String {
        let chunk = "Words go on and on without a stop "
        var text = String(repeating: chunk, count: 735)
        text += "⏩funding⏪ was the problem "
        while text.unicodeScalars.count < 50_002 { text += "and then more words, " }
        return String(text.unicodeScalars.prefix(50_002))
    }

    /// Answers that try to break every format.
    static func hostileDocuments() throws -> [Document] {
        let h = try harness()
        let grade: (String) -> [(key: String, value: JSONValue)] = { [("grade", .string($0)), ("department", .string("=cmd|' /C calc'!A0"))] }
        return [
            try document("=HYPERLINK(\"http://example.invalid\",\"click\") shows ⏩funding⏪ problems.", id: "f1", question: "Q3",
                         sentiment: Sentiment(label: .negative, score: -0.6), metadata: grade("SCS"), harness: h),
            try document("+1 for the ⏩budget⏪.", id: "f2", question: "Q3", sentiment: Sentiment(label: .positive, score: 0.4),
                         metadata: grade("G7"), harness: h),
            try document("-2 is what the ⏩budget⏪ shrank by.", id: "f3", question: "Q9", metadata: grade("G7"), harness: h),
            try document("@SUM(A1:A9) ⏩funding⏪ sums.", id: "f4", question: "Q9", metadata: grade("SCS"), harness: h),
            try document("\tTabbed ⏩funding⏪ answer.", id: "f5", question: "Q9", metadata: grade("SCS"), harness: h),
            try document(script + " the ⏩funding⏪ was cut.", id: "x1", question: "Q3", metadata: grade("G6"), harness: h),
            try document(image + " a ⏩culture⏪ of silos.", theme: "culture", id: "x2", question: "Q3", metadata: grade("G6"), harness: h),
            try document("نحتاج إلى ⏩ثقافة⏪ تعاون أفضل بين الإدارات", theme: "culture", id: "rtl", question: "Q9",
                         sentiment: Sentiment(label: .mixed, score: 0), metadata: grade("G7"), harness: h),
            try document("Great 👩🏽‍💻 ⏩teamwork⏪ 🎉 across teams", theme: "culture", id: "emoji", question: "Q9",
                         sentiment: Sentiment(label: .positive, score: 0.8), metadata: grade("G7"), harness: h),
            try document("Control \u{1}\u{8} characters and \u{FFFF} in a ⏩culture⏪ answer\u{7}.", theme: "culture", id: "ctl",
                         question: "Q9", metadata: grade("G7"), harness: h),
            try document(longAnswer, id: "long", question: "Q9", metadata: grade("G7"), harness: h),
            try document("", id: "empty", question: "Q9", metadata: grade(""), harness: h),
        ]
    }

    /// Counts, quotes and stored responses of `documents`.
    static func content(_ documents: [Document], themes: [ThemeInfo] = Fixtures.themes, by: String? = nil,
                        selection: QuoteSelection = QuoteSelection()) -> (content: ReportContent, store: ResponseStore) {
        let counts = ThemeCounts(themes: themes, breakdownField: by)
        let quotes = QuoteCollector()
        let store = ResponseStore()
        for d in documents {
            counts.add(d)
            quotes.add(d)
            store.add(d)
        }
        return (ReportContent(title: "Hostile <b>title</b> & co", counts: counts, quotes: quotes, selection: selection,
                              responses: store.responses), store)
    }
}

/// External programs the format checks use (installed by `make setup`).
enum Tool {
    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    /// `name` on PATH, or nil.
    static func path(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `name` with `arguments`; output goes through files, so a large output cannot block the pipe.
    static func run(_ name: String, _ arguments: [String]) throws -> Result {
        guard let executable = path(name) else {
            throw VerbatimError.io(path: name, message: "not installed; run `make setup` (Debian packages chromium and libxml2-utils)")
        }
        let dir = try TestPaths.temporaryDirectory("verbatim-tool")
        let out = URL(fileURLWithPath: dir + "/out"), err = URL(fileURLWithPath: dir + "/err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      output: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      errors: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// `xmllint --noout --schema XSD FILE`.
    static func validate(_ file: String, schema: String) throws -> Result {
        try run("xmllint", ["--noout", "--schema", TestPaths.shared + "/standards/refi-qda/" + schema, file])
    }

    /// Headless Chromium, as root needs it.
    static func chromium(_ arguments: [String]) throws -> Result {
        try run("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                             "--user-data-dir=" + (try TestPaths.temporaryDirectory("verbatim-chromium"))] + arguments)
    }
}

/// A small RFC 4180 reader for checking the CSV exports.
enum CSVReader {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if quoted {
                if c == "\"" {
                    let next = text.index(after: i)
                    if next < text.endIndex, text[next] == "\"" {
                        field.append("\"")
                        i = next
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\r\n" || c == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(c)
            }
            i = text.index(after: i)
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
