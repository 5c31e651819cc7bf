/// Stems as 64-bit keys, so that counting them needs no `String` per word: `ByteHash` of the stem's
/// bytes.
/// Two different stems share a key with a chance of about n²/2⁶⁵ for a vocabulary of n stems
/// (below 10⁻⁷ for a million stems), which is below anything a count could show.
public enum StemKey {
    @inlinable
    public static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let h = ByteHash.hash(bytes)
        // 0 marks an empty slot in `StemVocabulary`.
        return h == 0 ? 1 : h
    }

    public static func of(_ text: String) -> UInt64 {
        var copy = text
        return copy.withUTF8 { of($0) }
    }
}

/// Stem keys numbered 0, 1, 2, … in the order they are first added: open addressing with linear
/// probing, kept at most half full. Counts per stem are then arrays indexed by number, so an answer
/// looks each of its stems up once, however many themes it counts them for.
/// Memory grows with the vocabulary, never with the number of documents.
struct StemVocabulary: Sendable {
    /// A key and its number side by side: a probe of a large table misses the cache once.
    private struct Slot {
        var key: UInt64 = 0
        var number: Int32 = 0
    }
    private var slots = [Slot](repeating: Slot(), count: 8192)
    /// By number.
    private(set) var keys: [UInt64] = []

    var count: Int { keys.count }

    /// The number of `key`, if it was added.
    func number(of key: UInt64) -> Int? {
        let slot = slots[Self.slot(of: key, in: slots)]
        return slot.key == key ? Int(slot.number) : nil
    }

    /// The numbers of `stems` (distinct keys) into `numbers` (as many), adding the new ones: the
    /// hot path of the quote ranking's counts, on raw buffers.
    mutating func number(_ stems: UnsafeBufferPointer<UInt64>, into numbers: UnsafeMutableBufferPointer<Int32>) {
        precondition(numbers.count == stems.count)
        if (keys.count + stems.count) * 2 > slots.count { grow(to: keys.count + stems.count) }
        // Taken out for the loop, which holds the slots.
        var keys = self.keys
        self.keys = []
        slots.withUnsafeMutableBufferPointer { slots in
            for j in stems.indices {
                let i = Self.slot(of: stems[j], in: UnsafeBufferPointer(slots))
                if slots[i].key == 0 {
                    slots[i] = Slot(key: stems[j], number: Int32(keys.count))
                    keys.append(stems[j])
                }
                numbers[j] = slots[i].number
            }
        }
        self.keys = keys
    }

    /// The number of `key`, added if new.
    mutating func insert(_ key: UInt64) -> Int {
        var found: Int32 = 0
        withUnsafePointer(to: key) { key in
            withUnsafeMutablePointer(to: &found) { found in
                number(UnsafeBufferPointer(start: key, count: 1), into: UnsafeMutableBufferPointer(start: found, count: 1))
            }
        }
        return Int(found)
    }

    /// The slot holding `key`, or the empty slot where it goes.
    @inline(__always)
    private static func slot(of key: UInt64, in slots: UnsafeBufferPointer<Slot>) -> Int {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: key) & mask
        while slots[i].key != 0 && slots[i].key != key { i = (i + 1) & mask }
        return i
    }

    private static func slot(of key: UInt64, in slots: [Slot]) -> Int {
        slots.withUnsafeBufferPointer { slot(of: key, in: $0) }
    }

    private mutating func grow(to needed: Int) {
        var size = slots.count
        while size < needed * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
        slots.withUnsafeMutableBufferPointer { slots in
            for (n, key) in keys.enumerated() {
                slots[Self.slot(of: key, in: UnsafeBufferPointer(slots))] = Slot(key: key, number: Int32(n))
            }
        }
    }
}

/// One count per stem key: a view of a `StemTables` table (0 for a stem it never counted).
struct StemFrequency {
    let vocabulary: StemVocabulary
    /// By stem number; stems numbered after the last one counted here are missing, and count 0.
    let counts: [Int32]

    subscript(key: UInt64) -> Int32 { self[number: vocabulary.number(of: key)] }

