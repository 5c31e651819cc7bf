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
    /// The words' starts never go down (tokens come in text order), so a window's words are one
    /// run of them, found by a binary search.
    private var startsInOrder = true

    /// Open addressing, at most half full. Bumping `generation` empties it, so a new answer does
    /// not clear it slot by slot.
    private var table: UnsafeMutablePointer<Slot>
    private var tableSize = 0
    private var generation: UInt32 = 1

    /// A bit per index of `distinct`: the keys of one window.
    private var windowBits: UnsafeMutablePointer<UInt64>
    /// The key of each numbered word (`Token.wordNumber`), or 0 for one not counted.
    private var numberedKeys = WordNumberMemo<UInt64>()

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
        if generation == .max {
            table.update(repeating: Slot(), count: tableSize)
            generation = 0
        }
        generation += 1
        if document.tokens.isEmpty {
            let words = QuoteExtractor.tokenStems(of: document)
            reserve(words.count)
            var filler = makeFiller()
            for w in words { filler.append(Int32(w.start), Int32(w.end), StemKey.of(w.stem)) }
            keep(filler)
            return
        }
        reserve(document.tokens.count)
        var filler = makeFiller()
        Self.fill(&filler, from: document, numberedKeys: &numberedKeys)
        keep(filler)
    }

    /// Adds the words of `document`'s tokens. A numbered word's key (`Token.wordNumber`) is hashed
    /// once per space and then read from `numberedKeys` (0: a one-byte word, not counted). One
    /// exclusive access to the memo for the whole answer, rather than a checked class access per word.
    private static func fill(_ filler: inout Filler, from document: Document, numberedKeys: inout WordNumberMemo<UInt64>) {
        let numbered = numberedKeys.enter(document.wordNumberSpace)
        document.tokens.withUnsafeBufferPointer { tokens in
            document.stemPool.withUnsafeBufferPointer { stems in
                document.normalizedPool.withUnsafeBufferPointer { normalized in
                    for i in tokens.indices {
                        let t = tokens[i]
                        guard t.kind != .punctuation && t.end > t.start else { continue }
                        let byNumber = numbered && t.wordNumber >= 0
                        if byNumber, let known = numberedKeys.find(t.wordNumber) {
                            if known.pointee != 0 { filler.append(t.start, t.end, known.pointee) }
                            continue
                        }
                        let stemmed = t.stemEnd > t.stemStart
                        let pool = stemmed ? stems : normalized
                        let lo = Int(stemmed ? t.stemStart : t.normalizedStart), hi = Int(stemmed ? t.stemEnd : t.normalizedEnd)
                        var key: UInt64 = 0
                        if hi - lo > 1 {
                            // Checked once here, as slicing would: the pools are read unchecked below.
                            precondition(lo >= 0 && hi <= pool.count, "token form out of its pool")
                            key = StemKey.of(UnsafeBufferPointer(start: pool.baseAddress! + lo, count: hi - lo))
                            filler.append(t.start, t.end, key)
                        }
                        if byNumber { numberedKeys.insert(t.wordNumber, key) }
                    }
                }
            }
        }
    }

    /// What `load` writes, in one local value: the compiler keeps its counts in registers, where
    /// the class's own stored properties would be read and written in memory for every word.
    private struct Filler {
        let words: UnsafeMutablePointer<Word>
        let distinct: UnsafeMutablePointer<UInt64>
        let table: UnsafeMutablePointer<Slot>
        let mask: Int
        let generation: UInt32
        var wordCount = 0
        var distinctCount = 0
        var startsInOrder = true

        /// Adds a word; `reserve` has made room.
        @inline(__always)
        mutating func append(_ start: Int32, _ end: Int32, _ key: UInt64) {
            var i = Int(truncatingIfNeeded: key) & mask
            while table[i].generation == generation && table[i].key != key { i = (i + 1) & mask }
            if table[i].generation != generation {
                table[i] = Slot(key: key, id: Int32(distinctCount), generation: generation)
                (distinct + distinctCount).initialize(to: key)
                distinctCount += 1
            }
            if wordCount > 0 && words[wordCount - 1].start > start { startsInOrder = false }
            (words + wordCount).initialize(to: Word(start: start, end: end, id: table[i].id))
            wordCount += 1
        }
    }

    /// A filler for a new answer, into the buffers (`reserve` first).
    private func makeFiller() -> Filler {
        Filler(words: words, distinct: distinct, table: table, mask: tableSize - 1, generation: generation)
    }

    /// The answer `filler` took.
    private func keep(_ filler: Filler) {
        wordCount = filler.wordCount
        distinctCount = filler.distinctCount
        startsInOrder = filler.startsInOrder
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

    /// The distinct keys of the words inside `window` (bytes), in order of first use: sorting them
    /// is left to the few that are still candidates when the quotes are ranked.
    func keys(in window: Range<Int>) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(distinctCount)
        let lo = Int32(window.lowerBound), hi = Int32(window.upperBound)
        let all = UnsafeBufferPointer(start: words, count: wordCount)
        var first = 0, last = wordCount
        if startsInOrder {
            first = firstWord(startingAtOrAfter: lo)
            // A word starting past `hi` ends past it; so do all after it.
            last = first
            while last < wordCount && all[last].start <= hi { last += 1 }
        }
        for w in all[first..<last] where w.start >= lo && w.end <= hi {
            let id = Int(w.id), bit: UInt64 = 1 << UInt64(id & 63)
            if windowBits[id >> 6] & bit == 0 {
                windowBits[id >> 6] |= bit
                out.append(distinct[id])
            }
        }
        windowBits.update(repeating: 0, count: (distinctCount + 63) >> 6)
        return out
    }

    /// The index of the first word starting at or after byte `offset` (`wordCount` if none); the
    /// starts must be in order.
    func firstWord(startingAtOrAfter offset: Int32) -> Int {
        var lo = 0, hi = wordCount
        while lo < hi {
            let mid = (lo + hi) / 2
            if words[mid].start < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
