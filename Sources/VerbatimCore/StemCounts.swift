/// Stems as 64-bit keys, so that counting them needs no `String` per word: `ByteHash` of the stem's
/// bytes.
/// Two different stems share a key with a chance of about n²/2⁶⁵ for a vocabulary of n stems
/// (below 10⁻⁷ for a million stems), which is below anything a count could show.
public enum StemKey {
    @inlinable
    public static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let h = ByteHash.hash(bytes)
        // 0 marks an empty slot in `StemCounts`.
        return h == 0 ? 1 : h
    }

    public static func of(_ text: String) -> UInt64 {
        var copy = text
        return copy.withUTF8 { of($0) }
    }
}

/// A fast 64-bit hash of a byte string, 8 bytes at a time (a byte-at-a-time hash costs one
/// multiply per byte, in series), with a final mixing step so that every bit of the result depends
/// on every byte. Not for security: only for tables whose keys are not chosen by an adversary.
public enum ByteHash {
    @inlinable
    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> UInt64 {
        var h = seed ^ (UInt64(bytes.count) &* 0xFF51_AFD7_ED55_8CCD)
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            var i = 0
            let n = bytes.count
            while i + 8 <= n {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
                h ^= h >> 29
                i += 8
            }
            if i < n {
                var tail: UInt64 = 0
                var shift: UInt64 = 0
                while i < n {
                    tail |= UInt64(base[i]) << shift
                    shift += 8
                    i += 1
                }
                h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
                h ^= h >> 29
            }
        }
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}

/// A count per stem key: open addressing with linear probing, kept at most half full.
/// Memory grows with the vocabulary, never with the number of documents.
struct StemCounts: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private(set) var count = 0

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: 0, count: size)
    }

    /// Adds one to the count of each key.
    mutating func add(_ stems: [UInt64]) {
        if (count + stems.count) * 2 > keys.count { grow(to: count + stems.count) }
        for key in stems { add(key, 1) }
    }

    /// Adds another table's counts to this one.
    mutating func add(_ other: StemCounts) {
        if (count + other.count) * 2 > keys.count { grow(to: count + other.count) }
        for (key, value) in zip(other.keys, other.values) where key != 0 { add(key, value) }
    }

    /// The count of `key` (0 when never added: an empty slot's count is 0).
    subscript(key: UInt64) -> Int32 { values[slot(of: key)] }

    /// The slot holding `key`, or the empty slot where it goes.
    private func slot(of key: UInt64) -> Int {
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: key) & mask
        while keys[i] != 0 && keys[i] != key { i = (i + 1) & mask }
        return i
    }

    /// Adds `value` to `key`'s count; the caller has made room.
    private mutating func add(_ key: UInt64, _ value: Int32) {
        let i = slot(of: key)
        if keys[i] == 0 {
            keys[i] = key
            count += 1
        }
        values[i] += value
    }

    private mutating func grow(to needed: Int) {
        var bigger = StemCounts(capacity: max(needed, keys.count))
        for (k, v) in zip(keys, values) where k != 0 { bigger.add(k, v) }
        self = bigger
    }
}
