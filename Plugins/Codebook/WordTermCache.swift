import VerbatimCore

/// A bounded memo from a word (as written) to its term ids and flags, per worker. Keyed by the word
/// alone, so a token costs one hash; the stem is compared on every hit, so a stemmer whose stems
/// depend on more than the word still gets it right (the normalised form follows from the word).
///
/// Nearly every token of a survey is a word seen before, so this lookup is the scan's main cost
/// per word: the table is flat memory (no array checks or closures), a probe compares a 32-bit
/// check before touching the entry, and a hit hands out the stored term ids without copying them.
struct WordTermCache: ~Copyable {
    /// What the memo knows of a word: its flags and its term ids, valid until the memo next changes.
    struct Word {
        var flags: Int32
        var terms: UnsafeBufferPointer<Int32>
    }

    // Slot and Entry are not private: Swift 6.3.1 debug builds fail to link a private type held
    // in a `ScratchBuffer` ("Global is external, but doesn't have external or weak linkage").
    struct Slot {
        /// High half of the word's hash, compared before the entry is read.
        var check: UInt32
        /// Entry index + 1; 0 is empty.
        var entry: Int32
    }
    struct Entry {
        /// As given to `insert`, so the table can grow without hashing again.
        var hash: UInt64
        /// The word's bytes, then its stem's, in `bytes`.
        var bytesStart: Int32
        var wordCount: Int32
        var stemCount: Int32
        var termStart: Int32
        var termCount: Int32
        var flags: Int32
    }
    /// At most half full, so probe runs stay short.
    private var slots = ScratchBuffer<Slot>(repeating: Slot(check: 0, entry: 0), count: 1024)
    private var entries = ScratchBuffer<Entry>(capacity: 512)
    private var bytes = ScratchBuffer<UInt8>(capacity: 8192)
    private var terms = ScratchBuffer<Int32>(capacity: 1024)
    /// Entries kept before the memo is emptied (which bounds memory; a survey's vocabulary refills
    /// it within a few thousand answers).
    let capacity: Int

    init(capacity: Int = 1 << 14) {
        self.capacity = max(1, capacity)
    }

    var count: Int { entries.count }

    /// The word's flags and term ids; nil when the word is not known with this stem.
    @inline(__always)
    func lookup(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, stem: UnsafeBufferPointer<UInt8>) -> Word? {
        let mask = slots.count - 1
        let check = UInt32(truncatingIfNeeded: hash >> 32)
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[i]
            if slot.entry == 0 { return nil }
            if slot.check == check {
                let e = entries[Int(slot.entry) - 1]
                if Int(e.wordCount) == word.count {
                    let stored = bytes.elements.baseAddress! + Int(e.bytesStart)
                    if ByteHash.equal(stored, word.baseAddress, count: word.count) {
                        // One entry per word: known with another stem is not known.
                        guard Int(e.stemCount) == stem.count,
                              ByteHash.equal(stored + word.count, stem.baseAddress, count: stem.count) else { return nil }
                        return Word(flags: e.flags, terms: UnsafeBufferPointer(
                            start: terms.elements.baseAddress! + Int(e.termStart), count: Int(e.termCount)))
                    }
                }
            }
            i = (i + 1) & mask
        }
    }

    /// Keeps the word's flags and terms, unless the word is known already (with any stem: the
    /// first stays). Empties the memo first when it is full.
    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, stem: UnsafeBufferPointer<UInt8>,
                         flags: Int32, terms entryTerms: UnsafeBufferPointer<Int32>) {
        if entries.count >= capacity { removeAll() }
        let check = UInt32(truncatingIfNeeded: hash >> 32)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i].entry != 0 {
            let e = entries[Int(slots[i].entry) - 1]
            if slots[i].check == check, Int(e.wordCount) == word.count,
               ByteHash.equal(bytes.elements.baseAddress! + Int(e.bytesStart), word.baseAddress, count: word.count) {
                return
            }
            i = (i + 1) & mask
        }
        slots[i] = Slot(check: check, entry: Int32(entries.count + 1))
        entries.append(Entry(hash: hash, bytesStart: Int32(bytes.count), wordCount: Int32(word.count), stemCount: Int32(stem.count),
                             termStart: Int32(terms.count), termCount: Int32(entryTerms.count), flags: flags))
        bytes.append(contentsOf: word)
        bytes.append(contentsOf: stem)
        terms.append(contentsOf: entryTerms)
        if entries.count * 2 > slots.count { rehash(slotCount: slots.count * 2) }
    }

    private mutating func removeAll() {
        entries.removeAll()
        bytes.removeAll()
        terms.removeAll()
        for i in 0..<slots.count { slots[i] = Slot(check: 0, entry: 0) }
    }

    /// Places every entry again in a table of `slotCount` slots (a power of two).
    private mutating func rehash(slotCount: Int) {
        slots = ScratchBuffer(repeating: Slot(check: 0, entry: 0), count: slotCount)
        let mask = slotCount - 1
        for e in 0..<entries.count {
            let hash = entries[e].hash
            var i = Int(truncatingIfNeeded: hash) & mask
            while slots[i].entry != 0 { i = (i + 1) & mask }
            slots[i] = Slot(check: UInt32(truncatingIfNeeded: hash >> 32), entry: Int32(e + 1))
        }
    }
}
