import VerbatimCore

/// A document's tokens and bytes as buffer pointers, valid during one `SentimentScorer.run`: the
/// per-token code reads them without retaining `Document`'s arrays or checking exclusivity each time.
struct DocumentBytes {
    let tokens: UnsafeBufferPointer<Token>
    let utf8: UnsafeBufferPointer<UInt8>
    let pool: UnsafeBufferPointer<UInt8>

    static func with<R>(_ document: Document, _ body: (DocumentBytes) -> R) -> R {
        document.tokens.withUnsafeBufferPointer { tokens in
            document.utf8.withUnsafeBufferPointer { utf8 in
                document.normalizedPool.withUnsafeBufferPointer { pool in
                    body(DocumentBytes(tokens: tokens, utf8: utf8, pool: pool))
                }
            }
        }
    }

    @inline(__always) func normalized(_ t: Token) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: pool[Int(t.normalizedStart)..<Int(t.normalizedEnd)])
    }

    /// The text of `span`, as `Document.text(of:)` gives it (for traces).
    func text(of span: ByteSpan) -> String { String(decoding: UnsafeBufferPointer(rebasing: utf8[span.range]), as: UTF8.self) }
}

/// Finds lexicon entries in a tokenised document: emoticons made of several symbol tokens,
/// multi-word expressions, single words, prefixes, and the generic "-n't" negators.
///
/// Owned by one scorer (it keeps scratch buffers); all lookups are by normalised bytes. A struct,
/// so that its owner's `mutating` pass reaches its fields without dynamic exclusivity checks.
struct LexiconMatcher {
    let lexicon: CompiledLexicon
    /// Hash of each token's normalised form, for the current document.
    private(set) var hashes: [UInt64] = []
    private var squeezed: [UInt8] = []
    private var wordMemo = ByteKeyMemo<WordEntries>(capacity: 1 << 14)

    struct Match {
        var entry: Int32
        /// One past the last token of the match.
        var end: Int
        /// The word was elongated ("sooo good") and matched after squeezing: read as emphasis.
        var elongated = false
    }

    init(lexicon: CompiledLexicon) { self.lexicon = lexicon }

    /// Hashes every token once per document. The buffer pointers are unchecked, so a token outside
    /// the document's bytes stops here, as the checked array accesses they replace would have.
    mutating func prepare(_ doc: DocumentBytes) {
        hashes.removeAll(keepingCapacity: true)
        hashes.reserveCapacity(doc.tokens.count)
        for t in doc.tokens {
            precondition(0 <= t.start && t.start <= t.end && Int(t.end) <= doc.utf8.count
                         && 0 <= t.normalizedStart && t.normalizedStart <= t.normalizedEnd
                         && Int(t.normalizedEnd) <= doc.pool.count, "a token outside its document")
            hashes.append(fnv1a(doc.normalized(t)))
        }
    }

    /// The entry starting at token `i`, if any (longest match first).
    mutating func match(at i: Int, in doc: DocumentBytes, previousWord: Int?) -> Match? {
        let tokens = doc.tokens
        let t = tokens[i]
        // Most tokens have white space after them and so cannot start an emoticon run.
        if i + 1 < tokens.count, tokens[i + 1].start == t.end, let m = emoticonRun(at: i, doc) { return m }
        let bytes = doc.normalized(t)
        if t.kind == .punctuation {
            if let e = lexicon.exactEntry(bytes, hash: hashes[i]) { return Match(entry: e, end: i + 1) }
            // Emoji with a skin-tone modifier (U+1F3FB…U+1F3FF, F0 9F 8F BB…BF) match their base.
            if bytes.count > 4, bytes[bytes.count - 4] == 0xF0, bytes[bytes.count - 3] == 0x9F,
               bytes[bytes.count - 2] == 0x8F, (0xBB...0xBF).contains(bytes[bytes.count - 1]) {
                let base = UnsafeBufferPointer(rebasing: bytes[0..<(bytes.count - 4)])
                if let e = lexicon.exactEntry(base, hash: fnv1a(base)) { return Match(entry: e, end: i + 1) }
            }
            return nil
        }
        let second = skipsHyphen(at: i + 1, tokens) ? i + 2 : i + 1
        if second < tokens.count, let group = lexicon.phrases(startingWith: hashes[i], then: hashes[second]) {
            for k in group {
                let candidate = lexicon.phraseMembers[k]
                if let end = phraseEnd(lexicon.shapes[Int(candidate)].words, from: i, tokens),
                   allowed(candidate, previousWord: previousWord) {
                    return Match(entry: candidate, end: end)
                }
            }
        }
        let word = wordEntries(bytes, hash: hashes[i])
        if let e = word.exact {
            return allowed(e, previousWord: previousWord) ? Match(entry: e, end: i + 1) : nil
        }
        if let e = word.prefix, allowed(e, previousWord: previousWord) { return Match(entry: e, end: i + 1) }
        if let e = word.squeezed { return Match(entry: e, end: i + 1, elongated: true) }
        return nil
    }

