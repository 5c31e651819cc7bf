#if canImport(Glibc)
import Glibc
#endif

/// Hash tables for the matcher: mutable builders used while a codebook is compiled, and read-only
/// raw views of them that all workers share. Keys are hashed straight from byte slices: no `String`
/// per token.

/// Byte-string keys (tagged with a kind byte) to `Int32` values; open addressing, linear probing.
struct ByteKeyTable: Sendable {
    /// Entry index + 1 per slot; 0 is empty.
    fileprivate var slots: [Int32]
    fileprivate var entryStart: [Int32] = []
    fileprivate var entryLength: [Int32] = []
    fileprivate var entryKind: [UInt8] = []
    fileprivate(set) var values: [Int32] = []
    fileprivate var pool: [UInt8] = []
    fileprivate var mask: Int

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    static func hash(kind: UInt8, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        // FNV-1a, 64-bit.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        h = (h ^ UInt64(kind)) &* 0x100_0000_01b3
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The value for the key, or -1.
    @inline(__always)
    func lookup(kind: UInt8, _ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        var i = Self.hash(kind: kind, bytes) & mask
        return slots.withUnsafeBufferPointer { slots in
            pool.withUnsafeBufferPointer { pool in
                while true {
                    let e = Int(slots[i]) - 1
                    if e < 0 { return -1 }
                    if entryKind[e] == kind, Int(entryLength[e]) == bytes.count {
                        let start = Int(entryStart[e])
                        var same = true
                        for k in 0..<bytes.count where pool[start + k] != bytes[k] {
                            same = false
                            break
                        }
                        if same { return values[e] }
                    }
                    i = (i + 1) & mask
                }
            }
        }
    }

    func lookup(kind: UInt8, _ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBufferPointer { lookup(kind: kind, $0) }
    }

    /// Sets the value for the key.
    mutating func set(kind: UInt8, _ bytes: [UInt8], value: Int32) {
        if let e = entryIndex(kind: kind, bytes) {
            values[e] = value
            return
        }
        if (values.count + 1) * 2 > slots.count { grow() }
        entryStart.append(Int32(pool.count))
        entryLength.append(Int32(bytes.count))
        entryKind.append(kind)
        values.append(value)
        pool.append(contentsOf: bytes)
        place(values.count - 1)
    }

    private func entryIndex(kind: UInt8, _ bytes: [UInt8]) -> Int? {
        let e = lookupEntry(kind: kind, bytes)
        return e >= 0 ? e : nil
    }

    private func lookupEntry(kind: UInt8, _ bytes: [UInt8]) -> Int {
        var i = bytes.withUnsafeBufferPointer { Self.hash(kind: kind, $0) } & mask
        while true {
            let e = Int(slots[i]) - 1
            if e < 0 { return -1 }
            if entryKind[e] == kind, Int(entryLength[e]) == bytes.count,
               pool[Int(entryStart[e])..<Int(entryStart[e]) + bytes.count].elementsEqual(bytes) {
                return e
            }
            i = (i + 1) & mask
        }
    }

    private mutating func place(_ e: Int) {
        let start = Int(entryStart[e])
        let h = pool.withUnsafeBufferPointer {
            Self.hash(kind: entryKind[e], UnsafeBufferPointer(rebasing: $0[start..<start + Int(entryLength[e])]))
        }
        var i = h & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = Int32(e + 1)
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        mask = slots.count - 1
        for e in values.indices { place(e) }
    }
}

/// `UInt64` keys to `Int32` values (trie transitions: node and symbol packed in one key).
struct IntKeyTable: Sendable {
    fileprivate var keys: [UInt64]
    fileprivate var values: [Int32]
    fileprivate var mask: Int
    private(set) var count = 0
    private static let empty = UInt64.max

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    /// The product's high half, which every bit of the key reaches. (Bits below 32 depend on the
    /// key's low half only: trie keys sharing a symbol would all start probing at the same slot.)
    @inline(__always)
    fileprivate static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The value for `key`, or -1.
    @inline(__always)
    func lookup(_ key: UInt64) -> Int32 {
        var i = Self.slot(key, mask)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == Self.empty { return -1 }
            i = (i + 1) & mask
        }
    }

