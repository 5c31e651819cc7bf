import Testing
import VerbatimCore
import VerbatimTestSupport

/// Reading answers from JSON Lines, CSV (long and wide form) and plain text. Fixtures are written as
/// files in a fresh temporary folder, since the reader streams from a path.
@Suite struct ResponseReaderTests {
    struct Read {
        var path: String
        var responses: [Response] = []
        /// Descriptions of the malformed records, in order.
        var errors: [String] = []
    }

    func write(_ bytes: [UInt8], name: String) throws -> String {
        let path = try TestPaths.temporaryDirectory() + "/" + name
        try FileIO.writeAtomically(bytes, to: path)
        return path
    }

    func read(_ content: String, name: String, options: InputOptions = InputOptions()) throws -> Read {
        try read(bytes: Array(content.utf8), name: name, options: options)
    }

    func read(bytes: [UInt8], name: String, options: InputOptions = InputOptions()) throws -> Read {
        var result = Read(path: try write(bytes, name: name))
        let reader = try ResponseReader(path: result.path, options: options)
        while let item = try reader.next() {
            switch item {
            case let .response(r): result.responses.append(r)
            case let .malformed(e): result.errors.append(e.description)
            }
        }
        return result
    }

    /// The error a reader throws in strict mode (or at opening), as text.
    func strictError(_ content: String, name: String, options: InputOptions = InputOptions()) throws -> String {
        var strict = options
        strict.strict = true
        let path = try write(Array(content.utf8), name: name)
        do {
            let reader = try ResponseReader(path: path, options: strict)
            while try reader.next() != nil {}
            return "no error"
        } catch {
            return "\(error)".replacing(path, with: "PATH")
        }
    }

    func metadata(_ r: Response) -> [String] { r.metadata.map { "\($0.key)=\($0.value.scalarText ?? "…")" } }

    /// Progress shows the time left from the share of the file read: it must grow with each record
    /// (the reader streams; it does not slurp the file) and reach 1 at the end.
    @Test func fractionReadFollowsTheRecordsOfAFile() throws {
        let line = #"{"id": "a", "text": "\#(String(repeating: "x", count: 200))"}"# + "\n"
        let path = try write(Array(String(repeating: line, count: 20_000).utf8), name: "progress.jsonl")
        let reader = try ResponseReader(path: path, options: InputOptions())
        #expect(reader.fractionRead == 0)
        var fractions: [Double] = []
        while try reader.next() != nil { fractions.append(try #require(reader.fractionRead)) }
        #expect(fractions.count == 20_000)
        #expect(fractions.last == 1)
        #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 })
        // After the first record of a file of several megabytes, far less than a chunk is counted as read.
        #expect(fractions[0] < 0.001)
        #expect(abs(fractions[9_999] - 0.5) < 0.001)
    }

    // MARK: Formats

    @Test(arguments: [
        ("a.jsonl", InputOptions.Format.jsonl), ("a.ndjson", .jsonl), ("a.json", .jsonl), ("a.csv", .csv),
        ("a.txt", .text), ("answers", .text), ("-", .jsonl), ("dir.v2/a.CSV", .csv), ("dir.v2/answers", .text),
        (".jsonl", .text),
    ])
    func formatFollowsTheExtension(_ path: String, _ format: InputOptions.Format) {
        #expect(InputOptions().resolvedFormat(for: path) == format)
        #expect(InputOptions(format: .csv).resolvedFormat(for: path) == .csv)
    }

    // MARK: JSON Lines

    @Test func jsonlIdsAreNumbersOrStrings() throws {
        let r = try read("""
            {"id": 17, "text": "a"}
            {"id": "r-2", "text": "b"}
            {"id": 1.5, "text": "c"}
            {"id": 1.23456789, "text": "d"}
            {"text": "e"}
            {"id": 12345678901234567890, "text": "f"}
            """, name: "ids.jsonl")
        #expect(r.errors.isEmpty)
        #expect(r.responses.map(\.id) == ["17", "r-2", "1.5", "1.23456789", "line-5", "12345678901234567890"])
        #expect(r.responses.map(\.text) == ["a", "b", "c", "d", "e", "f"])
        #expect(r.responses.map { $0.source?.line } == [1, 2, 3, 4, 5, 6])
    }

    @Test func jsonlMissingTextIsReportedAtFileAndLineThenSkipped() throws {
        let r = try read("""
            {"id": "a", "text": "fine"}
            {"id": "b", "answer": "wrong key"}
            {"id": "c", "text": "fine again"}
            """, name: "missing.jsonl")
        #expect(r.errors == ["\(r.path):2:1: error: the record has no \"text\" field; add the answer as \"text\""])
        #expect(r.responses.map(\.id) == ["a", "c"])
    }

    @Test func jsonlBadJSONGivesFileLineAndColumn() throws {
        let r = try read("""
            {"id": "a", "text": "ok"}

            {"id": "b" "text": "missing comma"}
            {"text": "café" x}
            {"id": "d", "text": "unterminated}
            [1, 2]
            {"id": "e", "text": 42}
            {"id": "", "text": "empty id"}
            {"id": "f", "text": "\u{1}"}
            """, name: "bad.jsonl")
        let hint = "; each line must be one JSON object like {\"id\": \"r1\", \"text\": \"...\"}"
        #expect(r.errors == [
            "\(r.path):3:12: error: not valid JSON: expected ',' or '}'" + hint,
            "\(r.path):4:17: error: not valid JSON: expected ',' or '}'" + hint,
            "\(r.path):5:35: error: not valid JSON: unterminated string" + hint,
            "\(r.path):6:1: error: expected a JSON object with \"id\" and \"text\"",
            "\(r.path):7:13: error: \"text\" must be a string",
            "\(r.path):8:2: error: \"id\" must be a non-empty string or number",
            "\(r.path):9:22: error: not valid JSON: control character U+1 in a string; escape it" + hint,
        ])
        #expect(r.responses.map(\.id) == ["a"])
    }

