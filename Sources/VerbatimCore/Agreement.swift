/// Agreement between a human coding (the gold standard) and an automatic one: per-theme precision,
/// recall, F1 and Cohen's kappa, micro and macro averages, Krippendorff's alpha over every
/// response × theme decision, and sentiment accuracy, macro-F1 and kappa.

/// One line of a gold file: `{"id", "question"?, "themes": [...], "sentiment"?}`.
public struct GoldRecord: Sendable, Equatable {
    public var id: String
    public var question: String?
    public var themes: Set<String>
    public var sentiment: Sentiment.Label?
    /// Where the line is, for messages.
    public var location: SourceLocation

    public init(id: String, question: String? = nil, themes: Set<String>, sentiment: Sentiment.Label? = nil,
                location: SourceLocation = SourceLocation(file: "<memory>", line: 1)) {
        self.id = id
        self.question = question
        self.themes = themes
        self.sentiment = sentiment
        self.location = location
    }

    /// Reads a gold JSON Lines file; blank lines are skipped, anything malformed is an error at file:line.
    public static func load(path: String) throws(VerbatimError) -> [GoldRecord] {
        try parse(FileIO.readText(path: path), path: path)
    }

    public static func parse(_ text: String, path: String) throws(VerbatimError) -> [GoldRecord] {
        var records: [GoldRecord] = []
        var seen: [String: Int] = [:]
        // "\r\n" is one Character in Swift, so both line ends are listed.
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let lineNumber = index + 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
            if trimmed.isEmpty { continue }
            func bad(_ message: String, column: Int? = nil, hint: String? = nil) -> VerbatimError {
                .invalidFile(message: message, hint: hint, at: SourceLocation(file: path, line: lineNumber, column: column))
            }
            let value: JSONValue
            do { value = try JSONParser.parse(String(line)) } catch {
                throw bad("not valid JSON: \(error.message)", column: error.offset + 1,
                          hint: "each line must be one JSON object, e.g. {\"id\": \"Q3-002\", \"themes\": [\"leadership\"]}")
            }
            guard case .object = value else { throw bad("expected a JSON object with \"id\" and \"themes\"") }
            guard let id = value["id"]?.scalarText, !id.isEmpty else {
                throw bad("the record has no \"id\"", hint: "every gold line needs the id of the answer it codes")
            }
            if let first = seen[id] { throw bad("id '\(id)' appears twice (first on line \(first))") }
            seen[id] = lineNumber
            guard let list = value["themes"]?.arrayValue else {
                throw bad("\"themes\" must be a list of theme ids (it may be empty)", hint: "write \"themes\": [] for an answer with no theme")
            }
            var themes = Set<String>()
            for item in list {
                guard let theme = item.stringValue else { throw bad("\"themes\" must hold only strings") }
                themes.insert(theme)
            }
            var sentiment: Sentiment.Label?
            if let s = value["sentiment"], s != .null {
                let raw = s.stringValue ?? s["label"]?.stringValue ?? ""
                guard let label = Sentiment.Label(rawValue: raw) else {
                    throw bad("unknown sentiment '\(raw)'", hint: "use one of: positive, negative, neutral, mixed")
                }
                sentiment = label
            }
            records.append(GoldRecord(id: id, question: value["question"]?.stringValue, themes: themes, sentiment: sentiment,
                                      location: SourceLocation(file: path, line: lineNumber)))
        }
        return records
    }
}

/// What the automatic coding said about one response.
public struct PredictedCoding: Sendable, Equatable {
    public var themes: Set<String>
    public var sentiment: Sentiment.Label?
    public init(themes: Set<String>, sentiment: Sentiment.Label? = nil) {
        self.themes = themes
        self.sentiment = sentiment
    }
}

/// A 2 × 2 table of one binary decision (gold yes/no against predicted yes/no).
public struct BinaryCounts: Sendable, Equatable {
    public var truePositives = 0
    public var falsePositives = 0
    public var falseNegatives = 0
    public var trueNegatives = 0

