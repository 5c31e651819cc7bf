import Benchmark
import VerbatimCore
import VerbatimStages

#if canImport(Glibc)
import Glibc
#endif

// Throughput of each stage of the bundled pipeline and of the whole pipeline, over a deterministic
// synthetic corpus: the bundled answers' sentences recombined (the same corpus as
// `scripts/synth_corpus.py` for the same size and seed). Every iteration processes the whole corpus,
// so the custom metrics read directly as rates; `VERBATIM_BENCH_RESPONSES` sets its size.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal, Rate.responses, Rate.bytes],
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 20)

    // Each stage alone, on documents that already went through the stages before it.
    for (index, name) in Fixture.shared.stageNames.enumerated() {
        let state = StageState(index: index)
        Benchmark("stage \(index + 1) \(name)", closure: { benchmark in
            var documents = state.prepared
            let start = Clock.now()
            for i in documents.indices {
                do { try state.processor!.process(&documents[i]) } catch { benchmark.error("\(error)") }
            }
            Rate.report(benchmark, responses: documents.count, seconds: Clock.now() - start)
            blackHole(documents)
        }, setup: { try state.prepare() }, teardown: { state.release() })
    }

    // The whole pipeline as `verbatim run` drives it (runner, counts and quotes), without file output.
    for threads in [1, 2] {
        let state = RunnerState(threads: threads)
        Benchmark("pipeline \(threads) \(threads == 1 ? "thread" : "threads")", closure: { benchmark in
            let start = Clock.now()
            do { try state.run() } catch { benchmark.error("\(error)") }
            Rate.report(benchmark, responses: Fixture.shared.responses.count, seconds: Clock.now() - start)
        }, setup: { try state.prepare() }, teardown: { state.release() })
    }

    // What surrounds the stages: reading JSON Lines and writing coded.jsonl lines.
    Benchmark("read JSONL", closure: { benchmark in
        let start = Clock.now()
        var count = 0
        do {
            let reader = try ResponseReader(path: try Fixture.shared.corpusFile(), options: InputOptions(format: .jsonl))
            while let item = try reader.next() {
                if case .response = item { count += 1 }
            }
        } catch { benchmark.error("\(error)") }
        Rate.report(benchmark, responses: count, seconds: Clock.now() - start)
    }, teardown: { Fixture.shared.removeCorpusFile() })

    // What `run` does with each coded document besides writing it: counts and quote candidates.
    let sinkState = StageState(index: Fixture.shared.stageNames.count)
    Benchmark("sink counts", closure: { benchmark in
        let start = Clock.now()
        let counts = ThemeCounts(themes: Fixture.shared.pipeline.themes)
        for document in sinkState.prepared { counts.add(document) }
        Rate.report(benchmark, responses: sinkState.prepared.count, seconds: Clock.now() - start)
        blackHole(counts)
    }, setup: { try sinkState.prepare() }, teardown: { sinkState.release() })

    let quotesState = StageState(index: Fixture.shared.stageNames.count)
    Benchmark("sink quotes", closure: { benchmark in
        let start = Clock.now()
        let quotes = QuoteCollector()
        for document in quotesState.prepared { quotes.add(document) }
        Rate.report(benchmark, responses: quotesState.prepared.count, seconds: Clock.now() - start)
        blackHole(quotes)
    }, setup: { try quotesState.prepare() }, teardown: { quotesState.release() })

    let encodeState = StageState(index: Fixture.shared.stageNames.count)
    Benchmark("encode coded.jsonl", closure: { benchmark in
        let start = Clock.now()
        var writer = JSONWriter(reservingCapacity: 1 << 20)
        for document in encodeState.prepared {
            CodedRecord.encode(document, into: &writer)
            if writer.count > 1 << 20 { writer.reset() }
        }
        Rate.report(benchmark, responses: encodeState.prepared.count, seconds: Clock.now() - start)
        blackHole(writer.count)
    }, setup: { try encodeState.prepare() }, teardown: { encodeState.release() })
}

/// The custom metrics: responses and bytes of answer text per second of wall time (the tables scale
/// them, so "text bytes/s (M)" reads as MB/s).
enum Rate {
    static let responses = BenchmarkMetric.custom("responses/s", polarity: .prefersLarger, useScalingFactor: false)
    static let bytes = BenchmarkMetric.custom("text bytes/s", polarity: .prefersLarger, useScalingFactor: false)

    static func report(_ benchmark: Benchmark, responses count: Int, seconds: Double) {
        guard seconds > 0 else { return }
        benchmark.measurement(responses, Int(Double(count) / seconds))
        benchmark.measurement(bytes, Int(Double(Fixture.shared.textBytes) / seconds))
    }
}

enum Clock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// The corpus and the bundled pipeline, built once per benchmark process.
final class Fixture: Sendable {
    static let shared = Fixture()

    let root: String
    let pipeline: Pipeline
    let responses: [Response]
    let textBytes: Int
    var stageNames: [String] { pipeline.stages.map(\.instanceName) }

    init() {
        // The checkout is four folders up from this file (Benchmarks/Benchmarks/NAME/FILE).
        var path = #filePath
        for _ in 0..<4 { path = FileIO.directory(of: path) }
        root = ProcessEnvironment.value("VERBATIM_ROOT") ?? path
        let corpus = root + "/Corpora/collab2008"
        do {
            pipeline = try StageRegistry.builtin.build(PipelineConfig.load(path: corpus + "/pipeline.yaml"))
            let size = ProcessEnvironment.value("VERBATIM_BENCH_RESPONSES").flatMap { Int($0) } ?? 5000
            responses = try SyntheticCorpus.generate(count: size, seed: 2008, source: corpus + "/responses.jsonl")
        } catch {
            fatalError("cannot build the benchmark fixture from \(corpus): \(error)")
        }
        textBytes = responses.reduce(0) { $0 + $1.text.utf8.count }
    }

