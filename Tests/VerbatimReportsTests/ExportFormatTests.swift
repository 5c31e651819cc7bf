import Foundation
import Testing
import VerbatimCore
@testable import VerbatimReports
import VerbatimTestSupport

/// Every export format on hostile answers: formula cells, markup, RTL text, emoji, control
/// characters, a 50,000-character answer and an empty one.
@Suite struct ExportFormatTests {
    @Test func csvRowsAreSafeAndRoundTrip() throws {
        let documents = try Fixtures.hostileDocuments()
        let (content, store) = Fixtures.content(documents)
        let text = CSVExportWriter.responsesCSV(content, metadataKeys: store.metadataKeys, bom: true)
        #expect(text.hasPrefix("\u{FEFF}id,question,theme,"))
        #expect(!CSVExportWriter.responsesCSV(content, metadataKeys: store.metadataKeys).hasPrefix("\u{FEFF}"))
        let rows = CSVReader.parse(String(text.dropFirst()))
        let header = rows[0]
        #expect(header == CSVExportWriter.columns + ["grade", "department"])
        #expect(rows.count == 1 + documents.count, "one row per response and theme; the empty answer gets one row")
        #expect(rows.dropFirst().allSatisfy { $0.count == header.count })
        let byID = Dictionary(rows.dropFirst().map { ($0[0], $0) }, uniquingKeysWith: { a, _ in a })
        let text1 = try #require(byID["f1"])[header.firstIndex(of: "text")!]
        #expect(text1.hasPrefix("'=HYPERLINK("))
        for (id, start) in [("f2", "'+1"), ("f3", "'-2"), ("f4", "'@SUM"), ("f5", "'\tTabbed")] {
            #expect(try #require(byID[id])[header.firstIndex(of: "text")!].hasPrefix(start), "\(id)")
        }
        #expect(try #require(byID["f1"])[header.firstIndex(of: "department")!] == "'=cmd|' /C calc'!A0")
        #expect(try #require(byID["f1"])[header.firstIndex(of: "theme_label")!] == "'=Funding")
        #expect(try #require(byID["f1"])[header.firstIndex(of: "sentiment_score")!] == "-0.6", "numbers stay numbers")
        #expect(try #require(byID["long"])[header.firstIndex(of: "text")!].unicodeScalars.count == 50_000)
        #expect(try #require(byID["rtl"])[header.firstIndex(of: "evidence")!] == "ثقافة")
        #expect(try #require(byID["emoji"])[header.firstIndex(of: "evidence")!] == "teamwork")
        #expect(try #require(byID["emoji"])[header.firstIndex(of: "evidence_offsets")!] == "11-19", "offsets in Unicode scalars")
        #expect(try #require(byID["empty"])[header.firstIndex(of: "theme")!] == "")
        #expect(try #require(byID["x1"])[header.firstIndex(of: "text")!].hasPrefix("<script>"), "CSV keeps text as it is")
    }

    @Test func csvWritesTheCountsBeside() throws {
        let (content, store) = Fixtures.content(try Fixtures.hostileDocuments(), by: "grade")
        let dir = try TestPaths.temporaryDirectory()
        try CSVExportWriter.write(content, metadataKeys: store.metadataKeys, to: dir + "/survey.csv", bom: true)
        let counts = try FileIO.readText(path: dir + "/survey-counts.csv")
        #expect(counts.hasPrefix("theme,label,parent,question,responses,answers,share,positive,negative,neutral,mixed,group\r\n"))
        #expect(CSVExportWriter.countsPath(for: "a/b.c/out") == "a/b.c/out-counts.csv")
    }

