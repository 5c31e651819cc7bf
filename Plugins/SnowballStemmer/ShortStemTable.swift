import VerbatimCore

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

    /// The stem of `word` (`count` bytes), if known, and the word's entry number (entries are
    /// numbered in order of insertion, from 0 after each `removeAll`).
    @inline(__always)
    func find(_ word: ShortBytes, count: Int) -> (stem: ShortBytes, count: Int, entry: Int32)? {
        var i = Int(truncatingIfNeeded: word.hash &>> hashShift)
        while true {
            let slot = Int(slots[i])
            if slot == 0 { return nil }
            let e = entries + (slot &- 1)
            if e.pointee.word == word && Int(e.pointee.wordCount) == count {
                return (e.pointee.stem, Int(e.pointee.stemCount), Int32(truncatingIfNeeded: slot &- 1))
            }
            i = (i &+ 1) & slotMask
        }
    }

    /// Keeps `stem` (at most `ShortBytes.maxCount` bytes) for `word` (`count` bytes, not already
    /// present); returns the word's entry number.
    @discardableResult
    mutating func insert(_ word: ShortBytes, count: Int, stem: UnsafeBufferPointer<UInt8>) -> Int32 {
        precondition(count <= ShortBytes.maxCount && stem.count <= ShortBytes.maxCount)
        if self.count == slotCount / 2 { grow() }
        entries[self.count] = Entry(word: word, stem: ShortBytes(stem), wordCount: Int32(count), stemCount: Int32(stem.count))
        self.count += 1
        place(self.count - 1)
        return Int32(self.count - 1)
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