    private var corpusPath: String { (ProcessEnvironment.value("TMPDIR") ?? "/tmp") + "/verbatim-bench-corpus-\(getpid()).jsonl" }

    func removeCorpusFile() { unlink(corpusPath) }

    /// The corpus as a JSON Lines file in the temporary folder (for the reader benchmark).
    func corpusFile() throws -> String {
        let path = corpusPath
        if !FileIO.exists(path) {
            var writer = JSONWriter(reservingCapacity: textBytes + 64 * responses.count)
            for r in responses {
                writer.beginObject()
                writer.key("id"); writer.string(r.id)
                writer.key("question"); writer.string(r.question ?? "")
                writer.key("text"); writer.string(r.text)
                writer.endObject()
                writer.newline()
            }
            try FileIO.writeAtomically(writer.bytes, to: path)
        }
        return path
    }
}

/// One stage's processor and its input: the corpus after the stages before it (`index` = the
/// number of stages run beforehand; the stage count gives fully coded documents).
final class StageState: @unchecked Sendable {
    // Only touched by the benchmark's setup, closure and teardown, which the runner calls in turn.
    let index: Int
    var processor: (any StageProcessor)?
    var prepared: [Document] = []

    init(index: Int) { self.index = index }

    func prepare() throws {
        let stages = Fixture.shared.pipeline.stages
        let before = try stages.prefix(index).map { try $0.makeProcessor() }
        processor = index < stages.count ? try stages[index].makeProcessor() : nil
        prepared = try Fixture.shared.responses.map { response in
            var document = Document(response)
            for p in before { try p.process(&document) }
            return document
        }
    }

    func release() {
        processor = nil
        prepared = []
    }
}

/// A runner over the whole pipeline with `run`'s sinks for counts and quotes.
final class RunnerState: @unchecked Sendable {
    // Only touched by the benchmark's setup, closure and teardown, which the runner calls in turn.
    let threads: Int
    var runner: PipelineRunner?

    init(threads: Int) { self.threads = threads }

    func prepare() throws {
        runner = try PipelineRunner(pipeline: Fixture.shared.pipeline, options: .init(threads: threads))
    }

    func run() throws {
        guard let runner else { return }
        let responses = Fixture.shared.responses
        var next = 0
        let counts = ThemeCounts(themes: Fixture.shared.pipeline.themes)
        let quotes = QuoteCollector()
        _ = try runner.run(
            next: {
                guard next < responses.count else { return nil }
                next += 1
                return .response(responses[next - 1])
            },
            sinks: [counts, quotes],
            problem: { _ in })
        blackHole(counts)
        blackHole(quotes)
    }

    func release() { runner = nil }
}

/// The synthetic corpus of `scripts/synth_corpus.py`: each answer takes a question with the bundled
/// frequencies and 1 to 6 sentences of the bundled answers to that question, drawn with SplitMix64.
enum SyntheticCorpus {
    static func generate(count: Int, seed: UInt64, source: String) throws -> [Response] {
        var pools: [String: [String]] = [:]
        var order: [String] = []
        var slots: [String] = []
        let reader = try ResponseReader(path: source, options: InputOptions(format: .jsonl))
        while let item = try reader.next() {
            guard case let .response(r) = item else { continue }
            let question = r.question ?? "(none)"
            if pools[question] == nil {
                pools[question] = []
                order.append(question)
            }
            pools[question]! += sentences(of: r.text)
            slots.append(question)
        }
        // Slots grouped by question in first-seen order, as the script builds them.
        slots = order.flatMap { q in slots.filter { $0 == q } }
        var rng = SplitMix64(seed: seed)
        let width = max(7, String(count).count)
        return (1..<(max(0, count) + 1)).map { i in
            let question = slots[rng.below(slots.count)]
            let pool = pools[question]!
            let k = 1 + rng.below(6)
            let text = (0..<k).map { _ in pool[rng.below(pool.count)] }.joined(separator: " ")
            let number = String(i)
            return Response(id: "S" + String(repeating: "0", count: max(0, width - number.count)) + number,
                            question: question, text: text)
        }
    }

    /// Splits at white space that follows `.`, `!` or `?` and precedes more text.
    static func sentences(of text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var lo = 0, hi = scalars.count
        while lo < hi, scalars[lo].properties.isWhitespace { lo += 1 }
        while hi > lo, scalars[hi - 1].properties.isWhitespace { hi -= 1 }
        var result: [String] = []
        var start = lo, i = lo
        while i < hi {
            if i > start, ".!?".unicodeScalars.contains(scalars[i - 1]), scalars[i].properties.isWhitespace {
                var j = i
                while j < hi, scalars[j].properties.isWhitespace { j += 1 }
                if j < hi {
                    result.append(String(String.UnicodeScalarView(scalars[start..<i])))
                    start = j
                    i = j
                    continue
                }
            }
            i += 1
        }
        if start < hi { result.append(String(String.UnicodeScalarView(scalars[start..<hi]))) }
        return result
    }
}

struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
