/// Theme ids numbered 0, 1, 2, … in the order they are first added.
///
/// The quote collector looks a theme up several times for every coded theme of every answer: a
/// `Dictionary` would hash the id with seeded SipHash each time, this hashes its UTF-8 bytes with
/// `ByteHash`, and its users keep their per-theme state in arrays by number.
struct ThemeIndex: Sendable {
    private(set) var names: [String] = []
    private var hashes: [UInt64] = []
    /// Open addressing over `names`: a number, or -1 for an empty slot; at most half full.
    private var slots = [Int32](repeating: -1, count: 16)

    var count: Int { names.count }

    /// The number of `theme`, if it was added.
    func index(of theme: String) -> Int? {
        let slot = slot(of: theme, hash: Self.hash(theme))
        return slots[slot] < 0 ? nil : Int(slots[slot])
    }

    /// The number of `theme`, which is added if new (taking the next number).
    mutating func insert(_ theme: String) -> Int {
        let hash = Self.hash(theme)
        let slot = slot(of: theme, hash: hash)
        if slots[slot] >= 0 { return Int(slots[slot]) }
        names.append(theme)
        hashes.append(hash)
        slots[slot] = Int32(names.count - 1)
        if names.count * 2 > slots.count { rehash() }
        return names.count - 1
    }

    /// The slot holding `theme`, or the empty slot where it goes.
    private func slot(of theme: String, hash: UInt64) -> Int {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] >= 0 {
            let k = Int(slots[i])
            if hashes[k] == hash && names[k] == theme { break }
            i = (i + 1) & mask
        }
        return i
    }

    private mutating func rehash() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (k, hash) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: hash) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(k)
        }
    }

    private static func hash(_ theme: String) -> UInt64 {
        var theme = theme
        return theme.withUTF8 { ByteHash.hash($0) }
    }
}

/// Whether two `String` values are the same value bit for bit: the same small-string bytes, or the
/// same storage object. Such strings are equal (a shared storage object is never changed in
/// place); equal strings may still differ here, so this only ever gives a shortcut to `==`.
///
/// A document's theme ids mostly share the storage of the codebook's ids, so this finds them
/// without hashing their bytes or comparing them.
enum StringIdentity {
    static func bits(_ s: String) -> (UInt64, UInt64) { unsafeBitCast(s, to: (UInt64, UInt64).self) }

    static func same(_ a: String, _ b: String) -> Bool { bits(a) == bits(b) }
}

/// A number per string, remembered by `StringIdentity` in a small direct-mapped table: a hit costs
/// a few instructions, a miss (a string not seen, or seen in other storage) sends the caller to
/// its own lookup. Each slot keeps its string, so its storage cannot be freed and reused by
/// another string while it is remembered.
struct StringIdentityCache {
    private static let slotCount = 256
    private var strings = [String](repeating: "", count: slotCount)
    /// -1 for an empty slot.
    private var values = [Int](repeating: -1, count: slotCount)

    private static func slot(_ bits: (UInt64, UInt64)) -> Int {
        Int(truncatingIfNeeded: ((bits.0 ^ bits.1 &* 0x9E37_79B9_7F4A_7C15) &* 0xC4CE_B9FE_1A85_EC53) >> 56)
    }

    /// The number remembered for `s`, if any.
    subscript(s: String) -> Int? {
        let bits = StringIdentity.bits(s), k = Self.slot(bits)
        return values[k] >= 0 && StringIdentity.bits(strings[k]) == bits ? values[k] : nil
    }

    /// Remembers `value` (not negative) for `s`, in place of what its slot held.
    mutating func remember(_ s: String, _ value: Int) {
        let k = Self.slot(StringIdentity.bits(s))
        strings[k] = s
        values[k] = value
    }
}