    public init(truePositives: Int = 0, falsePositives: Int = 0, falseNegatives: Int = 0, trueNegatives: Int = 0) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
        self.trueNegatives = trueNegatives
    }

    public mutating func add(gold: Bool, predicted: Bool) {
        switch (gold, predicted) {
        case (true, true): truePositives += 1
        case (false, true): falsePositives += 1
        case (true, false): falseNegatives += 1
        case (false, false): trueNegatives += 1
        }
    }

    public static func + (a: BinaryCounts, b: BinaryCounts) -> BinaryCounts {
        BinaryCounts(truePositives: a.truePositives + b.truePositives, falsePositives: a.falsePositives + b.falsePositives,
                     falseNegatives: a.falseNegatives + b.falseNegatives, trueNegatives: a.trueNegatives + b.trueNegatives)
    }

    public var total: Int { truePositives + falsePositives + falseNegatives + trueNegatives }
    /// Gold positives.
    public var support: Int { truePositives + falseNegatives }
    public var predicted: Int { truePositives + falsePositives }
    /// Whether the theme occurs at all, in the gold or the prediction.
    public var isActive: Bool { support + predicted > 0 }

    /// 0 when nothing was predicted (no correct prediction was made).
    public var precision: Double { predicted == 0 ? 0 : Double(truePositives) / Double(predicted) }
    /// 0 when the gold has no positive.
    public var recall: Double { support == 0 ? 0 : Double(truePositives) / Double(support) }
    public var f1: Double {
        let denominator = 2 * truePositives + falsePositives + falseNegatives
        return denominator == 0 ? 0 : Double(2 * truePositives) / Double(denominator)
    }
    /// Cohen's kappa of the 2 × 2 table; nil when chance agreement is total (both sides constant).
    public var kappa: Double? {
        Agreement.cohensKappa([[truePositives, falseNegatives], [falsePositives, trueNegatives]])
    }
}

/// Sentiment agreement over the responses that have a gold sentiment.
public struct SentimentAgreement: Sendable, Equatable {
    /// Labels in the order of `confusion`'s rows (gold) and columns (predicted).
    public var labels: [Sentiment.Label]
    public var confusion: [[Int]]
    public var count: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }

    public var accuracy: Double {
        guard count > 0 else { return 0 }
        return Double(labels.indices.reduce(0) { $0 + confusion[$1][$1] }) / Double(count)
    }

    /// Mean F1 over the labels that occur in the gold or the prediction.
    public var macroF1: Double {
        var f1s: [Double] = []
        for i in labels.indices {
            let tp = confusion[i][i]
            let gold = confusion[i].reduce(0, +)
            let predicted = labels.indices.reduce(0) { $0 + confusion[$1][i] }
            guard gold + predicted > 0 else { continue }
            f1s.append(Double(2 * tp) / Double(gold + predicted))
        }
        return f1s.isEmpty ? 0 : f1s.reduce(0, +) / Double(f1s.count)
    }

    public var kappa: Double? { Agreement.cohensKappa(confusion) }
}

/// The full comparison.
public struct AgreementReport: Sendable, Equatable {
    /// Per theme, in the order given (then any theme only the gold or the prediction used, sorted).
    public var themes: [(theme: String, counts: BinaryCounts)]
    /// Number of responses compared.
    public var responses: Int

    public static func == (a: AgreementReport, b: AgreementReport) -> Bool {
        a.responses == b.responses && a.themes.map(\.theme) == b.themes.map(\.theme) && a.themes.map(\.counts) == b.themes.map(\.counts)
            && a.sentiment == b.sentiment
    }

    public var sentiment: SentimentAgreement?

    /// All themes' tables summed.
    public var micro: BinaryCounts { themes.reduce(BinaryCounts()) { $0 + $1.counts } }

    private var active: [BinaryCounts] { themes.map(\.counts).filter(\.isActive) }
    /// Means over the themes that occur in the gold or the prediction.
    public var macroPrecision: Double { mean(active.map(\.precision)) }
    public var macroRecall: Double { mean(active.map(\.recall)) }
    public var macroF1: Double { mean(active.map(\.f1)) }

    /// Krippendorff's alpha (nominal) over every response × theme yes/no decision, the two codings as
    /// two coders with no missing values.
    public var alpha: Double? {
        let m = micro
        return Agreement.krippendorffAlphaBinary(agreeingYes: m.truePositives, agreeingNo: m.trueNegatives,
                                                 disagreeing: m.falsePositives + m.falseNegatives)
    }

