#if canImport(Glibc)
import Glibc
#endif
import VerbatimCore

/// A bounded memo from a word (as written, and its stem) to its term ids and flags, per worker.
/// Keyed by both, so a stemmer whose stems depend on more than the word still gets it right.
struct WordTermCache {
    private struct Entry {
        var hash: Int
        var keyStart: Int32
        var wordCount: Int32
        var stemCount: Int32
        var flags: Int32
        var termStart: Int32
        var termCount: Int32
    }
    /// Per slot: the hash's top 32 bits and entry index + 1 (0: empty). Sized to the vocabulary
    /// seen so far, so it stays small enough for the CPU cache.
    private var slots = [UInt64](repeating: 0, count: 1024)
    private var mask = 1023
    private var entries: [Entry] = []
    private var keys: [UInt8] = []
    private var terms: [Int32] = []
    /// Cleared when full, which bounds memory and costs little: the vocabulary refills it quickly.
    static let capacity = 1 << 14

    /// The word's hash, seeding the stem's (`ByteHash` reads 8 bytes at a time).
    @inline(__always)
    static func hash(_ word: UnsafeBufferPointer<UInt8>, _ stem: UnsafeBufferPointer<UInt8>) -> Int {
        Int(truncatingIfNeeded: ByteHash.hash(stem, seed: ByteHash.hash(word)))
    }

    /// The entry for the word, or -1.
    @inline(__always)
    func find(hash: Int, _ word: UnsafeBufferPointer<UInt8>, _ stem: UnsafeBufferPointer<UInt8>) -> Int {
        let tag = UInt64(truncatingIfNeeded: hash) >> 32
        return slots.withUnsafeBufferPointer { slots in
            var i = hash & mask
            while true {
                let slot = slots[i]
                if slot == 0 { return -1 }
                if slot >> 32 == tag {
                    let e = Int(slot & 0xFFFF_FFFF) - 1
                    let entry = entries[e]
                    if entry.hash == hash, Int(entry.wordCount) == word.count, Int(entry.stemCount) == stem.count {
                        let same = keys.withUnsafeBufferPointer { keys in
                            let key = keys.baseAddress! + Int(entry.keyStart)
                            return (word.isEmpty || memcmp(key, word.baseAddress!, word.count) == 0)
                                && (stem.isEmpty || memcmp(key + word.count, stem.baseAddress!, stem.count) == 0)
                        }
                        if same { return e }
                    }
                }
                i = (i + 1) & mask
            }
        }
    }

    /// Appends the entry's term ids to `output` and returns its flags.
    @inline(__always)
    func read(_ e: Int, into output: inout [Int32]) -> Int32 {
        let entry = entries[e]
        if entry.termCount > 0 {
            let start = Int(entry.termStart)
            output.append(contentsOf: terms[start..<start + Int(entry.termCount)])
        }
        return entry.flags
    }

    mutating func insert(hash: Int, _ word: UnsafeBufferPointer<UInt8>, _ stem: UnsafeBufferPointer<UInt8>,
                         flags: Int32, terms entryTerms: [Int32]) {
        if entries.count >= Self.capacity {
            entries.removeAll(keepingCapacity: true)
            keys.removeAll(keepingCapacity: true)
            terms.removeAll(keepingCapacity: true)
            for i in slots.indices { slots[i] = 0 }
        }
        entries.append(Entry(hash: hash, keyStart: Int32(keys.count), wordCount: Int32(word.count),
                             stemCount: Int32(stem.count), flags: flags, termStart: Int32(terms.count),
                             termCount: Int32(entryTerms.count)))
        keys.append(contentsOf: word)
        keys.append(contentsOf: stem)
        terms.append(contentsOf: entryTerms)
        if entries.count * 2 > slots.count {
            // Grow and re-place every entry.
            slots = [UInt64](repeating: 0, count: slots.count * 2)
            mask = slots.count - 1
            for e in entries.indices { place(e) }
        } else {
            place(entries.count - 1)
        }
    }

    private mutating func place(_ e: Int) {
        let hash = entries[e].hash
        var i = hash & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = (UInt64(truncatingIfNeeded: hash) >> 32) << 32 | UInt64(e + 1)
    }
}
