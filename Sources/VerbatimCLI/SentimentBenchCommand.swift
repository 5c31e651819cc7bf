#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import LexiconSentiment
import VerbatimCore
import VerbatimStages

/// `verbatim sentiment-bench`: how well the sentiment stage agrees with people.
struct SentimentBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentiment-bench",
        abstract: "Measure sentiment against the dev gold labels and VADER's human-rated sets.",
        discussion: """
            Runs the pipeline in memory on the bundled survey answers and compares the sentiment labels
            with the human gold labels (accuracy, macro-F1, confusion matrix). Then runs the pipeline's
            lexicon-sentiment stage, after the ICU tokenizer, on each of VADER's ground-truth sets
            (ID<TAB>mean rating<TAB>text) and reports the Pearson r of the score with the mean human
            rating, beside VADER's published figure.
            """)

    @Option(help: "Gold labels (JSON Lines with id and sentiment).")
    var gold: String = "../shared/gold/dev.jsonl"

    @Option(help: "The folder of VADER's ground-truth sets (*.txt).")
    var vader: String = "../shared/benchmarks/vader-groundtruth"

    @Option(help: "The pipeline (YAML). Defaults to the bundled Corpora/collab2008/pipeline.yaml.")
    var pipeline: String?

    @Option(help: "The answers the gold labels refer to. Defaults to the bundled responses.jsonl.")
    var corpus: String?

    @Flag(help: "List every answer whose label differs from the gold one.")
    var misses = false

    @Option(help: "Print how the sentiment of this answer id was reached (repeatable).")
    var explain: [String] = []

    func validate() throws {
        if let pipeline, !FileIO.exists(pipeline) { throw ValidationError("pipeline file '\(pipeline)' does not exist") }
        if let corpus, !FileIO.exists(corpus) { throw ValidationError("corpus file '\(corpus)' does not exist") }
    }

    func run() throws {
        do {
            let config = try PipelineConfig.load(path: pipeline ?? BundledCorpus.path("pipeline.yaml"))
            if FileIO.exists(gold) {
                Console.out(try goldReport(config))
            } else {
                Console.err("note: no gold labels at \(gold); skipping the survey comparison\n")
            }
            if FileIO.isDirectory(vader) {
                Console.out(try vaderReport(config))
            } else {
                Console.err("note: no folder \(vader); skipping VADER's sets\n")
            }
        } catch let error as VerbatimError {
            Console.err("\(error)\n")
            throw ExitCode.failure
        }
    }

    private func goldReport(_ config: PipelineConfig) throws -> String {
        let worker = try StageRegistry.builtin.build(config).makeWorker()
        let labels = try SentimentEvaluation.readGold(path: gold)
        let wanted = Set(labels.map(\.id))
        var predicted: [String: Sentiment.Label] = [:]
        var texts: [String: String] = [:]
        let corpusPath = corpus ?? BundledCorpus.path("responses.jsonl")
        let reader = try ResponseReader(path: corpusPath, options: InputOptions())
        var explained = ""
        while let item = try reader.next() {
            guard case let .response(r) = item, wanted.contains(r.id) || explain.contains(r.id) else { continue }
            var document = Document(r)
            document.collectTrace = explain.contains(r.id)
            try worker.process(&document)
            if document.collectTrace {
                explained += "\(r.id) (\(r.question ?? "-")): \(r.text)\n"
                for t in document.trace where t.stage == LexiconSentimentStage.descriptor.name { explained += "  \(t.message)\n" }
                explained += "\n"
            }
            predicted[r.id] = document.sentiment?.label ?? .neutral
            texts[r.id] = r.text
        }
        let report = SentimentEvaluation.compare(gold: labels, predicted: predicted)
        var out = explained
        out += "Survey answers: \(report.count) of \(labels.count) gold labels (\(gold)), pipeline \(config.path)\n"
        out += "  accuracy \(Self.decimal(report.accuracy))   macro-F1 \(Self.decimal(report.macroF1))   F1: "
        out += Sentiment.Label.allCases.compactMap { l in report.f1[l].map { "\(l.rawValue) \(Self.decimal($0))" } }.joined(separator: ", ")
        out += "\n\n" + SentimentEvaluation.table(report).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n\n"
        if misses {
            for m in report.misses {
                out += "  \(m.id)  gold \(m.gold.rawValue), got \(m.predicted.rawValue): \(texts[m.id] ?? "")\n"
            }
            out += "\n"
        }
        return out
    }

    private func vaderReport(_ config: PipelineConfig) throws -> String {
        guard let entry = config.stages.first(where: { $0.name == LexiconSentimentStage.descriptor.name }) else {
            throw VerbatimError.usage("the pipeline \(config.path) has no lexicon-sentiment stage")
        }
        let scoring = PipelineConfig(version: 1, stages: [PipelineConfig.StageEntry(name: "icu-tokenizer"), entry],
                                     baseDirectory: config.baseDirectory, path: config.path)
        let worker = try StageRegistry.builtin.build(scoring).makeWorker()
        var out = "VADER's sets: Pearson r of score with the mean human rating (\(vader))\n"
        out += "  set                 texts   Verbatim   VADER\n"
        for reference in SentimentEvaluation.vaderReference {
            guard let file = try Self.files(in: vader).first(where: { FileIO.fileName(of: $0).lowercased().hasPrefix(reference.prefix) }) else {
                out += "  \(Self.pad(reference.name, 18))  (missing)\n"
                continue
            }
            let items = try SentimentEvaluation.readRated(path: file)
            let scores = try SentimentEvaluation.scores(of: items, worker: worker)
            let r = SentimentEvaluation.pearson(scores, items.map(\.rating))
            out += "  \(Self.pad(reference.name, 18))\(Self.padLeft(String(items.count), 7))"
            out += "\(Self.padLeft(Self.decimal(r), 11))\(Self.padLeft(Self.decimal(reference.r), 8))\n"
        }
        return out
    }

    /// The `.txt` files of a folder, sorted.
    static func files(in folder: String) throws -> [String] {
        guard let dir = opendir(folder) else { throw VerbatimError.io(path: folder, message: "cannot read the folder") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix(".txt") { names.append(folder + "/" + name) }
        }
        return names.sorted()
    }

    static func decimal(_ d: Double) -> String {
        let scaled = (d * 1000).rounded() / 1000
        var s = String(scaled)
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < 3 { s += String(repeating: "0", count: 3 - decimals) }
        }
        return s
    }

    static func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
    static func padLeft(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
}
