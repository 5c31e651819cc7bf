import Testing
@testable import VerbatimCore
import VerbatimTestSupport

/// Stem keys and the tables that count them: the quote ranking's document frequencies rest on them.
@Suite struct StemCountsTests {
    /// A deterministic stream of keys with many repeats (a small "vocabulary" of 3,000 keys).
    static func keys(_ n: Int, seed: UInt64) -> [UInt64] {
        var state = seed
        return (0..<n).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return StemKey.of(String((state >> 33) % 3000))
        }
    }

    @Test func countsMatchADictionaryThroughGrowth() {
        var table = StemCounts(capacity: 4)
        var reference: [UInt64: Int32] = [:]
        let all = Self.keys(20_000, seed: 1)
        // In batches of distinct keys, as documents add them.
        for start in stride(from: 0, to: all.count, by: 40) {
            let batch = Array(Set(all[start..<min(start + 40, all.count)])).sorted()
            table.add(batch)
            for k in batch { reference[k, default: 0] += 1 }
        }
        #expect(table.count == reference.count)
        #expect(reference.allSatisfy { table[$0.key] == $0.value })
        #expect(table[StemKey.of("never added")] == 0)
    }

    @Test func mergedTablesEqualOneTable() {
        let a = Self.keys(5_000, seed: 2), b = Self.keys(7_000, seed: 3)
        var left = StemCounts(), right = StemCounts(), both = StemCounts()
        for k in a { left.add([k]); both.add([k]) }
        for k in b { right.add([k]); both.add([k]) }
        left.add(right)
        #expect(left.count == both.count)
        for k in a + b { #expect(left[k] == both[k]) }
    }

    /// `ByteHash` reads the last bytes in two overlapping loads: it must give the keys of reading
    /// them one at a time (stored keys and the quote ranking's order rest on them), at every length.
    @Test func byteHashTailMatchesTheByteByByteHash() {
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
        var state: UInt64 = 7
        for length in 0...40 {
            let bytes = (0..<length).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 56)
            }
            for seed: UInt64 in [0x9E37_79B9_7F4A_7C15, 12345] {
                #expect(bytes.withUnsafeBufferPointer { ByteHash.hash($0, seed: seed) } == reference(bytes, seed: seed), "length \(length)")
            }
        }
    }

    /// Every distinct stem of Snowball's English vocabulary gets its own key, and none is 0 (the
    /// empty-slot mark): a weak hash (by length, or of the first bytes only) would collide here.
    @Test func snowballStemsGetDistinctKeys() throws {
        let path = TestPaths.shared + "/benchmarks/snowball-english/output.txt"
        let stems = Set(try FileIO.readText(path: path).split(whereSeparator: \.isNewline).map(String.init))
        #expect(stems.count > 20_000)
        let keys = Set(stems.map { StemKey.of($0) })
        #expect(keys.count == stems.count)
        #expect(!keys.contains(0))
    }
}