    private func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
}

public enum Agreement {
    /// Compares `predicted` with `gold` on the gold's responses. `themes` lists the themes to report
    /// (e.g. every theme the codebook declares), so a theme nobody used still shows as a row.
    /// Every gold id must have a prediction; the caller checks that first.
    public static func compare(gold: [GoldRecord], predicted: [String: PredictedCoding], themes: [String] = []) -> AgreementReport {
        var order = themes
        var known = Set(themes)
        var extra = Set<String>()
        for g in gold {
            for t in g.themes.union(predicted[g.id]?.themes ?? []) where !known.contains(t) { extra.insert(t) }
        }
        order += extra.sorted()
        known.formUnion(extra)
        var counts = [String: BinaryCounts]()
        var labels: [Sentiment.Label] = Sentiment.Label.allCases
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
        var anySentiment = false
        for g in gold {
            let p = predicted[g.id] ?? PredictedCoding(themes: [])
            for t in order { counts[t, default: BinaryCounts()].add(gold: g.themes.contains(t), predicted: p.themes.contains(t)) }
            if let gs = g.sentiment, let ps = p.sentiment {
                anySentiment = true
                confusion[labels.firstIndex(of: gs)!][labels.firstIndex(of: ps)!] += 1
            }
        }
        if !anySentiment { labels = [] }
        return AgreementReport(themes: order.map { ($0, counts[$0] ?? BinaryCounts()) }, responses: gold.count,
                               sentiment: anySentiment ? SentimentAgreement(labels: labels, confusion: confusion) : nil)
    }

    /// Cohen's kappa of a square confusion matrix (rows: one coder, columns: the other).
    /// nil when expected agreement is 1 (both coders used one and the same category throughout).
    public static func cohensKappa(_ matrix: [[Int]]) -> Double? {
        let n = Double(matrix.reduce(0) { $0 + $1.reduce(0, +) })
        guard n > 0 else { return nil }
        let k = matrix.count
        var observed = 0.0, expected = 0.0
        for i in 0..<k {
            observed += Double(matrix[i][i])
            let row = Double(matrix[i].reduce(0, +))
            let column = Double((0..<k).reduce(0) { $0 + matrix[$1][i] })
            expected += row * column
        }
        observed /= n
        expected /= n * n
        guard expected < 1 else { return nil }
        return (observed - expected) / (1 - expected)
    }

    /// Krippendorff's alpha for nominal data from a coincidence matrix built over units that each
    /// carry the values all coders gave them (units with fewer than two values are not pairable).
    public static func krippendorffAlphaNominal<Value: Hashable>(units: [[Value]]) -> Double? {
        var coincidence: [Value: [Value: Double]] = [:]
        for values in units where values.count >= 2 {
            let weight = 1.0 / Double(values.count - 1)
            for i in values.indices {
                for j in values.indices where i != j { coincidence[values[i], default: [:]][values[j], default: 0] += weight }
            }
        }
        let marginals = coincidence.mapValues { $0.values.reduce(0, +) }
        let n = marginals.values.reduce(0, +)
        guard n > 1 else { return nil }
        var disagreeing = 0.0
        for (c, row) in coincidence { for (k, o) in row where k != c { disagreeing += o } }
        var expected = 0.0
        for (c, nc) in marginals { for (k, nk) in marginals where k != c { expected += nc * nk } }
        guard expected > 0 else { return nil }
        return 1 - (n - 1) * disagreeing / expected
    }

    /// The same alpha for two coders and yes/no values, from counts (no per-unit arrays): units where both
    /// said yes, both said no, and where they differ.
    public static func krippendorffAlphaBinary(agreeingYes: Int, agreeingNo: Int, disagreeing: Int) -> Double? {
        let n = Double(2 * (agreeingYes + agreeingNo + disagreeing))
        let yes = Double(2 * agreeingYes + disagreeing), no = Double(2 * agreeingNo + disagreeing)
        guard n > 1, yes > 0, no > 0 else { return nil }
        return 1 - (n - 1) * Double(disagreeing) / (yes * no)
    }
}
