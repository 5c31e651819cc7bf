import VerbatimCore

/// A document's tokens and bytes as buffer pointers, valid during one `SentimentScorer.run`: the
/// per-token code reads them without retaining `Document`'s arrays or checking exclusivity each time.
struct DocumentBytes {
    let tokens: UnsafeBufferPointer<Token>
    let utf8: UnsafeBufferPointer<UInt8>
    let pool: UnsafeBufferPointer<UInt8>
    /// The numbering of the tokens' `wordNumber`s.
    var wordNumberSpace = WordNumbering.none

    static func with<R>(_ document: Document, _ body: (DocumentBytes) -> R) -> R {
        document.tokens.withUnsafeBufferPointer { tokens in
            document.utf8.withUnsafeBufferPointer { utf8 in
                document.normalizedPool.withUnsafeBufferPointer { pool in
                    body(DocumentBytes(tokens: tokens, utf8: utf8, pool: pool, wordNumberSpace: document.wordNumberSpace))
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
    /// What the lexicon holds for each token, found once per document by `prepare`.
    private var facts: [TokenFacts] = []
    private var squeezed: [UInt8] = []
    private var wordMemo = ByteKeyMemo<WordEntries>(capacity: 1 << 14)
    private var factsMemo = WordFactsMemo()
    /// The same by word number (`Token.wordNumber`, which stands for the normalised form): a slot
    /// of an array instead of a hash probe.
    private var numberedFacts = WordNumberMemo<WordFactsMemo.Known>()

    struct Match {
        var entry: Int32
        /// One past the last token of the match.
        var end: Int
        /// The word was elongated ("sooo good") and matched after squeezing: read as emphasis.
        var elongated = false
    }

    init(lexicon: CompiledLexicon) { self.lexicon = lexicon }

    /// Hashes every token once per document and looks it up (see `TokenFacts`). The buffer pointers are
    /// unchecked, so a token outside the document's bytes stops here, as the checked array accesses they
    /// replace would have.
    mutating func prepare(_ doc: DocumentBytes) {
        let tokens = doc.tokens, count = tokens.count
        // The arrays only grow, and are written through buffer pointers: no per-token capacity or
        // uniqueness checks. Entries past `count` are stale and never read.
        if hashes.count < count {
            hashes.append(contentsOf: repeatElement(0, count: count - hashes.count))
            facts.append(contentsOf: repeatElement(TokenFacts(), count: count - facts.count))
        }
        let lexicon = self.lexicon
        let utf8Count = UInt32(clamping: doc.utf8.count), poolCount = UInt32(clamping: doc.pool.count)
        let numbered = numberedFacts.enter(doc.wordNumberSpace)
        hashes.withUnsafeMutableBufferPointer { hashes in
            facts.withUnsafeMutableBufferPointer { facts in
                // True while the normalised forms lie in token order, as the tokenizer writes them.
                var inOrder = true
                var previousEnd: Int32 = 0
                for i in 0..<count {
                    let t = tokens[i]
                    // Unsigned, a negative offset is too large for either test.
                    precondition(UInt32(bitPattern: t.start) <= UInt32(bitPattern: t.end) && UInt32(bitPattern: t.end) <= utf8Count
                                 && UInt32(bitPattern: t.normalizedStart) <= UInt32(bitPattern: t.normalizedEnd)
                                 && UInt32(bitPattern: t.normalizedEnd) <= poolCount, "a token outside its document")
                    inOrder = inOrder && t.normalizedEnd >= previousEnd
                    previousEnd = t.normalizedEnd
                    let known: WordFactsMemo.Known
                    if numbered && t.wordNumber >= 0, let slot = numberedFacts.find(t.wordNumber) {
                        known = slot.pointee
                    } else {
                        known = Self.wordFacts(doc.normalized(t), lexicon, memo: &factsMemo)
                        if numbered && t.wordNumber >= 0 { numberedFacts.insert(t.wordNumber, known) }
                    }
                    hashes[i] = known.hash
                    facts[i] = t.kind != .punctuation ? known.facts : known.facts.asPunctuation
                }
                // Facts that need the next token: most words start no expression with the word after
                // them, and most tokens have white space after them and so start no emoticon run; of
                // the rest ("word,"), most do not spell the start of any key with the token after them.
                // That test reads the bytes between two tokens' ends, which spell the run's start only
                // in token order: otherwise every run is tried.
                let hashes = UnsafeBufferPointer(hashes)
                for i in 0..<count {
                    if facts[i].startsPhrase, Self.phraseGroup(at: i, tokens, hashes, lexicon) == nil {
                        facts[i].startsPhrase = false
                    }
                    if i + 1 < count, tokens[i + 1].start == tokens[i].end {
                        let tail = doc.pool[Int(tokens[i].normalizedEnd)..<Int(max(tokens[i].normalizedEnd, tokens[i + 1].normalizedEnd))]
                        facts[i].mayStartEmoticon = !inOrder || lexicon.mayBeginKey(fnv1a(tail, seed: hashes[i]))
                    }
                }
            }
        }
    }

    /// True when `match(at: i, …)` is sure to find nothing: the scorer then skips it.
    @inline(__always) func isInert(_ i: Int) -> Bool { facts[i].isInert }

    /// True when token `i` is inert and no contracted negation: a word the scorer only counts.
    @inline(__always) func isPlainWord(_ i: Int) -> Bool { facts[i].isPlainWord }

    /// The entry starting at token `i`, if any (longest match first).
    mutating func match(at i: Int, in doc: DocumentBytes, previousWord: Int?) -> Match? {
        let tokens = doc.tokens
        let t = tokens[i]
        let fact = facts[i]
        if fact.mayStartEmoticon, let m = emoticonRun(at: i, doc) { return m }
        if t.kind == .punctuation {
            if fact.exact >= 0 { return Match(entry: fact.exact, end: i + 1) }
            // Emoji with a skin-tone modifier (U+1F3FB…U+1F3FF, F0 9F 8F BB…BF) match their base.
            let bytes = doc.normalized(t)
            if bytes.count > 4, bytes[bytes.count - 4] == 0xF0, bytes[bytes.count - 3] == 0x9F,
               bytes[bytes.count - 2] == 0x8F, (0xBB...0xBF).contains(bytes[bytes.count - 1]) {
                let base = UnsafeBufferPointer(rebasing: bytes[0..<(bytes.count - 4)])
                if let e = lexicon.exactEntry(base, hash: fnv1a(base)) { return Match(entry: e, end: i + 1) }
            }
            return nil
        }
        if fact.startsPhrase, let m = hashes.withUnsafeBufferPointer({ phrase(at: i, tokens, $0, previousWord: previousWord) }) {
            return m
        }
        if fact.exact >= 0 {
            return allowed(fact.exact, previousWord: previousWord) ? Match(entry: fact.exact, end: i + 1) : nil
        }
        guard fact.mayExtend else { return nil }
        let word = extendedEntries(doc.normalized(t), hash: hashes[i])
        if let e = word.prefix, allowed(e, previousWord: previousWord) { return Match(entry: e, end: i + 1) }
        if let e = word.squeezed { return Match(entry: e, end: i + 1, elongated: true) }
        return nil
    }

    /// A word's prefix and squeezed entries, memoised: the prefix search probes the lexicon once per
    /// prefix length. Only words with no exact entry that pass `TokenFacts.mayExtend` come here.
    private mutating func extendedEntries(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> WordEntries {
        if let known = wordMemo.find(bytes, hash: hash) { return known }
        let word = WordEntries(prefix: lexicon.prefixEntry(bytes), squeezed: squeezedEntry(bytes))
        wordMemo.insert(bytes, hash: hash, value: word)
        return word
    }

    struct WordEntries {
        var prefix: Int32?
        var squeezed: Int32?
    }

    /// True when the token's normalised form ends in "n't" (isn't, wouldn't, …): a negator.
    func isContractedNegation(_ t: Token, in doc: DocumentBytes) -> Bool { Self.endsInContractedNot(doc.normalized(t)) }

    /// The run of plain words (`TokenFacts.isPlainWord`) from token `i`, itself plain, to the end of its
    /// sentence at most: one past its last token, and the lowest and highest end of its tokens.
    func plainRun(from i: Int, _ tokens: UnsafeBufferPointer<Token>) -> (end: Int, lowestEnd: Int32, highestEnd: Int32) {
        facts.withUnsafeBufferPointer { facts in
            let sentence = tokens[i].sentence
            var lowest = tokens[i].end, highest = lowest
            var j = i + 1
            while j < tokens.count, facts[j].isPlainWord, tokens[j].sentence == sentence {
                lowest = min(lowest, tokens[j].end)
                highest = max(highest, tokens[j].end)
                j += 1
            }
            return (j, lowest, highest)
        }
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

    /// The expressions that may start at token `i`, by its word and the next (a range of
    /// `phraseMembers`), if any.
    @inline(__always)
    static func phraseGroup(at i: Int, _ tokens: UnsafeBufferPointer<Token>, _ hashes: UnsafeBufferPointer<UInt64>,
                            _ lexicon: CompiledLexicon) -> Range<Int>? {
        let second = skipsHyphen(at: i + 1, tokens, hashes) ? i + 2 : i + 1
        guard second < tokens.count else { return nil }
        return lexicon.phrases(startingWith: hashes[i], then: hashes[second])
    }

    /// True when token `k` (after an expression's first word) is a hyphen glued to the words on both
    /// sides, which the expression skips ("joined-up working" matches "joined up working").
    @inline(__always)
    private static func skipsHyphen(at k: Int, _ tokens: UnsafeBufferPointer<Token>, _ hashes: UnsafeBufferPointer<UInt64>) -> Bool {
        k + 1 < tokens.count && tokens[k].kind == .punctuation && tokens[k - 1].end == tokens[k].start
            && tokens[k + 1].start == tokens[k].end && tokens[k].end - tokens[k].start == 1 && hashes[k] == hyphenHash
    }

    /// The longest expression that starts at token `i` and is allowed after `previousWord`.
    private func phrase(at i: Int, _ tokens: UnsafeBufferPointer<Token>, _ hashes: UnsafeBufferPointer<UInt64>,
                        previousWord: Int?) -> Match? {
        guard let group = Self.phraseGroup(at: i, tokens, hashes, lexicon) else { return nil }
        for k in group {
            let candidate = lexicon.phraseMembers[k]
            if let end = Self.phraseEnd(lexicon.shapes[Int(candidate)].words, from: i, tokens, hashes, lexicon),
               allowed(candidate, previousWord: previousWord) {
                return Match(entry: candidate, end: end)
            }
        }
        return nil
    }

    /// One past the expression whose word hashes are `words` in `hashPool`, if it starts at token `i`.
    private static func phraseEnd(_ words: Range<Int32>, from i: Int, _ tokens: UnsafeBufferPointer<Token>,
                                  _ hashes: UnsafeBufferPointer<UInt64>, _ lexicon: CompiledLexicon) -> Int? {
        var k = i
        for m in words {
            if m > words.lowerBound, skipsHyphen(at: k, tokens, hashes) { k += 1 }
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
    /// touches token `i` (`TokenFacts.mayStartEmoticon`).
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

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) || b == 0xA0 }

    /// ".", ",", "!" or "?" may follow an emoticon.
    private static func mayFollowEmoticon(_ b: UInt8) -> Bool { b == 0x2E || b == 0x2C || b == 0x21 || b == 0x3F }
}
