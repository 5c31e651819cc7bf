import Testing
@testable import VerbatimCore
@testable import VerbatimReports
import VerbatimTestSupport

/// The byte-level fast paths of quote extraction, choice and Markdown output give exactly what the
/// straightforward versions (kept here as references) give.
@Suite struct QuoteFastPathTests {

    /// Pieces that stress the grapheme rules around markup characters: combining marks, a prepended
    /// scalar (U+0600), a spacing mark (U+0903), ZWJ, U+1FEF (canonically "`"), CR LF, emoji.
    static let pieces = [
        "a", "Z", " ", "*", "_", "`", "[", "]", "#", "|", "~", "\\", "<", ">", "&", "\n", "\r", "\r\n", "\u{301}", "\u{600}",
        "\u{903}", "\u{200D}", "\u{1FEF}", "é", "…", "👩🏽‍💻", "ß", "“", "word",
    ]

    static func randomText(_ g: inout SplitMix, length: Int) -> String {
        (0..<length).map { _ in pieces[Int(g.next() % UInt64(pieces.count))] }.joined()
    }

    @Test func escapeMatchesTheCharacterByCharacterEscape() {
        for s in ["*\u{301}", "\u{600}*", "x\u{1FEF}y", "a\r\nb", "\r\r\n\n", "<&>", "\u{1FEF}", "", "plain text", "é*é"] {
            #expect(MarkdownText.escape(s) == MarkdownText.escapeByCharacter(s), "\(s.debugDescription)")
        }
        var g = SplitMix(state: 1)
        for _ in 0..<3000 {
            let s = Self.randomText(&g, length: Int(g.next() % 12))
            #expect(MarkdownText.escape(s) == MarkdownText.escapeByCharacter(s), "\(s.debugDescription)")
        }
    }

