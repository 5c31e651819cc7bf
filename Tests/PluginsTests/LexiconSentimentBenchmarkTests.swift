import LexiconSentiment
import Testing
import VerbatimCore
import VerbatimStages
import VerbatimTestSupport

/// Regression floors against human judgements: a little under what the engine achieves, so a broken
/// rule or lexicon fails here. `verbatim sentiment-bench` prints the full figures.
@Suite struct LexiconSentimentBenchmarkTests {
    @Test func devGoldAgreementStaysAboveItsFloor() throws {
        let goldPath = TestPaths.shared + "/gold/dev.jsonl"
        try #require(FileIO.exists(goldPath), "the dev gold labels are missing at \(goldPath)")
        let gold = try SentimentEvaluation.readGold(path: goldPath)
        let pipeline = try StageRegistry.builtin.build(PipelineConfig.load(path: TestPaths.corpus + "/pipeline.yaml"))
        let harness = try StageHarness(pipeline: pipeline)
        let reader = try ResponseReader(path: TestPaths.corpus + "/responses.jsonl", options: InputOptions())
        let wanted = Set(gold.map(\.id))
        var predicted: [String: Sentiment.Label] = [:]
        while let item = try reader.next() {
            guard case let .response(r) = item, wanted.contains(r.id) else { continue }
            predicted[r.id] = try harness.run(r).sentiment?.label
        }
        let report = SentimentEvaluation.compare(gold: gold, predicted: predicted)
        #expect(report.count == gold.count)
        #expect(report.accuracy >= 0.83, "accuracy \(report.accuracy)\n\(SentimentEvaluation.table(report))")
        #expect(report.macroF1 >= 0.77, "macro-F1 \(report.macroF1)\n\(SentimentEvaluation.table(report))")
    }

    @Test func tweetScoresCorrelateWithHumanRatings() throws {
        let path = TestPaths.shared + "/benchmarks/vader-groundtruth/tweets_GroundTruth.txt"
        try #require(FileIO.exists(path), "VADER's tweet set is missing at \(path)")
        let items = try SentimentEvaluation.readRated(path: path)
        #expect(items.count == 4200)
        let harness = try StageHarness(yaml: "version: 1\nstages: [icu-tokenizer, lexicon-sentiment]")
        let scores = try SentimentEvaluation.scores(of: items, worker: harness.pipeline.makeWorker())
        let r = SentimentEvaluation.pearson(scores, items.map(\.rating))
        #expect(r >= 0.85, "Pearson r \(r)")
    }

    @Test func evaluationArithmetic() {
        #expect(abs(SentimentEvaluation.pearson([1, 2, 3, 4], [2, 4, 6, 8]) - 1) < 1e-12)
        #expect(abs(SentimentEvaluation.pearson([1, 2, 3], [3, 2, 1]) + 1) < 1e-12)
        #expect(SentimentEvaluation.pearson([1, 1, 1], [1, 2, 3]) == 0)
        let gold = [("a", Sentiment.Label.positive), ("b", .negative), ("c", .neutral), ("d", .neutral)]
            .map { SentimentEvaluation.GoldLabel(id: $0.0, label: $0.1) }
        let report = SentimentEvaluation.compare(gold: gold, predicted: ["a": .positive, "b": .neutral, "c": .neutral, "d": .neutral])
        #expect(report.accuracy == 0.75)
        #expect(report.confusion[1][2] == 1)
        // F1: positive 1, negative 0, neutral 0.8; mixed never occurs, so it is left out of the mean.
        #expect(abs(report.macroF1 - 0.6) < 1e-12)
        #expect(report.misses.map(\.id) == ["b"])
    }
}
