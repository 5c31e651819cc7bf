import VerbatimCore

/// A bounded memo from a word (as written) to its term ids and flags, per worker. Keyed by the word
/// alone, so a token costs one hash (`hash(_:)`); the stem is compared on every hit, so a stemmer whose stems
/// depend on more than the word still gets it right (the normalised form follows from the word).
///
/// Nearly every token of a survey is a word seen before, so this lookup is the scan's main cost
/// per word, and the other stages of the pipeline evict the memo from the first-level cache between
/// two answers. Each slot is one aligned cache line holding the word's full hash, its flags, and,
/// for nearly every word, its bytes, its stem's bytes and its term ids: a hit reads one line, where
/// separate slot, entry, byte and term arrays cost a miss each. Longer words keep their bytes and
/// terms in side pools (one more line each).
struct WordTermCache: ~Copyable {
    /// What the memo knows of a word: its flags and its term ids, valid until the memo next changes.
    struct Word {
        var flags: Int32
        var terms: UnsafeBufferPointer<Int32>
    }

    /// Slot layout, in bytes from the start of the slot.
    private enum Layout {
        static let slotSize = 64
        static let hash = 0          // UInt64: the word's hash, as given
        static let state = 8         // UInt8: empty, inline or pooled
        static let wordCount = 9     // UInt8 (inline slots)
        static let stemCount = 10    // UInt8 (inline slots)
        static let termCount = 11    // UInt8 (inline slots)
        static let flags = 12        // Int32
        static let terms = 16        // inline: up to `inlineTerms` Int32
        static let inlineTerms = 3
        static let bytes = 28        // inline: the word's bytes, then its stem's
        static let inlineBytes = slotSize - bytes
        // Pooled slots: five Int32 at `terms` (term start and count, bytes start, word and stem counts).
        static let pooledTermStart = 16, pooledTermCount = 20, pooledBytesStart = 24, pooledWordCount = 28, pooledStemCount = 32
    }
    private enum State {
        static let empty: UInt8 = 0, inline: UInt8 = 1, pooled: UInt8 = 2
    }

    /// `slotCount` slots of `Layout.slotSize` bytes, aligned to a cache line; at most half full,
    /// so probe runs stay short.
    private var slots: UnsafeMutableRawPointer
    private var slotCount: Int
    /// A hash's top bits choose its first slot: `hash(_:)` mixes every byte into them, not into its low bits.
    private var shift: UInt64
    private(set) var count = 0
    /// Bytes and terms of the words too long (or with too many terms) for their slot.
    private var pooledBytes = ScratchBuffer<UInt8>(capacity: 256)
    private var pooledTerms = ScratchBuffer<Int32>(capacity: 64)
    /// Entries kept before the memo is emptied (which bounds memory; a survey's vocabulary refills
    /// it within a few thousand answers).
    let capacity: Int

    init(capacity: Int = 1 << 14) {
        self.capacity = max(1, capacity)
        slotCount = 1024
        shift = 64 - 10
        slots = Self.allocateSlots(slotCount)
    }

    deinit {
        slots.deallocate()
    }

