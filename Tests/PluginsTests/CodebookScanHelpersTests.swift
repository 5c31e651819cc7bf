import Testing
import VerbatimCore
import VerbatimTestSupport
@testable import Codebook

/// The matcher's per-worker shortcuts (word memo, scratch buffers, hit filters): each
/// must give exactly what the plain computation gives.
@Suite struct CodebookScanHelpersTests {
    @Test func wordTermCacheHandsOutTheTermsOfTheWordWithItsStem() {
        var cache = WordTermCache()
        let word = Array("Funding".utf8), stem = Array("fund".utf8), otherStem = Array("funding".utf8)
        withUnalignedSlice(word, fill: 0) { w in
            withUnalignedSlice(stem, fill: 0) { s in
                let before = cache.lookup(w, stem: s)
                #expect(before == nil)
                [Int32(3), 7].withUnsafeBufferPointer { cache.insert(w, stem: s, flags: 1 << 25, terms: $0) }
                let known = cache.lookup(w, stem: s)
                #expect(known?.flags == 1 << 25)
                #expect(known.map { Array($0.terms) } == [3, 7])
            }
            withUnalignedSlice(otherStem, fill: 0) { s in
                let unknown = cache.lookup(w, stem: s)
                #expect(unknown == nil)
                // Known with another stem: the first entry stays.
                [Int32(9)].withUnsafeBufferPointer { cache.insert(w, stem: s, flags: 0, terms: $0) }
                let still = cache.lookup(w, stem: s)
                #expect(still == nil)
            }
            // The first stem is still found.
            withUnalignedSlice(stem, fill: 0) { s in
                let first = cache.lookup(w, stem: s)
                #expect(first?.flags == 1 << 25)
            }
            let count = cache.count
            #expect(count == 1)
        }
    }

    @Test func wordTermCacheKeepsEveryWordAsItGrows() {
        var cache = WordTermCache()
        let words = (0..<3000).map { Array("w\($0)".utf8) }
        func stem(_ i: Int) -> [UInt8] { Array("s\(i % 7)".utf8) }
        for (i, word) in words.enumerated() {
            withUnalignedSlice(word, fill: 0) { w in
                withUnalignedSlice(stem(i), fill: 0) { s in
                    let terms = (0..<(i % 4)).map { Int32(i * 10 + $0) }
                    terms.withUnsafeBufferPointer { cache.insert(w, stem: s, flags: Int32(i), terms: $0) }
                }
            }
        }
        let count = cache.count
        #expect(count == words.count)
        for (i, word) in words.enumerated() {
            withUnalignedSlice(word, fill: 1) { w in
                withUnalignedSlice(stem(i), fill: 1) { s in
                    let known = cache.lookup(w, stem: s)
                    #expect(known?.flags == Int32(i))
                    #expect(known.map { Array($0.terms) } == (0..<(i % 4)).map { Int32(i * 10 + $0) })
                }
            }
        }
    }

    @Test func wordTermCacheEmptiesWhenFull() {
        var cache = WordTermCache(capacity: 3)
        let stem = Array("s".utf8)
        for word in ["a", "b", "c", "d"].map({ Array($0.utf8) }) {
            withUnalignedSlice(word, fill: 0) { w in
                withUnalignedSlice(stem, fill: 0) { s in [Int32(1)].withUnsafeBufferPointer { cache.insert(w, stem: s, flags: 0, terms: $0) } }
            }
        }
        let count = cache.count
        #expect(count == 1)
        for (word, known) in [("a", false), ("c", false), ("d", true)] {
            withUnalignedSlice(Array(word.utf8), fill: 0) { w in
                withUnalignedSlice(stem, fill: 0) { s in
                    let found = cache.lookup(w, stem: s) != nil
                    #expect(found == known, "\(word)")
                }
            }
        }
    }

