import Testing
import VerbatimCore
import VerbatimTestSupport
@testable import Codebook

/// `WordTermCache` packs words, stems and terms into cache-line slots (or side pools when they do
/// not fit): checked against a plain dictionary doing the same job, over many random operations.
@Suite struct CodebookWordTermCacheModelTests {
    /// The memo's contract, written plainly: the first insert of a word wins whatever its stem; a
    /// lookup finds the word only with that stem; an insert into a full memo empties it first.
    struct Model {
        var entries: [[UInt8]: (stem: [UInt8], flags: Int32, terms: [Int32])] = [:]
        let capacity: Int

        mutating func insert(_ word: [UInt8], stem: [UInt8], flags: Int32, terms: [Int32]) {
            if entries.count >= capacity { entries = [:] }
            if entries[word] == nil { entries[word] = (stem, flags, terms) }
        }

        func lookup(_ word: [UInt8], stem: [UInt8]) -> (flags: Int32, terms: [Int32])? {
            guard let e = entries[word], e.stem == stem else { return nil }
            return (e.flags, e.terms)
        }
    }

    func bytes(_ count: Int, _ random: inout SplitMix) -> [UInt8] { (0..<count).map { _ in UInt8(97 + random.below(3)) } }

    func run(seed: UInt64, capacity: Int, operations: Int) {
        var random = SplitMix(state: seed)
        var cache = WordTermCache(capacity: capacity)
        var model = Model(capacity: capacity)
        // A pool of words of every length from 1 to 50, half of them short enough for a slot (16 bytes),
        // each with a usual stem and sometimes another (of up to 29 bytes: too long for a slot).
        let words = (0..<300).map { _ in bytes(1 + random.below(random.below(2) == 0 ? 16 : 50), &random) }
        let stems = words.map { Array($0.prefix(max(0, $0.count - random.below(4)))) }
        for step in 0..<operations {
            let k = random.below(words.count)
            let word = words[k]
            let stem = random.below(8) == 0 ? bytes(random.below(30), &random) : stems[k]
            word.withUnsafeBufferPointer { w in
                stem.withUnsafeBufferPointer { s in
                    if random.below(3) == 0 {
                        let terms = (0..<random.below(7)).map { _ in Int32(random.below(1 << 20)) }
                        let flags = Int32(random.below(8)) << 24
                        terms.withUnsafeBufferPointer { cache.insert(w, stem: s, flags: flags, terms: $0) }
                        model.insert(word, stem: stem, flags: flags, terms: terms)
                    } else {
                        let found = cache.lookup(w, stem: s)
                        let expected = model.lookup(word, stem: stem)
                        #expect(found?.flags == expected?.flags, "seed \(seed), step \(step)")
                        #expect(found.map { Array($0.terms) } == expected?.terms, "seed \(seed), step \(step)")
                    }
                }
            }
            let count = cache.count
            #expect(count == model.entries.count, "seed \(seed), step \(step)")
        }
    }

    @Test func agreesWithADictionaryAcrossGrowthAndCollisions() {
        for seed: UInt64 in 1...4 {
            run(seed: seed, capacity: 1 << 14, operations: 6000)
        }
    }

    @Test func agreesWithADictionaryWhenItEmptiesWhenFull() {
        for seed: UInt64 in 5...8 {
            run(seed: seed, capacity: 40, operations: 4000)
        }
    }
}
