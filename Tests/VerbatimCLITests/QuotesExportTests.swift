import Foundation
import Testing
@testable import VerbatimCLI
import VerbatimCore
import VerbatimReports
import VerbatimTestSupport

/// `verbatim quotes`, `verbatim export`, the new outputs of `verbatim run`, and XLSX input, driven in
/// process with a small codebook of their own.
@Suite struct QuotesExportTests {
    /// A folder with a two-theme codebook, a pipeline using it, and a few answers.
    static func workspace() throws -> (dir: String, pipeline: String, input: String) {
        let dir = try TestPaths.temporaryDirectory()
        try FileIO.writeAtomically("""
            version: 1
            themes:
              - id: funding
                label: Funding and resources
                description: Money, budgets and who pays.
                rules: [fund, funding, budget, money, costs]
              - id: culture
                label: Culture and silos
                rules: [culture, silo, silos, attitude]
              - id: people
                label: Finding people
                rules: [directory, right people, who to contact]
            """, to: dir + "/codebook.yaml")
        try FileIO.writeAtomically("""
            version: 1
            stages:
              - stage: icu-tokenizer
              - stage: snowball-stemmer
              - stage: codebook
                options:
                  codebook: codebook.yaml
            """, to: dir + "/pipeline.yaml")
        let answers = [
            ("Q3-1", "Q3", "Lack of funding, and no budget for joint work across departments.", "SCS"),
            ("Q3-2", "Q3", "Silo culture: each department guards its own budget.", "G7"),
            ("Q3-3", "Q3", "=HYPERLINK(\"http://example.invalid\") <script>alert(1)</script> the money ran out.", "G7"),
            ("Q9-1", "Q9", "A shared directory would help us find the right people.", "G6"),
            ("Q9-2", "Q9", "Attitude matters more than funding or tools. 👩🏽‍💻", "SCS"),
            ("Q9-3", "Q9", "", "G7"),
            ("Q9-4", "Q9", "نحتاج إلى ميزانية أفضل — better funding please", "G7"),
        ]
        var jsonl = ""
        for (id, q, text, grade) in answers {
            var w = JSONWriter()
            w.beginObject()
            w.key("id"); w.string(id)
            w.key("question"); w.string(q)
            w.key("text"); w.string(text)
            w.key("grade"); w.string(grade)
            w.endObject()
            jsonl += String(decoding: w.bytes, as: UTF8.self) + "\n"
        }
        try FileIO.writeAtomically(jsonl, to: dir + "/answers.jsonl")
        return (dir, dir + "/pipeline.yaml", dir + "/answers.jsonl")
    }

    func quotes(_ arguments: [String]) throws -> String {
        let command = try #require(try VerbatimCommand.parseAsRoot(["quotes"] + arguments) as? QuotesCommand)
        return try command.render()
    }

    func export(_ arguments: [String]) throws {
        let command = try #require(try VerbatimCommand.parseAsRoot(["export", "--quiet"] + arguments) as? ExportCommand)
        try command.execute()
    }

    func run(_ arguments: [String]) throws {
        let command = try #require(try VerbatimCommand.parseAsRoot(["run", "--quiet"] + arguments) as? RunCommand)
        try command.execute()
    }

