import VerbatimCore

/// A bounded memo from a word (as written) to its term ids and flags, per worker: a `ByteKeyMemo`
/// keyed by the word, with each entry's stem and term ids in side pools emptied together with it.
/// Keyed by the word alone, so a token costs one hash; the stem is compared on every hit, so a
/// stemmer whose stems depend on more than the word still gets it right (the normalised form follows
/// from the word).
struct WordTermCache {
    private struct Entry {
        var stemStart: Int32
        var stemCount: Int32
        var termStart: Int32
        var termCount: Int32
        var flags: Int32
    }
    private var memo = ByteKeyMemo<Entry>(capacity: 1 << 14)
    private var stems: [UInt8] = []
    private var terms: [Int32] = []

    /// Appends the word's term ids to `output` and returns its flags; nil when the word is not
    /// known with this stem.
    @inline(__always)
    func read(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, stem: UnsafeBufferPointer<UInt8>,
              into output: inout ScratchBuffer<Int32>) -> Int32? {
        guard let entry = memo.find(word, hash: hash), Int(entry.stemCount) == stem.count else { return nil }
        let sameStem = stems.withUnsafeBufferPointer { stems in
            ByteHash.equal(UnsafeBufferPointer(rebasing: stems[Int(entry.stemStart)..<Int(entry.stemStart + entry.stemCount)]), stem)
        }
        guard sameStem else { return nil }
        terms.withUnsafeBufferPointer { terms in
            for i in Int(entry.termStart)..<Int(entry.termStart + entry.termCount) { output.append(terms[i]) }
        }
        return entry.flags
    }

    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, stem: UnsafeBufferPointer<UInt8>,
                         flags: Int32, terms entryTerms: UnsafeBufferPointer<Int32>) {
        // Known with another stem: the first stays (the memo holds one entry per word).
        if memo.find(word, hash: hash) != nil { return }
        if memo.count >= memo.capacity {
            memo.removeAll()
            stems.removeAll(keepingCapacity: true)
            terms.removeAll(keepingCapacity: true)
        }
        memo.insert(word, hash: hash, value: Entry(stemStart: Int32(stems.count), stemCount: Int32(stem.count),
                                                   termStart: Int32(terms.count), termCount: Int32(entryTerms.count),
                                                   flags: flags))
        stems.append(contentsOf: stem)
        terms.append(contentsOf: entryTerms)
    }
}
