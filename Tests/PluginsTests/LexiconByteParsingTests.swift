@testable import LexiconSentiment
import Testing
import VerbatimCore
import VerbatimTestSupport

/// The lexicon reader works on UTF-8 bytes; these tests hold it to the `Character`-based reading it
/// replaced, kept here as a reference: same entries, same errors at the same file:line:column.
@Suite struct LexiconByteParsingTests {
    /// The former reader: the text split into `Character` lines and fields, entries normalised scalar
    /// by scalar, numbers read with `Double(String)`.
    static func referenceParse(_ text: String, path: String) throws(VerbatimError) -> [LexiconEntry] {
        var result: [LexiconEntry] = []
        var seen: [String: Int] = [:]
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.last == "\r" { line = line.dropLast() }
            if lineNumber == 1, line.first == "\u{FEFF}" { line = line.dropFirst() }
            let content = line.drop { $0 == " " }
            if content.isEmpty || content.first == "#" { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            func fail(_ field: Int, _ message: String, _ hint: String?) -> VerbatimError {
                let column = fields.prefix(field).reduce(1) { $0 + $1.count + 1 }
                return .invalidFile(message: message, hint: hint, at: SourceLocation(file: path, line: lineNumber, column: column))
            }
            guard fields.count >= 2, !fields[1].isEmpty else {
                let hint = line.contains(" ") && !line.contains("\t")
                    ? "separate the entry and its value with a TAB, not spaces" : "write ENTRY<TAB>VALUE"
                throw fail(0, "expected an entry and a value separated by a TAB", hint)
            }
            let (words, isPrefix) = referenceNormalize(fields[0], allowPrefix: true)
            guard !words.isEmpty else { throw fail(0, "the entry is empty", "write the word or expression first") }
            guard fields.count <= 3 else {
                throw fail(3, "too many fields: a line is ENTRY<TAB>VALUE[<TAB>after=…]", "remove the extra TAB")
            }
            let rule: LexiconRule
            if let v = Double(fields[1].lexiconTrimmed), v.isFinite, (-4...4).contains(v) {
                rule = .valence(LexiconParser.clamp(v))
            } else {
                rule = try LexiconParser.parseRule(fields[1], scale: 1) { message, hint in fail(1, message, hint) }
            }
            var after: [String] = []
            if fields.count == 3 {
                let condition = fields[2].lexiconTrimmed
                guard condition.hasPrefix("after="), condition.count > 6 else {
                    throw fail(2, "unknown condition '\(condition)'", "the only condition is after=word1|word2|…")
                }
                after = condition.dropFirst(6).split(separator: "|").map { referenceNormalize(String($0), allowPrefix: false).words.joined(separator: " ") }
            }
            let entry = LexiconEntry(words: words, isPrefix: isPrefix, rule: rule, after: after,
                                     source: SourceLocation(file: path, line: lineNumber, column: 1))
            if let previous = seen[entry.key] {
                throw fail(0, "'\(entry.key)' is already defined on line \(previous)", "keep one line per entry")
            }
            seen[entry.key] = lineNumber
            result.append(entry)
        }
        return result
    }

    static func referenceNormalize(_ raw: String, allowPrefix: Bool) -> (words: [String], isPrefix: Bool) {
        let words = LexiconParser.unicodeWords(raw)
        if allowPrefix, words.count == 1, let w = words.first, w.count > 3, w.hasSuffix("*"),
           w.dropLast().allSatisfy({ $0.isLetter || $0 == "'" }) {
            return ([String(w.dropLast())], true)
        }
        return (words, false)
    }

    /// Entries, or the error's text, from both readers.
    func bothReaders(_ text: String) -> (new: String, reference: String) {
        func describe(_ read: () throws(VerbatimError) -> [LexiconEntry]) -> String {
            do { return try read().map { "\($0.key) \($0.isPrefix) \($0.words) \($0.rule) \($0.after) \($0.source)" }.joined(separator: "\n") } catch {
                return "\(error)"
            }
        }
        return (describe { () throws(VerbatimError) in try LexiconParser.parse(text, path: "x.tsv") },
                describe { () throws(VerbatimError) in try Self.referenceParse(text, path: "x.tsv") })
    }

    @Test func theBuiltInLexiconReadsAsBefore() throws {
        let new = try LexiconParser.parse(BuiltinLexicon.text, path: BuiltinLexicon.name)
        let reference = try Self.referenceParse(BuiltinLexicon.text, path: BuiltinLexicon.name)
        #expect(new.count == reference.count)
        #expect(new.count > 4000)
        for (a, b) in zip(new, reference) {
            #expect(a == b, "line \(b.source.line)")
            #expect(a.key == b.key)
        }
    }

