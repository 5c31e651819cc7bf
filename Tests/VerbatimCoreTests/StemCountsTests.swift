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

    /// Document frequencies overall and per theme, counted on two workers' tables through many
    /// growths of the vocabulary and of the count arrays, then folded, match dictionaries.
    @Test func tablesMatchDictionariesThroughGrowthAndFolding() {
        let names = (0..<7).map { "theme-\($0)" }
        var g = SplitMix(state: 31)
        var workers = [StemTables(), StemTables()]
        var overall: [UInt64: Int32] = [:], perTheme: [String: [UInt64: Int32]] = [:]
        let all = Self.keys(60_000, seed: 1)
        // In batches of distinct keys, as documents add them.
        for (n, start) in stride(from: 0, to: all.count, by: 40).enumerated() {
            let batch = Array(Set(all[start..<min(start + 40, all.count)]))
            let themes = Array(Set((0..<g.below(4)).map { _ in g.below(names.count) })).map { k in
                QuoteDigest.Theme(name: names[k], number: g.below(3) == 0 ? nil : k, quote: nil)
            }
            batch.withUnsafeBufferPointer { workers[n % 2].count($0, themes: themes) }
            for k in batch { overall[k, default: 0] += 1 }
            for t in themes { for k in batch { perTheme[t.name, default: [:]][k, default: 0] += 1 } }
        }
        workers[0].add(workers[1])
        let tables = workers[0]
        #expect(tables.vocabulary.count == overall.count)
        #expect(tables.documentFrequency.count == overall.count)
        #expect(overall.allSatisfy { tables.documentFrequency[$0.key] == $0.value })
        for name in names {
            let frequency = tables.themeFrequency(name), expected = perTheme[name] ?? [:]
            #expect(frequency.count == expected.count, "\(name)")
            #expect(overall.keys.allSatisfy { frequency[$0] == expected[$0] ?? 0 }, "\(name)")
        }
        #expect(tables.documentFrequency[StemKey.of("never added")] == 0)
        #expect(tables.themeFrequency("never coded")[all[0]] == 0)
    }

    /// Numbers are given in order of first use, and found again, through growth.
    @Test func vocabularyNumbersKeysInOrder() {
        var vocabulary = StemVocabulary()
        var first: [UInt64: Int] = [:]
        let all = Self.keys(30_000, seed: 2)
        for start in stride(from: 0, to: all.count, by: 25) {
            let batch = Array(Set(all[start..<min(start + 25, all.count)]))
            var numbers = [Int32](repeating: -1, count: batch.count)
            batch.withUnsafeBufferPointer { batch in numbers.withUnsafeMutableBufferPointer { vocabulary.number(batch, into: $0) } }
            for (k, key) in batch.enumerated() {
                if first[key] == nil { first[key] = first.count }
                #expect(Int(numbers[k]) == first[key])
            }
        }
        #expect(vocabulary.keys.count == first.count)
        #expect(first.allSatisfy { vocabulary.number(of: $0.key) == $0.value && vocabulary.keys[$0.value] == $0.key })
        #expect(vocabulary.insert(all[0]) == first[all[0]])
        #expect(vocabulary.insert(StemKey.of("new")) == first.count)
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
