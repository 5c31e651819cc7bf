import Testing
@testable import VerbatimCore
import VerbatimTestSupport

/// The shortcuts of making a quote digest give what the straightforward versions give.
@Suite struct QuoteDigestFastPathTests {
    /// Counting by the collector's theme numbers gives the tables that counting by theme id gives,
    /// whichever answers came with numbers, and after the tables of two workers are added up.
    @Test func countingByNumberMatchesCountingById() {
        let names = (0..<12).map { "theme-\($0)-with-a-long-enough-id" }
        var g = SplitMix(state: 21)
        var byNumber = [StemTables(), StemTables()], byName = StemTables()
        for answer in 0..<600 {
            let stems = Array(Set((0..<g.below(30)).map { _ in StemKey.of("stem\(g.below(400))") }))
            let themes = Array(Set((0..<1 + g.below(4)).map { _ in g.below(names.count) })).map { k in
                // Some answers come before their theme had a number.
                QuoteDigest.Theme(name: names[k], number: g.below(5) == 0 ? nil : k, quote: nil)
            }
            let unnumbered = themes.map { QuoteDigest.Theme(name: $0.name, number: nil, quote: nil) }
            stems.withUnsafeBufferPointer { stems in
                byNumber[answer % 2].count(stems, themes: themes)
                byName.count(stems, themes: unnumbered)
            }
        }
        byNumber[0].add(byNumber[1])
        for name in names {
            let a = byNumber[0].themeFrequency(name), b = byName.themeFrequency(name)
            #expect(a.count == b.count)
            for k in 0..<400 { #expect(a[StemKey.of("stem\(k)")] == b[StemKey.of("stem\(k)")], "\(name) stem\(k)") }
        }
        for k in 0..<400 {
            #expect(byNumber[0].documentFrequency[StemKey.of("stem\(k)")] == byName.documentFrequency[StemKey.of("stem\(k)")])
        }
    }

    /// The scan of an answer's theme sentiments finds what the dictionary finds, small or large,
    /// with ids that differ only by a combining mark, or are canonically equal.
    @Test func themeSentimentMatchesTheDictionary() {
        let ids = ["funding", "fundings", "café", "cafe\u{301}", "cafe", "a", "b", "c", "d", "e", "f", "g", "h", "i"]
        var g = SplitMix(state: 22)
        for _ in 0..<300 {
            var document = Document(Response(id: "r", text: "x"))
            for _ in 0..<g.below(12) {
                document.themeSentiment[ids[g.below(ids.count)]] = Sentiment(label: .positive, score: Double(g.below(100)) / 100)
            }
            for id in ids {
                #expect(QuoteCollector.themeSentiment(of: id, in: document) == document.themeSentiment[id], "\(id)")
            }
        }
    }

    /// Eight bytes are skipped only when none of them is one `clauses` looks at: every byte value,
    /// at every position.
    @Test func clauseMarkSkipNeverSkipsAMark() {
        func isMark(_ b: UInt8) -> Bool { [0x28, 0x29, 0x2C, 0x2D, 0x3A, 0x3B].contains(b) || b >= 0x80 }
        for value in 0...255 {
            for position in 0..<8 {
                var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 8)
                bytes[position] = UInt8(value)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                if isMark(UInt8(value)) { #expect(QuoteText.mayHoldClauseMark(word), "byte \(value) at \(position)") }
            }
        }
        // Plain words and spaces are skipped.
        for text in ["abcdefgh", "the cat ", "  AZaz09", "x.y!z?w\""] {
            let word = Array(text.utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            #expect(!QuoteText.mayHoldClauseMark(word), "\(text)")
        }
    }
}

extension QuoteDigestFastPathTests {
    /// Clause cuts with the eight-byte skip are the cuts of looking at every byte, on text dense
    /// with marks, spaces, dashes and non-ASCII scalars.
    @Test func clausesWithTheSkipMatchEveryByte() {
        let pieces = ["word", " ", ", ", "; ", ": ", ") ", " (", " - ", " – ", "—", "-", "é", "👩🏽‍💻", "\u{301}", "\r\n", "a,b", "x"]
        var g = SplitMix(state: 23)
        for _ in 0..<2000 {
            let text = (0..<g.below(30)).map { _ in pieces[g.below(pieces.count)] }.joined()
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                let quoteText = QuoteText(buffer)
                let a = g.below(bytes.count + 1), b = g.below(bytes.count + 1)
                let fast = quoteText.clauses(min(a, b), max(a, b)), slow = quoteText.clauses(min(a, b), max(a, b), skipping: false)
                #expect(fast.starts == slow.starts && fast.ends == slow.ends, "\(text.debugDescription)")
            }
        }
    }
}

extension QuoteDigestFastPathTests {
    /// Pools kept in slots with a best-first order of slots give, after every answer, the floors
    /// and candidates of pools kept as sorted arrays of quotes (insert, then drop the last).
    @Test func slottedPoolsMatchSortedArrays() {
        let names = ["funding", "trust", "a-much-longer-theme-identifier", "café"]
        let labels: [Sentiment.Label?] = [.positive, .negative, .neutral, nil]
        var g = SplitMix(state: 24)
        for keep in [1, 3, 8] {
            var pools = QuotePools(keep: keep)
            var reference: [String: [[Quote]]] = [:]
            for answer in 1...400 {
                let digest = QuoteDigest()
                for name in Set((0..<g.below(4)).map { _ in names[g.below(names.count)] }) {
                    let sentiment = labels[g.below(labels.count)].map { Sentiment(label: $0, score: 0) }
                    // Few distinct scores, so that ties (broken by input order) are common.
                    let quote = g.below(5) == 0 ? nil : Quote(
                        theme: name, id: "r\(answer)", question: nil, text: "t", evidence: [], sentiment: sentiment,
                        score: Double(g.below(6)) / 4, sequence: 0)
                    digest.themes.append(QuoteDigest.Theme(name: name, number: g.below(2) == 0 ? pools.themes.index(of: name) : nil, quote: quote))
                    guard var quote else { continue }
                    quote.sequence = answer
                    let group = QuotePools.sentimentGroup(sentiment?.label)
                    var pool = reference[name, default: [[], [], []]][group]
                    let position = pool.firstIndex { QuotePools.ranksBefore(quote, $0) } ?? pool.count
                    if position < keep {
                        pool.insert(quote, at: position)
                        if pool.count > keep { pool.removeLast() }
                    }
                    reference[name, default: [[], [], []]][group] = pool
                }
                pools.keep(digest)
                for name in names {
                    #expect(pools.candidates(of: name)?.quotes == reference[name].map { Array($0.joined()) }, "\(name) after \(answer)")
                    guard let k = pools.themes.index(of: name), let groups = reference[name] else { continue }
                    for group in 0..<3 {
                        let full = groups[group].count >= keep
                        #expect(pools.floor(3 * k + group) == (full ? groups[group].last?.score : nil), "\(name) floor")
                    }
                }
            }
        }
    }

    /// A string identity cache finds only what was remembered for an equal string, and finds a
    /// string just remembered; strings of the same text in other storage may miss, never mislead.
    @Test func stringIdentityCacheNeverMisleads() {
        var g = SplitMix(state: 25)
        var cache = StringIdentityCache()
        let texts = (0..<600).map { k in k % 3 == 0 ? "q\(k)" : "theme-identifier-long-enough-for-the-heap-\(k)" }
        var value: [String: Int] = [:]
        var seen: [String] = []
        for _ in 0..<20_000 {
            let text = texts[g.below(texts.count)]
            // The same text in new storage, or a string seen before.
            let s = g.below(2) == 0 || seen.isEmpty ? String(text.utf8.map { Character(Unicode.Scalar($0)) }) : seen[g.below(seen.count)]
            if let found = cache[s] { #expect(found == value[s], "\(s)") }
            let v = value[s] ?? value.count
            value[s] = v
            cache.remember(s, v)
            #expect(cache[s] == v)
            if seen.count < 2000 { seen.append(s) }
        }
        #expect(StringIdentity.same("cafe", "cafe"))
        #expect(!StringIdentity.same("café", "cafe\u{301}"), "equal, but not the same bits")
    }
}
