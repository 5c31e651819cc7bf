import VerbatimCore

/// Reads lexicon files: Verbatim's own format and the common word/score formats.
///
/// Verbatim's format (documented in the header of `Corpora/lexicons/verbatim-en.tsv`):
/// `ENTRY<TAB>VALUE[<TAB>after=w1|w2]`, where VALUE is a valence -4…4 or a rule
/// (`negate [V]`, `prefix-negate`, `boost N [V]`, `lack N`, `reverse N`, `contrast`, `concede`, `advice N`).
/// VADER's format is `word<TAB>mean<TAB>sd<TAB>ratings` (mean -4…4); AFINN's is `word<TAB>score`
/// (an integer -5…5). External valences are multiplied by a scale to fit Verbatim's -4…4 range.
public enum LexiconFormat: String, Sendable, CaseIterable {
    case verbatim, vader, afinn

    /// The factor that maps the format's valences onto -4…4.
    public var defaultScale: Double {
        switch self {
        case .verbatim, .vader: return 1
        case .afinn: return 0.8
        }
    }
}

public enum LexiconParser {
    public static let ruleNames = ["negate [V]", "prefix-negate", "boost N [V]", "lack N", "reverse N", "contrast", "concede", "advice N"]

    /// Parses lexicon text; `path` names the file in messages. Bad lines throw `invalidFile` at file:line:column.
    public static func parse(_ text: String, path: String, format: LexiconFormat = .verbatim,
                             scale: Double? = nil) throws(VerbatimError) -> [LexiconEntry] {
        let factor = scale ?? format.defaultScale
        var lines = LexiconLines(text)
        var result: [LexiconEntry] = []
        var seen: [String: Int] = [:]
        result.reserveCapacity(lines.lineCount)
        seen.reserveCapacity(lines.lineCount)
        while lines.advance() {
            let entry = try parseLine(lines, format: format, factor: factor, path: path)
            let key = entry.key
            if let previous = seen.updateValue(lines.number, forKey: key) {
                throw lines.error(field: 0, "'\(key)' is already defined on line \(previous)", "keep one line per entry", path: path)
            }
            result.append(entry)
        }
        return result
    }

    /// The entry on the current line of `lines`, which is neither blank nor a comment.
    private static func parseLine(_ lines: LexiconLines, format: LexiconFormat, factor: Double,
                                  path: String) throws(VerbatimError) -> LexiconEntry {
        let fields = lines.fields
        func fail(_ field: Int, _ message: String, _ hint: String?) -> VerbatimError {
            lines.error(field: field, message, hint, path: path)
        }
        guard fields.count >= 2, !fields[1].isEmpty else {
            let line = Substring(lines.string(lines.line))
            let hint = line.contains(" ") && !line.contains("\t")
                ? "separate the entry and its value with a TAB, not spaces" : "write ENTRY<TAB>VALUE"
            throw fail(0, "expected an entry and a value separated by a TAB", hint)
        }
        let (words, isPrefix) = normalize(lines.bytes[fields[0]], allowPrefix: format == .verbatim)
        guard !words.isEmpty else { throw fail(0, "the entry is empty", "write the word or expression first") }
        let at = SourceLocation(file: path, line: lines.number, column: 1)
        let value = lines.string(fields[1])
        switch format {
        case .verbatim:
            guard fields.count <= 3 else {
                throw fail(3, "too many fields: a line is ENTRY<TAB>VALUE[<TAB>after=…]", "remove the extra TAB")
            }
            let rule = try parseRule(value, scale: factor) { message, hint in fail(1, message, hint) }
            var after: [String] = []
            if fields.count == 3 {
                let condition = lines.string(fields[2]).lexiconTrimmed
                guard condition.hasPrefix("after="), condition.count > 6 else {
                    throw fail(2, "unknown condition '\(condition)'", "the only condition is after=word1|word2|…")
                }
                after = condition.dropFirst(6).split(separator: "|").map { normalize(String($0), allowPrefix: false).words.joined(separator: " ") }
            }
            return LexiconEntry(words: words, isPrefix: isPrefix, rule: rule, after: after, source: at)
        case .vader:
            guard let mean = Double(value.lexiconTrimmed), mean.isFinite, (-4...4).contains(mean) else {
                throw fail(1, "'\(value)' is not a mean rating in -4…4", "VADER lines are word<TAB>mean<TAB>sd<TAB>[ratings]")
            }
            if fields.count >= 3, case let deviation = lines.string(fields[2]), Double(deviation.lexiconTrimmed) == nil {
                throw fail(2, "'\(deviation)' is not a standard deviation", "VADER lines are word<TAB>mean<TAB>sd<TAB>[ratings]")
            }
            return LexiconEntry(words: words, rule: .valence(clamp(mean * factor)), source: at)
        case .afinn:
            guard fields.count == 2, let score = Int(value.lexiconTrimmed), (-5...5).contains(score) else {
                let hint = fields.count > 2 ? "AFINN lines have exactly two fields: word<TAB>score"
                                            : "AFINN scores are whole numbers from -5 to 5"
                throw fail(fields.count > 2 ? 2 : 1, "'\(value)' is not an AFINN score", hint)
            }
            return LexiconEntry(words: words, rule: .valence(clamp(Double(score) * factor)), source: at)
        }
    }

