/// Hash tables for the matcher, built once when the stage is built and then only read, so that
/// workers share them. Keys are hashed straight from byte slices: no `String` per token.

/// Byte-string keys (tagged with a kind byte) to `Int32` values; open addressing, linear probing.
struct ByteKeyTable: Sendable {
    /// Entry index + 1 per slot; 0 is empty.
    private var slots: [Int32]
    private var entryStart: [Int32] = []
    private var entryLength: [Int32] = []
    private var entryKind: [UInt8] = []
    private(set) var values: [Int32] = []
    private var pool: [UInt8] = []
    private var mask: Int

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { values.count }

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
    private var keys: [UInt64]
    private var values: [Int32]
    private var mask: Int
    private(set) var count = 0
    private static let empty = UInt64.max

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
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