    mutating func set(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > keys.count { grow() }
        var i = Self.slot(key, mask)
        while keys[i] != Self.empty && keys[i] != key { i = (i + 1) & mask }
        if keys[i] == Self.empty { count += 1 }
        keys[i] = key
        values[i] = value
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: Self.empty, count: oldKeys.count * 2)
        values = [Int32](repeating: -1, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for (k, v) in zip(oldKeys, oldValues) where k != Self.empty { set(k, v) }
    }
}

// MARK: Frozen views for the matcher

/// Memory written once while a codebook is compiled and then only read, by any thread. The matcher
/// reads it through `RawArray` views: plain pointers, so reading costs no reference counting and no
/// bounds checks in the hot loop (the builders above checked everything when the tables were made).
final class FrozenMemory: @unchecked Sendable {
    // Only appended to while the owning codebook is being built, before it is shared.
    private var blocks: [UnsafeMutableRawPointer] = []

    /// A copy of `array` owned by this object. `T` must be a plain value type (no references).
    func copy<T>(_ array: [T]) -> RawArray<T> {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(1, array.count))
        array.withUnsafeBufferPointer { if let a = $0.baseAddress { pointer.initialize(from: a, count: array.count) } }
        blocks.append(UnsafeMutableRawPointer(pointer))
        return RawArray(base: UnsafePointer(pointer), count: array.count)
    }

    deinit {
        for block in blocks { block.deallocate() }
    }
}

/// A read-only view of memory owned by a `FrozenMemory`.
struct RawArray<T>: @unchecked Sendable {
    let base: UnsafePointer<T>
    let count: Int

    @inline(__always) subscript(i: Int) -> T {
        assert(i >= 0 && i < count)
        return base[i]
    }
}

/// The read-only form of a `ByteKeyTable`.
struct RawByteKeyTable: Sendable {
    private let slots: RawArray<Int32>
    private let entryStart: RawArray<Int32>
    private let entryLength: RawArray<Int32>
    private let entryKind: RawArray<UInt8>
    private let values: RawArray<Int32>
    private let pool: RawArray<UInt8>
    private let mask: Int

    init(_ table: ByteKeyTable, in memory: FrozenMemory) {
        slots = memory.copy(table.slots)
        entryStart = memory.copy(table.entryStart)
        entryLength = memory.copy(table.entryLength)
        entryKind = memory.copy(table.entryKind)
        values = memory.copy(table.values)
        pool = memory.copy(table.pool)
        mask = table.mask
    }

    /// The value for the key, or -1.
    @inline(__always)
    func lookup(kind: UInt8, _ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        var i = ByteKeyTable.hash(kind: kind, bytes) & mask
        while true {
            let e = Int(slots[i]) - 1
            if e < 0 { return -1 }
            if entryKind[e] == kind, Int(entryLength[e]) == bytes.count {
                if bytes.isEmpty || memcmp(pool.base + Int(entryStart[e]), bytes.baseAddress!, bytes.count) == 0 { return values[e] }
            }
            i = (i + 1) & mask
        }
    }
}

/// The read-only form of an `IntKeyTable`, key and value side by side so a probe touches one cache line.
struct RawIntKeyTable: Sendable {
    struct Slot {
        var key: UInt64
        var value: Int32
    }
    private let slots: RawArray<Slot>
    private let mask: Int

    init(_ table: IntKeyTable, in memory: FrozenMemory) {
        slots = memory.copy(zip(table.keys, table.values).map { Slot(key: $0, value: $1) })
        mask = table.mask
    }

    /// The value for `key`, or -1.
    @inline(__always)
    func lookup(_ key: UInt64) -> Int32 {
        var i = IntKeyTable.slot(key, mask)
        while true {
            let slot = slots[i]
            if slot.key == key { return slot.value }
            if slot.key == UInt64.max { return -1 }
            i = (i + 1) & mask
        }
    }
}
