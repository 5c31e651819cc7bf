import Testing
import VerbatimCore

/// The JSON Lines parser and the deterministic writer behind `coded.jsonl`.
@Suite struct JSONTests {
    func parse(_ text: String) throws(JSONParser.Failure) -> JSONValue { try JSONParser.parse(text) }

    /// "offset: message" of the parse error, or "no error".
    func failure(_ text: String) -> String {
        var copy = text
        return copy.withUTF8 { failure(bytes: $0) }
    }

    func failure(bytes: UnsafeBufferPointer<UInt8>) -> String {
        do {
            _ = try JSONParser.parse(bytes)
            return "no error"
        } catch {
            return "\(error.offset): \(error.message)"
        }
    }

    func written(_ value: JSONValue) -> String {
        var w = JSONWriter()
        w.value(value)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    // MARK: Parsing

    @Test func scalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse(" true ") == .bool(true))
        #expect(try parse("\tfalse\r\n") == .bool(false))
        #expect(try parse("\"\"") == .string(""))
        #expect(try parse("\"a b\"") == .string("a b"))
    }

    @Test(arguments: ["0", "17", "-3", "9007199254740992"])
    func integersAreNumbers(_ text: String) throws {
        let value = try parse(text)
        guard case let .number(d) = value else {
            Issue.record("\(text) parsed as \(value)")
            return
        }
        #expect(d == Double(text))
    }

    /// Anything but a plain integer keeps its spelling, so it is written back exactly as read.
    @Test(arguments: ["1.5", "0.123456", "-0", "1e3", "2.50", "1E-7", "007", "1e400", "12345678901234567890", "9007199254740993"])
    func otherNumbersKeepTheirText(_ text: String) throws {
        let value = try parse(text)
        #expect(value == .numberText(text))
        #expect(value.scalarText == text)
        #expect(written(value) == text)
    }

    @Test func numbersCompareByValue() throws {
        #expect(try parse("1.5") == .number(1.5))
        #expect(try parse("1e3").doubleValue == 1000)
        #expect(try parse("2") == .numberText("2.0"))
    }

    @Test func objectsKeepKeyOrderAndDuplicates() throws {
        let value = try parse(#" { "z" : 1 , "a" : [ true , null , { } , [ ] ] , "z" : "again" } "#)
        guard case let .object(members) = value else {
            Issue.record("not an object: \(value)")
            return
        }
        #expect(members.map(\.key) == ["z", "a", "z"])
        #expect(members[1].value == .array([.bool(true), .null, .object([]), .array([])]))
        #expect(value["z"] == .number(1))
        #expect(value["missing"] == nil)
    }

    @Test func stringEscapes() throws {
        #expect(try parse(#""\" \\ \/ \b \f \n \r \t""#) == .string("\" \\ / \u{8} \u{C} \n \r \t"))
        #expect(try parse(#""\u0041\u00e9\u2019\uD83D\uDE00\ud83d\ude00""#) == .string("Aé’😀😀"))
        #expect(try parse(#""\ud800 \udc00 \ud800\u0041""#) == .string("\u{FFFD} \u{FFFD} \u{FFFD}A"))
        #expect(try parse("\"raw é 😀 ’\"") == .string("raw é 😀 ’"))
    }

    @Test func invalidUTF8InStringsIsReplaced() throws {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0xE2, 0x82, 0x22]
        let value = try bytes.withUnsafeBufferPointer { b throws(JSONParser.Failure) in try JSONParser.parse(b) }
        #expect(value == .string("a\u{FFFD}b\u{FFFD}"))
    }

    @Test(arguments: [
        ("", "unexpected end of input, expected a value", 0),
        ("   ", "unexpected end of input, expected a value", 3),
        ("{", "expected a quoted key", 1),
        ("{\"a\" 1}", "expected ':' after key \"a\"", 5),
        ("{\"a\": 1,}", "expected a quoted key", 8),
        ("{\"a\": 1 \"b\": 2}", "expected ',' or '}'", 8),
        ("[1 2]", "expected ',' or ']'", 3),
        ("[1,", "unexpected end of input, expected a value", 3),
        ("tru", "unexpected end of input in 'true'", 0),
        ("nul!", "invalid literal, expected 'null'", 0),
        ("01x", "unexpected text after the JSON value", 2),
        ("-", "invalid number", 1),
        ("1.", "invalid number: digits expected after '.'", 2),
        ("1e+", "invalid number: digits expected in exponent", 3),
        (".5", "unexpected character '.', expected a value", 0),
        ("\"abc", "unterminated string", 4),
        ("\"a\\q\"", "invalid escape '\\q' in a string", 3),
        ("\"\\u12G4\"", "invalid hex digit in \\u escape", 5),
        ("\"\\u1", "truncated \\u escape", 3),
        ("\"tab\there\"", "control character U+9 in a string; escape it", 4),
        ("{} {}", "unexpected text after the JSON value", 3),
    ])
    func errorsSayWhatAndWhere(_ text: String, _ message: String, _ offset: Int) {
        #expect(failure(text) == "\(offset): \(message)")
    }

    @Test func nonASCIIOutsideStringsIsReportedByOffset() {
        let bytes: [UInt8] = [0x7B, 0xFF, 0x7D]
        #expect(bytes.withUnsafeBufferPointer { failure(bytes: $0) } == "1: expected a quoted key")
        #expect(failure("\u{1}") == "0: unexpected character '\\u{1}', expected a value")
    }

    @Test func nestingIsLimitedTo512() throws {
        func nested(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        #expect(failure(nested(512)) == "no error")
        #expect(failure("{\"a\":" + nested(511) + "}") == "no error")
        #expect(failure(nested(513)) == "512: nesting deeper than 512")
        #expect(failure(nested(100_000)) == "512: nesting deeper than 512")
    }

    // MARK: Writing

    @Test func stringEscaping() {
        #expect(written(.string("plain")) == #""plain""#)
        #expect(written(.string("quote \" backslash \\ slash /")) == #""quote \" backslash \\ slash /""#)
        #expect(written(.string("nl\ncr\rtab\t")) == #""nl\ncr\rtab\t""#)
        #expect(written(.string("\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}")) == #""\u0000\u0001\u0008\u000c\u001f\u007f""#)
        // Non-ASCII is written as UTF-8, not escaped.
        #expect(written(.string("café ’ 😀 \u{2028}")) == "\"café ’ 😀 \u{2028}\"")
    }

    /// Record writers spell labels as literals; they must be the labels' raw values.
    @Test func sentimentLabelLiteralsAreTheRawValues() {
        for label in Sentiment.Label.allCases { #expect(label.literal.description == label.rawValue) }
        var writer = JSONWriter()
        writer.beginObject()
        writer.key(literal: "label"); writer.string(literal: Sentiment.Label.mixed.literal)
        writer.key("n"); writer.integer(1)
        writer.endObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"label":"mixed","n":1}"#)
    }

    /// The writer skips plain text eight bytes at a time; a byte that needs escaping must be caught
    /// at every offset of such a block, next to every neighbour that looks like it but needs none.
    @Test func escapingIsFoundAtEveryOffset() {
        func reference(_ bytes: [UInt8]) -> String {
            var out = "\""
            for b in bytes {
                switch b {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                case 0..<0x20, 0x7F: out += "\\u00" + (b < 16 ? "0" : "") + String(b, radix: 16)
                default: out += String(UnicodeScalar(b))
                }
            }
            return out + "\""
        }
        let special: [UInt8] = [0x00, 0x01, 0x09, 0x0A, 0x1F, 0x22, 0x5C, 0x7F]
        let fillers: [UInt8] = [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7E, 0x41]
        for length in [7, 8, 9, 16, 17, 23] {
            for position in 0..<length {
                for b in special {
                    for filler in fillers {
                        var bytes = [UInt8](repeating: filler, count: length)
                        bytes[position] = b
                        let out = bytes.withUnsafeBufferPointer { JSONWriter.quoted(utf8: $0) }
                        #expect(String(decoding: out, as: UTF8.self) == reference(bytes), "\(bytes)")
                    }
                }
            }
        }
    }

    /// The parser skips plain string bytes eight at a time; the closing quote, an escape and a raw
    /// control byte must each be found at every offset of such a block.
    @Test func stringEndsAndEscapesAreFoundAtEveryOffset() throws {
        func parse(_ bytes: [UInt8]) throws(JSONParser.Failure) -> JSONValue {
            try bytes.withUnsafeBufferPointer { b throws(JSONParser.Failure) in try JSONParser.parse(b) }
        }
        let fillers: [UInt8] = [0x20, 0x23, 0x5B, 0x5D, 0x7E, 0x7F, 0x41]
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 25] {
            for filler in fillers {
                let body = [UInt8](repeating: filler, count: length)
                // The string ends wherever its quote is.
                let plain = try parse(Array("\"".utf8) + body + Array("\" ".utf8))
                #expect(plain == .string(String(decoding: body, as: UTF8.self)))
                for position in 0..<length {
                    var escaped = body
                    escaped.replaceSubrange(position...position, with: Array("\\n".utf8))
                    let value = try parse(Array("\"".utf8) + escaped + Array("\"".utf8))
                    var expected = body
                    expected[position] = 0x0A
                    #expect(value == .string(String(decoding: expected, as: UTF8.self)), "escape at \(position) of \(length)")
                    var raw = body
                    raw[position] = 0x0A
                    #expect(throws: JSONParser.Failure.self, "raw line feed at \(position) of \(length)") {
                        try parse(Array("\"".utf8) + raw + Array("\"".utf8))
                    }
                }
            }
        }
    }

    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (3, "3"), (-42, "-42"), (0.5, "0.5"), (-1.25, "-1.25"), (2.0 / 3, "0.6667"),
        (1.23456, "1.2346"), (0.00004, "0"), (-0.00004, "0"), (0.00016, "0.0002"), (123_456.789, "123456.789"),
        (999_999_999_999_999, "999999999999999"), (1e15, "1000000000000000"), (1e20, "100000000000000000000"),
        (-1.5e20, "-150000000000000000000"), (9.3e18, "9300000000000000000"), (.infinity, "null"), (.nan, "null"),
    ])
    func numberFormatting(_ value: Double, _ text: String) {
        #expect(JSONWriter.format(value) == text)
        #expect(written(.number(value)) == text)
    }

    /// The writer prints scores digit by digit; it must agree with the general formatting everywhere.
    @Test func fastNumberPathAgreesWithFormat() {
        var values: [Double] = [0.00005, -0.00005, 0.99995, -0.99995, 1e11 - 0.5, 99_999_999_999.99995, 1e-300]
        var state: UInt64 = 7
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(1 << 53)
            let scale = [1.0, 0.001, 10, 1e6, 1e10, 2e11][Int(state % 6)]
            values.append((unit * 2 - 1) * scale)
        }
        for v in values { #expect(written(.number(v)) == JSONWriter.format(v), "\(v)") }
        // Below 10¹¹ the writer goes digit by digit; Swift's own shortest decimal of the rounded
        // value is the reference.
        func reference(_ v: Double) -> String {
            if v == v.rounded() { return String(Int(v)) }
            let scaled = (v * 10000).rounded() / 10000
            return scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)
        }
        for v in values where abs(v) < 1e11 { #expect(written(.number(v)) == reference(v), "\(v)") }
    }

    @Test func hugeNumbersAreWrittenWithoutExponent() {
        let text = JSONWriter.format(1.7976931348623157e308)
        #expect(text.count == 309)
        #expect(text.hasPrefix("17976931348623157"))
        #expect(text.allSatisfy { $0.isNumber })
    }

    @Test func structureAndKeyOrder() {
        var w = JSONWriter()
        w.beginObject()
        w.key("id"); w.string("r1")
        w.key("n"); w.integer(3)
        w.key("list")
        w.beginArray()
        w.number(0.25); w.bool(true); w.null()
        w.beginObject(); w.endObject()
        w.beginArray(); w.endArray()
        w.endArray()
        w.key("nested"); w.value(.object([("b", .numberText("1e3")), ("a", .array([]))]))
        w.key("raw"); w.raw(Array("[1,2]".utf8))
        w.endObject()
        w.newline()
        let expected = #"{"id":"r1","n":3,"list":[0.25,true,null,{},[]],"nested":{"b":1e3,"a":[]},"raw":[1,2]}"# + "\n"
        #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
        w.reset()
        w.beginArray(); w.string("x"); w.endArray()
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"["x"]"#)
    }

    // MARK: Round trips

    @Test(arguments: [
        #"{"id":"a","text":"caf\u00e9 \"quoted\" \n line","n":17,"x":0.123456,"big":12345678901234567890,"e":1e-7}"#,
        #"[null,true,false,"",[],{},{"k":[1,[2,[3]]]}]"#,
        #"{"emoji":"\ud83d\ude00","ctl":"\u0001","slash":"a\/b","order":{"z":1,"a":2,"z":3}}"#,
        #"  { "spaced" : [ 1 , 2.50 , -0 ] }  "#,
    ])
    func parseWriteParseIsStable(_ text: String) throws {
        let first = try parse(text)
        let once = written(first)
        let second = try parse(once)
        #expect(second == first)
        // Writing is deterministic: the canonical form writes back byte for byte.
        #expect(written(second) == once)
    }

    @Test func canonicalRecordsRoundTripByteForByte() throws {
        let line = #"{"id":"r1","question":"Q1","text":"Good pay, \"long\" hours ’ 😀","meta":{"wave":2,"weight":0.8731,"tags":["a","b"],"none":null}}"#
        #expect(written(try parse(line)) == line)
    }
}
