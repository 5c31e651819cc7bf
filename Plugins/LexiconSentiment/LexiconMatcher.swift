import VerbatimCore

/// Finds lexicon entries in a tokenised document: emoticons made of several symbol tokens,
/// multi-word expressions, single words, prefixes, and the generic "-n't" negators.
///
/// Owned by one processor (it keeps scratch buffers); all lookups are by normalised bytes.
final class LexiconMatcher {
    let lexicon: CompiledLexicon
    /// Hash of each token's normalised form, for the current document.
    private(set) var hashes: [UInt64] = []
    private var squeezed: [UInt8] = []

    struct Match {
        var entry: Int32
        /// One past the last token of the match.
        var end: Int
        /// The word was elongated ("sooo good") and matched after squeezing: read as emphasis.
        var elongated = false
    }

    init(lexicon: CompiledLexicon) { self.lexicon = lexicon }

    /// Hashes every token once per document.
    func prepare(_ document: Document) {
        hashes.removeAll(keepingCapacity: true)
        document.normalizedPool.withUnsafeBufferPointer { pool in
            for t in document.tokens {
                hashes.append(fnv1a(UnsafeBufferPointer(rebasing: pool[Int(t.normalizedStart)..<Int(t.normalizedEnd)])))
            }
        }
    }

    /// The entry starting at token `i`, if any (longest match first).
    func match(at i: Int, in document: Document, previousWord: Int?) -> Match? {
        let tokens = document.tokens
        let t = tokens[i]
        if let m = emoticonRun(at: i, document) { return m }
        if t.kind == .punctuation {
            return document.normalizedPool.withUnsafeBufferPointer { pool in
                let bytes = UnsafeBufferPointer(rebasing: pool[Int(t.normalizedStart)..<Int(t.normalizedEnd)])
                if let e = lexicon.exactEntry(bytes, hash: hashes[i]) { return Match(entry: e, end: i + 1) }
                // Emoji with a skin-tone modifier (U+1F3FB…U+1F3FF, F0 9F 8F BB…BF) match their base.
                if bytes.count > 4, bytes[bytes.count - 4] == 0xF0, bytes[bytes.count - 3] == 0x9F,
                   bytes[bytes.count - 2] == 0x8F, (0xBB...0xBF).contains(bytes[bytes.count - 1]) {
                    let base = UnsafeBufferPointer(rebasing: bytes[0..<(bytes.count - 4)])
                    if let e = lexicon.exactEntry(base, hash: fnv1a(base)) { return Match(entry: e, end: i + 1) }
                }
                return nil
            }
        }
        if let list = lexicon.phrases(startingWith: hashes[i]) {
            for candidate in list {
                if let end = phraseEnd(lexicon.entries[Int(candidate)].wordHashes, from: i, tokens: tokens),
                   allowed(candidate, previousWord: previousWord) {
                    return Match(entry: candidate, end: end)
                }
            }
        }
        return document.normalizedPool.withUnsafeBufferPointer { pool -> Match? in
            let bytes = UnsafeBufferPointer(rebasing: pool[Int(t.normalizedStart)..<Int(t.normalizedEnd)])
            let word = wordEntries(bytes, hash: hashes[i])
            if let e = word.exact {
                return allowed(e, previousWord: previousWord) ? Match(entry: e, end: i + 1) : nil
            }
            if let e = word.prefix, allowed(e, previousWord: previousWord) { return Match(entry: e, end: i + 1) }
            if let e = word.squeezed { return Match(entry: e, end: i + 1, elongated: true) }
            return nil
        }
    }

