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