    /// The count of the stem numbered `n` in `vocabulary` (views of one table share it, so a key
    /// looked up once serves them all).
    subscript(number n: Int?) -> Int32 {
        guard let n, n < counts.count else { return 0 }
        return counts[n]
    }

    /// The stems counted at least once.
    var count: Int { counts.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }
}

/// Per stem, the documents that contain it, overall and per coded theme: the rarity and
/// representativeness weights of the ranking. They are sums, so tables counted apart (one per
/// worker) add up to the same numbers whichever table saw which answer.
struct StemTables {
    private(set) var vocabulary = StemVocabulary()
    /// Per stem number.
    private var documents: [Int32] = []
    /// Per theme (by its number in `themes`), per stem number.
    private var themes = ThemeIndex()
    private var themeDocuments: [[Int32]] = []
    /// The numbers of the answer being counted (at its start; kept to reuse).
    private var numbers: [Int32] = []

    /// Per number in the collector's themes (`QuoteDigest.Theme.number`), the index of its table
    /// here, or -1: numbers find a table without hashing the theme id, once per answer and theme.
    private var tableOfNumber: [Int] = []

    var documentFrequency: StemFrequency { StemFrequency(vocabulary: vocabulary, counts: documents) }

    func themeFrequency(_ theme: String) -> StemFrequency {
        StemFrequency(vocabulary: vocabulary, counts: themes.index(of: theme).map { themeDocuments[$0] } ?? [])
    }

    /// Counts one document: its distinct stem keys (in any order), overall and for each of its themes.
    mutating func count(_ stems: UnsafeBufferPointer<UInt64>, themes: [QuoteDigest.Theme]) {
        var numbers = self.numbers
        self.numbers = []
        defer { self.numbers = numbers }
        if numbers.count < stems.count { numbers = [Int32](repeating: 0, count: max(stems.count, 2 * numbers.count)) }
        numbers.withUnsafeMutableBufferPointer { buffer in
            let numbers = UnsafeMutableBufferPointer(rebasing: buffer[..<stems.count])
            vocabulary.number(stems, into: numbers)
            Self.add(UnsafeBufferPointer(numbers), to: &documents, vocabulary: vocabulary.count)
            // By index: a `Theme` copied out would retain its quote's every field.
            for i in themes.indices {
                let k = themes[i].number.map { table(number: $0, themes[i].name) } ?? table(themes[i].name)
                // Updated in place: taking a table out and back would copy it for every answer.
                Self.add(UnsafeBufferPointer(numbers), to: &themeDocuments[k], vocabulary: vocabulary.count)
            }
        }
    }

    /// Adds one to `counts` at each of `numbers`, first growing it to cover the vocabulary (by at
    /// least half, so that a table grows a few times, not once per new stem).
    private static func add(_ numbers: UnsafeBufferPointer<Int32>, to counts: inout [Int32], vocabulary: Int) {
        if counts.count < vocabulary {
            counts.append(contentsOf: repeatElement(0, count: max(vocabulary, counts.count + counts.count / 2) - counts.count))
        }
        counts.withUnsafeMutableBufferPointer { counts in
            for n in numbers { counts[Int(n)] += 1 }
        }
    }

    mutating func add(_ other: StemTables) {
        // Their stem numbers as ours.
        let ours = other.vocabulary.keys.map { Int32(vocabulary.insert($0)) }
        Self.add(other.documents, numberedAs: ours, to: &documents, vocabulary: vocabulary.count)
        for (theme, counts) in zip(other.themes.names, other.themeDocuments) {
            Self.add(counts, numberedAs: ours, to: &themeDocuments[table(theme)], vocabulary: vocabulary.count)
        }
    }

    /// Adds `other`, counts by other numbers, to `counts`.
    private static func add(_ other: [Int32], numberedAs ours: [Int32], to counts: inout [Int32], vocabulary: Int) {
        if counts.count < vocabulary { counts.append(contentsOf: repeatElement(0, count: vocabulary - counts.count)) }
        for (n, c) in other.enumerated() where c > 0 { counts[Int(ours[n])] += c }
    }

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
        if k == themeDocuments.count { themeDocuments.append([]) }
        return k
    }
}
