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
                let mask = keys.count - 1
                for key in stems {
                    var i = Int(truncatingIfNeeded: key) & mask
                    while keys[i] != 0 && keys[i] != key { i = (i + 1) & mask }
                    if keys[i] == 0 {
                        keys[i] = key
                        added += 1
                    }
                    values[i] += 1
                }
            }
        }
        count += added
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

/// Per stem, the documents that contain it, overall and per coded theme: the rarity and
/// representativeness weights of the ranking. They are sums, so tables counted apart (one per
/// worker) add up to the same numbers whichever table saw which answer.
struct StemTables {
    var documentFrequency = StemCounts(capacity: 4096)
    /// Per theme, by its number in `themes`.
    private var themes = ThemeIndex()
    private var themeTables: [StemCounts] = []

    /// Counts one document: its distinct stem keys (in any order), overall and for each of its themes.
    mutating func count(_ stems: UnsafeBufferPointer<UInt64>, themes: [String]) {
        documentFrequency.add(stems)
        // Updated in place: taking a table out and back would copy it for every answer.
        for theme in themes { themeTables[table(theme)].add(stems) }
    }

    mutating func add(_ other: StemTables) {
        documentFrequency.add(other.documentFrequency)
        for (theme, counts) in zip(other.themes.names, other.themeTables) { themeTables[table(theme)].add(counts) }
    }

    func themeFrequency(_ theme: String) -> StemCounts { themes.index(of: theme).map { themeTables[$0] } ?? StemCounts() }

    /// The index of `theme`'s table, made if new.
    private mutating func table(_ theme: String) -> Int {
        let k = themes.insert(theme)
        if k == themeTables.count { themeTables.append(StemCounts()) }
        return k
    }
}
