/// The stems of one answer's words as `StemKey`s, hashed once per answer and shared by its stem
/// counts and every extract made of it.
///
/// It is scratch storage for one thread (a `QuoteCollector` keeps one per worker): `load` reuses
/// the buffers of the previous answer, so once they have grown an answer allocates nothing here.
/// The buffers are raw memory, written without the copy-on-write and bounds checks of `Array`:
/// this runs for every word of every answer.
final class DocumentStems {
    /// A word of two bytes or more: its byte range, and the index of its key in `keys`.
    private struct Word {
        var start: Int32
        var end: Int32
        var id: Int32
    }

    /// A slot of the "seen" set, in use when its `generation` is the current answer's.
    private struct Slot {
        var key: UInt64 = 0
        var id: Int32 = 0
        var generation: UInt32 = 0
    }

    /// The answer's words, in text order, and its distinct keys, in order of first use.
    private var words: UnsafeMutablePointer<Word>
    private var wordCount = 0
    private var distinct: UnsafeMutablePointer<UInt64>
    private var distinctCount = 0
    private var capacity = 0

    /// Open addressing, at most half full. Bumping `generation` empties it, so a new answer does
    /// not clear it slot by slot.
    private var table: UnsafeMutablePointer<Slot>
    private var tableSize = 0
    private var generation: UInt32 = 1

    /// A bit per index of `distinct`: the keys of one window.
    private var windowBits: UnsafeMutablePointer<UInt64>

    init() {
        words = .allocate(capacity: 0)
        distinct = .allocate(capacity: 0)
        table = .allocate(capacity: 0)
        windowBits = .allocate(capacity: 0)
        reserve(64)
    }

    deinit {
        words.deallocate()
        distinct.deallocate()
        table.deallocate()
        windowBits.deallocate()
    }

    /// The answer's distinct stem keys, in order of first use.
    var keys: UnsafeBufferPointer<UInt64> { UnsafeBufferPointer(start: distinct, count: distinctCount) }

    /// Takes the words of `document` (its stems; without tokens, the stand-ins of `QuoteExtractor.tokenStems`).
    func load(_ document: Document) {
        wordCount = 0
        distinctCount = 0
        if generation == .max {
            table.update(repeating: Slot(), count: tableSize)
            generation = 0
        }
        generation += 1
        if document.tokens.isEmpty {
            let words = QuoteExtractor.tokenStems(of: document)
            reserve(words.count)
            for w in words { append(Int32(w.start), Int32(w.end), StemKey.of(w.stem)) }
            return
        }
        reserve(document.tokens.count)
        document.stemPool.withUnsafeBufferPointer { stems in
            document.normalizedPool.withUnsafeBufferPointer { normalized in
                for t in document.tokens where t.kind != .punctuation && t.end > t.start {
                    let bytes = t.stemEnd > t.stemStart
                        ? UnsafeBufferPointer(rebasing: stems[Int(t.stemStart)..<Int(t.stemEnd)])
                        : UnsafeBufferPointer(rebasing: normalized[Int(t.normalizedStart)..<Int(t.normalizedEnd)])
                    if bytes.count > 1 { append(t.start, t.end, StemKey.of(bytes)) }
                }
            }
        }
    }

    /// Room for `count` words (and as many distinct keys), with the set still at most half full.
    private func reserve(_ count: Int) {
        if count > capacity {
            capacity = max(count, 2 * capacity)
            words.deallocate()
            distinct.deallocate()
            windowBits.deallocate()
            words = .allocate(capacity: capacity)
            distinct = .allocate(capacity: capacity)
            windowBits = .allocate(capacity: (capacity + 63) >> 6)
            windowBits.initialize(repeating: 0, count: (capacity + 63) >> 6)
        }
        if 2 * count > tableSize {
            table.deallocate()
            tableSize = max(256, tableSize)
            while tableSize < 2 * count { tableSize <<= 1 }
            table = .allocate(capacity: tableSize)
            table.initialize(repeating: Slot(), count: tableSize)
        }
    }

    /// Adds a word; the caller has made room.
    @inline(__always)
    private func append(_ start: Int32, _ end: Int32, _ key: UInt64) {
        let mask = tableSize - 1
        var i = Int(truncatingIfNeeded: key) & mask
        while table[i].generation == generation && table[i].key != key { i = (i + 1) & mask }
        if table[i].generation != generation {
            table[i] = Slot(key: key, id: Int32(distinctCount), generation: generation)
            (distinct + distinctCount).initialize(to: key)
            distinctCount += 1
        }
        (words + wordCount).initialize(to: Word(start: start, end: end, id: table[i].id))
        wordCount += 1
    }

    /// The distinct keys of the words inside `window` (bytes), sorted.
    func sortedKeys(in window: Range<Int>) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(distinctCount)
        let lo = Int32(window.lowerBound), hi = Int32(window.upperBound)
        for w in UnsafeBufferPointer(start: words, count: wordCount) where w.start >= lo && w.end <= hi {
            let id = Int(w.id), bit: UInt64 = 1 << UInt64(id & 63)
            if windowBits[id >> 6] & bit == 0 {
                windowBits[id >> 6] |= bit
                out.append(distinct[id])
            }
        }
        windowBits.update(repeating: 0, count: (distinctCount + 63) >> 6)
        out.withUnsafeMutableBufferPointer(Self.sort)
        return out
    }

    /// Sorts a window's keys: by insertion while there are few (the usual case: an extract is at
    /// most a few sentences), which needs no buffer, unlike `sort()`.
    private static func sort(_ keys: inout UnsafeMutableBufferPointer<UInt64>) {
        guard keys.count <= 64 else { return keys.sort() }
        for i in keys.indices.dropFirst() {
            let key = keys[i]
            var j = i
            while j > 0 && keys[j - 1] > key {
                keys[j] = keys[j - 1]
                j -= 1
            }
            keys[j] = key
        }
    }
}