    @Test func scratchBufferAppendsBuffersAcrossGrowth() {
        var buffer = ScratchBuffer<Int32>(capacity: 2)
        var expected: [Int32] = []
        for n in [0, 1, 3, 10, 40] {
            let chunk = (0..<n).map { Int32(expected.count + $0) }
            chunk.withUnsafeBufferPointer { buffer.append(contentsOf: $0) }
            expected += chunk
            #expect(Array(buffer.elements) == expected)
        }
    }

    /// The insertion sort for short buffers and the standard library's for long ones must both give
    /// `Array.sort`'s order, equal keys included.
    @Test func scratchBufferSortIsTheStableSort() {
        struct Item: Equatable {
            var key: Int
            var tag: Int
        }
        var generator = SplitMix(state: 42)
        for count in [0, 1, 2, 5, ScratchBuffer<Item>.insertionSortLimit, ScratchBuffer<Item>.insertionSortLimit + 1, 300] {
            for _ in 0..<20 {
                let items = (0..<count).map { Item(key: Int.random(in: 0..<max(1, count / 3), using: &generator), tag: $0) }
                var buffer = ScratchBuffer<Item>()
                for item in items { buffer.append(item) }
                buffer.sort { $0.key < $1.key }
                #expect(Array(buffer.elements) == items.sorted { $0.key < $1.key }, "count \(count)")
            }
        }
    }

    @Test func documentHitsMayMatchNeedsAPhraseOrBothSidesOfANear() throws {
        let yaml = """
            version: 1
            themes:
              - id: t
                label: T
                rules:
                  - {id: phrase, match: budget}
                  - {id: near, match: senior NEAR/4 buy-in}
            """
        var compiler = RuleCompiler(stem: nil, namespace: nil)
        let book = try compiler.compile(CodebookParser.parse(yaml, path: "cb.yaml"))
        let phrase = try #require(book.units.firstIndex { $0.display.hasSuffix("budget") }).asInt32
        let near = try #require(book.units.firstIndex { $0.display.hasSuffix("buy-in") }).asInt32
        var hits = DocumentHits(unitCount: book.units.count)
        // (`#expect` cannot take the noncopyable `hits` itself.)
        func may(_ unit: Int32) -> Bool { hits.mayMatch(unit, book.hot) }
        _ = hits.begin()
        #expect(!may(phrase) && !may(near))
        hits.add(unit: Int(phrase), side: 0, start: 0, end: 0)
        hits.add(unit: Int(near), side: 1, start: 1, end: 1)
        #expect(may(phrase))
        #expect(!may(near), "left side only")
        hits.add(unit: Int(near), side: 1, start: 2, end: 2)
        #expect(!may(near), "left side only, twice")
        hits.add(unit: Int(near), side: 2, start: 3, end: 4)
        #expect(may(near))
        // A new document forgets the sides seen.
        _ = hits.begin()
        hits.add(unit: Int(near), side: 2, start: 0, end: 1)
        #expect(!may(near), "right side only")
    }

    /// Accepted hits are grouped by theme in id order, then by rule in codebook order.
    @Test func ruleRankFollowsThemeIdsThenRuleOrder() throws {
        let yaml = """
            version: 1
            themes:
              - id: zeta
                label: Z
                rules: [{id: z1, match: apple}, {id: z2, match: bread}]
              - id: alpha
                label: A
                rules: [{id: a1, match: cheese}, {id: a2, match: dough}]
              - id: mid
                label: M
                rules: [{id: m1, match: eggs}]
            """
        var compiler = RuleCompiler(stem: nil, namespace: nil)
        let book = try compiler.compile(CodebookParser.parse(yaml, path: "cb.yaml"))
        let ranked = book.rules.indices.sorted { book.hot.ruleRank[$0] < book.hot.ruleRank[$1] }.map { book.rules[$0].id }
        #expect(ranked == ["a1", "a2", "m1", "z1", "z2"])
        #expect(Set((0..<book.rules.count).map { book.hot.ruleRank[$0] }) == Set((0..<book.rules.count).map(Int32.init)))
    }
}

extension Int {
    fileprivate var asInt32: Int32 { Int32(self) }
}
