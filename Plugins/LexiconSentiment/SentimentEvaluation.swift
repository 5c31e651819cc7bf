import VerbatimCore

/// Measures sentiment against human judgements: labels against gold codings (accuracy, macro-F1,
/// confusion matrix) and scores against mean human ratings (Pearson r). Used by
/// `verbatim sentiment-bench` and by the regression tests.
public enum SentimentEvaluation {
    /// A gold label for one answer.
    public struct GoldLabel: Sendable {
        public var id: String
        public var label: Sentiment.Label
        public init(id: String, label: Sentiment.Label) {
            self.id = id
            self.label = label
        }
    }

    /// A text with its mean human rating (VADER's ground-truth sets: -4…4).
    public struct RatedText: Sendable {
        public var id: String
        public var rating: Double
        public var text: String
        public init(id: String, rating: Double, text: String) {
            self.id = id
            self.rating = rating
            self.text = text
        }
    }

    public struct LabelReport: Sendable {
        /// Row = gold label, column = predicted label, in `Sentiment.Label.allCases` order.
        public var confusion: [[Int]]
        public var count: Int
        public var accuracy: Double
        public var macroF1: Double
        public var f1: [Sentiment.Label: Double]
        /// Answers whose predicted label differs from the gold one.
        public var misses: [(id: String, gold: Sentiment.Label, predicted: Sentiment.Label)]
    }

    /// VADER's published Pearson r on its four sets, for comparison (matched by file-name prefix).
    public static let vaderReference: [(prefix: String, name: String, r: Double)] = [
        ("amazon", "Amazon reviews", 0.590),
        ("movie", "Movie reviews", 0.427),
        ("nyt", "NYT editorials", 0.503),
        ("tweets", "Tweets", 0.872),
    ]

    /// Reads `{id, sentiment}` records from JSON Lines.
    public static func readGold(path: String) throws(VerbatimError) -> [GoldLabel] {
        var result: [GoldLabel] = []
        var line = 0
        for raw in try FileIO.readText(path: path).split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            line += 1
            if raw.allSatisfy({ $0 == " " || $0 == "\r" }) { continue }
            let at = SourceLocation(file: path, line: line)
            let value: JSONValue
            do { value = try JSONParser.parse(String(raw)) } catch {
                throw .invalidFile(message: "not valid JSON: \(error.message)", hint: "one JSON object per line", at: at)
            }
            guard let id = value["id"]?.scalarText, let name = value["sentiment"]?.stringValue,
                  let label = Sentiment.Label(rawValue: name) else {
                throw .invalidFile(message: "a gold record needs 'id' and 'sentiment' (positive, negative, neutral or mixed)",
                                   hint: nil, at: at)
            }
            result.append(GoldLabel(id: id, label: label))
        }
        return result
    }

    /// Reads `ID<TAB>rating<TAB>text` lines (CRLF or LF, final newline optional).
    public static func readRated(path: String) throws(VerbatimError) -> [RatedText] {
        var result: [RatedText] = []
        var line = 0
        for raw in try FileIO.readText(path: path).split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            line += 1
            var text = Substring(raw)
            if text.last == "\r" { text = text.dropLast() }
            if text.isEmpty { continue }
            let fields = text.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, let rating = Double(fields[1]) else {
                throw .invalidFile(message: "expected ID<TAB>rating<TAB>text", hint: nil, at: SourceLocation(file: path, line: line))
            }
            result.append(RatedText(id: String(fields[0]), rating: rating, text: String(fields[2])))
        }
        return result
    }

    /// Compares predicted labels with gold ones (answers missing from `predicted` are skipped).
    public static func compare(gold: [GoldLabel], predicted: [String: Sentiment.Label]) -> LabelReport {
        let labels = Sentiment.Label.allCases
        var confusion = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
        var misses: [(id: String, gold: Sentiment.Label, predicted: Sentiment.Label)] = []
        var count = 0, correct = 0
        for g in gold {
            guard let p = predicted[g.id] else { continue }
            count += 1
            confusion[labels.firstIndex(of: g.label)!][labels.firstIndex(of: p)!] += 1
            if p == g.label { correct += 1 } else { misses.append((g.id, g.label, p)) }
        }
        var f1: [Sentiment.Label: Double] = [:]
        for (k, label) in labels.enumerated() {
            let tp = Double(confusion[k][k])
            let predictedCount = Double(confusion.reduce(0) { $0 + $1[k] })
            let goldCount = Double(confusion[k].reduce(0, +))
            guard goldCount + predictedCount > 0 else { continue }
            f1[label] = 2 * tp / (goldCount + predictedCount)
        }
        let macro = f1.isEmpty ? 0 : f1.values.reduce(0, +) / Double(f1.count)
        return LabelReport(confusion: confusion, count: count, accuracy: count == 0 ? 0 : Double(correct) / Double(count),
                           macroF1: macro, f1: f1, misses: misses)
    }

    /// Pearson's correlation coefficient; 0 when either side has no variance.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(min(x.count, y.count))
        guard n > 1 else { return 0 }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }

    /// Runs `texts` through `worker` and returns each document's sentiment score (0 when none).
    public static func scores(of texts: [RatedText], worker: PipelineWorker) throws -> [Double] {
        try texts.map { item in
            var document = Document(Response(id: item.id, text: item.text))
            try worker.process(&document)
            return document.sentiment?.score ?? 0
        }
    }

    /// Formats a confusion matrix as a fixed-width table (rows gold, columns predicted).
    public static func table(_ report: LabelReport) -> String {
        let labels = Sentiment.Label.allCases.map(\.rawValue)
        func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
        var out = pad("gold \\ predicted", 18) + labels.map { pad($0, 10) }.joined() + "\n"
        for (k, row) in report.confusion.enumerated() {
            out += pad(labels[k], 18) + row.map { pad(String($0), 10) }.joined() + "\n"
        }
        return out
    }
}
