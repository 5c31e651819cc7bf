import VerbatimCore

/// A bounded word → stem memo per worker, which also writes each answer's stem pool and numbers
/// its words (`WordNumbering`).
///
/// Words of up to 16 bytes (nearly all of them) live in a `ShortStemTable`; longer ones in a
/// `ByteKeyMemo`, their stems in a byte pool beside it. Everything is emptied together before an
/// answer that could fill it past `capacity` words, never during one, so that an answer's word
/// numbers all belong to one space. A short word whose stem is longer than 16 bytes is stemmed
/// each time.
struct StemCache: ~Copyable {
    private var short = ShortStemTable()
    private var long: ByteKeyMemo<(start: Int32, count: Int32)>
    private var longStems: [UInt8] = []
    /// A stem just made, on a miss.
    private var fresh: [UInt8] = []
    /// The current answer's stems.
    private var pool = StemPoolBuffer()
    let capacity: Int
    /// The numbering of the short words kept: a short word's number is its entry in `short`. A new
    /// space each time the memo is emptied; none without a memo.
    private(set) var space: UInt64

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        long = ByteKeyMemo(capacity: self.capacity)
        space = self.capacity > 0 ? WordNumbering.newSpace() : WordNumbering.none
    }

    /// The words kept.
    var count: Int { short.count + long.count }

    /// Stems every word token, points the token at its stem, gives it its word number in `space`
    /// (-1 for a word not kept and for every other token) and returns the stems, in token order:
    /// the answer's stem pool. `stem` appends the stem of a word to an array (called on misses).
    mutating func stemWords(
        _ tokens: UnsafeMutableBufferPointer<Token>, normalized: UnsafeBufferPointer<UInt8>,
        stem: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Void
    ) -> [UInt8] {
        pool.removeAll()
        if capacity > 0 && count + tokens.count > capacity { removeAll() }
        for i in tokens.indices {
            guard tokens[i].kind == .word else {
                tokens[i].wordNumber = -1
                continue
            }
            let word = UnsafeBufferPointer(rebasing: normalized[Int(tokens[i].normalizedStart)..<Int(tokens[i].normalizedEnd)])
            let start = Int32(pool.count)
            var number: Int32 = -1
            if word.count <= ShortBytes.maxCount {
                let key = ShortBytes(word)
                if let hit = short.find(key, count: word.count) {
                    pool.append(hit.stem, count: hit.count)
                    number = hit.entry
                } else {
                    number = stemShort(word, key: key, stem: stem)
                }
            } else {
                stemLong(word, stem: stem)
            }
            tokens[i].stemStart = start
            tokens[i].stemEnd = Int32(pool.count)
            tokens[i].wordNumber = number
        }
        return pool.bytes
    }

    /// Stems a short word and keeps it when there is room; returns its number, or -1 when not kept.
    private mutating func stemShort(_ word: UnsafeBufferPointer<UInt8>, key: ShortBytes, stem: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Void) -> Int32 {
        fresh.removeAll(keepingCapacity: true)
        stem(word, &fresh)
        return fresh.withUnsafeBufferPointer { made in
            pool.append(contentsOf: made)
            guard made.count <= ShortBytes.maxCount, hasRoom else { return -1 }
            return short.insert(key, count: word.count, stem: made)
        }
    }

    private mutating func stemLong(_ word: UnsafeBufferPointer<UInt8>, stem: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Void) {
        let hash = ByteHash.hash(word)
        if let known = long.find(word, hash: hash) {
            longStems.withUnsafeBufferPointer { pool.append(contentsOf: UnsafeBufferPointer(rebasing: $0[Int(known.start)..<Int(known.start + known.count)])) }
            return
        }
        fresh.removeAll(keepingCapacity: true)
        stem(word, &fresh)
        fresh.withUnsafeBufferPointer { pool.append(contentsOf: $0) }
        guard hasRoom else { return }
        long.insert(word, hash: hash, value: (Int32(longStems.count), Int32(fresh.count)))
        longStems.append(contentsOf: fresh)
    }

    /// Whether one more word may be kept. (An answer with more words than `capacity` keeps the
    /// first ones.)
    private var hasRoom: Bool { count < capacity }

    /// Forgets every word, in a new numbering.
    private mutating func removeAll() {
        short.removeAll()
        long.removeAll()
        longStems.removeAll(keepingCapacity: true)
        space = WordNumbering.newSpace()
    }
}

/// One answer's stems as they are written: raw memory, reused from answer to answer, always with
/// room for a whole `ShortBytes` past the end, so a cached stem is two stores and no array checks.
struct StemPoolBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 4096) {
        self.capacity = max(capacity, ShortBytes.maxCount)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    mutating func removeAll() { count = 0 }

    /// Appends the first `count` bytes of `bytes`.
    @inline(__always)
    mutating func append(_ bytes: ShortBytes, count: Int) {
        if self.count + ShortBytes.maxCount > capacity { grow(to: self.count + ShortBytes.maxCount) }
        bytes.store(to: UnsafeMutableRawPointer(base + self.count))
        self.count += count
    }

    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        if let source = bytes.baseAddress { (base + count).update(from: source, count: bytes.count) }
        count += bytes.count
    }

    /// A copy of the bytes written.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    private mutating func grow(to needed: Int) {
        var size = capacity
        while size < needed { size *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        bigger.initialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = size
    }
}
