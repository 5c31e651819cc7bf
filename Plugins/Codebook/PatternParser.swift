/// Parses the pattern mini-language of codebook rules:
///
///     pattern  := sequence [ ("NEAR/" n | "BEFORE/" n) sequence ]
///     sequence := item+                      words in a row
///     item     := alt ("|" alt)*             any one of the alternatives
///     alt      := "@" concept | ["=" | "~"] word ["*"]
///
/// A word with hyphens or slashes (`buy-in`) is several words in a row, as the tokenizer sees it.
enum PatternParser {
    struct Failure: Error {
        var message: String
        /// Character offset in the pattern text.
        var offset: Int
        var hint: String?
    }

    static func parse(_ text: String) throws(Failure) -> Pattern {
        let chunks = split(text)
        guard !chunks.isEmpty else {
            throw Failure(message: "empty pattern", offset: 0, hint: "write one or more words, e.g. `senior NEAR/4 buy-in`")
        }
        var left: [PatternItem] = []
        var right: [PatternItem] = []
        var proximity: (distance: Int, ordered: Bool, offset: Int)?
        for chunk in chunks {
            if let op = try proximityOperator(chunk.text, offset: chunk.offset) {
                if proximity != nil {
                    throw Failure(message: "only one NEAR or BEFORE per pattern", offset: chunk.offset,
                                  hint: "split the rule into two rules, or use a concept list for alternatives")
                }
                if left.isEmpty {
                    throw Failure(message: "\(chunk.text) needs words on its left", offset: chunk.offset,
                                  hint: "write e.g. `senior NEAR/4 buy-in`")
                }
                proximity = (op.distance, op.ordered, chunk.offset)
                continue
            }
            let item = try parseItem(chunk.text, offset: chunk.offset)
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

    /// White-space separated chunks with their character offsets.
    private static func split(_ text: String) -> [(text: String, offset: Int)] {
        var chunks: [(text: String, offset: Int)] = []
        var current = ""
        var start = 0
        for (i, ch) in text.enumerated() {
            if ch.isWhitespace {
                if !current.isEmpty { chunks.append((current, start)) }
                current = ""
            } else {
                if current.isEmpty { start = i }
                current.append(ch)
            }
        }
        if !current.isEmpty { chunks.append((current, start)) }
        return chunks
    }

    /// `NEAR/4` or `BEFORE/2`; nil for anything else.
    private static func proximityOperator(_ chunk: String, offset: Int) throws(Failure) -> (distance: Int, ordered: Bool)? {
        let ordered: Bool
        if chunk == "NEAR" || chunk.hasPrefix("NEAR/") { ordered = false }
        else if chunk == "BEFORE" || chunk.hasPrefix("BEFORE/") { ordered = true }
        else { return nil }
        let name = ordered ? "BEFORE" : "NEAR"
        let parts = chunk.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let distance = Int(parts[1]) else {
            throw Failure(message: "\(name) needs a distance in words, e.g. \(name)/4", offset: offset, hint: nil)
        }
        guard distance >= 1 else {
            throw Failure(message: "\(name)/\(distance) can never match: the distance must be at least 1", offset: offset,
                          hint: "for words right next to each other write them as a phrase (`senior buy-in`)")
        }
        guard distance <= 50 else {
            throw Failure(message: "\(name)/\(distance) is too far: at most 50 words", offset: offset, hint: nil)
        }
        return (distance, ordered)
    }

    private static func parseItem(_ chunk: String, offset: Int) throws(Failure) -> PatternItem {
        var alternatives: [PatternAlternative] = []
        var altStart = offset
        var current = ""
        for (i, ch) in chunk.enumerated() {
            if ch == "|" {
                alternatives.append(try parseAlternative(current, offset: altStart))
                current = ""
                altStart = offset + i + 1
            } else {
                current.append(ch)
            }
        }
        alternatives.append(try parseAlternative(current, offset: altStart))
        return PatternItem(alternatives: alternatives, offset: offset)
    }

    private static func parseAlternative(_ text: String, offset: Int) throws(Failure) -> PatternAlternative {
        guard !text.isEmpty else {
            throw Failure(message: "empty alternative", offset: offset, hint: "write words on both sides of '|', e.g. `fund|budget`")
        }
        if text.hasPrefix("@") {
            let name = String(text.dropFirst())
            guard !name.isEmpty, name.allSatisfy(isNameCharacter) else {
                throw Failure(message: "'\(text)' is not a concept reference", offset: offset,
                              hint: "concept names use letters, digits, '_' and '-', e.g. `@senior`")
            }
            return .concept(name: name, offset: offset)
        }
        var body = Substring(text)
        var bodyOffset = offset
        var exact = false, requiresStems = false
        if body.first == "=" {
            exact = true
            body = body.dropFirst()
            bodyOffset += 1
        } else if body.first == "~" {
            requiresStems = true
            body = body.dropFirst()
            bodyOffset += 1
        }
        var prefix = false
        if body.last == "*" {
            prefix = true
            body = body.dropLast()
        }
        if let star = body.firstIndex(of: "*") {
            throw Failure(message: "a wildcard '*' can only end a word", offset: bodyOffset + body.distance(from: body.startIndex, to: star),
                          hint: "write a prefix such as `fund*` (matches fund, funds, funding)")
        }
        let words = atoms(of: body, offset: bodyOffset)
        guard !words.isEmpty else {
            throw Failure(message: "'\(text)' has no word in it", offset: offset, hint: "patterns match words: letters or digits")
        }
        var result: [PatternAtom] = []
        for (k, word) in words.enumerated() {
            let isLast = k == words.count - 1
            let kind: PatternAtom.Kind
            var atomText = word.text
            if prefix && isLast {
                kind = .prefix
                atomText = fold(atomText)
            } else if exact {
                // Smart case: `=IT` is case-sensitive, `=government` only refuses other word forms.
                if atomText.contains(where: { $0.isUppercase }) { kind = .surface } else { kind = .folded; atomText = fold(atomText) }
            } else {
                kind = .stem
                atomText = fold(atomText)
            }
            result.append(PatternAtom(kind: kind, text: atomText, requiresStems: requiresStems && kind == .stem, offset: word.offset))
        }
        return .atoms(result)
    }

    /// Splits a chunk into words as the tokenizer would: letters, digits and '_' make words;
    /// an apostrophe or full stop between two of those stays inside the word ("don't", "e.g").
    static func atoms(of text: Substring, offset: Int) -> [(text: String, offset: Int)] {
        let chars = Array(text)
        var words: [(text: String, offset: Int)] = []
        var current = ""
        var start = 0
        for (i, ch) in chars.enumerated() {
            if isWordCharacter(ch) {
                if current.isEmpty { start = i }
                current.append(ch)
            } else if isMidWord(ch), !current.isEmpty, i + 1 < chars.count, isWordCharacter(chars[i + 1]) {
                current.append(ch == "\u{2019}" ? "'" : ch)
            } else if !current.isEmpty {
                words.append((current, offset + start))
                current = ""
            }
        }
        if !current.isEmpty { words.append((current, offset + start)) }
        return words
    }

    static func isWordCharacter(_ ch: Character) -> Bool { ch.isLetter || ch.isNumber || ch == "_" }
    static func isMidWord(_ ch: Character) -> Bool { ch == "'" || ch == "\u{2019}" || ch == "." }
    static func isNameCharacter(_ ch: Character) -> Bool { ch.isLetter || ch.isNumber || ch == "_" || ch == "-" }

    /// Lower-cases like the tokenizer's case folding does for the cases that matter in patterns.
    static func fold(_ text: String) -> String {
        text.lowercased().replacingApostrophes()
    }
}

extension String {
    func replacingApostrophes() -> String {
        guard contains("\u{2019}") else { return self }
        return String(map { $0 == "\u{2019}" ? "'" : $0 })
    }
}