    /// A word's exact entry, or else its prefix and squeezed ones. The exact lookup costs no more than
    /// a memo lookup, and most other words are ruled out by cheap tests; the rest are memoised, as
    /// the prefix search probes the lexicon once per prefix length.
    private mutating func wordEntries(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> WordEntries {
        if let e = lexicon.exactEntry(bytes, hash: hash) { return WordEntries(exact: e) }
        guard lexicon.mayStartWithPrefix(bytes) || Self.hasRunOfThree(bytes) else { return WordEntries() }
        if let known = wordMemo.find(bytes, hash: hash) { return known }
        let word = WordEntries(prefix: lexicon.prefixEntry(bytes), squeezed: squeezedEntry(bytes))
        wordMemo.insert(bytes, hash: hash, value: word)
        return word
    }

    struct WordEntries {
        var exact: Int32?
        var prefix: Int32?
        var squeezed: Int32?
    }

    /// True when the token's normalised form ends in "n't" (isn't, wouldn't, …): a negator.
    func isContractedNegation(_ t: Token, in doc: DocumentBytes) -> Bool {
        let n = Int(t.normalizedEnd - t.normalizedStart)
        guard n >= 4 else { return false }
        let p = doc.pool, e = Int(t.normalizedEnd)
        return p[e - 3] == 0x6E && p[e - 2] == 0x27 && p[e - 1] == 0x74
    }

    // MARK: Pieces

    private func allowed(_ entry: Int32, previousWord: Int?) -> Bool {
        let after = lexicon.shapes[Int(entry)].after
        if after.isEmpty { return true }
        guard let p = previousWord else { return false }
        return lexicon.hashPool[Int(after.lowerBound)..<Int(after.upperBound)].contains(hashes[p])
    }

    /// A hyphen glued to the words on both sides ("joined-up") is skipped inside expressions.
    static func isGluedHyphen(_ k: Int, _ doc: DocumentBytes) -> Bool {
        let tokens = doc.tokens
        let t = tokens[k]
        guard t.kind == .punctuation, t.end - t.start == 1, doc.utf8[Int(t.start)] == 0x2D,
              k > 0, k + 1 < tokens.count else { return false }
        return tokens[k - 1].end == t.start && tokens[k + 1].start == t.end
    }

    /// True when token `k` (after an expression's first word) is a hyphen glued to the words on both
    /// sides, which the expression skips ("joined-up working" matches "joined up working").
    @inline(__always) private func skipsHyphen(at k: Int, _ tokens: UnsafeBufferPointer<Token>) -> Bool {
        k + 1 < tokens.count && tokens[k].kind == .punctuation && tokens[k - 1].end == tokens[k].start
            && tokens[k + 1].start == tokens[k].end && tokens[k].end - tokens[k].start == 1 && hashes[k] == Self.hyphenHash
    }

    /// One past the expression whose word hashes are `words` in `hashPool`, if it starts at token `i`.
    private func phraseEnd(_ words: Range<Int32>, from i: Int, _ tokens: UnsafeBufferPointer<Token>) -> Int? {
        var k = i
        for m in words {
            if m > words.lowerBound, skipsHyphen(at: k, tokens) { k += 1 }
            guard k < tokens.count, hashes[k] == lexicon.hashPool[Int(m)], tokens[k].sentence == tokens[i].sentence else { return nil }
            k += 1
        }
        return k
    }

    /// Computed rather than a `static let`, which would cost a once-check per read; it folds to a constant.
    private static var hyphenHash: UInt64 { fnv1a(CollectionOfOne(UInt8(ascii: "-"))) }

    /// Emoticons such as ":-)" or "<3" are several adjacent symbol tokens. A run is tried only when it
    /// stands alone: white space (or the text's edge) before it, unless it starts with eyes (":", ";",
    /// "="), and white space, the edge or ".,!?" after. The caller has checked that token `i + 1`
    /// touches token `i`.
    private func emoticonRun(at i: Int, _ doc: DocumentBytes) -> Match? {
        let tokens = doc.tokens, utf8 = doc.utf8
        let t = tokens[i]
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
        var end = j
        while end >= i + 2 {
            let after = Int(tokens[end - 1].end)
            if after == utf8.count || Self.isSpace(utf8[after]) || Self.mayFollowEmoticon(utf8[after]) {
                let bytes = UnsafeBufferPointer(rebasing: doc.pool[Int(t.normalizedStart)..<Int(tokens[end - 1].normalizedEnd)])
                if let e = lexicon.exactEntry(bytes, hash: fnv1a(bytes)) { return Match(entry: e, end: end) }
            }
            end -= 1
        }
        return nil
    }

    /// "sooo" → "soo" → "so": letters repeated three or more times are squeezed, then tried again.
    private mutating func squeezedEntry(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard Self.hasRunOfThree(bytes) else { return nil }
        for keep in [2, 1] {
            squeezed.removeAll(keepingCapacity: true)
            var count = 0
            for (k, b) in bytes.enumerated() {
                count = k > 0 && b == bytes[k - 1] ? count + 1 : 1
                if count <= keep || b < 0x61 || b > 0x7A { squeezed.append(b) }
            }
            let found = squeezed.withUnsafeBufferPointer { [lexicon] s -> Int32? in
                lexicon.exactEntry(s, hash: fnv1a(s)) ?? lexicon.prefixEntry(s)
            }
            if let found { return found }
        }
        return nil
    }

    /// True when some byte repeats three or more times in a row, the only words worth squeezing.
    private static func hasRunOfThree(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var run = 1
        for k in 1..<max(1, bytes.count) {
            run = bytes[k] == bytes[k - 1] ? run + 1 : 1
            if run >= 3 { return true }
        }
        return false
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) || b == 0xA0 }

    /// ".", ",", "!" or "?" may follow an emoticon.
    private static func mayFollowEmoticon(_ b: UInt8) -> Bool { b == 0x2E || b == 0x2C || b == 0x21 || b == 0x3F }
}
