import VerbatimCore

/// A per-worker memo from a word's normalised bytes to what `LexiconMatcher.prepare` finds for it:
/// its FNV-1a hash and its lexicon facts (as a word; punctuation keeps only part of them).
///
/// Both are functions of the bytes alone, and nearly every token of a survey is a word seen before.
/// Without the memo a token costs a byte-at-a-time FNV-1a hash, a probe of the word table (whose
/// keys and values are two cache lines), a byte check against the entry's key, and the prefix and
/// letter-run tests. With it, a token of up to 16 bytes (nearly all of them) is packed into two
/// machine words (`ShortBytes`), which are its key, its hash and its comparison, and costs one
/// 32-byte slot: two to a cache line. Longer words are not kept.
struct WordFactsMemo {
    /// What the memo keeps per word.
    struct Known {
        var hash: UInt64
        var facts: LexiconMatcher.TokenFacts
    }

    /// Slot layout, in bytes from the start of the slot.
    private enum Layout {
        static let slotSize = 32
        static let low = 0          // UInt64: `ShortBytes.low` of the key
        static let high = 8         // UInt64: `ShortBytes.high` of the key
        static let hash = 16        // UInt64: FNV-1a of the key
        static let facts = 24       // TokenFacts (7 bytes at most)
        static let keyCount = 31    // UInt8; 0 marks an empty slot
    }

    /// Owns the slots' memory; shared by copies of the memo until one of them inserts.
    private final class Storage {
        let base: UnsafeMutableRawPointer
        let slotBits: Int

        init(slotBits: Int) {
            self.slotBits = slotBits
            base = .allocate(byteCount: (1 << slotBits) * Layout.slotSize, alignment: 64)
            base.initializeMemory(as: UInt8.self, repeating: 0, count: (1 << slotBits) * Layout.slotSize)
        }

        deinit { base.deallocate() }
    }

    private var storage: Storage
    /// `storage.base`, the slot count - 1 and the shift that takes a hash to a slot, kept here so
    /// that a lookup reads no class field.
    private var base: UnsafeMutableRawPointer
    private var mask: Int
    private var shift: UInt64
    private(set) var count = 0
    /// Entries kept before the memo is emptied, which bounds its memory.
    let capacity: Int

    init(capacity: Int = 1 << 14) {
        assert(MemoryLayout<LexiconMatcher.TokenFacts>.size <= Layout.keyCount - Layout.facts)
        self.capacity = max(1, capacity)
        storage = Storage(slotBits: 10)
        base = storage.base
        mask = (1 << 10) - 1
        shift = 64 - 10
    }

    /// Whether `insert` keeps a key of `count` bytes.
    @inline(__always) static func keeps(count: Int) -> Bool { count > 0 && count <= ShortBytes.maxCount }

    /// The slot a key starts probing at: the top bits of its hash, which depend on every byte.
    @inline(__always) private func start(_ key: ShortBytes) -> Int { Int(truncatingIfNeeded: key.hash &>> shift) }

    /// What the memo holds for the key packed as `key`, of `count` bytes (which `keeps`), if anything.
    @inline(__always)
    func find(_ key: ShortBytes, count: Int) -> Known? {
        var i = start(key)
        while true {
            let slot = UnsafeRawPointer(base + i &* Layout.slotSize)
            let stored = Int(slot.load(fromByteOffset: Layout.keyCount, as: UInt8.self))
            if stored == 0 { return nil }
            if slot.load(fromByteOffset: Layout.low, as: UInt64.self) == key.low,
               slot.load(fromByteOffset: Layout.high, as: UInt64.self) == key.high, stored == count {
                return Known(hash: slot.load(fromByteOffset: Layout.hash, as: UInt64.self),
                             facts: slot.load(fromByteOffset: Layout.facts, as: LexiconMatcher.TokenFacts.self))
            }
            i = (i + 1) & mask
        }
    }

    /// `find` for the key's bytes; nil for a key the memo does not keep.
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Known? {
        guard Self.keeps(count: key.count) else { return nil }
        return find(ShortBytes(key), count: key.count)
    }

    /// Keeps `known` for `key`, which `find` does not know, unless the key is empty or too long.
    /// Empties the memo first when it is full.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, _ known: Known) {
        guard Self.keeps(count: key.count) else { return }
        if count >= capacity {
            replaceStorage(slotBits: storage.slotBits, keeping: false)
        } else if !isKnownUniquelyReferenced(&storage) {
            replaceStorage(slotBits: storage.slotBits, keeping: true)
        }
        let packed = ShortBytes(key)
        let slot = base + Self.freeSlot(base, mask, start(packed)) * Layout.slotSize
        slot.storeBytes(of: packed.low, toByteOffset: Layout.low, as: UInt64.self)
        slot.storeBytes(of: packed.high, toByteOffset: Layout.high, as: UInt64.self)
        slot.storeBytes(of: known.hash, toByteOffset: Layout.hash, as: UInt64.self)
        slot.storeBytes(of: known.facts, toByteOffset: Layout.facts, as: LexiconMatcher.TokenFacts.self)
        slot.storeBytes(of: UInt8(key.count), toByteOffset: Layout.keyCount, as: UInt8.self)
        count += 1
        if count * 2 > mask + 1 { replaceStorage(slotBits: storage.slotBits + 1, keeping: true) }
    }

    /// The first empty slot of the probe run from slot `i`.
    private static func freeSlot(_ base: UnsafeMutableRawPointer, _ mask: Int, _ i: Int) -> Int {
        var i = i
        while base.load(fromByteOffset: i * Layout.slotSize + Layout.keyCount, as: UInt8.self) != 0 { i = (i + 1) & mask }
        return i
    }

    /// New slots, `1 << slotBits` of them, with every entry moved over whole when `keeping` (its
    /// packed key gives its hash again), or empty.
    private mutating func replaceStorage(slotBits: Int, keeping: Bool) {
        let old = storage, oldCount = mask + 1
        storage = Storage(slotBits: slotBits)
        base = storage.base
        mask = (1 << slotBits) - 1
        shift = UInt64(64 - slotBits)
        guard keeping else {
            count = 0
            return
        }
        for k in 0..<oldCount {
            let source = old.base + k * Layout.slotSize
            guard source.load(fromByteOffset: Layout.keyCount, as: UInt8.self) != 0 else { continue }
            let key = ShortBytes(low: source.load(fromByteOffset: Layout.low, as: UInt64.self),
                                 high: source.load(fromByteOffset: Layout.high, as: UInt64.self))
            let i = Self.freeSlot(base, mask, start(key))
            (base + i * Layout.slotSize).copyMemory(from: source, byteCount: Layout.slotSize)
        }
    }
}

extension LexiconMatcher {
    /// The FNV-1a hash of a token's normalised bytes and its facts as a word, from the memo when it
    /// knows them. (Static, so that `prepare` may call it while it writes the per-token arrays.)
    @inline(__always)
    static func wordFacts(_ bytes: UnsafeBufferPointer<UInt8>, _ lexicon: CompiledLexicon,
                          memo: inout WordFactsMemo) -> WordFactsMemo.Known {
        if WordFactsMemo.keeps(count: bytes.count), let known = memo.find(ShortBytes(bytes), count: bytes.count) { return known }
        let hash = fnv1a(bytes)
        let known = WordFactsMemo.Known(hash: hash, facts: facts(bytes, hash: hash, isWord: true, lexicon))
        memo.insert(bytes, known)
        return known
    }
}
