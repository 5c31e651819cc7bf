import VerbatimCore

/// A bounded memo from a word (as written) to its term ids and flags, per worker. Keyed by the word
/// alone; the stem is compared on every hit, so a stemmer whose stems depend on more than the word
/// still gets it right (the normalised form follows from the word).
///
/// Nearly every token of a survey is a word seen before, so this lookup is the scan's main cost per
/// word, and the other stages of the pipeline evict the memo from the first-level cache between two
/// answers. A word of up to 16 bytes with a stem as short and at most five terms (nearly every word)
/// lives in a 64-byte slot of a `PackedWordTable`: a hit packs the word (which is its hash and its
/// comparison) and reads one cache line. Other words keep their stems and terms in side pools.
struct WordTermCache: ~Copyable {
    /// What the memo knows of a word: its flags and its term ids, valid until the memo next changes.
    struct Word {
        var flags: Int32
        var terms: UnsafeBufferPointer<Int32>
    }

    /// A short word's entry, whole in its slot.
    struct ShortEntry {
        /// The stem's bytes in order, zero padded (`ShortBytes.store`): compared in place.
        var stem: (UInt64, UInt64)
        var flags: Int32
        var terms: (Int32, Int32, Int32, Int32, Int32)
        var stemCount: UInt8
        var termCount: UInt8

        static var inlineTerms: Int { 5 }
        /// Where `terms` starts, for reading them in place.
        static var termsOffset: Int { MemoryLayout<(UInt64, UInt64)>.stride + MemoryLayout<Int32>.stride }
    }

    /// Any other word's entry: its stem and terms in the pools.
    struct LongEntry {
        var flags: Int32
        var stemStart: Int32
        var stemCount: Int32
        var termStart: Int32
        var termCount: Int32
    }

    // Both tables are emptied together here, so neither empties itself.
    private var short = PackedWordTable<ShortEntry>(capacity: .max)
    private var long = ByteKeyMemo<LongEntry>(capacity: .max)
    /// Short words in `long` (with a long stem or many terms): while there are none, a short word
    /// `short` does not know is not known.
    private var shortWordsInLong = 0
    private var pooledBytes = ScratchBuffer<UInt8>(capacity: 256)
    private var pooledTerms = ScratchBuffer<Int32>(capacity: 64)
    /// Entries kept before the memo is emptied (which bounds memory; a survey's vocabulary refills
    /// it within a few thousand answers).
    let capacity: Int

    init(capacity: Int = 1 << 14) {
        assert(MemoryLayout<ShortEntry>.offset(of: \ShortEntry.terms) == ShortEntry.termsOffset)
        self.capacity = max(1, capacity)
    }

    var count: Int { short.count + long.count }

    /// The word's flags and term ids; nil when the word is not known with this stem.
    @inline(__always)
    func lookup(_ word: UnsafeBufferPointer<UInt8>, stem: UnsafeBufferPointer<UInt8>) -> Word? {
        if PackedWordTable<ShortEntry>.keeps(count: word.count) {
            if let entry = short.find(ShortBytes(word), count: word.count) {
                // One entry per word: known with another stem is not known.
                guard Int(entry.pointee.stemCount) == stem.count,
                      ByteHash.equal(UnsafeRawPointer(entry).assumingMemoryBound(to: UInt8.self), stem.baseAddress, count: stem.count)
                else { return nil }
                let terms = UnsafeRawPointer(entry).advanced(by: ShortEntry.termsOffset).assumingMemoryBound(to: Int32.self)
                return Word(flags: entry.pointee.flags, terms: UnsafeBufferPointer(start: terms, count: Int(entry.pointee.termCount)))
            }
            if shortWordsInLong == 0 { return nil }
        }
        return longWord(word, stem: stem)
    }

    private func longWord(_ word: UnsafeBufferPointer<UInt8>, stem: UnsafeBufferPointer<UInt8>) -> Word? {
        guard let entry = long.find(word, hash: ByteHash.hash(word)) else { return nil }
        guard Int(entry.stemCount) == stem.count,
              ByteHash.equal(pooledBytes.elements.baseAddress! + Int(entry.stemStart), stem.baseAddress, count: stem.count) else { return nil }
        return Word(flags: entry.flags, terms: UnsafeBufferPointer(
            start: pooledTerms.elements.baseAddress! + Int(entry.termStart), count: Int(entry.termCount)))
    }

    /// Whether the word is known, with any stem.
    private func knows(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        let isShort = PackedWordTable<ShortEntry>.keeps(count: word.count)
        if isShort, short.find(ShortBytes(word), count: word.count) != nil { return true }
        return (!isShort || shortWordsInLong > 0) && long.find(word, hash: ByteHash.hash(word)) != nil
    }

    /// Keeps the word's flags and terms, unless the word is known already (with any stem: the
    /// first stays). Empties the memo first when it is full.
    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, stem: UnsafeBufferPointer<UInt8>,
                         flags: Int32, terms: UnsafeBufferPointer<Int32>) {
        if count >= capacity { removeAll() }
        if knows(word) { return }
        let isShort = PackedWordTable<ShortEntry>.keeps(count: word.count)
        if isShort, stem.count <= ShortBytes.maxCount, terms.count <= ShortEntry.inlineTerms {
            var entry = ShortEntry(stem: (0, 0), flags: flags, terms: (0, 0, 0, 0, 0),
                                   stemCount: UInt8(stem.count), termCount: UInt8(terms.count))
            withUnsafeMutableBytes(of: &entry.stem) { ShortBytes(stem).store(to: $0.baseAddress!) }
            withUnsafeMutableBytes(of: &entry.terms) { inline in
                for (k, term) in terms.enumerated() { inline.storeBytes(of: term, toByteOffset: 4 * k, as: Int32.self) }
            }
            short.insert(ShortBytes(word), count: word.count, entry)
            return
        }
        if isShort { shortWordsInLong += 1 }
        long.insert(word, hash: ByteHash.hash(word), value: LongEntry(
            flags: flags, stemStart: Int32(pooledBytes.count), stemCount: Int32(stem.count),
            termStart: Int32(pooledTerms.count), termCount: Int32(terms.count)))
        pooledBytes.append(contentsOf: stem)
        pooledTerms.append(contentsOf: terms)
    }

    private mutating func removeAll() {
        short.removeAll()
        long.removeAll()
        shortWordsInLong = 0
        pooledBytes.removeAll()
        pooledTerms.removeAll()
    }
}