    /// The highlight as it was: pieces of the scalar array, each escaped as a string of its own.
    static func referenceHighlight(_ text: String, spans: [Range<Int>]) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = "", pos = 0
        func piece(_ a: Int, _ b: Int) -> String {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[max(0, a)..<min(b, scalars.count)])
            return MarkdownText.escapeByCharacter(String(s))
        }
        for r in MarkdownText.mergedSpans(spans) where r.lowerBound >= pos && r.upperBound <= scalars.count {
            out += piece(pos, r.lowerBound) + "**" + piece(r.lowerBound, r.upperBound) + "**"
            pos = r.upperBound
        }
        return out + piece(pos, scalars.count)
    }

    @Test func highlightMatchesTheScalarPieceHighlight() {
        #expect(MarkdownText.highlight("a*\u{301}b", spans: [1..<2]) == Self.referenceHighlight("a*\u{301}b", spans: [1..<2]))
        var g = SplitMix(state: 2)
        for _ in 0..<2000 {
            let s = Self.randomText(&g, length: Int(g.next() % 10))
            let n = s.unicodeScalars.count + 2
            let spans = (0..<Int(g.next() % 4)).map { _ -> Range<Int> in
                let a = Int(g.next() % UInt64(n)), b = Int(g.next() % UInt64(n))
                return min(a, b)..<max(a, b)
            }
            #expect(MarkdownText.highlight(s, spans: spans) == Self.referenceHighlight(s, spans: spans), "\(s.debugDescription) \(spans)")
        }
    }

    @Test func scalarCountsAndASCIIAndLetters() {
        var g = SplitMix(state: 3)
        for _ in 0..<500 {
            let s = Self.randomText(&g, length: Int(g.next() % 40))
            let bytes = Array(s.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                #expect(UTF8Scan.scalarCount(buffer) == s.unicodeScalars.count)
                #expect(UTF8Scan.isASCII(buffer) == bytes.allSatisfy { $0 < 0x80 })
                let text = QuoteText(buffer)
                let a = Int(g.next() % UInt64(bytes.count + 1)), b = Int(g.next() % UInt64(bytes.count + 1))
                let range = min(a, b)..<max(a, b)
                #expect(text.scalarCount(range) == bytes[range].filter { $0 & 0xC0 != 0x80 }.count)
            }
        }
        // Every byte value, at every position of a word of 8.
        var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 19)
        for value in 0...255 {
            for position in bytes.indices {
                bytes[position] = UInt8(value)
                let expected = bytes.filter { ($0 | 0x20) &- 0x61 < 26 || $0 >= 0xC0 }.count
                #expect(bytes.withUnsafeBufferPointer(QuoteExtractor.letterCount) == expected)
                bytes[position] = UInt8(ascii: "x")
            }
        }
    }

    @Test func dependentOpenersAreFoundWithoutAHash() {
        for opener in QuoteExtractor.dependentOpeners {
            #expect(QuoteExtractor.isDependentOpener(QuoteExtractor.wordKey(ArraySlice(opener.utf8))), "\(opener)")
        }
        for word in ["its", "the", "thus", "a", "yesterday", "an"] {
            #expect(!QuoteExtractor.isDependentOpener(QuoteExtractor.wordKey(ArraySlice(word.utf8))), "\(word)")
        }
        let readable = QuoteExtractor.readability(body: "It was fine.", trimmedStart: false, trimmedEnd: false, wholeAnswer: true, limit: 280)
        let plain = QuoteExtractor.readability(body: "We was fine.", trimmedStart: false, trimmedEnd: false, wholeAnswer: true, limit: 280)
        #expect(readable < plain, "a dependent opener costs readability")
    }

    /// The distinct stem keys of every window of an answer, with its words in text order and shuffled,
    /// and again once the words' keys are known by their word numbers (one-byte words included,
    /// which are not counted).
    @Test(arguments: [1, 2])
    func windowStemKeysMatchAFullScan(loads: Int) throws {
        let document = try Fixtures.document(
            "The ⏩funding⏪ was cut, and the funding team (what remained of it) moved — again — to another building. Budgets fell. I had a plan.")
        #expect(document.wordNumberSpace != WordNumbering.none)
        let words = QuoteExtractor.tokenStems(of: document)
        func expected(_ window: Range<Int>) -> [UInt64] {
            Set(words.filter { $0.start >= window.lowerBound && $0.end <= window.upperBound }.map { StemKey.of($0.stem) }).sorted()
        }
        let stems = DocumentStems()
        var shuffled = document
        var g = SplitMix(state: 4)
        shuffled.tokens.shuffle(using: &g)
        let unordered = DocumentStems()
        for _ in 0..<loads {
            stems.load(document)
            unordered.load(shuffled)
        }
        let bounds = [0] + words.flatMap { [$0.start, $0.end, $0.start + 1] } + [document.utf8.count]
        for a in bounds {
            for b in bounds where b >= a {
                let keys = stems.keys(in: a..<b), unorderedKeys = unordered.keys(in: a..<b)
                #expect(keys.sorted() == expected(a..<b), "\(a)..<\(b)")
                #expect(unorderedKeys.sorted() == expected(a..<b), "\(a)..<\(b), shuffled")
                #expect(Set(keys).count == keys.count && Set(unorderedKeys).count == unorderedKeys.count, "distinct")
            }
        }
    }

    @Test func evidenceOutOfOrderGivesTheSameQuote() throws {
        let document = try Fixtures.document("Intro here. The ⏩budget⏪ was small. Nobody helped. So the ⏩funding⏪ stopped. The end.")
        var reversed = document.codes[0]
        reversed.evidence.reverse()
        let sorted = try #require(QuoteExtractor.extract(code: document.codes[0], from: document, maxCharacters: 280, sequence: 1))
        let unsorted = try #require(QuoteExtractor.extract(code: reversed, from: document, maxCharacters: 280, sequence: 1))
        #expect(sorted.text == unsorted.text)
        #expect(Set(sorted.evidence) == Set(unsorted.evidence))
        #expect(sorted.text == "The budget was small. Nobody helped. So the funding stopped.")
    }

    static func randomQuotes(_ g: inout SplitMix, count: Int) -> [Quote] {
        let labels: [Sentiment.Label?] = [.positive, .negative, .neutral, nil]
        return (0..<count).map { k in
            var q = Quote(theme: "t", id: "r\(k)", question: nil, text: "text \(g.next() % 6)", evidence: [],
                          sentiment: labels[Int(g.next() % 4)].map { Sentiment(label: $0, score: 0) },
                          score: Double(g.next() % 5) / 4, sequence: Int(g.next() % 8))
            q.respondent = "p\(g.next() % 5)"
            q.stemKeys = Array(Set((0..<Int(g.next() % 6)).map { _ in g.next() % 9 })).sorted()
            return q
        }
    }

    @Test func rankingMovesIndicesButKeepsTheOrderOfASort() {
        var g = SplitMix(state: 5)
        for _ in 0..<200 {
            let quotes = Self.randomQuotes(&g, count: Int(g.next() % 30))
            #expect(QuotePools.ranked(quotes) == quotes.sorted(by: QuotePools.ranksBefore))
        }
    }

    /// The choice as it was: every candidate compared with every chosen quote, each round.
    static func referenceChoice(_ count: Int, from ranked: [Quote], balanced: Bool) -> [Quote] {
        var candidates = ranked, chosen: [Quote] = [], respondents = Set<String>(), perGroup = [0, 0, 0]
        for allowRepeats in [false, true] {
            while chosen.count < count {
                var best: (index: Int, group: Int, value: Double)?
                for (i, q) in candidates.enumerated() {
                    if !allowRepeats, respondents.contains(q.respondent) { continue }
                    var similarity = 0.0
                    for c in chosen { similarity = max(similarity, QuoteCollector.jaccard(q.stemKeys, c.stemKeys)) }
                    if similarity >= QuoteCollector.nearDuplicate || chosen.contains(where: { $0.text == q.text }) { continue }
                    let group = QuotePools.sentimentGroup(q.sentiment?.label)
                    let value = q.score - 0.5 * similarity
                    if let b = best {
                        let used = balanced ? perGroup[group] : 0, bestUsed = balanced ? perGroup[b.group] : 0
                        if used != bestUsed {
                            if used > bestUsed { continue }
                        } else if value < b.value || (value == b.value && q.sequence >= candidates[b.index].sequence) {
                            continue
                        }
                    }
                    best = (i, group, value)
                }
                guard let b = best else { break }
                var q = candidates.remove(at: b.index)
                q.score = b.value
                respondents.insert(q.respondent)
                perGroup[b.group] += 1
                chosen.append(q)
            }
        }
        return chosen
    }

    @Test func incrementalChoiceMatchesTheFullComparison() {
        var g = SplitMix(state: 6)
        for _ in 0..<300 {
            let ranked = QuotePools.ranked(Self.randomQuotes(&g, count: Int(g.next() % 25)))
            for count in [1, 3, 7] {
                for balanced in [false, true] {
                    #expect(QuoteCollector.choose(count, from: ranked, balanced: balanced)
                            == Self.referenceChoice(count, from: ranked, balanced: balanced))
                }
            }
        }
    }

    /// Chosen quotes are remembered for the report, and forgotten when an answer comes in.
    @Test func rememberedChoicesFollowNewAnswers() throws {
        let h = try Fixtures.harness()
        let c = QuoteCollector()
        c.add(try Fixtures.document("The ⏩funding⏪ was cut in March and nobody could say why it happened.", id: "a", harness: h))
        #expect(c.quotes(for: "funding", count: 3).map(\.id) == ["a"])
        #expect(c.quotes(for: "funding", count: 3).map(\.id) == ["a"])
        c.add(try Fixtures.document("Our ⏩funding⏪ for the shared service desk ran out before the summer.", id: "b", harness: h))
        #expect(Set(c.quotes(for: "funding", count: 3).map(\.id)) == ["a", "b"])
        // Through the runner's steps: digests on a worker, then consumed.
        c.prepare(workers: 1)
        let d = try Fixtures.document("Cross-team ⏩funding⏪ never arrived, so the pilot was cancelled.", id: "c", harness: h)
        try c.consume(digest: c.digest(d, worker: 0), encoded: UnsafeBufferPointer(start: nil, count: 0)) { d }
        #expect(Set(c.quotes(for: "funding", count: 3).map(\.id)) == ["a", "b", "c"])
        #expect(c.quotes(for: "funding", count: 1).count == 1)
    }
}
