import Testing
@testable import VerbatimCore
@testable import VerbatimReports
import VerbatimTestSupport

/// Counting by index (ids remembered by string identity, grids in flat rows) gives the counts of
/// counting straight into dictionaries by id, kept here as the reference.
@Suite struct ThemeCountsFastPathTests {
    /// Those of `ThemeCountsTests`, one with an id too long to be kept in the string's bits, and
    /// one with an undeclared parent.
    static let themes = ThemeCountsTests.themes + [
        ThemeInfo(id: "trust-between-teams-and-departments", label: "Trust", parent: "people"),
        ThemeInfo(id: "café", label: "Café", parent: "undeclared-parent"),
    ]

    /// Ids as documents may give them: the declared ones, in new storage, canonically equal
    /// spellings, and ids no stage declared.
    static let codedIds = ["people", "trust", "trust-between-teams-and-departments", "finding", "café", "funding", "cafe\u{301}", "exec:extra",
                           "an-undeclared-theme-with-a-long-id"]

    /// The counts as straightforward code keeps them: a cell per theme id and question, a count per pair.
    struct Reference {
        var themes = ThemeCountsFastPathTests.themes
        var cells: [String: [String: ThemeCounts.Cell]] = [:]
        var pairs: [String: [String: Int]] = [:]

        mutating func index(of id: String) -> Int {
            if let i = themes.firstIndex(where: { $0.id == id }) { return i }
            themes.append(ThemeInfo(id: id, label: id))
            return themes.count - 1
        }

        /// Itself, then its declared ancestors.
        mutating func chain(_ i: Int) -> [Int] {
            var chain = [i], parent = ThemeCountsFastPathTests.themes.first { $0.id == themes[i].id }?.parent
            while let p = parent {
                chain.append(index(of: p))
                parent = ThemeCountsFastPathTests.themes.first { $0.id == p }?.parent
            }
            return chain
        }

        mutating func add(_ d: Document) {
            let question = d.response.question ?? ThemeCounts.noQuestion, overall = d.sentiment?.label
            var counted: [Int] = []
            for code in d.codes {
                let label = d.themeSentiment.isEmpty ? overall : d.themeSentiment[code.theme]?.label ?? overall
                let own = index(of: code.theme)
                for t in chain(own) where !counted.contains(t) {
                    counted.append(t)
                    cells[themes[t].id, default: [:]][question, default: ThemeCounts.Cell()].add(t == own ? label : overall)
                }
            }
            for a in counted { for b in counted { pairs[themes[a].id, default: [:]][themes[b].id, default: 0] += 1 } }
        }
    }

    /// A copy of `s` in storage of its own (for ids too long to be kept in the string's bits).
    static func fresh(_ s: String) -> String { String(decoding: Array(s.utf8), as: UTF8.self) }

    static func randomDocument(_ g: inout SplitMix, _ k: Int) -> Document {
        let labels: [Sentiment.Label] = [.positive, .negative, .neutral, .mixed]
        let questions: [String?] = ["Q1", "Q2", nil, "a-question-id-long-enough-for-the-heap"]
        let question = questions[g.below(questions.count)].map { g.below(2) == 0 ? fresh($0) : $0 }
        var d = Document(Response(id: "r\(k)", question: question, text: "text"))
        d.codes = (0..<g.below(5)).map { _ in
            let id = codedIds[g.below(codedIds.count)]
            return Code(theme: g.below(2) == 0 ? fresh(id) : id, score: 1, evidence: [])
        }
        d.sentiment = g.below(4) == 0 ? nil : Sentiment(label: labels[g.below(4)], score: 0)
        for _ in 0..<g.below(4) {
            let id = g.below(3) == 0 ? "not-a-theme" : codedIds[g.below(codedIds.count)]
            d.themeSentiment[g.below(2) == 0 ? fresh(id) : id] = Sentiment(label: labels[g.below(4)], score: 0)
        }
        return d
    }

    @Test func countsMatchTheDictionaryReference() {
        var g = SplitMix(state: 41)
        for _ in 0..<40 {
            let counts = ThemeCounts(themes: Self.themes), half = ThemeCounts(themes: Self.themes), rest = ThemeCounts(themes: Self.themes)
            var reference = Reference()
            let n = g.below(60)
            for k in 0..<n {
                let d = Self.randomDocument(&g, k)
                counts.add(d)
                (k < n / 2 ? half : rest).add(d)
                reference.add(d)
            }
            #expect(counts.themes.map(\.id) == reference.themes.map(\.id))
            #expect(counts.cells == reference.cells)
            #expect(counts.pairs == reference.pairs)
            for a in reference.themes {
                for b in reference.themes { #expect(counts.cooccurrence(a.id, b.id) == reference.pairs[a.id]?[b.id] ?? 0) }
            }
            half.merge(rest)
            #expect(half.cells == reference.cells)
            #expect(half.pairs == reference.pairs)
        }
    }

    /// Counted through the runner's steps (digests on two workers, out of order; consumed in input
    /// order), answers give the counts of `add`, with a breakdown too. Answers with an undeclared
    /// theme (or one with an undeclared parent) get no digest and are counted from the document.
    @Test func digestsOnWorkersCountAsAdd() throws {
        var g = SplitMix(state: 7)
        var digested = 0, fallbacks = 0
        for round in 0..<30 {
            let field = round % 2 == 0 ? nil : "grade"
            let serial = ThemeCounts(themes: Self.themes, breakdownField: field)
            let parallel = ThemeCounts(themes: Self.themes, breakdownField: field)
            parallel.prepare(workers: 2)
            let docs = (0..<g.below(40)).map { k in
                var d = Self.randomDocument(&g, k)
                if g.below(3) > 0 { d.response.metadata = [("grade", .string(["SEO", "G7", ""][g.below(3)]))] }
                return d
            }
            var digests: [(any DocumentDigest)?] = Array(repeating: nil, count: docs.count)
            for k in docs.indices.reversed() { digests[k] = parallel.digest(docs[k], worker: k % 2) }
            for k in docs.indices {
                serial.add(docs[k])
                if digests[k] == nil { fallbacks += 1 } else { digested += 1 }
                try parallel.consume(digest: digests[k], encoded: UnsafeBufferPointer(start: nil, count: 0)) { docs[k] }
            }
            #expect(parallel.themes.map(\.id) == serial.themes.map(\.id))
            #expect(parallel.cells == serial.cells)
            #expect(parallel.pairs == serial.pairs)
            #expect(parallel.answers == serial.answers)
            #expect(parallel.groupCells == serial.groupCells)
            #expect(parallel.groupAnswers == serial.groupAnswers)
        }
        #expect(digested > 100)
        #expect(fallbacks > 100)
    }
}
