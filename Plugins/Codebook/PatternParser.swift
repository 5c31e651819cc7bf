/// Parses the pattern mini-language of codebook rules:
///
///     pattern  := sequence [ ("NEAR/" n | "BEFORE/" n) sequence ]
///     sequence := item+                      words in a row
///     item     := alt ("|" alt)*             any one of the alternatives
///     alt      := "@" concept | ["=" | "~"] word ["*"]
///
/// A word with hyphens or slashes (`buy-in`) is several words in a row, as the tokenizer sees it.
/// Works on Unicode scalars: offsets are scalar counts, as YAML columns are, and a codebook of ten
/// thousand rules parses without grapheme breaking.
enum PatternParser {
    struct Failure: Error {
        var message: String
        /// Offset in the pattern text, in Unicode scalars.
        var offset: Int
        var hint: String?
    }

    typealias Scalars = ArraySlice<Unicode.Scalar>

    static func parse(_ text: String) throws(Failure) -> Pattern {
        let scalars = Array(text.unicodeScalars)
        let chunks = split(scalars)
        guard !chunks.isEmpty else {
            throw Failure(message: "empty pattern", offset: 0, hint: "write one or more words, e.g. `senior NEAR/4 buy-in`")
        }
        var left: [PatternItem] = []
        var right: [PatternItem] = []
        var proximity: (distance: Int, ordered: Bool, offset: Int)?
        for chunk in chunks {
            let offset = chunk.startIndex
            if let op = try proximityOperator(chunk) {
                let name = op.ordered ? "BEFORE" : "NEAR"
                if proximity != nil {
                    throw Failure(message: "only one NEAR or BEFORE per pattern", offset: offset,
                                  hint: "split the rule into two rules, or use a concept list for alternatives")
                }
                if left.isEmpty {
                    throw Failure(message: "\(name)/\(op.distance) needs words on its left", offset: offset,
                                  hint: "write e.g. `senior NEAR/4 buy-in`")
                }
                proximity = (op.distance, op.ordered, offset)
                continue
            }
            let item = try parseItem(chunk)
            if proximity == nil { left.append(item) } else { right.append(item) }
        }
        guard let proximity else { return Pattern(left: PatternSequence(items: left), proximity: nil) }
        if right.isEmpty {
            throw Failure(message: "\(proximity.ordered ? "BEFORE" : "NEAR")/\(proximity.distance) needs words on its right",
                          offset: proximity.offset, hint: "write e.g. `senior NEAR/4 buy-in`")
        }
        return Pattern(left: PatternSequence(items: left),
                       proximity: .init(distance: proximity.distance, ordered: proximity.ordered,
                                        right: PatternSequence(items: right)))
    }

    /// White-space separated chunks; each slice keeps its offsets in the whole pattern.
    private static func split(_ scalars: [Unicode.Scalar]) -> [Scalars] {
        var chunks: [Scalars] = []
        var start: Int?
        for (i, s) in scalars.enumerated() {
            if isSpace(s) {
                if let b = start { chunks.append(scalars[b..<i]) }
                start = nil
            } else if start == nil {
                start = i
            }
        }
        if let b = start { chunks.append(scalars[b..<scalars.count]) }
        return chunks
    }

