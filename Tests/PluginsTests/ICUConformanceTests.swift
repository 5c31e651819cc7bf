import Testing
import VerbatimCore
import VerbatimICU

/// `ICUSegmenter` against the Unicode Consortium's own boundary tests (UAX #29), as Debian's
/// `unicode-data` package installs them. Debian bookworm ships Unicode 15.0 data, the version ICU 72
/// implements, so no line is skipped for being newer than ICU.
///
/// One deliberate difference: ICU follows CLDR, whose root word-break rules take the colon (and its
/// small and full-width forms) out of MidLetter, so "a:b" breaks around the colon where plain UAX #29
/// keeps one word. The 15 word-break cases that differ only there are counted, and the count is asserted.
@Suite struct ICUConformanceTests {
    static let directory = "/usr/share/unicode/auxiliary"

    enum Kind: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case word = "WordBreakTest.txt"
        case sentence = "SentenceBreakTest.txt"
        var testDescription: String { rawValue }
        /// Test cases in the Unicode 15.0 file, so a truncated or different file is noticed.
        var expectedCases: Int {
            switch self {
            case .word: return 1_823
            case .sentence: return 502
            }
        }
        /// Cases that differ only by CLDR's colon tailoring (see above).
        var expectedColonCases: Int {
            switch self {
            case .word: return 15
            case .sentence: return 0
            }
        }
    }

    /// COLON, SMALL COLON, FULLWIDTH COLON: MidLetter in UAX #29, not in CLDR's root rules.
    static let colons: Set<UInt32> = [0x3A, 0xFE55, 0xFF1A]

    /// True when every break that differs sits just before a colon, or just after one (and the marks
    /// or format characters that cling to it): the CLDR tailoring and nothing else.
    static func differsOnlyAtColons(_ c: Case, expected: [Int], got: [Int]) -> Bool {
        let differing = Set(expected).symmetricDifference(got)
        guard !differing.isEmpty else { return true }
        var starts: [Int] = []
        var offset = 0
        for scalar in c.scalars {
            starts.append(offset)
            offset += String(Character(scalar)).utf8.count
        }
        func clings(_ s: Unicode.Scalar) -> Bool {
            switch s.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark, .format: return true
            default: return false
            }
        }
        for position in differing {
            guard let index = starts.firstIndex(of: position) else { return false }
            if colons.contains(c.scalars[index].value) { continue }
            var k = index - 1
            while k >= 0, clings(c.scalars[k]) { k -= 1 }
            if k >= 0, colons.contains(c.scalars[k].value) { continue }
            return false
        }
        return true
    }

    /// One line of a break test file: the text and the byte offsets where it must break.
    struct Case {
        var line: Int
        var scalars: [Unicode.Scalar]
        var utf8: [UInt8]
        var breaks: [Int]
        var source: String
    }

    static func parse(_ text: String) -> (cases: [Case], unreadable: [Int]) {
        var cases: [Case] = []
        var unreadable: [Int] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let body = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = body.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.isEmpty { continue }
            var scalars: [Unicode.Scalar] = []
            var utf8: [UInt8] = []
            var breaks: [Int] = []
            var ok = true
            for field in fields {
                switch field {
                case "÷": breaks.append(utf8.count)
                case "×": break
                default:
                    guard let value = UInt32(field, radix: 16), let scalar = Unicode.Scalar(value) else {
                        ok = false
                        break
                    }
                    scalars.append(scalar)
                    utf8.append(contentsOf: String(Character(scalar)).utf8)
                }
            }
            if ok {
                cases.append(Case(line: index + 1, scalars: scalars, utf8: utf8, breaks: breaks, source: String(body)))
            } else {
                unreadable.append(index + 1)
            }
        }
        return (cases, unreadable)
    }

    /// The breaks ICU finds, including the start and the end of the text.
    static func breaks(of bytes: [UInt8], kind: Kind, segmenter: ICUSegmenter) throws -> [Int] {
        var words: [Int] = [0]
        var sentences: [Int] = [0]
        try bytes.withUnsafeBufferPointer { text in
            try segmenter.segment(text, word: { _, end, _ in words.append(end) }, sentence: { _, end in sentences.append(end) })
        }
        return kind == .word ? words : sentences
    }

    /// Renders a case with ÷ where the given breaks fall, in the file's notation.
    static func render(_ c: Case, breaks: [Int]) -> String {
        var out = ""
        var offset = 0
        let set = Set(breaks)
        for scalar in c.scalars {
            out += set.contains(offset) ? "÷ " : "× "
            out += String(scalar.value, radix: 16, uppercase: true) + " "
            offset += String(Character(scalar)).utf8.count
        }
        return out + (set.contains(offset) ? "÷" : "×")
    }

    @Test(arguments: Kind.allCases)
    func segmenterMatchesUnicodeBreakTests(_ kind: Kind) throws {
        let path = Self.directory + "/" + kind.rawValue
        guard FileIO.exists(path) else {
            Issue.record("\(path) is missing: it comes from Debian's unicode-data package; run `make setup` (or apt-get install unicode-data)")
            return
        }
        let (cases, unreadable) = Self.parse(try FileIO.readText(path: path))
        #expect(unreadable.isEmpty, "lines that could not be read: \(unreadable.prefix(20))")
        #expect(cases.count == kind.expectedCases)
        let segmenter = try ICUSegmenter(locale: "en")
        var failures: [String] = []
        var colonCases = 0
        for c in cases {
            let got = try Self.breaks(of: c.utf8, kind: kind, segmenter: segmenter)
            if got == c.breaks { continue }
            if kind == .word, Self.differsOnlyAtColons(c, expected: c.breaks, got: got) {
                colonCases += 1
                continue
            }
            failures.append("line \(c.line): expected \(Self.render(c, breaks: c.breaks))\n         ICU gave \(Self.render(c, breaks: got))")
        }
        #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) of \(cases.count) cases differ:\n"
                                          + failures.prefix(20).joined(separator: "\n")))
        #expect(colonCases == kind.expectedColonCases)
        #expect(cases.count - failures.count - colonCases == kind.expectedCases - kind.expectedColonCases)
    }
}
