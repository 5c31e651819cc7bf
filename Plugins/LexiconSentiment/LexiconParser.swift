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
            let at = SourceLocation(file: path, line: lineNumber, column: 1)
            guard fields.count >= 2, !fields[1].isEmpty else {
                let hint = line.contains(" ") && !line.contains("\t")
                    ? "separate the entry and its value with a TAB, not spaces" : "write ENTRY<TAB>VALUE"
                throw fail(0, "expected an entry and a value separated by a TAB", hint)
            }
            let (words, isPrefix) = normalize(fields[0], allowPrefix: format == .verbatim)
            guard !words.isEmpty else { throw fail(0, "the entry is empty", "write the word or expression first") }
            var entry: LexiconEntry
            switch format {
            case .verbatim:
                guard fields.count <= 3 else {
                    throw fail(3, "too many fields: a line is ENTRY<TAB>VALUE[<TAB>after=…]", "remove the extra TAB")
                }
                let rule = try parseRule(fields[1], scale: factor) { message, hint in fail(1, message, hint) }
                var after: [String] = []
                if fields.count == 3 {
                    let condition = fields[2].lexiconTrimmed
                    guard condition.hasPrefix("after="), condition.count > 6 else {
                        throw fail(2, "unknown condition '\(condition)'", "the only condition is after=word1|word2|…")
                    }
                    after = condition.dropFirst(6).split(separator: "|").map { normalize(String($0), allowPrefix: false).words.joined(separator: " ") }
                }
                entry = LexiconEntry(words: words, isPrefix: isPrefix, rule: rule, after: after, source: at)
            case .vader:
                guard let mean = Double(fields[1].lexiconTrimmed), mean.isFinite, (-4...4).contains(mean) else {
                    throw fail(1, "'\(fields[1])' is not a mean rating in -4…4", "VADER lines are word<TAB>mean<TAB>sd<TAB>[ratings]")
                }
                if fields.count >= 3, Double(fields[2].lexiconTrimmed) == nil {
                    throw fail(2, "'\(fields[2])' is not a standard deviation", "VADER lines are word<TAB>mean<TAB>sd<TAB>[ratings]")
                }
                entry = LexiconEntry(words: words, rule: .valence(clamp(mean * factor)), source: at)
            case .afinn:
                guard fields.count == 2, let score = Int(fields[1].lexiconTrimmed), (-5...5).contains(score) else {
                    let hint = fields.count > 2 ? "AFINN lines have exactly two fields: word<TAB>score"
                                                : "AFINN scores are whole numbers from -5 to 5"
                    throw fail(fields.count > 2 ? 2 : 1, "'\(fields[1])' is not an AFINN score", hint)
                }
                entry = LexiconEntry(words: words, rule: .valence(clamp(Double(score) * factor)), source: at)
            }
            if let previous = seen[entry.key] {
                throw fail(0, "'\(entry.key)' is already defined on line \(previous)", "keep one line per entry")
            }
            seen[entry.key] = lineNumber
            result.append(entry)
        }
        return result
    }

    /// Reads and parses a lexicon file.
    public static func load(path: String, format: LexiconFormat = .verbatim, scale: Double? = nil) throws(VerbatimError) -> [LexiconEntry] {
        try parse(FileIO.readText(path: path), path: path, format: format, scale: scale)
    }

    /// Combines lexicons: later entries replace earlier ones with the same key, except that a plain
    /// valence never replaces a modifier (an external word list must not switch off "not" or "but").
    public static func merge(_ lists: [[LexiconEntry]]) -> [LexiconEntry] {
        var order: [String] = []
        var byKey: [String: LexiconEntry] = [:]
        for list in lists {
            for e in list {
                if let old = byKey[e.key] {
                    if old.rule.isModifier && !e.rule.isModifier { continue }
                } else {
                    order.append(e.key)
                }
                byKey[e.key] = e
            }
        }
        return order.map { byKey[$0]! }
    }

    // MARK: Pieces

    static func clamp(_ v: Double) -> Double { min(4, max(-4, v)) }

    static func parseRule(_ field: String, scale: Double,
                          fail: (String, String?) -> VerbatimError) throws(VerbatimError) -> LexiconRule {
        let parts = field.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if let v = Double(field.lexiconTrimmed) {
            guard v.isFinite, (-4...4).contains(v) else { throw fail("valence \(field) is outside -4…4", "use -4 (very negative) … 4 (very positive)") }
            return .valence(clamp(v * scale))
        }
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

    /// Normalises an entry the way the tokenizer normalises text: lower case, typographic apostrophes
    /// as "'", emoji presentation selectors and joiners dropped. Words split at spaces, and at hyphens
    /// between letters ("joined-up" = "joined up", since the tokenizer splits at hyphens).
    static func normalize(_ raw: String, allowPrefix: Bool) -> (words: [String], isPrefix: Bool) {
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
        if allowPrefix, words.count == 1, let w = words.first, w.count > 3, w.hasSuffix("*"),
           w.dropLast().allSatisfy({ $0.isLetter || $0 == "'" }) {
            return ([String(w.dropLast())], true)
        }
        return (words, false)
    }
}

extension String {
    var lexiconTrimmed: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
