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
                    if WordBytes.equal(stored, word.baseAddress, count: word.count) {
                        // One entry per word: known with another stem is not known.
                        guard Int(e.stemCount) == stem.count,
                              WordBytes.equal(stored + word.count, stem.baseAddress, count: stem.count) else { return nil }
                        return Word(flags: e.flags, terms: UnsafeBufferPointer(
                            start: terms.elements.baseAddress! + Int(e.termStart), count: Int(e.termCount)))
                    }
                }
            }
            i = (i + 1) & mask
        }
    }

    /// Appends the word's term ids to `output` and returns its flags; nil when the word is not
    /// known with this stem.
    func read(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, stem: UnsafeBufferPointer<UInt8>,
              into output: inout ScratchBuffer<Int32>) -> Int32? {
        guard let known = lookup(word, hash: hash, stem: stem) else { return nil }
        output.append(contentsOf: known.terms)
        return known.flags
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
               WordBytes.equal(bytes.elements.baseAddress! + Int(e.bytesStart), word.baseAddress, count: word.count) {
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

/// Hashing and comparing the short byte strings of words and stems, inlined into the scan: most
/// are under 16 bytes, so each costs one or two unaligned loads, not a loop or a call.
enum WordBytes {
    /// A 64-bit hash of `bytes`; every bit of both halves depends on every byte.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
        guard n > 0, let base = bytes.baseAddress else { return mix(h, 0) }
        let p = UnsafeRawPointer(base)
        if n >= 8 {
            // Whole 8-byte words, then the last 8 bytes (overlapping the previous word unless n is a multiple of 8).
            var i = 0
            while i + 8 < n {
                h = mix(h, p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            return mix(h, p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        }
        if n >= 4 {
            let low = UInt64(p.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            return mix(h, low | UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32)
        }
        return mix(h, UInt64(base[0]) | UInt64(base[n / 2]) << 8 | UInt64(base[n - 1]) << 16)
    }

    /// Whether the `count` bytes at `a` and `b` are equal (either may be nil when `count` is 0).
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>?, count n: Int) -> Bool {
        guard n > 0, let b else { return true }
        let pa = UnsafeRawPointer(a), pb = UnsafeRawPointer(b)
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                if pa.loadUnaligned(fromByteOffset: i, as: UInt64.self) != pb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                i += 8
            }
            return pa.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == pb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        // Two loads that overlap when n is not their size: together they cover every byte.
        if n >= 4 {
            return pa.loadUnaligned(fromByteOffset: 0, as: UInt32.self) == pb.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
                && pa.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == pb.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        if n >= 2 {
            return pa.loadUnaligned(fromByteOffset: 0, as: UInt16.self) == pb.loadUnaligned(fromByteOffset: 0, as: UInt16.self)
                && pa.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self) == pb.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self)
        }
        return a[0] == b[0]
    }

    @inline(__always)
    private static func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let m = (h ^ word) &* 0xC4CE_B9FE_1A85_EC53
        return m ^ (m >> 32)
    }
}
