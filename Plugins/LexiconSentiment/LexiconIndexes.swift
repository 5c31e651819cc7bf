/// Which words may start with a prefix entry, by the first one to three bytes of the entries. A word
/// whose leading bytes match none cannot start with any entry, and most words are ruled out this way.
///
/// Asked once per word of every answer, so the common "no" costs one bit test: the first two bytes
/// index a table exactly. Only words that pass look at their third byte, where bits are set by hash,
/// so a set bit may be a false positive, never a false negative.
struct LeadFilter: Sendable {
    /// Bit `b0 << 8 | b1`: some key starts with the bytes b0 b1, or is the single byte b0.
    private var pairs = [UInt64](repeating: 0, count: 1024)
    /// Bit `b0 << 8 | b1`: some key is exactly b0 b1, or the single byte b0: a word with that lead
    /// needs no third byte.
    private var shortKeys = [UInt64](repeating: 0, count: 1024)
    /// Bit b0: some key is the single byte b0 (the only keys a one-byte word can start with).
    private var singles = [UInt64](repeating: 0, count: 4)
    /// The first three bytes of longer keys, by hash.
    private var triples = [UInt64](repeating: 0, count: 1024)

    mutating func insert(_ key: [UInt8]) {
        guard let b0 = key.first else { return }
        if key.count == 1 {
            Self.set(&singles, Int(b0))
            for b1 in 0...255 {
                Self.set(&pairs, Int(b0) << 8 | b1)
                Self.set(&shortKeys, Int(b0) << 8 | b1)
            }
            return
        }
        let pair = Int(b0) << 8 | Int(key[1])
        Self.set(&pairs, pair)
        if key.count == 2 {
            Self.set(&shortKeys, pair)
        } else {
            Self.set(&triples, Self.tripleBit(b0, key[1], key[2]))
        }
    }

    @inline(__always) func mayLead(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch bytes.count {
        case 0: return false
        case 1: return Self.test(singles, Int(bytes[0]))
        default:
            let pair = Int(bytes[0]) << 8 | Int(bytes[1])
            guard Self.test(pairs, pair) else { return false }
            if Self.test(shortKeys, pair) { return true }
            return bytes.count >= 3 && Self.test(triples, Self.tripleBit(bytes[0], bytes[1], bytes[2]))
        }
    }

    @inline(__always) private static func tripleBit(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
        let packed = UInt64(a) | UInt64(b) << 8 | UInt64(c) << 16
        return Int(truncatingIfNeeded: (packed &* 0x9E37_79B9_7F4A_7C15) >> 48)
    }

    private static func set(_ bits: inout [UInt64], _ bit: Int) { bits[bit >> 6] |= 1 << (bit & 63) }

    @inline(__always) private static func test(_ bits: [UInt64], _ bit: Int) -> Bool {
        bits.withUnsafeBufferPointer { $0[bit >> 6] & (1 << (bit & 63)) != 0 }
    }
}

/// An open-addressing table from 64-bit hashes to entry indices; built once, then read-only.
struct HashIndex: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private let mask: Int

    init(capacityFor count: Int) {
        var size = 16
        while size < count * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// 0 marks an empty slot, so a zero hash is moved to 1.
    @inline(__always) private static func slotKey(_ h: UInt64) -> UInt64 { h == 0 ? 1 : h }

    mutating func insert(_ hash: UInt64, _ value: Int32) {
        let key = Self.slotKey(hash)
        var i = Int(truncatingIfNeeded: key) & mask
        while keys[i] != 0 && keys[i] != key { i = (i + 1) & mask }
        keys[i] = key
        values[i] = value
    }

    /// The table is at most half full, so the probe ends at an empty slot; `mask` keeps every index
    /// inside the arrays, which are never resized after `init`.
    @inline(__always) func find(_ hash: UInt64) -> Int32? {
        let key = Self.slotKey(hash)
        return keys.withUnsafeBufferPointer { keys in
            var i = Int(truncatingIfNeeded: key) & mask
            while true {
                let k = keys[i]
                if k == key { return values.withUnsafeBufferPointer { $0[i] } }
                if k == 0 { return nil }
                i = (i + 1) & mask
            }
        }
    }
}

/// The lexicon's table of single words, keyed by the hash of their normalised bytes: the entry with
/// that hash, if any, and whether an expression starts with a word of that hash. One probe per token
/// answers both, and most tokens are in neither.
struct WordTable: Sendable {
    /// What the table holds for one hash.
    struct Slot: Equatable {
        /// The single-word (or emoticon) entry with this hash, or -1; its bytes are not yet verified.
        var entry: Int32
        /// Some expression's first word has this hash.
        var startsPhrase: Bool
    }

    private var index: HashIndex

    /// `singles` are (hash, entry) pairs, a later pair replacing an earlier one with the same hash;
    /// `phraseFirsts` are the hashes of the expressions' first words.
    init(singles: [(UInt64, Int32)], phraseFirsts: [UInt64]) {
        var slots: [UInt64: Slot] = [:]
        for (h, entry) in singles { slots[h, default: Slot(entry: -1, startsPhrase: false)].entry = entry }
        for h in phraseFirsts { slots[h, default: Slot(entry: -1, startsPhrase: false)].startsPhrase = true }
        index = HashIndex(capacityFor: slots.count)
        for (h, slot) in slots { index.insert(h, slot.entry << 1 | (slot.startsPhrase ? 1 : 0)) }
    }

    @inline(__always) func find(_ hash: UInt64) -> Slot? {
        guard let v = index.find(hash) else { return nil }
        return Slot(entry: v >> 1, startsPhrase: v & 1 != 0)  // `>>` keeps the sign: -1 stays -1
    }
}

/// The FNV-1a hashes of every leading part of every single-word key ("<", "<3"), as bits. Adjacent
/// tokens spell a key only if the first two of them spell its start, and FNV-1a hashes a longer
/// text by carrying on from a shorter one's hash, so the test costs the second token's bytes alone.
/// A set bit may be a false positive, never a false negative.
struct KeyStartFilter: Sendable {
    private var bits: [UInt64]
    private let mask: Int

    init<Keys: Sequence>(keys: Keys) where Keys.Element: Collection, Keys.Element.Element == UInt8 {
        let starts = keys.reduce(0) { $0 + $1.count }
        var size = 1 << 12
        while size < starts * 8 { size <<= 1 }  // about one bit in eight set
        bits = [UInt64](repeating: 0, count: size / 64)
        mask = size - 1
        for key in keys {
            var h = fnv1aSeed
            for b in key {
                h = fnv1aStep(h, b)
                let bit = Self.bit(h, mask)
                bits[bit >> 6] |= 1 << (bit & 63)
            }
        }
    }

    @inline(__always) func mayBegin(_ hash: UInt64) -> Bool {
        let bit = Self.bit(hash, mask)
        return bits.withUnsafeBufferPointer { $0[bit >> 6] & (1 << (bit & 63)) != 0 }
    }

    @inline(__always) private static func bit(_ h: UInt64, _ mask: Int) -> Int { Int(truncatingIfNeeded: h ^ (h >> 32)) & mask }
}
