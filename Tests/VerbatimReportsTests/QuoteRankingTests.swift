import Testing
@testable import VerbatimCore
@testable import VerbatimReports
import VerbatimTestSupport

/// Ranking: deterministic, diverse, representative, and filtered by sentiment when asked.
@Suite struct QuoteRankingTests {
    func collector(_ documents: [Document]) -> QuoteCollector {
        let c = QuoteCollector()
        for d in documents { c.add(d) }
        return c
    }

    static let sentences = [
        "Our ⏩funding⏪ was cut because the central budget was reduced again this year, so every joint project had to stop halfway.",
        "The ⏩funding⏪ cut meant that the budget for joint projects was reduced sharply and the shared team lost two of its posts.",
        "Budget pressure reduced ⏩funding⏪ for joint projects across departments, and nobody would agree who should pay the costs.",
        "My ⏩funding⏪ request concerned the river festival parade and its brass band, which marches through the old market town.",
        "When the budget was reduced our ⏩funding⏪ for joint projects was the first thing cut, before any other area of spending.",
    ]

    func documents(_ h: StageHarness) throws -> [Document] {
        try Self.sentences.enumerated().map { k, s in try Fixtures.document(s, id: "r\(k)", harness: h) }
    }

    @Test func sameInputSameQuotes() throws {
        let h = try Fixtures.harness()
        let a = collector(try documents(h)), b = collector(try documents(h))
        #expect(a.quotes(for: "funding", count: 5) == b.quotes(for: "funding", count: 5))
        #expect(a.jsonLines(themes: ["funding"], selection: QuoteSelection(perTheme: 5))
                == b.jsonLines(themes: ["funding"], selection: QuoteSelection(perTheme: 5)))
    }

    /// The runner's workers digest answers in parallel (each counting stems on its own tables) and
    /// the collector takes the digests in input order: the quotes must be those of one serial pass.
    @Test func workerDigestsGiveTheQuotesOfOneSerialPass() throws {
        let h = try Fixtures.harness()
        let docs = try documents(h) + documents(h).map { d in
            var copy = d
            copy.response.id += "-again"
            return copy
        }
        let serial = collector(docs)
        let parallel = QuoteCollector()
        parallel.prepare(workers: 3)
        // Digested out of order, on three workers, as the runner may; consumed in input order.
        var digests: [(any DocumentDigest)?] = Array(repeating: nil, count: docs.count)
        for k in docs.indices.reversed() { digests[k] = parallel.digest(docs[k], worker: k % 3) }
        for k in docs.indices { try parallel.consume(digest: digests[k], encoded: UnsafeBufferPointer(start: nil, count: 0)) { docs[k] } }
        #expect(parallel.ranked("funding") == serial.ranked("funding"))
        #expect(parallel.ranked("funding").contains { $0.representativeness > 0 })
        #expect(parallel.jsonLines(themes: ["funding"], selection: QuoteSelection(perTheme: 5))
                == serial.jsonLines(themes: ["funding"], selection: QuoteSelection(perTheme: 5)))
    }

    /// Before each chunk the collector tells the workers which candidates cannot enter a full pool, so
    /// they skip extracting them: with a pool of 2 and rounds of 3 answers, the quotes stay those of
    /// one serial pass.
    @Test func skippedCandidatesChangeNothing() throws {
        let h = try Fixtures.harness()
        var docs: [Document] = []
        for round in 0..<4 {
            for d in try documents(h) {
                var copy = d
                copy.response.id += "-\(round)"
                docs.append(copy)
            }
        }
        let serial = QuoteCollector(keepPerTheme: 2)
        for d in docs { serial.add(d) }
        let parallel = QuoteCollector(keepPerTheme: 2)
        parallel.prepare(workers: 2)
        for start in stride(from: 0, to: docs.count, by: 3) {
            parallel.willHandOutDocuments()
            let round = Array(docs[start..<min(start + 3, docs.count)])
            let digests = round.enumerated().map { k, d in parallel.digest(d, worker: k % 2) }
            for (d, digest) in zip(round, digests) {
                try parallel.consume(digest: digest, encoded: UnsafeBufferPointer(start: nil, count: 0)) { d }
            }
        }
        #expect(parallel.ranked("funding") == serial.ranked("funding"))
        #expect(docs.suffix(5).contains { (parallel.makeDigest($0).themes.first?.quote ?? nil) == nil },
                "a full pool lets some candidates go unextracted")
        #expect(parallel.jsonLines(themes: ["funding"], selection: QuoteSelection(perTheme: 2))
                == serial.jsonLines(themes: ["funding"], selection: QuoteSelection(perTheme: 2)))
    }

    @Test func tiesGoToTheEarlierAnswer() throws {
        let h = try Fixtures.harness()
        let text = "The ⏩funding⏪ for the joint programme ran out long before the work was finished, and nobody replaced it."
        let c = collector(try (0..<4).map { try Fixtures.document(text, id: "same-\($0)", harness: h) })
        let ranked = c.ranked("funding")
        #expect(ranked.map(\.id) == ["same-0", "same-1", "same-2", "same-3"])
        #expect(Set(ranked.map(\.score)).count == 1)
        // Identical texts are near-duplicates: only the first is quoted.
        #expect(c.quotes(for: "funding", count: 4).map(\.id) == ["same-0"])
    }

    @Test func representativeAnswersRankAboveOffTopicOnes() throws {
        let ranked = collector(try documents(try Fixtures.harness())).ranked("funding")
        #expect(ranked.last?.id == "r3", "the parade answer shares no words with the others: \(ranked.map(\.id))")
        #expect(ranked.allSatisfy { (0...1).contains($0.representativeness) })
    }

    @Test func nearDuplicatesAreLeftOut() throws {
        let h = try Fixtures.harness()
        let c = collector([
            try Fixtures.document("The ⏩funding⏪ for joint working was cut in March and the team was disbanded soon after that.", id: "a", harness: h),
            try Fixtures.document("The ⏩funding⏪ for joint working was cut in April and the team was disbanded soon after that.", id: "b", harness: h),
            try Fixtures.document("Nobody could say who would pay, so the shared ⏩budget⏪ never appeared at all in the end.", id: "c", harness: h),
        ])
        let ids = c.quotes(for: "funding", count: 3).map(\.id)
        #expect(ids.count == 2)
        #expect(ids.contains("c"))
        #expect(!(ids.contains("a") && ids.contains("b")))
    }

    @Test func differentRespondentsFirst() throws {
        let h = try Fixtures.harness()
        let seven: [(key: String, value: JSONValue)] = [("respondent", .string("7"))]
        let eight: [(key: String, value: JSONValue)] = [("respondent", .string("8"))]
        let c = collector([
            try Fixtures.document("Our ⏩funding⏪ and ⏩budget⏪ and ⏩costs⏪ were all cut by the centre in the same bad year.", id: "7-Q3",
                                  metadata: seven, harness: h),
            try Fixtures.document("Nobody agreed the ⏩costs⏪, the ⏩budget⏪ or the ⏩funding⏪ rules for the shared service desk.", id: "7-Q9",
                                  metadata: seven, harness: h),
            try Fixtures.document("Money was tight.", theme: "funding", id: "8-Q3", metadata: eight, harness: h),
        ].map { d in
            var d = d
            if d.codes.isEmpty {
                d.codes = [Code(theme: "funding", score: 1, evidence: [Evidence(span: ByteSpan(start: 0, end: 5), rule: "r")])]
            }
            return d
        })
        #expect(c.quotes(for: "funding", count: 2).map(\.respondent) == ["7", "8"])
        #expect(c.quotes(for: "funding", count: 3).count == 3, "repeats are allowed once every respondent is used")
    }

    @Test func polarityAndBalance() throws {
        let h = try Fixtures.harness()
        let positive = Sentiment(label: .positive, score: 0.7), negative = Sentiment(label: .negative, score: -0.7)
        let c = collector([
            try Fixtures.document("Strong ⏩funding⏪ and a generous ⏩budget⏪ made the joint programme a real success for everyone.",
                                  id: "p1", sentiment: positive, harness: h),
            try Fixtures.document("The shared ⏩budget⏪ and pooled ⏩funding⏪ meant each department could plan the work with confidence.",
                                  id: "p2", sentiment: positive, harness: h),
            try Fixtures.document("Without ⏩funding⏪ nothing happened and the project quietly died.", id: "n1", sentiment: negative, harness: h),
        ])
        #expect(c.quotes(for: "funding", count: 5, polarity: .negative).map(\.id) == ["n1"])
        #expect(Set(c.quotes(for: "funding", count: 5, polarity: .positive).map(\.id)) == ["p1", "p2"])
        let unbalanced = c.quotes(for: "funding", count: 2)
        #expect(unbalanced.allSatisfy { $0.sentiment == positive })
        let balanced = c.quotes(for: "funding", count: 2, balanced: true)
        #expect(Set(balanced.compactMap { $0.sentiment?.label }) == [.positive, .negative])
    }

    @Test func poolIsBoundedPerThemeAndSentiment() throws {
        let h = try Fixtures.harness()
        let c = QuoteCollector(keepPerTheme: 3)
        for k in 0..<20 {
            c.add(try Fixtures.document("Answer \(k) says the ⏩funding⏪ for item \(k) was short.", id: "a\(k)", harness: h))
        }
        #expect(c.ranked("funding").count == 3)
    }

    @Test func jsonLinesContract() throws {
        let h = try Fixtures.harness()
        let c = collector([
            try Fixtures.document("Great 👩🏽‍💻 ⏩funding⏪ 🎉 across teams this year.", id: "e1", question: "Q8",
                                  sentiment: Sentiment(label: .positive, score: 0.5), harness: h),
            try Fixtures.document("نحتاج إلى ⏩ميزانية⏪ أفضل بين الإدارات", id: "e2", question: nil, harness: h),
        ])
        let lines = c.jsonLines(themes: ["funding", "missing"], selection: QuoteSelection(perTheme: 5)).split(separator: "\n")
        #expect(lines.count == 2)
        for (k, line) in lines.enumerated() {
            let value = try JSONParser.parse(String(line))
            guard case let .object(members) = value else { Issue.record("not an object"); continue }
            #expect(members.map(\.key) == ["theme", "rank", "id", "question", "text", "evidence", "sentiment"])
            #expect(value["rank"]?.doubleValue == Double(k + 1))
            let text = Array(try #require(value["text"]?.stringValue).unicodeScalars)
            for span in try #require(value["evidence"]?.arrayValue) {
                let start = Int(try #require(span["start"]?.doubleValue)), end = Int(try #require(span["end"]?.doubleValue))
                var slice = String.UnicodeScalarView()
                slice.append(contentsOf: text[start..<end])
                #expect(["funding", "ميزانية"].contains(String(slice)))
            }
        }
        let first = try JSONParser.parse(String(lines[0]))
        #expect(first["sentiment"]?["label"]?.stringValue == "positive")
        #expect(try JSONParser.parse(String(lines[1]))["sentiment"] == .null)
        #expect(try JSONParser.parse(String(lines[1]))["question"] == .null)
    }

    @Test func jaccard() {
        #expect(QuoteCollector.jaccard(["a", "b", "c"], ["b", "c", "d"]) == 0.5)
        #expect(QuoteCollector.jaccard([String](), []) == 1)
        #expect(QuoteCollector.jaccard(["a"], [String]()) == 0)
        #expect(QuoteCollector.jaccard([1, 2, 3, 4] as [Int32], [2, 4]) == 0.5)
    }
}