    @Test func lineBreaksMarksAndCommentsReadAsBefore() {
        let texts = [
            "", "\n", "good\t2", "good\t2\n", "good\t2\r\nbad\t-2\r\n", "good\t2\r\r\nbad\t-2\r\r", "good\t2\r",
            "\u{FEFF}good\t2\n\u{FEFF}bad\t-2", "\u{FEFF}# comment\ngood\t2", "   # indented comment\n  \ngood\t2",
            "#\u{FE0F}\u{20E3}\t2\n#\t2\n", "# comment\u{301}\ngood\t2", " \u{301}x\t1", "good\t2\rbad\t-2",
            "caf\u{E9}\t2\nCAF\u{C9}\t1", "Joined-Up\t1.5\nred  tape \t-1.6\n\tx", "frustrat*\t-2\nab*\t1\nx-y*\t1\ndon't*\t1",
            "like\t1.8\tafter=I|We|joined-up", "\u{1F600}\t2\n\u{2764}\u{FE0F}\t2\n\u{2019}twas\t1",
            // Errors, and where they point.
            "good 2", "good\t", "\t2", "good\t2\t\tx", "good\t9", "good\t1.2.3", "good\t2\tafter=",
            "caf\u{E9}\t2\tbefore=x", "e\u{301}\u{301}\tboost\t\tx", "good\t2\ngood\t1", "a b\t1\nA  B\t2",
        ]
        for text in texts {
            let (new, reference) = bothReaders(text)
            #expect(new == reference, "\(text.debugDescription)")
        }
    }

    @Test func asciiWordsAreTheUnicodeWordsOfASCIIText() throws {
        var samples = ["  Joined-Up  ", "a-b-c", "-a", "a-", "a--b", "x - y", "A1-b", "1-2", "don't", "a\tb", "\t x \t",
                       ":-)", "<3", "x-", "RED TAPE", "", "   ", "a  b   c", "e.g.-like"]
        for entry in try LexiconParser.parse(BuiltinLexicon.text, path: BuiltinLexicon.name) {
            samples.append(entry.words.joined(separator: "-"))
        }
        for sample in samples where sample.utf8.allSatisfy({ $0 < 0x80 }) {
            #expect(LexiconParser.asciiWords(Array(sample.utf8)[...]) == LexiconParser.unicodeWords(sample), "\(sample)")
        }
    }

    @Test func numbersReadAsDoubleReadsThem() throws {
        var samples = ["2", "-2.2", "0", "-0", "0.0", "007", "1.", ".5", "-", "-.5", "1e3", " 1", "1 ", "+1", "--1", "1-",
                       "1.2.3", "nan", "inf", "0.1", "3.999999999999999", "-3.99999999999999", "123456789012345",
                       "1234567890123456", "99999999999999999999999", "0.000000000000001", "4.1", "boost 0.3"]
        for a in stride(from: -4.0, through: 4.0, by: 0.1) { samples.append("\(a)") }
        for entry in try LexiconParser.parse(BuiltinLexicon.text, path: BuiltinLexicon.name) {
            if case let .valence(v) = entry.rule { samples.append("\(v)") }
        }
        for sample in samples {
            let expected = Double(sample.lexiconTrimmed)
            #expect(LexiconParser.number(sample)?.bitPattern == expected?.bitPattern, "\(sample)")
        }
    }

    @Test func lexiconTrimmedDropsOnlyWholeSpaceAndTabCharacters() {
        #expect(" \tword\t ".lexiconTrimmed == "word")
        #expect("word".lexiconTrimmed == "word")
        #expect(" \u{301}word".lexiconTrimmed == " \u{301}word")
        #expect("word \u{301}".lexiconTrimmed == "word \u{301}")
        #expect("  ".lexiconTrimmed == "")
    }

    @Test func mergeKeepsFirstPlacesLastValuesAndModifiers() {
        func entry(_ word: String, _ rule: LexiconRule, prefix: Bool = false) -> LexiconEntry {
            LexiconEntry(words: word.split(separator: " ").map(String.init), isPrefix: prefix, rule: rule)
        }
        let merged = LexiconParser.merge([
            [entry("good", .valence(2)), entry("not", .negate(alone: 0)), entry("red tape", .valence(-1)), entry("frust", .valence(-1), prefix: true)],
            [entry("not", .valence(-1)), entry("good", .valence(3)), entry("new", .valence(1)), entry("frust", .valence(-2))],
            [entry("red tape", .valence(-2)), entry("good", .contrast)],
        ])
        #expect(merged.map(\.key) == ["good", "not", "red tape", "frust*", "new", "frust"])
        #expect(merged.map(\.rule) == [.contrast, .negate(alone: 0), .valence(-2), .valence(-1), .valence(1), .valence(-2)])
    }
}