    private static func allocateSlots(_ n: Int) -> UnsafeMutableRawPointer {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: n * Layout.slotSize, alignment: Layout.slotSize)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: n * Layout.slotSize)
        return memory
    }

    /// The hash the memo expects for a word. Nearly every word is 16 bytes or shorter: packed into two
    /// machine words it hashes in two multiplications, where `ByteHash` costs a loop and a final mix.
    @inline(__always)
    static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        word.count <= ShortBytes.maxCount ? ShortBytes(word).hash : ByteHash.hash(word)
    }

    @inline(__always)
    private func start(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash &>> shift) }

    /// The word's flags and term ids; nil when the word is not known with this stem.
    @inline(__always)
    func lookup(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, stem: UnsafeBufferPointer<UInt8>) -> Word? {
        let mask = slotCount - 1
        var i = start(hash)
        while true {
            let slot = UnsafeRawPointer(slots + i &* Layout.slotSize)
            let state = slot.load(fromByteOffset: Layout.state, as: UInt8.self)
            if state == State.empty { return nil }
            if slot.load(fromByteOffset: Layout.hash, as: UInt64.self) == hash {
                let flags = slot.load(fromByteOffset: Layout.flags, as: Int32.self)
                if state == State.inline {
                    let bytes = slot.assumingMemoryBound(to: UInt8.self) + Layout.bytes
                    if Int(slot.load(fromByteOffset: Layout.wordCount, as: UInt8.self)) == word.count,
                       ByteHash.equal(bytes, word.baseAddress, count: word.count) {
                        // One entry per word: known with another stem is not known.
                        guard Int(slot.load(fromByteOffset: Layout.stemCount, as: UInt8.self)) == stem.count,
                              ByteHash.equal(bytes + word.count, stem.baseAddress, count: stem.count) else { return nil }
                        let terms = (slot + Layout.terms).assumingMemoryBound(to: Int32.self)
                        return Word(flags: flags, terms: UnsafeBufferPointer(
                            start: terms, count: Int(slot.load(fromByteOffset: Layout.termCount, as: UInt8.self))))
                    }
                } else if let found = pooledWord(slot, word, stem, flags: flags) {
                    return found
                }
            }
            i = (i + 1) & mask
        }
    }

    /// `lookup` for a pooled slot: nil when the slot holds another word (the probe goes on); `.some(nil)`
    /// when it holds the word with another stem (not known); otherwise the word.
    private func pooledWord(_ slot: UnsafeRawPointer, _ word: UnsafeBufferPointer<UInt8>, _ stem: UnsafeBufferPointer<UInt8>,
                            flags: Int32) -> Word?? {
        let bytes = pooledBytes.elements.baseAddress! + Int(slot.load(fromByteOffset: Layout.pooledBytesStart, as: Int32.self))
        guard Int(slot.load(fromByteOffset: Layout.pooledWordCount, as: Int32.self)) == word.count,
              ByteHash.equal(bytes, word.baseAddress, count: word.count) else { return nil }
        guard Int(slot.load(fromByteOffset: Layout.pooledStemCount, as: Int32.self)) == stem.count,
              ByteHash.equal(bytes + word.count, stem.baseAddress, count: stem.count) else { return .some(nil) }
        let terms = pooledTerms.elements.baseAddress! + Int(slot.load(fromByteOffset: Layout.pooledTermStart, as: Int32.self))
        return Word(flags: flags, terms: UnsafeBufferPointer(
            start: terms, count: Int(slot.load(fromByteOffset: Layout.pooledTermCount, as: Int32.self))))
    }

    /// Keeps the word's flags and terms, unless the word is known already (with any stem: the
    /// first stays). Empties the memo first when it is full.
    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, stem: UnsafeBufferPointer<UInt8>,
                         flags: Int32, terms entryTerms: UnsafeBufferPointer<Int32>) {
        if count >= capacity { removeAll() }
        let mask = slotCount - 1
        var i = start(hash)
        while true {
            let slot = slots + i * Layout.slotSize
            if slot.load(fromByteOffset: Layout.state, as: UInt8.self) == State.empty { break }
            if slot.load(fromByteOffset: Layout.hash, as: UInt64.self) == hash, holds(UnsafeRawPointer(slot), word) { return }
            i = (i + 1) & mask
        }
        let slot = slots + i * Layout.slotSize
        slot.storeBytes(of: hash, toByteOffset: Layout.hash, as: UInt64.self)
        slot.storeBytes(of: flags, toByteOffset: Layout.flags, as: Int32.self)
        if word.count + stem.count <= Layout.inlineBytes, entryTerms.count <= Layout.inlineTerms {
            slot.storeBytes(of: State.inline, toByteOffset: Layout.state, as: UInt8.self)
            slot.storeBytes(of: UInt8(word.count), toByteOffset: Layout.wordCount, as: UInt8.self)
            slot.storeBytes(of: UInt8(stem.count), toByteOffset: Layout.stemCount, as: UInt8.self)
            slot.storeBytes(of: UInt8(entryTerms.count), toByteOffset: Layout.termCount, as: UInt8.self)
            for (k, term) in entryTerms.enumerated() {
                slot.storeBytes(of: term, toByteOffset: Layout.terms + 4 * k, as: Int32.self)
            }
            let bytes = (slot + Layout.bytes).assumingMemoryBound(to: UInt8.self)
            if let w = word.baseAddress { bytes.update(from: w, count: word.count) }
            if let s = stem.baseAddress { (bytes + word.count).update(from: s, count: stem.count) }
        } else {
            slot.storeBytes(of: State.pooled, toByteOffset: Layout.state, as: UInt8.self)
            for (offset, value) in [(Layout.pooledTermStart, pooledTerms.count), (Layout.pooledTermCount, entryTerms.count),
                                    (Layout.pooledBytesStart, pooledBytes.count), (Layout.pooledWordCount, word.count),
                                    (Layout.pooledStemCount, stem.count)] {
                slot.storeBytes(of: Int32(value), toByteOffset: offset, as: Int32.self)
            }
            pooledBytes.append(contentsOf: word)
            pooledBytes.append(contentsOf: stem)
            pooledTerms.append(contentsOf: entryTerms)
        }
        count += 1
        if count * 2 > slotCount { rehash(slotCount: slotCount * 2) }
    }

    /// Whether an occupied slot holds `word` (with any stem).
    private func holds(_ slot: UnsafeRawPointer, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        if slot.load(fromByteOffset: Layout.state, as: UInt8.self) == State.inline {
            return Int(slot.load(fromByteOffset: Layout.wordCount, as: UInt8.self)) == word.count
                && ByteHash.equal(slot.assumingMemoryBound(to: UInt8.self) + Layout.bytes, word.baseAddress, count: word.count)
        }
        let start = Int(slot.load(fromByteOffset: Layout.pooledBytesStart, as: Int32.self))
        return Int(slot.load(fromByteOffset: Layout.pooledWordCount, as: Int32.self)) == word.count
            && ByteHash.equal(pooledBytes.elements.baseAddress! + start, word.baseAddress, count: word.count)
    }

    private mutating func removeAll() {
        pooledBytes.removeAll()
        pooledTerms.removeAll()
        slots.initializeMemory(as: UInt8.self, repeating: 0, count: slotCount * Layout.slotSize)
        count = 0
    }

    /// Moves every slot, whole, into a table of `newCount` slots (a power of two): a slot keeps its
    /// word's hash, and its pooled ranges stay valid.
    private mutating func rehash(slotCount newCount: Int) {
        let old = slots, oldCount = slotCount
        slots = Self.allocateSlots(newCount)
        slotCount = newCount
        shift = UInt64(64 - newCount.trailingZeroBitCount)
        let mask = newCount - 1
        for k in 0..<oldCount {
            let source = old + k * Layout.slotSize
            guard source.load(fromByteOffset: Layout.state, as: UInt8.self) != State.empty else { continue }
            var i = start(source.load(fromByteOffset: Layout.hash, as: UInt64.self))
            while (slots + i * Layout.slotSize).load(fromByteOffset: Layout.state, as: UInt8.self) != State.empty { i = (i + 1) & mask }
            (slots + i * Layout.slotSize).copyMemory(from: source, byteCount: Layout.slotSize)
        }
        old.deallocate()
    }
}