    /// The scalars as a String, encoded straight into its storage (appending to a
    /// `String.UnicodeScalarView` one scalar at a time was most of the cost of parsing a codebook).
    static func string(_ scalars: Scalars) -> String {
        let count = scalars.reduce(0) { $0 + UTF8.width($1) }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var n = 0
            for s in scalars {
                UTF8.encode(s) { byte in
                    buffer[n] = byte
                    n += 1
                }
            }
            return n
        }
    }

    private static func starts(_ chunk: Scalars, with prefix: String) -> Bool {
        var i = chunk.startIndex
        for p in prefix.unicodeScalars {
            guard i < chunk.endIndex, chunk[i] == p else { return false }
            i += 1
        }
        return true
    }

    /// `NEAR/4` or `BEFORE/2`; nil for anything else.
    private static func proximityOperator(_ chunk: Scalars) throws(Failure) -> (distance: Int, ordered: Bool)? {
        let ordered: Bool
        let name: String
        if starts(chunk, with: "NEAR"), chunk.count == 4 || chunk[chunk.startIndex + 4] == "/" {
            ordered = false
            name = "NEAR"
        } else if starts(chunk, with: "BEFORE"), chunk.count == 6 || chunk[chunk.startIndex + 6] == "/" {
            ordered = true
            name = "BEFORE"
        } else {
            return nil
        }
        let digits = chunk.dropFirst(name.count + 1)
        guard chunk.count > name.count + 1, let distance = Int(string(digits)) else {
            throw Failure(message: "\(name) needs a distance in words, e.g. \(name)/4", offset: chunk.startIndex, hint: nil)
        }
        guard distance >= 1 else {
            throw Failure(message: "\(name)/\(distance) can never match: the distance must be at least 1", offset: chunk.startIndex,
                          hint: "for words right next to each other write them as a phrase (`senior buy-in`)")
        }
        guard distance <= 50 else {
            throw Failure(message: "\(name)/\(distance) is too far: at most 50 words", offset: chunk.startIndex, hint: nil)
        }
        return (distance, ordered)
    }

    private static func parseItem(_ chunk: Scalars) throws(Failure) -> PatternItem {
        var alternatives: [PatternAlternative] = []
        var start = chunk.startIndex
        for i in chunk.indices where chunk[i] == "|" {
            alternatives.append(try parseAlternative(chunk[start..<i]))
            start = i + 1
        }
        alternatives.append(try parseAlternative(chunk[start..<chunk.endIndex]))
        return PatternItem(alternatives: alternatives, offset: chunk.startIndex)
    }

    private static func parseAlternative(_ text: Scalars) throws(Failure) -> PatternAlternative {
        let offset = text.startIndex
        guard let first = text.first else {
            throw Failure(message: "empty alternative", offset: offset, hint: "write words on both sides of '|', e.g. `fund|budget`")
        }
        if first == "@" {
            let name = text.dropFirst()
            guard !name.isEmpty, name.allSatisfy(isNameScalar) else {
                throw Failure(message: "'\(string(text))' is not a concept reference", offset: offset,
                              hint: "concept names use letters, digits, '_' and '-', e.g. `@senior`")
            }
            return .concept(name: string(name), offset: offset)
        }
        var body = text
        var exact = false, requiresStems = false
        if first == "=" {
            exact = true
            body = body.dropFirst()
        } else if first == "~" {
            requiresStems = true
            body = body.dropFirst()
        }
        var prefix = false
        if body.last == "*" {
            prefix = true
            body = body.dropLast()
        }
        if let star = body.firstIndex(of: "*") {
            throw Failure(message: "a wildcard '*' can only end a word", offset: star,
                          hint: "write a prefix such as `fund*` (matches fund, funds, funding)")
        }
        let words = atoms(of: body)
        guard !words.isEmpty else {
            throw Failure(message: "'\(string(text))' has no word in it", offset: offset, hint: "patterns match words: letters or digits")
        }
        var result: [PatternAtom] = []
        result.reserveCapacity(words.count)
        for (k, word) in words.enumerated() {
            let isLast = k == words.count - 1
            let kind: PatternAtom.Kind
            var atomText = string(word)
            if prefix && isLast {
                kind = .prefix
                atomText = fold(atomText)
            } else if exact {
                // Smart case: `=IT` is case-sensitive, `=government` only refuses other word forms.
                if word.contains(where: isUppercase) { kind = .surface } else { kind = .folded; atomText = fold(atomText) }
            } else {
                kind = .stem
                atomText = fold(atomText)
            }
            result.append(PatternAtom(kind: kind, text: atomText, requiresStems: requiresStems && kind == .stem, offset: word.startIndex))
        }
        return .atoms(result)
    }

    /// Splits a chunk into words as the tokenizer would: letters, digits and '_' make words; an
    /// apostrophe or full stop between two of those stays inside the word ("don't", "e.g").
    /// A typographic apostrophe becomes "'", as the tokenizer's normalisation does.
    static func atoms(of text: Scalars) -> [Scalars] {
        var words: [Scalars] = []
        var start: Int?
        var i = text.startIndex
        while i < text.endIndex {
            let s = text[i]
            if isWordScalar(s) {
                if start == nil { start = i }
            } else if isMidWord(s), start != nil, i + 1 < text.endIndex, isWordScalar(text[i + 1]) {
                // Inside a word.
            } else if let b = start {
                words.append(text[b..<i])
                start = nil
            }
            i += 1
        }
        if let b = start { words.append(text[b..<text.endIndex]) }
        return words
    }

    /// The single words of a settings list (`ignore`, negation cues), or nil when `text` is not one word.
    static func singleWord(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        let words = atoms(of: scalars[...])
        guard words.count == 1, words[0].count == scalars.count else { return nil }
        return fold(text)
    }

    @inline(__always)
    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        // ASCII first: Unicode property lookups would dominate parsing a large codebook.
        if s.isASCII {
            let a = s.value
            return (a >= 0x61 && a <= 0x7A) || (a >= 0x41 && a <= 0x5A) || (a >= 0x30 && a <= 0x39) || a == 0x5F
        }
        let p = s.properties
        if p.isAlphabetic { return true }
        switch p.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    static func isMidWord(_ s: Unicode.Scalar) -> Bool { s == "'" || s == "\u{2019}" || s == "." }
    static func isNameScalar(_ s: Unicode.Scalar) -> Bool { isWordScalar(s) || s == "-" }
    static func isName(_ text: String) -> Bool { !text.isEmpty && text.unicodeScalars.allSatisfy(isNameScalar) }

    private static func isSpace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\n" || s == "\r" || (!s.isASCII && s.properties.isWhitespace)
    }

    private static func isUppercase(_ s: Unicode.Scalar) -> Bool {
        s.isASCII ? (s.value >= 0x41 && s.value <= 0x5A) : s.properties.isUppercase
    }

    /// Lower-cases like the tokenizer's case folding does for the cases that matter in patterns.
    static func fold(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 && !($0 >= 0x41 && $0 <= 0x5A) }) { return text }
        let lower = text.lowercased()
        guard lower.unicodeScalars.contains("\u{2019}") else { return lower }
        var s = String.UnicodeScalarView()
        for c in lower.unicodeScalars { s.append(c == "\u{2019}" ? "'" : c) }
        return String(s)
    }
}