    /// Reads and parses a lexicon file.
    public static func load(path: String, format: LexiconFormat = .verbatim, scale: Double? = nil) throws(VerbatimError) -> [LexiconEntry] {
        try parse(FileIO.readText(path: path), path: path, format: format, scale: scale)
    }

    /// Combines lexicons: later entries replace earlier ones with the same key, except that a plain
    /// valence never replaces a modifier (an external word list must not switch off "not" or "but").
    public static func merge(_ lists: [[LexiconEntry]]) -> [LexiconEntry] {
        var result: [LexiconEntry] = []
        var slot: [String: Int] = [:]
        result.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        slot.reserveCapacity(result.capacity)
        for list in lists {
            for e in list {
                let key = e.key
                if let i = slot[key] {
                    if result[i].rule.isModifier && !e.rule.isModifier { continue }
                    result[i] = e
                } else {
                    slot[key] = result.count
                    result.append(e)
                }
            }
        }
        return result
    }

    // MARK: Pieces

    static func clamp(_ v: Double) -> Double { min(4, max(-4, v)) }

    static func parseRule(_ field: String, scale: Double,
                          fail: (String, String?) -> VerbatimError) throws(VerbatimError) -> LexiconRule {
        if let v = number(field) {
            guard v.isFinite, (-4...4).contains(v) else { throw fail("valence \(field) is outside -4…4", "use -4 (very negative) … 4 (very positive)") }
            return .valence(clamp(v * scale))
        }
        let parts = field.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let name = parts.first else { throw fail("the value is empty", nil) }
        func amount(default d: Double? = nil, range: ClosedRange<Double>, maxParts: Int = 2) throws(VerbatimError) -> Double {
            guard parts.count <= maxParts else { throw fail("'\(field)' has too many parts", "write '\(name) N'") }
            guard parts.count >= 2 else {
                if let d { return d }
                throw fail("'\(name)' needs a number", "write '\(name) N', e.g. '\(name) \(JSONWriter.format(range.upperBound / 2))'")
            }
            guard let n = Double(parts[1]), n.isFinite, range.contains(n) else {
                throw fail("'\(parts[1])' is not a number in \(JSONWriter.format(range.lowerBound))…\(JSONWriter.format(range.upperBound))", nil)
            }
            return n
        }
        func bare(_ rule: LexiconRule) throws(VerbatimError) -> LexiconRule {
            guard parts.count == 1 else { throw fail("'\(name)' takes no number", "write just '\(name)'") }
            return rule
        }
        switch name {
        case "negate":
            guard parts.count > 1 else { return .negate(alone: 0) }
            return .negate(alone: clamp(try amount(range: -4...4) * scale))
        case "prefix-negate": return try bare(.prefixNegate)
        case "contrast": return try bare(.contrast)
        case "concede": return try bare(.concede)
        case "boost":
            guard parts.count <= 3 else { throw fail("'\(field)' has too many parts", "write 'boost N' or 'boost N V'") }
            var alone = 0.0
            if parts.count == 3 {
                guard let v = Double(parts[2]), v.isFinite, (-4...4).contains(v) else {
                    throw fail("'\(parts[2])' is not a valence in -4…4", "write 'boost N V', V being the word's own valence")
                }
                alone = clamp(v * scale)
            }
            return .boost(try amount(range: -1...2, maxParts: 3), alone: alone)
        case "lack": return .lack(try amount(default: -1.5, range: -4...0))
        case "reverse": return .reverse(try amount(default: 0, range: -4...4))
        case "advice": return .advice(try amount(default: 1, range: 0...1))
        default:
            throw fail("unknown value '\(field)'", "a value is a valence -4…4 or one of: \(ruleNames.joined(separator: ", "))")
        }
    }

    /// `Double(text.lexiconTrimmed)`. Plain decimals such as "-2.2" (nearly every value) are worked out
    /// directly: their digits make an integer below 2^53 and a power of ten up to 10^15, both exact
    /// as Doubles, so one division gives the correctly rounded value, as `Double(String)` does.
    static func number(_ text: String) -> Double? {
        var mantissa: UInt64 = 0, digits = 0, fractionDigits = 0
        var negative = false, inFraction = false
        for (i, b) in text.utf8.enumerated() {
            switch b {
            case UInt8(ascii: "-") where i == 0: negative = true
            case UInt8(ascii: "."):
                guard !inFraction, digits > 0 else { return Double(text.lexiconTrimmed) }
                inFraction = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard digits < 15 else { return Double(text.lexiconTrimmed) }
                mantissa = mantissa * 10 + UInt64(b - UInt8(ascii: "0"))
                digits += 1
                if inFraction { fractionDigits += 1 }
            default: return Double(text.lexiconTrimmed)
            }
        }
        guard digits > 0, !inFraction || fractionDigits > 0 else { return Double(text.lexiconTrimmed) }
        let magnitude = Double(mantissa) / powersOfTen[fractionDigits]
        return negative ? -magnitude : magnitude
    }

