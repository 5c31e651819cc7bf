/// A per-worker memo from short words (up to 16 bytes, packed as `ShortBytes`) to a small plain value:
/// open addressing over flat memory, each slot holding the packed word, the value and the word's
/// length. Nearly every token of a survey is a short word seen before, and a hit costs two
/// multiplications (the hash), one slot (the table keeps slots within cache lines) and three
/// comparisons, with no byte loop, array check or reference count.
///
/// It is emptied when it holds `capacity` words, which bounds its memory (a survey's vocabulary
/// refills it within a few thousand answers). Copies share the slots until one of them inserts.
public struct PackedWordTable<Value: BitwiseCopyable> {
    // Slot layout, in bytes: the key's low and high words at 0 and 8, the value at 16, then the
    // word's length (one byte; 0 marks an empty slot). Raw offsets rather than a nested slot type,
    // whose metadata a generic lookup would fetch at run time.
    @inlinable static var valueOffset: Int { 16 }
    @inlinable static var countOffset: Int { valueOffset + MemoryLayout<Value>.size }

    /// Bytes from one slot to the next: a power of two (at most a cache line), so that no slot of
    /// up to 64 bytes straddles two lines.
    @inlinable static var stride: Int {
        let size = countOffset + 1
        return size > 64 ? (size + 63) & ~63 : 1 << (64 - (size - 1).leadingZeroBitCount)
    }

    @usableFromInline var storage: ZeroedSlots
    /// `storage.base`, the slot count - 1 and the shift that takes a hash to its first slot, kept
    /// here so that a lookup reads no class field.
    @usableFromInline var base: UnsafeMutableRawPointer
    @usableFromInline var mask: Int
    @usableFromInline var shift: UInt64
    public var count: Int { entries }
    @usableFromInline var entries = 0
    /// Words kept before the table is emptied.
    public let capacity: Int

    public init(capacity: Int = 1 << 14) {
        assert(MemoryLayout<Value>.alignment <= 8)
        self.capacity = max(1, capacity)
        storage = ZeroedSlots(byteCount: (1 << 10) * Self.stride)
        base = storage.base
        mask = (1 << 10) - 1
        shift = 64 - 10
    }

    /// Whether a word of `count` bytes can be kept.
    @inlinable @inline(__always)
    public static func keeps(count: Int) -> Bool { count > 0 && count <= ShortBytes.maxCount }

    /// The slot a word starts probing at: the top bits of its hash, which depend on every byte.
    @inlinable @inline(__always)
    func start(_ key: ShortBytes) -> Int { Int(truncatingIfNeeded: key.hash &>> shift) }

    /// The value kept for the word packed as `key`, of `count` bytes (which `keeps`), as a pointer
    /// into the table, valid until it next changes; nil when the word is not kept.
    @inlinable @inline(__always)
    public func find(_ key: ShortBytes, count: Int) -> UnsafePointer<Value>? {
        var i = start(key)
        while true {
            let slot = UnsafeRawPointer(base + i &* Self.stride)
            let stored = Int(slot.load(fromByteOffset: Self.countOffset, as: UInt8.self))
            if stored == 0 { return nil }
            if slot.load(as: UInt64.self) == key.low, slot.load(fromByteOffset: 8, as: UInt64.self) == key.high, stored == count {
                return (slot + Self.valueOffset).assumingMemoryBound(to: Value.self)
            }
            i = (i &+ 1) & mask
        }
    }

    /// Keeps `value` for the word packed as `key`, of `count` bytes (which `keeps`), which `find`
    /// does not know. Empties the table first when it is full.
    @inlinable
    public mutating func insert(_ key: ShortBytes, count: Int, _ value: Value) {
        precondition(Self.keeps(count: count))
        if entries >= capacity {
            replaceStorage(slotBits: slotBits, keeping: false)
        } else if !isKnownUniquelyReferenced(&storage) {
            replaceStorage(slotBits: slotBits, keeping: true)
        }
        let slot = base + freeSlot(key) &* Self.stride
        slot.storeBytes(of: key.low, as: UInt64.self)
        slot.storeBytes(of: key.high, toByteOffset: 8, as: UInt64.self)
        slot.storeBytes(of: value, toByteOffset: Self.valueOffset, as: Value.self)
        slot.storeBytes(of: UInt8(count), toByteOffset: Self.countOffset, as: UInt8.self)
        entries += 1
        if entries * 2 > mask + 1 { replaceStorage(slotBits: slotBits + 1, keeping: true) }
    }

    /// Forgets every word.
    @inlinable
    public mutating func removeAll() {
        replaceStorage(slotBits: slotBits, keeping: false)
    }

    /// Log2 of the slot count.
    @inlinable var slotBits: Int { (mask + 1).trailingZeroBitCount }

    /// The first empty slot of the key's probe run.
    @inlinable
    func freeSlot(_ key: ShortBytes) -> Int {
        var i = start(key)
        while base.load(fromByteOffset: i &* Self.stride + Self.countOffset, as: UInt8.self) != 0 { i = (i &+ 1) & mask }
        return i
    }

    /// New slots, `1 << slotBits` of them, with every word moved over whole when `keeping` (its
    /// packed key gives its hash again), or empty.
    @inlinable
    mutating func replaceStorage(slotBits: Int, keeping: Bool) {
        let old = storage, oldBase = base, oldCount = mask + 1
        storage = ZeroedSlots(byteCount: (1 << slotBits) * Self.stride)
        base = storage.base
        mask = (1 << slotBits) - 1
        shift = UInt64(64 - slotBits)
        guard keeping else {
            entries = 0
            return
        }
        for k in 0..<oldCount {
            let source = oldBase + k * Self.stride
            guard source.load(fromByteOffset: Self.countOffset, as: UInt8.self) != 0 else { continue }
            let key = ShortBytes(low: source.load(as: UInt64.self), high: source.load(fromByteOffset: 8, as: UInt64.self))
            (base + freeSlot(key) &* Self.stride).copyMemory(from: source, byteCount: Self.stride)
        }
        withExtendedLifetime(old) {}
    }
}

/// Zeroed memory for a table's slots (`PackedWordTable`, `WordNumberMemo`), shared by the table's
/// copies until one of them writes. Not generic, so that checking that a table owns its slots
/// fetches no metadata.
@usableFromInline final class ZeroedSlots {
    @usableFromInline let base: UnsafeMutableRawPointer

    @usableFromInline init(byteCount: Int) {
        base = .allocate(byteCount: max(byteCount, 1), alignment: 64)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
    }

    deinit { base.deallocate() }
}
