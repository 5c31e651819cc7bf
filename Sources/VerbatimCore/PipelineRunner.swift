import Dispatch

/// Receives processed documents in input order, on the calling thread.
public protocol DocumentSink: AnyObject {
    /// `encoded` is the document's `coded.jsonl` line.
    func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws
}

/// What a run did, for the closing summary line.
public struct RunSummary: Sendable, Equatable {
    public var read = 0
    public var coded = 0
    public var malformed = 0
    public var failed = 0
    public var bytes = 0
    public init() {}
}

/// Runs documents through a pipeline in batches, on several worker threads, and hands them to the
/// sinks in input order. Output is identical whatever the thread count: each worker has its own
/// processors, stages are deterministic per document, and results are merged in input order.
public final class PipelineRunner {
    public struct Options: Sendable {
        public var threads: Int
        /// Documents per worker per round; bounds memory together with `threads`.
        public var batchSize: Int
        /// Stop at the first malformed record or failed response.
        public var strict: Bool
        /// Encode the response text into each `coded.jsonl` line too.
        public var includeText: Bool
        public init(threads: Int = ProcessEnvironment.coreCount, batchSize: Int = 256, strict: Bool = false, includeText: Bool = false) {
            self.threads = max(1, threads)
            self.batchSize = max(1, batchSize)
            self.strict = strict
            self.includeText = includeText
        }
    }

    public let pipeline: Pipeline
    public let options: Options
    private let workers: [PipelineWorker]

    public init(pipeline: Pipeline, options: Options = Options()) throws {
        self.pipeline = pipeline
        self.options = options
        workers = try (0..<options.threads).map { _ in try pipeline.makeWorker() }
    }

    /// Streams every item of `next` through the pipeline into `sinks`.
    ///
    /// Rounds of `threads × batchSize` items flow through three steps that overlap: while the workers
    /// process round k, this thread hands round k−1 to the sinks and reads round k+1. Memory is bounded
    /// by three rounds. Problems and documents reach their callbacks in input order, so the output does
    /// not depend on the thread count.
    ///
    /// - Parameters:
    ///   - next: the input; returns nil at its end.
    ///   - problem: called for each malformed record or failed response (in input order); the run goes on
    ///     unless `options.strict`, in which case the problem is thrown.
    ///   - progress: called after each round with the summary so far.
    public func run(
        next: () throws -> InputItem?,
        sinks: [any DocumentSink],
        problem: (VerbatimError) -> Void,
        progress: (RunSummary) -> Void = { _ in }
    ) throws -> RunSummary {
        var summary = RunSummary()
        var inFlight: InFlight?
        // Never leave workers running on a round when an error unwinds this call.
        defer { inFlight?.group.wait() }
        while true {
            var round = try readRound(next, summary: &summary)
            let finished = inFlight.map { flight -> (Round, [ChunkResult]) in
                flight.group.wait()
                return (flight.round, flight.results.values)
            }
            inFlight = round.count == 0 && round.malformed.isEmpty ? nil : start(&round)
            if let (done, results) = finished {
                try consume(done, results, sinks: sinks, summary: &summary, problem: problem)
                progress(summary)
            }
            if inFlight == nil { break }
        }
        return summary
    }

    /// One round of input: the documents in one chunk per worker (filled in order, `batchSize` each),
    /// and the malformed records with the position they had.
    struct Round {
        var chunks: [[Document]] = []
        var count = 0
        /// (number of documents read before it, error), in input order.
        var malformed: [(before: Int, error: VerbatimError)] = []
    }

    private struct InFlight {
        var round: Round
        var group: DispatchGroup
        var results: ResultSlots<ChunkResult>
    }

    private func readRound(_ next: () throws -> InputItem?, summary: inout RunSummary) throws -> Round {
        var round = Round()
        let roundSize = options.threads * options.batchSize
        var chunk: [Document] = []
        chunk.reserveCapacity(options.batchSize)
        while round.count < roundSize, let item = try next() {
            switch item {
            case let .response(r):
                summary.read += 1
                summary.bytes += r.text.utf8.count
                chunk.append(Document(r))
                round.count += 1
                if chunk.count == options.batchSize {
                    round.chunks.append(chunk)
                    chunk = []
                    chunk.reserveCapacity(options.batchSize)
                }
            case let .malformed(e):
                if options.strict { throw e }
                round.malformed.append((round.count, e))
            }
        }
        if !chunk.isEmpty { round.chunks.append(chunk) }
        return round
    }

