import VerbatimCore

/// A per-worker memo from a word's normalised bytes to what `LexiconMatcher.prepare` finds for it:
/// its FNV-1a hash and its lexicon facts (as a word; punctuation keeps only part of them).
///
/// Both are functions of the bytes alone, and nearly every token of a survey is a word seen before.
/// Without the memo a token costs a byte-at-a-time FNV-1a hash, a probe of the word table (whose
/// keys and values are two cache lines), a byte check against the entry's key, and the prefix and
/// letter-run tests. With it, a token costs `ByteHash` (eight bytes a step) and one aligned cache
/// line, which holds the key's bytes too. Words longer than a slot can hold are not kept.
struct WordFactsMemo {
    /// What the memo keeps per word.
    struct Known {
        var hash: UInt64
        var facts: LexiconMatcher.TokenFacts
    }

    /// Slot layout, in bytes from the start of the slot.
    private enum Layout {
        static let slotSize = 64
        static let keyHash = 0      // UInt64: `ByteHash` of the key
        static let hash = 8         // UInt64: FNV-1a of the key
        static let facts = 16       // TokenFacts (8 bytes at most)
        static let keyCount = 24    // UInt8; 0 marks an empty slot
        static let key = 25
        static let maxKey = slotSize - key
    }

    /// Owns the slots' memory; shared by copies of the memo until one of them inserts.
    private final class Storage {
        let base: UnsafeMutableRawPointer
        let slotCount: Int

        init(slotCount: Int) {
            self.slotCount = slotCount
            base = .allocate(byteCount: slotCount * Layout.slotSize, alignment: Layout.slotSize)
            base.initializeMemory(as: UInt8.self, repeating: 0, count: slotCount * Layout.slotSize)
        }

        deinit { base.deallocate() }
    }

    private var storage: Storage
    /// `storage.base` and its slot count - 1, kept here so that a lookup reads no class field.
    private var base: UnsafeMutableRawPointer
    private var mask: Int
    private(set) var count = 0
    /// Entries kept before the memo is emptied, which bounds its memory.
    let capacity: Int

    init(capacity: Int = 1 << 14) {
        assert(MemoryLayout<LexiconMatcher.TokenFacts>.size <= Layout.keyCount - Layout.facts)
        self.capacity = max(1, capacity)
        storage = Storage(slotCount: 1024)
        base = storage.base
        mask = storage.slotCount - 1
    }

    /// Whether `insert` keeps a key of `count` bytes.
    @inline(__always) static func keeps(count: Int) -> Bool { count > 0 && count <= Layout.maxKey }

    /// What the memo holds for `key` (whose `ByteHash` is `keyHash`), if anything.
    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt8>, keyHash: UInt64) -> Known? {
        var i = Int(truncatingIfNeeded: keyHash) & mask
        while true {
            let slot = UnsafeRawPointer(base + i * Layout.slotSize)
            let count = Int(slot.load(fromByteOffset: Layout.keyCount, as: UInt8.self))
            if count == 0 { return nil }
            if slot.load(fromByteOffset: Layout.keyHash, as: UInt64.self) == keyHash, count == key.count,
               ByteHash.equal(slot.assumingMemoryBound(to: UInt8.self) + Layout.key, key.baseAddress, count: count) {
                return Known(hash: slot.load(fromByteOffset: Layout.hash, as: UInt64.self),
                             facts: slot.load(fromByteOffset: Layout.facts, as: LexiconMatcher.TokenFacts.self))
            }
            i = (i + 1) & mask
        }
    }

    /// Keeps `known` for `key`, which `find` does not know, unless the key is empty or too long.
    /// Empties the memo first when it is full.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, keyHash: UInt64, _ known: Known) {
        guard Self.keeps(count: key.count), let bytes = key.baseAddress else { return }
        if count >= capacity {
            replaceStorage(slotCount: mask + 1, keeping: false)
        } else if !isKnownUniquelyReferenced(&storage) {
            replaceStorage(slotCount: mask + 1, keeping: true)
        }
        let slot = base + Self.freeSlot(base, mask, keyHash) * Layout.slotSize
        slot.storeBytes(of: keyHash, toByteOffset: Layout.keyHash, as: UInt64.self)
        slot.storeBytes(of: known.hash, toByteOffset: Layout.hash, as: UInt64.self)
        slot.storeBytes(of: known.facts, toByteOffset: Layout.facts, as: LexiconMatcher.TokenFacts.self)
        slot.storeBytes(of: UInt8(key.count), toByteOffset: Layout.keyCount, as: UInt8.self)
        (slot + Layout.key).copyMemory(from: bytes, byteCount: key.count)
        count += 1
        if count * 2 > mask + 1 { replaceStorage(slotCount: (mask + 1) * 2, keeping: true) }
    }

    /// The first empty slot of `keyHash`'s probe run.
    private static func freeSlot(_ base: UnsafeMutableRawPointer, _ mask: Int, _ keyHash: UInt64) -> Int {
        var i = Int(truncatingIfNeeded: keyHash) & mask
        while base.load(fromByteOffset: i * Layout.slotSize + Layout.keyCount, as: UInt8.self) != 0 { i = (i + 1) & mask }
        return i
    }

    /// New slots, `slotCount` of them (a power of two), with every entry moved over whole when
    /// `keeping` (a slot keeps its key's hash, so nothing is hashed again), or empty.
    private mutating func replaceStorage(slotCount: Int, keeping: Bool) {
        let old = storage
        storage = Storage(slotCount: slotCount)
        base = storage.base
        mask = slotCount - 1
        guard keeping else {
            count = 0
            return
        }
        for k in 0..<old.slotCount {
            let source = old.base + k * Layout.slotSize
            guard source.load(fromByteOffset: Layout.keyCount, as: UInt8.self) != 0 else { continue }
            let i = Self.freeSlot(base, mask, source.load(fromByteOffset: Layout.keyHash, as: UInt64.self))
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
        let keyHash = ByteHash.hash(bytes)
        if let known = memo.find(bytes, keyHash: keyHash) { return known }
        let hash = fnv1a(bytes)
        let known = WordFactsMemo.Known(hash: hash, facts: facts(bytes, hash: hash, isWord: true, lexicon))
        memo.insert(bytes, keyHash: keyHash, known)
        return known
    }
}