    @Test func helpDescribesTheNewCommands() {
        let quotesHelp = QuotesCommand.helpMessage()
        for text in ["--pipeline", "--theme", "--per-theme", "--polarity", "--balanced", "--max-chars", "--format", "md|jsonl",
                     "--input-format", "--text-columns", "\"rank\"", "\"evidence\"", "Unicode-scalar"] {
            #expect(quotesHelp.contains(text), "quotes help lacks \(text)")
        }
        let exportHelp = ExportCommand.helpMessage()
        for text in ["--format", "--output", "--bom", "--by", "--pipeline", "csv", "xlsx", "md", "html", "qdc", "qdpx",
                     "OUTPUT-counts.csv", "code points"] {
            #expect(exportHelp.contains(text), "export help lacks \(text)")
        }
        let runHelp = RunCommand.helpMessage()
        for text in ["report.html", "counts.json", "cooccurrence.csv", "--by"] { #expect(runHelp.contains(text), "run help lacks \(text)") }
        let root = VerbatimCommand.helpMessage()
        for sub in ["quotes", "export"] { #expect(root.contains(sub)) }
    }

    @Test func quotesAsJSONLines() throws {
        let w = try Self.workspace()
        let output = try quotes(["--format", "jsonl", "--pipeline", w.pipeline, "--threads", "1", w.input])
        let records = try output.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(!records.isEmpty)
        var ranks: [String: [Int]] = [:]
        for r in records {
            let theme = try #require(r["theme"]?.stringValue)
            ranks[theme, default: []].append(Int(try #require(r["rank"]?.doubleValue)))
            let text = Array(try #require(r["text"]?.stringValue).unicodeScalars)
            for e in try #require(r["evidence"]?.arrayValue) {
                let start = Int(try #require(e["start"]?.doubleValue)), end = Int(try #require(e["end"]?.doubleValue))
                #expect(0 <= start && start < end && end <= text.count)
            }
            #expect(r["sentiment"] == .null, "no sentiment stage in this pipeline")
        }
        for (theme, list) in ranks { #expect(list == Array(1...list.count), "\(theme)") }
        #expect(Set(ranks.keys) == ["funding", "culture", "people"])
        // The same with two threads, and only one theme when asked.
        #expect(try quotes(["--format", "jsonl", "--pipeline", w.pipeline, "--threads", "2", w.input]) == output)
        let one = try quotes(["--format", "jsonl", "--pipeline", w.pipeline, "--theme", "culture", "--per-theme", "1", w.input])
        #expect(one.split(separator: "\n").count == 1)
        #expect(one.contains("\"theme\":\"culture\""))
    }

    @Test func quotesAsMarkdownAndBadArguments() throws {
        let w = try Self.workspace()
        let md = try quotes(["--pipeline", w.pipeline, "--max-chars", "40", w.input])
        #expect(md.hasPrefix("# Themed quotes"))
        #expect(md.contains("**funding**") || md.contains("**Funding**"))
        #expect(!md.contains("<script>"))
        #expect(throws: (any Error).self) { try VerbatimCommand.parseAsRoot(["quotes", "--format", "xml"]) }
        #expect(throws: (any Error).self) { try VerbatimCommand.parseAsRoot(["quotes", "--polarity", "happy"]) }
        #expect { try quotes(["--pipeline", w.pipeline, "--theme", "nope", w.input]) } throws: { "\($0)".contains("no theme 'nope'") }
    }

    @Test func runWritesTheReportAndCounts() throws {
        let w = try Self.workspace()
        let out = w.dir + "/out"
        try run(["--out", out, "--pipeline", w.pipeline, "--by", "grade", w.input])
        for file in ["coded.jsonl", "counts.csv", "counts.json", "cooccurrence.csv", "quotes.md", "report.html"] {
            #expect(FileIO.exists(out + "/" + file), "\(file) missing")
        }
        let json = try JSONParser.parse(try FileIO.readText(path: out + "/counts.json"))
        #expect(json["by"]?.stringValue == "grade")
        #expect(try FileIO.readText(path: out + "/counts.csv").hasPrefix(
            "theme,label,parent,question,responses,answers,share,positive,negative,neutral,mixed,group\r\n"))
        #expect(try FileIO.readText(path: out + "/cooccurrence.csv").hasPrefix("theme,funding,culture,people\r\n"))
        let html = try FileIO.readText(path: out + "/report.html")
        #expect(html.contains("<svg") && html.contains("class=\"card") && !html.contains("<script>alert"))

        // A screenshot of the bundled survey's report, kept for a person to look at.
        let bundled = w.dir + "/bundled"
        try run(["--out", bundled, "--pipeline", TestPaths.corpus + "/pipeline.yaml", TestPaths.corpus + "/responses.jsonl"])
        try FileIO.makeDirectory(TestPaths.repositoryRoot + "/TestArtifacts")
        let png = TestPaths.repositoryRoot + "/TestArtifacts/report.png"
        let shot = try Self.chromium(["--screenshot=" + png, "--window-size=1200,2000", "file://" + bundled + "/report.html"])
        #expect(shot.status == 0, "\(shot.errors)")
        #expect(FileIO.exists(png))
    }

    @Test func exportEveryFormat() throws {
        let w = try Self.workspace()
        let out = w.dir + "/exports"
        let base = ["--pipeline", w.pipeline, w.input]
        try export(["--format", "csv", "--bom", "--by", "grade", "--output", out + "/survey.csv"] + base)
        let csv = try FileIO.readText(path: out + "/survey.csv")
        #expect(csv.hasPrefix("id,question,theme,theme_label,evidence,evidence_offsets,rules,"), "readText drops the BOM")
        #expect(try FileIO.readBytes(path: out + "/survey.csv").starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(csv.contains("\"'=HYPERLINK("))
        #expect(try FileIO.readText(path: out + "/survey-counts.csv").contains(",group\r\n"))

        try export(["--format", "xlsx", "--output", out + "/survey.xlsx"] + base)
        let zip = try ZipPackage.Reader(path: out + "/survey.xlsx")
        #expect(zip.paths.contains("xl/worksheets/sheet3.xml"))

        try export(["--format", "md", "--title", "Survey <b>", "--output", out + "/survey.md"] + base)
        #expect(try FileIO.readText(path: out + "/survey.md").hasPrefix("# Survey &lt;b&gt;\n"))

        try export(["--format", "html", "--balanced", "--output", out + "/survey.html"] + base)
        #expect(try FileIO.readText(path: out + "/survey.html").contains("<h1>Themes in answers.jsonl</h1>"))

        try export(["--format", "qdc", "--output", out + "/codebook.qdc", "--pipeline", w.pipeline])
        let themes = try QDCCodebookReader.read(path: out + "/codebook.qdc")
        #expect(themes.map(\.id) == ["funding", "culture", "people"])
        #expect(themes[0].description == "Money, budgets and who pays.")

        try export(["--format", "qdpx", "--output", out + "/survey.qdpx"] + base)
        let project = try ZipPackage.Reader(path: out + "/survey.qdpx")
        #expect(project.paths.contains("project.qde"))
        #expect(project.paths.filter { $0.hasPrefix("sources/") }.count == 7)
        let qde = try #require(try project.read("project.qde"))
        try FileIO.writeAtomically(qde, to: out + "/project.qde")
        let check = try Self.xmllint(["--noout", "--schema", TestPaths.shared + "/standards/refi-qda/Project-mrt2019.xsd", out + "/project.qde"])
        #expect(check.status == 0, "\(check.errors)")

        #expect(throws: (any Error).self) { try VerbatimCommand.parseAsRoot(["export", "--format", "pdf", "--output", "x"]) }
    }

    @Test func xlsxInputLongAndWide() throws {
        let w = try Self.workspace()
        let long: [[SpreadsheetWorkbook.Cell]] = [
            [.text("Response ID"), .text("Question"), .text("Answer"), .text("grade")],
            [.text("r1"), .text("Q3"), .text("No funding at all."), .text("SCS")],
            [.text("r2"), .text("Q9"), .text("A silo culture."), .number(7)],
        ]
        try FileIO.writeAtomically(try SpreadsheetWorkbook(sheets: [.init(name: "Export", rows: long)]).data(), to: w.dir + "/long.xlsx")
        try run(["--out", w.dir + "/long", "--pipeline", w.pipeline, "--id-column", "Response ID", "--question-column", "Question",
                 "--text-column", "Answer", w.dir + "/long.xlsx"])
        let coded = try FileIO.readText(path: w.dir + "/long/coded.jsonl").split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(coded.map { $0["id"]?.stringValue } == ["r1", "r2"])
        #expect(coded.map { $0["themes"]?.arrayValue?.compactMap(\.stringValue) } == [["funding"], ["culture"]])
        #expect(coded[1]["metadata"]?["grade"]?.stringValue == "7")

        let wide: [[SpreadsheetWorkbook.Cell]] = [
            [.text("respondent"), .text("Q3"), .text("Q9")],
            [.number(7), .text("Lack of funding."), .empty],
            [.number(8), .text(""), .text("Who to contact? A directory.")],
        ]
        try FileIO.writeAtomically(try SpreadsheetWorkbook(sheets: [.init(name: "Wide", rows: wide)]).data(), to: w.dir + "/wide.xlsx")
        let output = try quotes(["--format", "jsonl", "--pipeline", w.pipeline, "--id-column", "respondent", "--text-columns", "Q3,Q9",
                                 w.dir + "/wide.xlsx"])
        let ids = try output.split(separator: "\n").map { try JSONParser.parse(String($0))["id"]?.stringValue }
        #expect(Set(ids) == ["7-Q3", "8-Q9"])

        #expect {
            try run(["--out", w.dir + "/bad", "--pipeline", w.pipeline, "--text-column", "Nope", w.dir + "/long.xlsx"])
        } throws: { "\($0)".contains("no column 'Nope'") && "\($0)".contains("Answer") }
    }

    // MARK: Helpers

    struct ToolResult {
        var status: Int32
        var errors: String
    }

    static func chromium(_ arguments: [String]) throws -> ToolResult {
        try tool("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                              "--user-data-dir=" + (try TestPaths.temporaryDirectory("verbatim-chromium"))] + arguments)
    }

    static func xmllint(_ arguments: [String]) throws -> ToolResult { try tool("xmllint", arguments) }

    static func tool(_ name: String, _ arguments: [String]) throws -> ToolResult {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let executable = dirs.map({ "\($0)/\(name)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw VerbatimError.io(path: name, message: "not installed; run `make setup` (Debian packages chromium and libxml2-utils)")
        }
        let errors = try TestPaths.temporaryDirectory("verbatim-tool") + "/err"
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return ToolResult(status: process.terminationStatus, errors: (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")
    }
}
