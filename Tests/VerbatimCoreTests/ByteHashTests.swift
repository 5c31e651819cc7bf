import Testing
import VerbatimTestSupport
@testable import VerbatimCore

/// `ByteHash` reads words eight bytes at a time with overlapping loads at the end; the codebook,
/// the lexicon and the quote ranking key their tables on it. Each test checks every length against
/// the plain byte-at-a-time reading.
@Suite struct ByteHashTests {
    @Test func equalAndHashSeeEveryByteAndNothingElse() {
        for length in 0...40 {
            let word = (0..<length).map { UInt8(97 + ($0 * 7) % 26) }
            withUnalignedSlice(word, fill: 0) { a in
                withUnalignedSlice(word, fill: 0xFF) { b in
                    #expect(ByteHash.equal(a.baseAddress!, b.baseAddress, count: length), "length \(length)")
                    #expect(ByteHash.equal(a, b), "length \(length)")
                    #expect(ByteHash.hash(a) == ByteHash.hash(b), "length \(length)")
                }
            }
            var hashes: Set<UInt64> = []
            withUnalignedSlice(word, fill: 0) { hashes.insert(ByteHash.hash($0)) }
            for i in 0..<length {
                var other = word
                other[i] ^= 0x20
                withUnalignedSlice(word, fill: 0) { a in
                    withUnalignedSlice(other, fill: 0) { b in
                        #expect(!ByteHash.equal(a.baseAddress!, b.baseAddress, count: length), "length \(length), byte \(i)")
                        #expect(!ByteHash.equal(a, b), "length \(length), byte \(i)")
                        hashes.insert(ByteHash.hash(b))
                    }
                }
            }
            #expect(hashes.count == length + 1, "a changed byte must change the hash (length \(length))")
            // Buffers of different lengths are never equal, even when one is the other's prefix.
            withUnalignedSlice(word, fill: 0) { a in withUnalignedSlice(word + [0], fill: 0) { b in #expect(!ByteHash.equal(a, b)) } }
        }
        // The length is part of the hash: a word and its prefix padded with the same byte differ.
        #expect(withUnalignedSlice([97, 97], fill: 97) { ByteHash.hash($0) } != withUnalignedSlice([97, 97, 97], fill: 97) { ByteHash.hash($0) })
    }

    /// The hash must give the keys of reading the bytes one at a time (stored keys and the quote
    /// ranking's order rest on them), at every length and for any seed.
    @Test func tailMatchesTheByteByByteHash() {
        // Every 8 bytes, and the last 1 to 7, read a byte at a time as a little-endian number.
        func reference(_ bytes: [UInt8], seed: UInt64) -> UInt64 {
            var h = seed ^ (UInt64(bytes.count) &* 0xFF51_AFD7_ED55_8CCD)
            for start in stride(from: 0, to: bytes.count, by: 8) {
                var word: UInt64 = 0
                for k in start..<min(start + 8, bytes.count) { word |= UInt64(bytes[k]) << (8 * UInt64(k - start)) }
                h = ByteHash.mix(h, word)
            }
            return ByteHash.finish(h)
        }
        var random = SplitMix(state: 7)
        for length in 0...40 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            for seed: UInt64 in [0x9E37_79B9_7F4A_7C15, 12345] {
                #expect(bytes.withUnsafeBufferPointer { ByteHash.hash($0, seed: seed) } == reference(bytes, seed: seed), "length \(length)")
            }
        }
    }
}
