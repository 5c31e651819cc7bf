import VerbatimCore

/// A bounded memo from a word (as written) to its term ids and flags, per worker: a `ByteKeyMemo`
/// keyed by the word, with each entry's stem and term ids in side pools emptied together with it.
/// Keyed by the word alone, so a token costs one hash; the stem is compared on every hit, so a
/// stemmer whose stems depend on more than the word still gets it right (the normalised form follows
/// from the word).
struct WordTermCache {
    private struct Entry {
        var stemStart: Int32
        var stemCount: Int32
        var termStart: Int32
        var termCount: Int32
        var flags: Int32
    }
    private var memo = ByteKeyMemo<Entry>(capacity: 1 << 14)
    private var stems: [UInt8] = []
    private var terms: [Int32] = []

    /// Appends the word's term ids to `output` and returns its flags; nil when the word is not
    /// known with this stem.
    @inline(__always)
    func read(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, stem: UnsafeBufferPointer<UInt8>,
              into output: inout ScratchBuffer<Int32>) -> Int32? {
        guard let entry = memo.find(word, hash: hash), Int(entry.stemCount) == stem.count else { return nil }
        let sameStem = stems.withUnsafeBufferPointer { stems in
            ShortBytes.equal(UnsafeBufferPointer(rebasing: stems[Int(entry.stemStart)..<Int(entry.stemStart + entry.stemCount)]), stem)
        }
        guard sameStem else { return nil }
        terms.withUnsafeBufferPointer { terms in
            for i in Int(entry.termStart)..<Int(entry.termStart + entry.termCount) { output.append(terms[i]) }
        }
        return entry.flags
    }

    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, stem: UnsafeBufferPointer<UInt8>,
                         flags: Int32, terms entryTerms: UnsafeBufferPointer<Int32>) {
        // Known with another stem: the first stays (the memo holds one entry per word).
        if memo.find(word, hash: hash) != nil { return }
        if memo.count >= memo.capacity {
            memo.removeAll()
            stems.removeAll(keepingCapacity: true)
            terms.removeAll(keepingCapacity: true)
        }
        memo.insert(word, hash: hash, value: Entry(stemStart: Int32(stems.count), stemCount: Int32(stem.count),
                                                   termStart: Int32(terms.count), termCount: Int32(entryTerms.count),
                                                   flags: flags))
        stems.append(contentsOf: stem)
        terms.append(contentsOf: entryTerms)
    }
}

/// Words are short: these read them a machine word at a time, with overlapping reads for the last
/// 1 to 8 bytes instead of a loop over them.
enum ShortBytes {
    /// A hash for the memo (any good spread will do: it is never stored or compared across runs).
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = 0x9E37_79B9_7F4A_7C15 &* UInt64(bytes.count &+ 1)
        if let base = bytes.baseAddress, !bytes.isEmpty {
            let raw = UnsafeRawPointer(base)
            var i = 0
            while bytes.count - i > 8 {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
                i += 8
            }
            h = (h ^ lastWord(raw, from: i, to: bytes.count)) &* 0xC4CE_B9FE_1A85_EC53
        }
        h ^= h >> 32
        h &*= 0xFF51_AFD7_ED55_8CCD
        return h ^ (h >> 29)
    }

    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.count
        guard n == b.count else { return false }
        guard n > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        let ra = UnsafeRawPointer(pa), rb = UnsafeRawPointer(pb)
        var i = 0
        while n - i > 8 {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        return lastWord(ra, from: i, to: n) == lastWord(rb, from: i, to: n)
    }

    /// Bytes `i..<n` (1 to 8 of them) in one word, every byte in it: two overlapping 4-byte reads
    /// from 4 bytes on, else the first, middle and last byte.
    @inline(__always)
    private static func lastWord(_ raw: UnsafeRawPointer, from i: Int, to n: Int) -> UInt64 {
        let k = n - i
        if k >= 4 {
            return UInt64(raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
        }
        return UInt64(raw.load(fromByteOffset: i, as: UInt8.self))
            | UInt64(raw.load(fromByteOffset: i + k / 2, as: UInt8.self)) << 8
            | UInt64(raw.load(fromByteOffset: n - 1, as: UInt8.self)) << 16
    }
}