    @Test func xlsxHasItsSheetsAndSurvivesHostileText() throws {
        let (content, _) = Fixtures.content(try Fixtures.hostileDocuments())
        let bytes = try XLSXExportWriter.data(content)
        #expect(try XLSXExportWriter.data(content) == bytes, "the same content gives the same bytes")
        let zip = try ZipPackage.Reader(bytes: bytes)
        for part in ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                     "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml"] {
            #expect(zip.paths.contains(part), "\(part) missing")
        }
        let dir = try TestPaths.temporaryDirectory()
        for part in zip.paths {
            let file = dir + "/" + part.replacing("/", with: "_")
            try FileIO.writeAtomically(try #require(try zip.read(part)), to: file)
            let check = try Tool.run("xmllint", ["--noout", file])
            #expect(check.status == 0, "\(part) is not well-formed XML: \(check.errors)")
        }
        let workbook = String(decoding: try #require(try zip.read("xl/workbook.xml")), as: UTF8.self)
        #expect(workbook.contains("name=\"Counts\"") && workbook.contains("name=\"Quotes\"") && workbook.contains("name=\"Matrix\""))
        let matrix = String(decoding: try #require(try zip.read("xl/worksheets/sheet3.xml")), as: UTF8.self)
        #expect(matrix.contains("&lt;script&gt;"), "markup is escaped")
        #expect(!matrix.contains("<script>"))
        #expect(!matrix.contains("\u{1}") && !matrix.contains("\u{FFFF}"), "characters XML forbids are removed")
        #expect(matrix.contains(Fixtures.rtl))
        #expect(matrix.contains("👩🏽‍💻"))
        #expect(matrix.contains("…</t>"), "the 50,000-character answer is cut to Excel's cell limit")
    }

    @Test func xlsxRoundTripsThroughTheReader() throws {
        let rows: [[SpreadsheetWorkbook.Cell]] = [
            [.text("id"), .text("question"), .text("text"), .text("grade")],
            [.text("a1"), .text("Q3"), .text("=SUM(1) with <b>tags</b> & \"quotes\""), .text("SCS")],
            [.number(42), .text("Q9"), .text(Fixtures.emoji), .number(7.5)],
            [.text("rtl"), .empty, .text(Fixtures.rtl), .empty],
        ]
        let dir = try TestPaths.temporaryDirectory()
        let path = dir + "/survey.xlsx"
        try FileIO.writeAtomically(try SpreadsheetWorkbook(sheets: [.init(name: "Answers", rows: rows)]).data(), to: path)
        let reader = try XLSXResponseReader(path: path, options: InputOptions())
        var responses: [Response] = []
        while let item = try reader.next() {
            if case let .response(r) = item { responses.append(r) }
        }
        #expect(responses.map(\.id) == ["a1", "42", "rtl"])
        #expect(responses.map(\.question) == ["Q3", "Q9", nil])
        #expect(responses[0].text == "=SUM(1) with <b>tags</b> & \"quotes\"")
        #expect(responses[1].text == Fixtures.emoji)
        #expect(responses[1].metadata("grade") == .string("7.5"))
    }

    @Test func markdownEscapesEverything() throws {
        let (content, _) = Fixtures.content(try Fixtures.hostileDocuments(), by: "grade")
        let md = MarkdownReportWriter.render(content)
        #expect(md.hasPrefix("# Hostile &lt;b&gt;title&lt;/b&gt; &amp; co\n"))
        #expect(!md.contains("<script>") && !md.contains("<img"))
        #expect(md.contains("&lt;script&gt;"))
        #expect(md.contains("| Theme |"))
        #expect(md.contains("## Themes by grade"))
        #expect(md.contains("**ثقافة**"))
        #expect(md.contains("**teamwork**"))
        #expect(md.contains("### Culture &amp; &lt;silos&gt;"))
        // Every table row has as many cells as its header (escaped pipes do not count).
        func cells(_ line: Substring) -> Int { line.filter { $0 == "|" }.count - (line.components(separatedBy: "\\|").count - 1) }
        for table in md.components(separatedBy: "\n\n") where table.hasPrefix("| ") {
            let lines = table.split(separator: "\n")
            for line in lines { #expect(cells(line) == cells(lines[0]), "\(line)") }
        }
        #expect(md.split(separator: "\n").allSatisfy { $0.unicodeScalars.count < 2_000 }, "the long answer is quoted as an extract")
    }

    @Test func htmlRendersHostileTextAsText() throws {
        let (content, _) = Fixtures.content(try Fixtures.hostileDocuments())
        let html = HTMLReportWriter.render(content)
        #expect(!html.contains("<script>document") && !html.contains("<img"))
        #expect(html.contains("&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;1&#39;)&lt;/script&gt;"))
        #expect(html.contains("&lt;img src=x onerror=&quot;"))
        #expect(!html.contains(" src=\"") && !html.contains(" href=\"") && !html.contains("url(") && !html.contains("@import"),
                "no external resources")
        #expect(html.contains("<svg") && html.contains("<mark>teamwork</mark>") && html.contains("dir=\"auto\""))

        let dir = try TestPaths.temporaryDirectory()
        try FileIO.writeAtomically(html, to: dir + "/report.html")
        let dom = try Tool.chromium(["--dump-dom", "file://" + dir + "/report.html"])
        #expect(dom.status == 0, "\(dom.errors)")
        #expect(dom.output.contains("data-search=\"ready\""), "the search script ran")
        let body = try #require(dom.output.range(of: "<body").map { dom.output[$0.lowerBound...].prefix { $0 != ">" } })
        #expect(body.contains("data-search=\"ready\"") && !body.contains("data-pwned"), "an answer's markup ran as code: \(body)")
        #expect(!dom.output.contains("<img"))
        #expect(dom.output.contains("ثقافة"))
    }

    @Test func htmlSearchFiltersCards() throws {
        let (content, _) = Fixtures.content(try Fixtures.hostileDocuments())
        var html = HTMLReportWriter.render(content)
        // Type into the search box before the page's own script runs, as a person would.
        html = html.replacing("<script>(function(){", with: "<script>document.getElementById('search').value='teamwork';(function(){")
        let dir = try TestPaths.temporaryDirectory()
        try FileIO.writeAtomically(html, to: dir + "/report.html")
        let dom = try Tool.chromium(["--dump-dom", "file://" + dir + "/report.html"])
        #expect(dom.output.contains("1 quote matches"), "\(dom.output.suffix(2000))")
    }

    @Test func exportsOfAnEmptyRunStillWork() throws {
        let (content, store) = Fixtures.content([])
        #expect(HTMLReportWriter.render(content).contains("0 answers"))
        #expect(MarkdownReportWriter.render(content).contains("0 answers"))
        #expect(CSVReader.parse(CSVExportWriter.responsesCSV(content, metadataKeys: store.metadataKeys)).count == 1)
        _ = try XLSXExportWriter.data(content)
        _ = try QDPXProjectWriter.data(content, metadataKeys: [], name: "empty")
    }
}