    private static let powersOfTen: [Double] = (0...15).map { (0..<$0).reduce(1.0) { value, _ in value * 10 } }

    /// Normalises an entry the way the tokenizer normalises text: lower case, typographic apostrophes
    /// as "'", emoji presentation selectors and joiners dropped. Words split at spaces, and at hyphens
    /// between letters ("joined-up" = "joined up", since the tokenizer splits at hyphens).
    static func normalize(_ raw: String, allowPrefix: Bool) -> (words: [String], isPrefix: Bool) {
        normalize(Array(raw.utf8)[...], allowPrefix: allowPrefix)
    }

    /// `normalize` for an entry given as UTF-8 bytes; ASCII entries (nearly all) skip `String` work.
    static func normalize(_ raw: ArraySlice<UInt8>, allowPrefix: Bool) -> (words: [String], isPrefix: Bool) {
        let words = raw.allSatisfy { $0 < 0x80 } ? asciiWords(raw) : unicodeWords(String(decoding: raw, as: UTF8.self))
        // The last byte decides `hasSuffix("*")` cheaply: nothing else is canonically equivalent to "*".
        if allowPrefix, words.count == 1, let w = words.first, w.utf8.last == UInt8(ascii: "*"), w.count > 3, w.hasSuffix("*"),
           w.dropLast().allSatisfy({ $0.isLetter || $0 == "'" }) {
            return ([String(w.dropLast())], true)
        }
        return (words, false)
    }

    /// The words of any entry, scalar by scalar (see `normalize`).
    static func unicodeWords(_ raw: String) -> [String] {
        var text = ""
        for scalar in raw.lexiconTrimmed.lowercased().unicodeScalars {
            switch scalar.value {
            case 0x2019, 0x2018: text.unicodeScalars.append("'")
            case 0xFE0E, 0xFE0F, 0x200D: continue
            default: text.unicodeScalars.append(scalar)
            }
        }
        var words: [String] = []
        for piece in text.split(separator: " ") {
            let scalars = Array(piece.unicodeScalars)
            var current = ""
            for (i, s) in scalars.enumerated() {
                if s == "-", i > 0, i + 1 < scalars.count,
                   scalars[i - 1].properties.isAlphabetic, scalars[i + 1].properties.isAlphabetic {
                    words.append(current)
                    current = ""
                } else {
                    current.unicodeScalars.append(s)
                }
            }
            if !current.isEmpty { words.append(current) }
        }
        return words
    }

    /// `unicodeWords` for ASCII text, on bytes: the same trimming, lower-casing (A-Z only, in ASCII)
    /// and splitting, where the letters are just A-Z and a-z.
    static func asciiWords(_ raw: ArraySlice<UInt8>) -> [String] {
        func isBlank(_ b: UInt8) -> Bool { b == LexiconLines.space || b == LexiconLines.tab }
        func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        var first = raw.startIndex, end = raw.endIndex
        while first < end, isBlank(raw[first]) { first += 1 }
        while end > first, isBlank(raw[end - 1]) { end -= 1 }
        var words: [String] = []
        var wordStart = first
        var i = first
        while i < end {
            let b = raw[i]
            if b == LexiconLines.space {
                if wordStart < i { words.append(lowercased(raw[wordStart..<i])) }
                wordStart = i + 1
            } else if b == UInt8(ascii: "-"), i > first, i + 1 < end, isLetter(raw[i - 1]), isLetter(raw[i + 1]) {
                words.append(lowercased(raw[wordStart..<i]))
                wordStart = i + 1
            }
            i += 1
        }
        if wordStart < end { words.append(lowercased(raw[wordStart..<end])) }
        return words
    }

    /// ASCII bytes as a String, A-Z lower-cased.
    private static func lowercased(_ bytes: ArraySlice<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            var n = 0
            for b in bytes {
                buffer[n] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
                n += 1
            }
            return n
        }
    }
}

extension String {
    /// Without leading and trailing spaces and TABs (as `Character`s: a space carrying a combining
    /// mark stays).
    var lexiconTrimmed: String {
        // Most values have nothing to trim: a first and last byte that are not a space or TAB say so.
        func isBlank(_ b: UInt8?) -> Bool { b == LexiconLines.space || b == LexiconLines.tab }
        if !isBlank(utf8.first), !isBlank(utf8.last) { return self }
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