    private func consume(
        _ round: Round, _ results: [ChunkResult], sinks: [any DocumentSink], summary: inout RunSummary,
        problem: (VerbatimError) -> Void
    ) throws {
        var malformed = round.malformed[...]
        var position = 0
        func reportMalformed(upTo count: Int, _ summary: inout RunSummary) {
            while let first = malformed.first, first.before <= count {
                summary.malformed += 1
                problem(first.error)
                malformed = malformed.dropFirst()
            }
        }
        for chunk in results {
            var failureIndex = 0
            // Indices, not enumerated(): a Document copy retains a dozen buffers.
            for k in chunk.documents.indices {
                reportMalformed(upTo: position, &summary)
                position += 1
                if failureIndex < chunk.failures.count, chunk.failures[failureIndex].index == k {
                    let e = chunk.failures[failureIndex].error
                    failureIndex += 1
                    summary.failed += 1
                    if options.strict { throw e }
                    if case .stageAborted = e { throw e }
                    problem(e)
                    continue
                }
                let range = chunk.ranges[k]
                try chunk.encoded.withUnsafeBufferPointer { buffer in
                    let line = UnsafeBufferPointer(rebasing: buffer[range])
                    for sink in sinks { try sink.consume(chunk.documents[k], encoded: line) }
                }
                summary.coded += 1
            }
        }
        reportMalformed(upTo: Int.max, &summary)
    }

    private struct ChunkResult {
        var documents: [Document] = []
        var failures: [(index: Int, error: VerbatimError)] = []
        var encoded: [UInt8] = []
        var ranges: [Range<Int>] = []
    }

    /// Starts one worker per chunk of the round on the global queue. Each worker takes its chunk out
    /// of a slot, so documents are moved, never copied.
    private func start(_ round: inout Round) -> InFlight {
        // Move each chunk into its slot so the worker holds the only reference (no copy on write).
        let count = round.chunks.count
        let results = ResultSlots<ChunkResult>(count: count)
        let inputs = ResultSlots<[Document]>(count: count)
        for t in 0..<count {
            inputs.set(t, round.chunks[t])
            round.chunks[t] = []
        }
        round.chunks = []
        let workers = UncheckedSendable(self.workers)
        let includeText = options.includeText
        let group = DispatchGroup()
        for t in 0..<count {
            DispatchQueue.global().async(group: group) {
                var chunk = ChunkResult()
                chunk.documents = inputs.take(t)
                chunk.failures = workers.value[t].process(batch: &chunk.documents)
                var writer = JSONWriter(reservingCapacity: 512 * chunk.documents.count)
                var failed = Set(chunk.failures.map(\.index))
                for k in chunk.documents.indices {
                    let start = writer.bytes.count
                    if failed.remove(k) == nil { CodedRecord.encode(chunk.documents[k], into: &writer, includeText: includeText) }
                    chunk.ranges.append(start..<writer.bytes.count)
                }
                chunk.encoded = writer.bytes
                results.set(t, chunk)
            }
        }
        return InFlight(round: round, group: group, results: results)
    }
}

/// Values that are handed to exactly one worker thread each; the runner guarantees no sharing.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// One slot per worker; each worker writes only its own slot, and the caller reads after all finish.
/// Raw storage, so that concurrent writes to different slots never touch shared bookkeeping.
final class ResultSlots<T>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<T?>
    private let count: Int
    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }
    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
    func set(_ i: Int, _ value: T) { slots[i] = value }
    /// Moves the value out of slot `i`, leaving it empty.
    func take(_ i: Int) -> T {
        let value = slots[i]!
        slots[i] = nil
        return value
    }
    var values: [T] { (0..<count).map { slots[$0]! } }
}
