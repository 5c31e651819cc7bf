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
        stems.withUnsafeBufferPointer { add($0) }
    }

    /// Adds one to the count of each key: the hot path of the quote ranking's counts (every answer
    /// adds its stems once overall and once per coded theme), so it works on raw buffers, with no
    /// bounds or uniqueness check per key.
    mutating func add(_ stems: UnsafeBufferPointer<UInt64>) {
        if (count + stems.count) * 2 > keys.count { grow(to: count + stems.count) }
        var added = 0
        keys.withUnsafeMutableBufferPointer { keys in
            values.withUnsafeMutableBufferPointer { values in
                for key in stems { Self.add(key, 1, keys, values, added: &added) }
            }
        }
        count += added
    }

    /// Adds `value` to `key`'s count in the raw slots, and one to `added` when `key` takes a new slot.
    @inline(__always)
    private static func add(_ key: UInt64, _ value: Int32, _ keys: UnsafeMutableBufferPointer<UInt64>,
                            _ values: UnsafeMutableBufferPointer<Int32>, added: inout Int) {
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: key) & mask
        while keys[i] != 0 && keys[i] != key { i = (i + 1) & mask }
        if keys[i] == 0 {
            keys[i] = key
            added += 1
        }
        values[i] += value
    }

    /// Adds another table's counts to this one.
    mutating func add(_ other: StemCounts) {
        if (count + other.count) * 2 > keys.count { grow(to: count + other.count) }
        addSlots(of: other)
    }

    /// Adds every used slot of `other`; the caller has made room. On raw buffers: growing rehashes
    /// every key, and early in a run the tables grow often.
    private mutating func addSlots(of other: StemCounts) {
        var added = 0
        keys.withUnsafeMutableBufferPointer { keys in
            values.withUnsafeMutableBufferPointer { values in
                other.keys.withUnsafeBufferPointer { otherKeys in
                    other.values.withUnsafeBufferPointer { otherValues in
                        for j in otherKeys.indices where otherKeys[j] != 0 {
                            Self.add(otherKeys[j], otherValues[j], keys, values, added: &added)
                        }
                    }
                }
            }
        }
        count += added
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

    private mutating func grow(to needed: Int) {
        var bigger = StemCounts(capacity: max(needed, keys.count))
        bigger.addSlots(of: self)
        self = bigger
    }
}

/// Per stem, the documents that contain it, overall and per coded theme: the rarity and
/// representativeness weights of the ranking. They are sums, so tables counted apart (one per
/// worker) add up to the same numbers whichever table saw which answer.
struct StemTables {
    var documentFrequency = StemCounts(capacity: 4096)
    /// Per theme, by its number in `themes`.
    private var themes = ThemeIndex()
    private var themeTables: [StemCounts] = []

    /// Per number in the collector's themes (`QuoteDigest.Theme.number`), the index of its table
    /// here, or -1: numbers find a table without hashing the theme id, once per answer and theme.
    private var tableOfNumber: [Int] = []

    /// Counts one document: its distinct stem keys (in any order), overall and for each of its themes.
    mutating func count(_ stems: UnsafeBufferPointer<UInt64>, themes: [QuoteDigest.Theme]) {
        documentFrequency.add(stems)
        // By index: a `Theme` copied out would retain its quote's every field.
        for i in themes.indices {
            let k = themes[i].number.map { table(number: $0, themes[i].name) } ?? table(themes[i].name)
            // Updated in place: taking a table out and back would copy it for every answer.
            themeTables[k].add(stems)
        }
    }

    mutating func add(_ other: StemTables) {
        documentFrequency.add(other.documentFrequency)
        for (theme, counts) in zip(other.themes.names, other.themeTables) { themeTables[table(theme)].add(counts) }
    }

    func themeFrequency(_ theme: String) -> StemCounts { themes.index(of: theme).map { themeTables[$0] } ?? StemCounts() }

    /// The index of the table of `theme`, numbered `number` in the collector's themes.
    private mutating func table(number: Int, _ theme: String) -> Int {
        if number < tableOfNumber.count, tableOfNumber[number] >= 0 { return tableOfNumber[number] }
        if number >= tableOfNumber.count { tableOfNumber += repeatElement(-1, count: number + 1 - tableOfNumber.count) }
        tableOfNumber[number] = table(theme)
        return tableOfNumber[number]
    }

    /// The index of `theme`'s table, made if new.
    private mutating func table(_ theme: String) -> Int {
        let k = themes.insert(theme)
        if k == themeTables.count { themeTables.append(StemCounts()) }
        return k
    }
}
