import Testing
import VerbatimCore
@testable import SnowballStemmer

/// The stemmer stage's per-worker cache: it must never change a stem or the stem pool's layout.
@Suite struct SnowballStemCacheTests {
    /// Bytes that vary with the position and the seed, zero bytes included.
    func bytes(_ count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 + 1) &* 37 &+ seed &* 101) }
    }

    func pack(_ bytes: [UInt8]) -> ShortBytes { bytes.withUnsafeBufferPointer { ShortBytes($0) } }

    /// The first `count` bytes of what `store` writes.
    func unpack(_ packed: ShortBytes, count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0xEE, count: ShortBytes.maxCount)
        out.withUnsafeMutableBytes { packed.store(to: $0.baseAddress!) }
        return Array(out.prefix(count))
    }

    @Test func shortBytesKeepEveryByteAtEveryLength() {
        for count in 0...ShortBytes.maxCount {
            for seed in [0, 1, 7] {
                let word = bytes(count, seed: seed)
                let packed = pack(word)
                #expect(unpack(packed, count: count) == word, "length \(count)")
                // Padding is zero, so equal words of one length pack equally wherever they are.
                #expect(packed == pack(Array(word)))
                #expect(unpack(packed, count: ShortBytes.maxCount).dropFirst(count).allSatisfy { $0 == 0 })
                for i in 0..<count {
                    var other = word
                    other[i] ^= 0x01
                    #expect(pack(other) != packed, "length \(count), byte \(i)")
                }
            }
        }
    }

    /// A word read from inside a larger buffer packs the same as on its own: no byte around it leaks in.
    @Test func shortBytesReadOnlyTheirOwnBytes() {
        let text = bytes(40, seed: 3)
        for count in 0...ShortBytes.maxCount {
            for offset in [0, 5, 40 - count] {
                let inside = text.withUnsafeBufferPointer { ShortBytes(UnsafeBufferPointer(rebasing: $0[offset..<offset + count])) }
                #expect(inside == pack(Array(text[offset..<offset + count])), "length \(count) at \(offset)")
            }
        }
    }

    @Test func shortTableFindsWhatItKeepsThroughGrowth() {
        var table = ShortStemTable()
        // Enough words to grow the table several times; lengths 0 to 16, some alike but for their length.
        let words = (0..<5000).map { bytes($0 % 17, seed: $0 / 17) }
        var kept: [[UInt8]: [UInt8]] = [:]
        for word in words where kept[word] == nil {
            let stem = Array(word.reversed().prefix(word.count / 2 + 1))
            kept[word] = stem
            let key = pack(word)
            #expect(table.find(key, count: word.count) == nil)
            stem.withUnsafeBufferPointer { table.insert(key, count: word.count, stem: $0) }
        }
        #expect(table.count == kept.count)
        for (word, stem) in kept {
            let hit = table.find(pack(word), count: word.count)
            #expect(hit.map { unpack($0.stem, count: $0.count) } == stem)
        }
        table.removeAll()
        #expect(table.count == 0)
        #expect(kept.keys.allSatisfy { table.find(pack($0), count: $0.count) == nil })
    }

    /// "", "a" and "a\0" pack alike but for "a"'s byte: the count tells them apart.
    @Test func shortTableComparesTheCount() {
        var table = ShortStemTable()
        [UInt8(0x78)].withUnsafeBufferPointer { table.insert(pack([0x61]), count: 1, stem: $0) }
        #expect(table.find(pack([0x61]), count: 1).map { unpack($0.stem, count: $0.count) } == [0x78])
        #expect(table.find(pack([0x61, 0]), count: 2) == nil)
        [UInt8]().withUnsafeBufferPointer { table.insert(pack([]), count: 0, stem: $0) }
        #expect(table.find(pack([]), count: 0)?.count == 0)
        #expect(table.find(pack([0]), count: 1) == nil)
    }

    /// A stand-in stemmer with stems of every kind: shorter, empty, and longer than 16 bytes.
    static func fakeStem(_ word: UnsafeBufferPointer<UInt8>, _ output: inout [UInt8]) {
        switch word.count % 4 {
        case 0: output.append(contentsOf: word.prefix(max(0, word.count - 2)))
        case 1: break
        case 2: output.append(contentsOf: word); output.append(contentsOf: word)
        default: output.append(contentsOf: word.reversed())
        }
    }

    /// Words of every length (long ones too), mixed with non-word tokens, in several answers: the
    /// pool and the token ranges are what stemming each word in turn would give, cache or no cache.
    @Test(arguments: [0, 3, 50_000])
    func stemWordsMatchesStemmingEachWord(_ capacity: Int) {
        var cache = StemCache(capacity: capacity)
        for answer in 0..<6 {
            var normalized: [UInt8] = []
            var tokens: [Token] = []
            for k in 0..<60 {
                let word = bytes((k * 7 + answer) % 23, seed: k % 9)
                let start = Int32(normalized.count)
                normalized.append(contentsOf: word)
                let kind: Token.Kind = k % 5 == 4 ? .number : .word
                tokens.append(Token(start: 0, end: 0, kind: kind, normalizedStart: start, normalizedEnd: Int32(normalized.count)))
            }
            var expectedPool: [UInt8] = []
            var expectedRanges: [Range<Int32>] = []
            for t in tokens {
                guard t.kind == .word else { expectedRanges.append(0..<0); continue }
                let start = Int32(expectedPool.count)
                normalized.withUnsafeBufferPointer {
                    Self.fakeStem(UnsafeBufferPointer(rebasing: $0[Int(t.normalizedStart)..<Int(t.normalizedEnd)]), &expectedPool)
                }
                expectedRanges.append(start..<Int32(expectedPool.count))
            }
            let pool = tokens.withUnsafeMutableBufferPointer { tokens in
                normalized.withUnsafeBufferPointer { cache.stemWords(tokens, normalized: $0, stem: Self.fakeStem) }
            }
            #expect(pool == expectedPool, "answer \(answer)")
            #expect(tokens.map { $0.stemStart..<$0.stemEnd } == expectedRanges, "answer \(answer)")
            #expect(cache.count <= capacity)
        }
    }

    /// Every word kept has a number that stands for its bytes in the cache's space: equal words get
    /// equal numbers and different words different ones, and an answer's numbers all belong to the
    /// space the cache is in after it. Words not kept (longer than 16 bytes, or with a stem that is)
    /// and other tokens have none.
    @Test(arguments: [0, 3, 40, 50_000])
    func wordNumbersStandForTheirWords(_ capacity: Int) {
        var cache = StemCache(capacity: capacity)
        #expect((cache.space == WordNumbering.none) == (capacity == 0))
        var wordOf: [UInt64: [Int32: [UInt8]]] = [:]
        var spaces: Set<UInt64> = []
        for answer in 0..<8 {
            var normalized: [UInt8] = []
            var tokens: [Token] = []
            for k in 0..<30 {
                let word = bytes((k * 5 + answer) % 21, seed: (k + answer) % 4)
                let start = Int32(normalized.count)
                normalized.append(contentsOf: word)
                let kind: Token.Kind = k % 6 == 5 ? .punctuation : .word
                // A stale number, which the cache must overwrite.
                tokens.append(Token(start: 0, end: 0, kind: kind, normalizedStart: start, normalizedEnd: Int32(normalized.count),
                                    wordNumber: 7))
            }
            _ = tokens.withUnsafeMutableBufferPointer { tokens in
                normalized.withUnsafeBufferPointer { cache.stemWords(tokens, normalized: $0, stem: Self.fakeStem) }
            }
            spaces.insert(cache.space)
            for t in tokens {
                let word = Array(normalized[Int(t.normalizedStart)..<Int(t.normalizedEnd)])
                var stem: [UInt8] = []
                word.withUnsafeBufferPointer { Self.fakeStem($0, &stem) }
                if t.kind != .word || capacity == 0 || word.count > ShortBytes.maxCount || stem.count > ShortBytes.maxCount {
                    #expect(t.wordNumber == -1, "answer \(answer), word \(word)")
                    continue
                }
                guard t.wordNumber >= 0 else { continue }  // kept only while there is room
                if let earlier = wordOf[cache.space, default: [:]][t.wordNumber] {
                    #expect(earlier == word, "number \(t.wordNumber) stands for two words")
                } else {
                    #expect(!wordOf[cache.space, default: [:]].values.contains(word), "two numbers for \(word)")
                    wordOf[cache.space, default: [:]][t.wordNumber] = word
                }
            }
        }
        // A cache too small for the next answer is emptied before it, in a new space; a large one never is.
        #expect(capacity == 3 || capacity == 40 ? spaces.count > 1 : spaces.count == 1)
        #expect(wordOf.values.reduce(0) { $0 + $1.count } > 0 || capacity == 0)
    }

    @Test func stemPoolBufferGrowsAndKeepsItsBytes() {
        var buffer = StemPoolBuffer(capacity: 16)
        var expected: [UInt8] = []
        for k in 0..<200 {
            let word = bytes(k % 17, seed: k)
            if k % 2 == 0 {
                buffer.append(pack(word), count: word.count)
            } else {
                word.withUnsafeBufferPointer { buffer.append(contentsOf: $0) }
            }
            expected += word
        }
        #expect(buffer.bytes == expected)
        buffer.removeAll()
        #expect(buffer.bytes.isEmpty)
    }
}