    /// A word's exact entry, or else its prefix and squeezed ones, memoised: the same words recur, and
    /// the prefix search probes the lexicon once per prefix length.
    private func wordEntries(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> WordEntries {
        if let known = wordMemo.find(bytes, hash: hash) { return known }
        var word = WordEntries(exact: lexicon.exactEntry(bytes, hash: hash))
        if word.exact == nil {
            word.prefix = lexicon.prefixEntry(bytes)
            word.squeezed = squeezedEntry(bytes)
        }
        wordMemo.insert(bytes, hash: hash, value: word)
        return word
    }

    struct WordEntries {
        var exact: Int32?
        var prefix: Int32?
        var squeezed: Int32?
    }
    private var wordMemo = ByteKeyMemo<WordEntries>(capacity: 1 << 14)

    /// True when the token's normalised form ends in "n't" (isn't, wouldn't, …): a negator.
    func isContractedNegation(_ t: Token, in document: Document) -> Bool {
        let n = Int(t.normalizedEnd - t.normalizedStart)
        guard n >= 4 else { return false }
        let p = document.normalizedPool, e = Int(t.normalizedEnd)
        return p[e - 3] == 0x6E && p[e - 2] == 0x27 && p[e - 1] == 0x74
    }

    // MARK: Pieces

    private func allowed(_ entry: Int32, previousWord: Int?) -> Bool {
        if !lexicon.hasAfter[Int(entry)] { return true }
        guard let p = previousWord else { return false }
        return lexicon.entries[Int(entry)].after.contains(hashes[p])
    }

    /// A hyphen glued to the words on both sides ("joined-up") is skipped inside expressions.
    static func isGluedHyphen(_ k: Int, _ tokens: [Token], _ document: Document) -> Bool {
        let t = tokens[k]
        guard t.kind == .punctuation, t.end - t.start == 1, document.utf8[Int(t.start)] == 0x2D,
              k > 0, k + 1 < tokens.count else { return false }
        return tokens[k - 1].end == t.start && tokens[k + 1].start == t.end
    }

    private func phraseEnd(_ wordHashes: [UInt64], from i: Int, tokens: [Token]) -> Int? {
        var k = i
        for (m, h) in wordHashes.enumerated() {
            if m > 0, k < tokens.count, tokens[k].kind == .punctuation,
               k + 1 < tokens.count, tokens[k - 1].end == tokens[k].start, tokens[k + 1].start == tokens[k].end,
               tokens[k].end - tokens[k].start == 1, hashes[k] == Self.hyphenHash {
                k += 1
            }
            guard k < tokens.count, hashes[k] == h, tokens[k].sentence == tokens[i].sentence else { return nil }
            k += 1
        }
        return k
    }

    private static let hyphenHash = fnv1a(Array("-".utf8))

    /// Emoticons such as ":-)" or "<3" are several adjacent symbol tokens. A run is tried only when it
    /// stands alone: white space (or the text's edge) before it, unless it starts with eyes (":", ";",
    /// "="), and white space, the edge or ".,!?" after.
    private func emoticonRun(at i: Int, _ document: Document) -> Match? {
        let tokens = document.tokens
        let t = tokens[i]
        guard i + 1 < tokens.count, tokens[i + 1].start == t.end else { return nil }
        let utf8 = document.utf8
        if t.start > 0, !Self.isSpace(utf8[Int(t.start) - 1]) {
            // "fun:)" — eyes glued to a word still start an emoticon, but not after a digit ("2:3").
            let first = utf8[Int(t.start)], before = utf8[Int(t.start) - 1]
            guard first == 0x3A || first == 0x3B || first == 0x3D, !(0x30...0x39).contains(before) else { return nil }
        }
        var j = i + 1
        var hasSymbol = t.kind == .punctuation
        while j < tokens.count, j - i < 6, tokens[j].start == tokens[j - 1].end {
            if tokens[j].kind == .punctuation { hasSymbol = true }
            j += 1
        }
        guard hasSymbol else { return nil }
        return document.normalizedPool.withUnsafeBufferPointer { pool -> Match? in
            var end = j
            while end >= i + 2 {
                let after = Int(tokens[end - 1].end)
                if after == utf8.count || Self.isSpace(utf8[after]) || [0x2E, 0x2C, 0x21, 0x3F].contains(utf8[after]) {
                    let bytes = UnsafeBufferPointer(rebasing: pool[Int(t.normalizedStart)..<Int(tokens[end - 1].normalizedEnd)])
                    if let e = lexicon.exactEntry(bytes, hash: fnv1a(bytes)) { return Match(entry: e, end: end) }
                }
                end -= 1
            }
            return nil
        }
    }

    /// "sooo" → "soo" → "so": letters repeated three or more times are squeezed, then tried again.
    private func squeezedEntry(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        var run = 1, hasTriple = false
        for k in 1..<max(1, bytes.count) {
            run = bytes[k] == bytes[k - 1] ? run + 1 : 1
            if run >= 3 { hasTriple = true; break }
        }
        guard hasTriple else { return nil }
        for keep in [2, 1] {
            squeezed.removeAll(keepingCapacity: true)
            var count = 0
            for (k, b) in bytes.enumerated() {
                count = k > 0 && b == bytes[k - 1] ? count + 1 : 1
                if count <= keep || b < 0x61 || b > 0x7A { squeezed.append(b) }
            }
            let found = squeezed.withUnsafeBufferPointer { s -> Int32? in
                lexicon.exactEntry(s, hash: fnv1a(s)) ?? lexicon.prefixEntry(s)
            }
            if let found { return found }
        }
        return nil
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) || b == 0xA0 }
}