    @Test func jsonlKeyPositionIgnoresTheSameTextAsAValue() throws {
        let r = try read(#"{"note": "text", "text": 7}"#, name: "key.jsonl")
        #expect(r.errors == ["\(r.path):1:18: error: \"text\" must be a string"])
    }

    @Test func jsonlByteOrderMarkCRLFAndBlankLines() throws {
        let content = "\u{FEFF}{\"id\":\"a\",\"text\":\"one\"}\r\n\r\n   \t\r\n{\"id\":\"b\",\"text\":\"two\"}\r\n\n"
        let r = try read(content, name: "bom.jsonl")
        #expect(r.errors.isEmpty)
        #expect(r.responses.map(\.text) == ["one", "two"])
        #expect(r.responses.map { $0.source?.line } == [1, 4])
        // Columns on a line with a byte-order mark count from the first visible character.
        let bad = try read("\u{FEFF}{\"id\": \"a\", \"text\": 1}\n", name: "bom-bad.jsonl")
        #expect(bad.errors == ["\(bad.path):1:13: error: \"text\" must be a string"])
    }

    @Test func jsonlExtraFieldsBecomeMetadataInOrder() throws {
        let r = try read("""
            {"zeta": 1, "id": "a", "text": "x", "alpha": {"k": [1, 2.50]}, "question": "Q1", "mid": null, "score": 0.123456}
            """, name: "meta.jsonl")
        let response = try #require(r.responses.first)
        #expect(response.question == "Q1")
        #expect(response.metadata.map(\.key) == ["zeta", "alpha", "mid", "score"])
        #expect(response.metadata("alpha") == .object([("k", .array([.number(1), .numberText("2.50")]))]))
        #expect(response.metadata("mid") == .null)
        #expect(response.metadata("score")?.scalarText == "0.123456")
    }

    @Test func jsonlUnicodeEscapesAndSurrogatePairs() throws {
        let r = try read(#"""
            {"id": "a", "text": "caf\u00e9 \ud83d\ude00 \u2019 \/ \"q\" \\ \n\t end"}
            {"id": "b", "text": "lone \ud800 high, lone \udc00 low, reversed \udc00\ud800, high then text \ud83dx"}
            {"id": "c", "text": "\uD83D\uDE00 upper-case hex"}
            {"id": "d", "text": "bad \uZZZZ"}
            """#, name: "escapes.jsonl")
        #expect(r.responses.map(\.text) == [
            "café 😀 ’ / \"q\" \\ \n\t end",
            "lone \u{FFFD} high, lone \u{FFFD} low, reversed \u{FFFD}\u{FFFD}, high then text \u{FFFD}x",
            "😀 upper-case hex",
        ])
        #expect(r.errors.count == 1)
        #expect(r.errors.first?.hasPrefix("\(r.path):4:28: error: not valid JSON: invalid hex digit in \\u escape") == true)
    }

    @Test func jsonlInvalidUTF8() throws {
        // Inside a string: replaced by U+FFFD. Outside: a JSON error that shows the byte.
        var bytes = Array(#"{"id": "a", "text": "ok "#.utf8) + [0xFF, 0xC3] + Array("\"}\n".utf8)
        bytes += Array(#"{"id": "b", "text": "x"} "#.utf8) + [0xFE] + [0x0A]
        let r = try read(bytes: bytes, name: "utf8.jsonl")
        #expect(r.responses.map(\.text) == ["ok \u{FFFD}\u{FFFD}"])
        #expect(r.errors == ["\(r.path):2:26: error: not valid JSON: unexpected text after the JSON value"
                             + "; each line must be one JSON object like {\"id\": \"r1\", \"text\": \"...\"}"])
    }

    @Test func jsonlStrictModeThrowsTheFirstProblem() throws {
        let message = try strictError("{\"id\": \"a\", \"text\": \"ok\"}\n{\"id\": \"b\"}\n{oops}\n", name: "strict.jsonl")
        #expect(message == "PATH:2:1: error: the record has no \"text\" field; add the answer as \"text\"")
    }

    @Test func longLinesAcrossReadChunks() throws {
        // Far beyond the 1 MiB read chunk, so the buffer has to grow.
        let long = String(repeating: "word ", count: 300_000)
        let r = try read("{\"id\": \"long\", \"text\": \"\(long)\"}\n{\"id\": \"short\", \"text\": \"s\"}\n", name: "long.jsonl")
        #expect(r.responses.map(\.id) == ["long", "short"])
        #expect(r.responses.first?.text.utf8.count == long.utf8.count)
    }

    // MARK: CSV, long form

    @Test func csvLongFormWithNamedColumns() throws {
        var options = InputOptions()
        options.idColumn = "rid"
        options.textColumn = "answer"
        options.questionColumn = "q"
        let r = try read("""
            dept,rid,q,answer,site
            Sales,R1,Q3,Great team,North
            IT,R2,,Too many meetings,South
            HR,,Q3,No id here,East
            """, name: "long.csv", options: options)
        #expect(r.errors.isEmpty)
        #expect(r.responses.map(\.id) == ["R1", "R2", "row-3"])
        #expect(r.responses.map(\.question) == ["Q3", nil, "Q3"])
        #expect(r.responses.map(\.text) == ["Great team", "Too many meetings", "No id here"])
        #expect(r.responses.map(metadata) == [["dept=Sales", "site=North"], ["dept=IT", "site=South"], ["dept=HR", "site=East"]])
        #expect(r.responses.map { $0.source?.line } == [2, 3, 4])
    }

    @Test func csvDefaultColumnsAreIdQuestionAndText() throws {
        let r = try read(" id , question ,text\n7,Q1,hello\n", name: "defaults.csv")
        #expect(r.responses.map(\.id) == ["7"])
        #expect(r.responses.first?.question == "Q1")
        #expect(r.responses.first?.metadata.isEmpty == true)
    }

    @Test func csvMissingColumnNamesTheHeader() throws {
        var options = InputOptions()
        options.textColumn = "answer"
        #expect(try strictError("id,comment\n1,x\n", name: "nocol.csv", options: options)
            == "PATH:1:1: error: no column 'answer' for --text-column (the answers); the header has: id, comment")
        #expect(try strictError("", name: "empty.csv")
            .hasPrefix("PATH:1:1: error: the CSV file is empty or its header row is malformed"))
    }

    @Test func csvQuotingEmbeddedNewlinesAndLineNumbers() throws {
        let r = try read("""
            id,text
            1,"a, b and ""quoted"" words"
            2,"first line
            second line

            fourth line"
            3,plain
            4,"x",extra
            5,after the bad row
            """, name: "quotes.csv")
        #expect(r.responses.map(\.id) == ["1", "2", "3", "5"])
        #expect(r.responses[0].text == "a, b and \"quoted\" words")
        #expect(r.responses[1].text == "first line\nsecond line\n\nfourth line")
        #expect(r.responses.map { $0.source?.line } == [2, 3, 7, 9])
        #expect(r.errors == ["\(r.path):8: error: malformed CSV row: 3 fields, but the header has 2; quote fields that contain commas"])
    }

    @Test func csvStrayQuotesAreReportedWithTheirLineAndField() throws {
        let r = try read("""
            id,text
            1,ab"c
            2,"closed"then more
            3,fine
            4,"never closed
            5,swallowed
            """, name: "stray.csv")
        #expect(r.responses.map(\.id) == ["3"])
        #expect(r.errors == [
            "\(r.path):2: error: malformed CSV row: a quote inside an unquoted field, or text after a closing quote; quote the whole field and double inner quotes (\"\") (field 2)",
            "\(r.path):3: error: malformed CSV row: text after a closing quote; quote the whole field and double inner quotes (\"\") (field 2)",
            "\(r.path):5:1: error: a quoted field is never closed; the rest of the file was read as part of it. Check the quotes from this row on",
        ])
    }

    @Test func csvByteOrderMarkCRLFAndBlankLines() throws {
        let r = try read("\u{FEFF}id,text\r\n1,hello\r\n\r\n2,\"two\r\nlines\"\r\n3,last", name: "bom.csv")
        #expect(r.errors.isEmpty)
        #expect(r.responses.map(\.id) == ["1", "2", "3"])
        #expect(r.responses.map(\.text) == ["hello", "two\r\nlines", "last"])
        #expect(r.responses.map { $0.source?.line } == [2, 4, 6])
    }

    @Test func csvStrictModeThrowsInsteadOfSkipping() throws {
        #expect(try strictError("id,text\n1,ok\n2,too,many\n3,ok\n", name: "strict.csv")
            == "PATH:3: error: malformed CSV row: 3 fields, but the header has 2; quote fields that contain commas")
    }

    @Test func csvInvalidUTF8BecomesReplacementCharacters() throws {
        let r = try read(bytes: Array("id,text\n1,caf".utf8) + [0xE9] + Array("\n".utf8), name: "latin1.csv")
        #expect(r.responses.map(\.text) == ["caf\u{FFFD}"])
    }

    // MARK: CSV, wide form

    @Test func csvWideFormGivesOneResponsePerAnswerColumn() throws {
        var options = InputOptions()
        options.textColumns = ["q1", "q2"]
        options.idColumn = "respondent"
        let r = try read("""
            respondent,dept,q1,q2,wave
            r1,Sales,Good pay,Long hours,1
            r2,IT,,  ,2
            r3,HR,,Nice people,1
            """, name: "wide.csv", options: options)
        #expect(r.errors.isEmpty)
        #expect(r.responses.map(\.id) == ["r1-q1", "r1-q2", "r3-q2"])
        #expect(r.responses.map(\.question) == ["q1", "q2", "q2"])
        #expect(r.responses.map(\.text) == ["Good pay", "Long hours", "Nice people"])
        #expect(r.responses.map(metadata) == [
            ["respondent=r1", "dept=Sales", "wave=1"], ["respondent=r1", "dept=Sales", "wave=1"],
            ["respondent=r3", "dept=HR", "wave=1"],
        ])
        #expect(r.responses.map { $0.source?.line } == [2, 2, 4])
    }

    @Test func csvWideFormWithoutAnIdColumnNumbersRows() throws {
        var options = InputOptions()
        options.textColumns = ["likes"]
        let r = try read("likes,team\nthe coffee,A\n,B\nthe view,C\n", name: "wide-noid.csv", options: options)
        #expect(r.responses.map(\.id) == ["row-1-likes", "row-3-likes"])
        #expect(r.responses.map(metadata) == [["team=A"], ["team=C"]])
        #expect(try strictError("likes\nx\n", name: "wide-bad.csv", options: { var o = options; o.textColumns = ["dislikes"]; return o }())
            == "PATH:1:1: error: no column 'dislikes' for --text-columns; the header has: likes")
    }

    // MARK: Plain text

    @Test func plainTextIsOneAnswerPerLineNumberedByLine() throws {
        let r = try read("\u{FEFF}first answer\r\n\n   \nsecond answer\nthird, with \"quotes\" and {braces}", name: "answers.txt")
        #expect(r.errors.isEmpty)
        #expect(r.responses.map(\.id) == ["1", "4", "5"])
        #expect(r.responses.map(\.text) == ["first answer", "second answer", "third, with \"quotes\" and {braces}"])
        #expect(r.responses.allSatisfy { $0.question == nil && $0.metadata.isEmpty })
    }

    // MARK: The line reader underneath

    @Test(arguments: [1, 2, 3, 5, 64])
    func lineReaderAcrossTinyChunks(_ chunkSize: Int) throws {
        let content = "ab\r\ncd\n\nlonger line here\r\n\r\nlast without newline\r"
        let path = try write(Array(content.utf8), name: "lines.txt")
        let reader = try ByteStreamReader(path: path, chunkSize: chunkSize)
        var lines: [String] = []
        while try reader.nextLine({ lines.append(String(decoding: $0, as: UTF8.self)) }) {}
        #expect(lines == ["ab", "cd", "", "longer line here", "", "last without newline"])
        // And byte by byte, as the CSV reader uses it.
        let bytes = try ByteStreamReader(path: path, chunkSize: chunkSize)
        var all: [UInt8] = []
        while let peeked = try bytes.peekByte() {
            let b = try bytes.nextByte()
            #expect(b == peeked)
            all.append(peeked)
        }
        #expect(try bytes.nextByte() == nil)
        #expect(all == Array(content.utf8))
    }

    @Test func missingInputAndFolderAreIOErrors() throws {
        let dir = try TestPaths.temporaryDirectory()
        #expect(throws: VerbatimError.self) { try ResponseReader(path: dir + "/nope.jsonl", options: InputOptions()) }
        do {
            _ = try ResponseReader(path: dir, options: InputOptions(format: .jsonl))
            Issue.record("a folder was opened as input")
        } catch {
            #expect("\(error)" == "error: \(dir): is a folder, not an input file")
        }
    }
}
