import VerbatimCore

/// A per-worker memo from a word's normalised bytes to what `LexiconMatcher.prepare` finds for it:
/// its FNV-1a hash and its lexicon facts (as a word; punctuation keeps only part of them).
///
/// Both are functions of the bytes alone, and nearly every token of a survey is a word seen before.
/// Without the memo a token costs a byte-at-a-time FNV-1a hash, a probe of the word table (whose
/// keys and values are two cache lines), a byte check against the entry's key, and the prefix and
/// letter-run tests. With it, a token of up to 16 bytes (nearly all of them) costs a probe of a
/// `PackedWordTable`, two slots to a cache line. Longer words are not kept.
struct WordFactsMemo {
    /// What the memo keeps per word.
    struct Known {
        var hash: UInt64
        var facts: LexiconMatcher.TokenFacts
    }

    /// 32-byte slots: the packed word, the hash, the facts and the length.
    private var table: PackedWordTable<Known>

    init(capacity: Int = 1 << 14) { table = PackedWordTable(capacity: capacity) }

    var count: Int { table.count }

    /// Whether `insert` keeps a key of `count` bytes.
    @inline(__always) static func keeps(count: Int) -> Bool { PackedWordTable<Known>.keeps(count: count) }

    /// What the memo holds for `key`, if anything; nil for a key the memo does not keep.
    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Known? {
        guard Self.keeps(count: key.count) else { return nil }
        return table.find(ShortBytes(key), count: key.count)?.pointee
    }

    /// Keeps `known` for `key`, which `find` does not know, unless the key is empty or too long.
    /// Empties the memo first when it is full.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, _ known: Known) {
        guard Self.keeps(count: key.count) else { return }
        table.insert(ShortBytes(key), count: key.count, known)
    }
}

extension LexiconMatcher {
    /// The FNV-1a hash of a token's normalised bytes and its facts as a word, from the memo when it
    /// knows them. (Static, so that `prepare` may call it while it writes the per-token arrays.)
    @inline(__always)
    static func wordFacts(_ bytes: UnsafeBufferPointer<UInt8>, _ lexicon: CompiledLexicon,
                          memo: inout WordFactsMemo) -> WordFactsMemo.Known {
        if let known = memo.find(bytes) { return known }
        let hash = fnv1a(bytes)
        let known = WordFactsMemo.Known(hash: hash, facts: facts(bytes, hash: hash, isWord: true, lexicon))
        memo.insert(bytes, known)
        return known
    }
}
