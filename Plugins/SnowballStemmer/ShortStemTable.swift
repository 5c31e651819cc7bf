import VerbatimCore

/// 0 to 16 bytes held in two machine words, zero padded, with the count kept by the caller: a short
/// word or stem compares, hashes and copies in a few instructions instead of a loop over its bytes.
/// Nearly every word of a survey answer is this short.
struct ShortBytes: Equatable {
    static let maxCount = 16
    /// Bytes 0..<8 and 8..<16, little-endian, zero beyond the count.
    var low: UInt64
    var high: UInt64

    /// Packs `bytes` (at most `maxCount`), reading only inside them: overlapping loads rather than
    /// a byte at a time, the bytes both loads hold landing on the same bits.
    @inline(__always)
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        assert(n <= Self.maxCount)
        guard n > 0, let base = bytes.baseAddress else {
            low = 0
            high = 0
            return
        }
        let raw = UnsafeRawPointer(base)
        if n > 8 {
            low = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            // Bytes 8..<n are the top n - 8 bytes of the last eight.
            high = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &>> UInt64(8 * (16 - n))
        } else {
            low = ByteHash.tail(raw, from: 0, to: n)
            high = 0
        }
    }

    /// Writes all 16 bytes at `target` (the padding too): the caller keeps only the count it wants.
    @inline(__always)
    func store(to target: UnsafeMutableRawPointer) {
        target.storeBytes(of: low.littleEndian, as: UInt64.self)
        target.storeBytes(of: high.littleEndian, toByteOffset: 8, as: UInt64.self)
    }

    /// For a table indexed by the hash's top bits, which a multiplication makes depend on every bit
    /// below them.
    @inline(__always)
    var hash: UInt64 { (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F) }
}

/// Short words (`ShortBytes`) → their stems, for one worker: open addressing over flat memory,
/// each entry holding the word and stem themselves, so a hit is a hash, one probe, one comparison
/// and two words to copy, with no array checks, closures or reference counting. It grows until
/// the owner empties it.
struct ShortStemTable: ~Copyable {
    private struct Entry {
        var word: ShortBytes
        var stem: ShortBytes
        var wordCount: Int32
        var stemCount: Int32
    }

    /// Entry index + 1 per slot (0: empty); at most half full.
    private var slots: UnsafeMutablePointer<Int32>
    private var slotBits: Int
    /// Kept rather than derived from `slotBits` at every lookup.
    private var slotMask: Int
    private var hashShift: UInt64
    /// `slotCount / 2` of them: room for every entry the slots may hold.
    private var entries: UnsafeMutablePointer<Entry>
    private(set) var count = 0

    init() {
        slotBits = 10
        slotMask = (1 << slotBits) - 1
        hashShift = UInt64(64 - slotBits)
        slots = .allocate(capacity: 1 << slotBits)
        slots.initialize(repeating: 0, count: 1 << slotBits)
        entries = .allocate(capacity: 1 << (slotBits - 1))
    }

    deinit {
        slots.deallocate()
        entries.deallocate()
    }

    private var slotCount: Int { 1 << slotBits }

    /// The stem of `word` (`count` bytes), if known.
    @inline(__always)
    func find(_ word: ShortBytes, count: Int) -> (stem: ShortBytes, count: Int)? {
        var i = Int(truncatingIfNeeded: word.hash &>> hashShift)
        while true {
            let slot = Int(slots[i])
            if slot == 0 { return nil }
            let e = entries + (slot &- 1)
            if e.pointee.word == word && Int(e.pointee.wordCount) == count {
                return (e.pointee.stem, Int(e.pointee.stemCount))
            }
            i = (i &+ 1) & slotMask
        }
    }

    /// Keeps `stem` (at most `ShortBytes.maxCount` bytes) for `word` (`count` bytes, not already present).
    mutating func insert(_ word: ShortBytes, count: Int, stem: UnsafeBufferPointer<UInt8>) {
        precondition(count <= ShortBytes.maxCount && stem.count <= ShortBytes.maxCount)
        if self.count == slotCount / 2 { grow() }
        entries[self.count] = Entry(word: word, stem: ShortBytes(stem), wordCount: Int32(count), stemCount: Int32(stem.count))
        self.count += 1
        place(self.count - 1)
    }

    /// Forgets every entry and keeps the memory.
    mutating func removeAll() {
        count = 0
        slots.update(repeating: 0, count: slotCount)
    }

    private func place(_ entry: Int) {
        var i = Int(truncatingIfNeeded: entries[entry].word.hash &>> hashShift)
        while slots[i] != 0 { i = (i + 1) & slotMask }
        slots[i] = Int32(entry + 1)
    }

    /// Doubles the slots and the room for entries, and places every entry again.
    private mutating func grow() {
        slots.deallocate()
        slotBits += 1
        slotMask = slotCount - 1
        hashShift = UInt64(64 - slotBits)
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
        let bigger = UnsafeMutablePointer<Entry>.allocate(capacity: slotCount / 2)
        bigger.moveInitialize(from: entries, count: count)
        entries.deallocate()
        entries = bigger
        for e in 0..<count { place(e) }
    }
}
