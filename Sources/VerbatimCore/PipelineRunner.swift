import Dispatch
import Synchronization

/// What a sink works out from one document on its own, before the documents meet in input order.
public protocol DocumentDigest: Sendable {}

/// Receives processed documents in input order, on the calling thread.
///
/// A sink whose work per document is costly can split it: `digest` does the part that needs no other
/// document, on the worker thread that processed the document (so in parallel), and `consume` gets
/// that digest and does the part that must see the documents in order.
public protocol DocumentSink: AnyObject {
    /// `encoded` is the document's `coded.jsonl` line.
    func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws
    /// Called once before documents flow, with the number of workers that will call `digest`.
    func prepare(workers: Int)
    /// Called on the calling thread before each round of documents goes to the workers, while no
    /// worker runs: the moment to publish state that `digest` may read during the round.
    func roundWillStart()
    /// Called on worker `worker` (0 ..< the `prepare` count), several workers at once: it may read
    /// state fixed before the run or at `roundWillStart`, and write only state that belongs to that
    /// worker (e.g. partial counts that are summed at the end, so the result does not depend on which
    /// worker saw what). The output must not depend on which round a document was digested in.
    func digest(_ document: Document, worker: Int) -> (any DocumentDigest)?
    /// `digest` is what `digest(_:worker:)` returned for this document, on its worker.
    func consume(_ document: Document, digest: (any DocumentDigest)?, encoded: UnsafeBufferPointer<UInt8>) throws
}

extension DocumentSink {
    public func prepare(workers: Int) {}
    public func roundWillStart() {}
    public func digest(_ document: Document, worker: Int) -> (any DocumentDigest)? { nil }
    public func consume(_ document: Document, digest: (any DocumentDigest)?, encoded: UnsafeBufferPointer<UInt8>) throws {
        try consume(document, encoded: encoded)
    }
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
        for sink in sinks { sink.prepare(workers: workers.count) }
        var inFlight: InFlight?
        // Never leave workers running on a round when an error unwinds this call.
        defer { inFlight?.group.wait() }
        while true {
            var round = try readRound(next, summary: &summary)
            let finished = inFlight.map { flight -> (Round, [ChunkResult]) in
                flight.group.wait()
                return (flight.round, flight.results.values)
            }
            inFlight = round.count == 0 && round.malformed.isEmpty ? nil : start(&round, sinks: sinks)
            if let (done, results) = finished {
                try consume(done, results, sinks: sinks, summary: &summary, problem: problem)
                progress(summary)
            }
            if inFlight == nil { break }
        }
        return summary
    }

    /// One round of input (`threads × batchSize` documents) in small chunks, filled in order, that the
    /// workers take one at a time, so a worker that drew short answers takes more chunks instead of
    /// waiting; and the malformed records with the position they had.
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
        let chunkSize = Self.chunkSize(batchSize: options.batchSize)
        var chunk: [Document] = []
        chunk.reserveCapacity(chunkSize)
        while round.count < roundSize, let item = try next() {
            switch item {
            case let .response(r):
                summary.read += 1
                summary.bytes += r.text.utf8.count
                chunk.append(Document(r))
                round.count += 1
                if chunk.count == chunkSize {
                    round.chunks.append(chunk)
                    chunk = []
                    chunk.reserveCapacity(chunkSize)
                }
            case let .malformed(e):
                if options.strict { throw e }
                round.malformed.append((round.count, e))
            }
        }
        if !chunk.isEmpty { round.chunks.append(chunk) }
        return round
    }

    /// Documents per chunk: small enough to balance the workers, large enough that taking a chunk
    /// costs nothing next to processing it.
    static func chunkSize(batchSize: Int) -> Int { max(1, min(batchSize, 32)) }

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
                    // One borrow for all the sinks: passing `documents[k]` to each would copy it each time.
                    let document = chunk.documents[k]
                    for (s, sink) in sinks.enumerated() {
                        try sink.consume(document, digest: chunk.digests[k * sinks.count + s], encoded: line)
                    }
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
        /// Per document, one digest per sink (document k, sink s at k × sinks + s).
        var digests: [(any DocumentDigest)?] = []
    }

    /// Starts the workers on the global queue; each takes the round's chunks one by one until none is
    /// left. Each chunk is taken out of its slot, so documents are moved, never copied; its result goes
    /// to the slot of the same index, so the output order does not depend on which worker took it.
    private func start(_ round: inout Round, sinks: [any DocumentSink]) -> InFlight {
        let count = round.chunks.count
        let results = ResultSlots<ChunkResult>(count: count)
        let inputs = ResultSlots<[Document]>(count: count)
        for t in 0..<count {
            inputs.set(t, round.chunks[t])
            round.chunks[t] = []
        }
        round.chunks = []
        let workers = UncheckedSendable(self.workers)
        for sink in sinks { sink.roundWillStart() }
        // Shared by the workers only through `digest`, which reads state fixed before the round.
        let sinks = UncheckedSendable(sinks)
        let includeText = options.includeText
        let next = ChunkCounter()
        let group = DispatchGroup()
        for w in 0..<min(workers.value.count, count) {
            DispatchQueue.global().async(group: group) {
                let worker = workers.value[w]
                while true {
                    let t = next.take()
                    guard t < count else { break }
                    var chunk = ChunkResult()
                    chunk.documents = inputs.take(t)
                    chunk.failures = worker.process(batch: &chunk.documents)
                    // A coded line is about 1.3 KB on the bundled codebook: room for most chunks
                    // without growing (each growth copies what was written).
                    var writer = JSONWriter(reservingCapacity: 2_048 * chunk.documents.count)
                    var failed = Set(chunk.failures.map(\.index))
                    var ranges: [Range<Int>] = []
                    var digests: [(any DocumentDigest)?] = []
                    ranges.reserveCapacity(chunk.documents.count)
                    for k in chunk.documents.indices {
                        // One copy for the encoder and every sink: each use of `chunk.documents[k]`
                        // would copy (retain and release) the document's dozen buffers again.
                        let document = chunk.documents[k]
                        let start = writer.count
                        let ok = failed.remove(k) == nil
                        if ok { CodedRecord.encode(document, into: &writer, includeText: includeText) }
                        ranges.append(start..<writer.count)
                        for sink in sinks.value { digests.append(ok ? sink.digest(document, worker: w) : nil) }
                    }
                    chunk.ranges = ranges
                    chunk.digests = digests
                    chunk.encoded = writer.bytes
                    results.set(t, chunk)
                }
            }
        }
        return InFlight(round: round, group: group, results: results)
    }
}

/// Hands out chunk indices 0, 1, 2, … to the workers of one round.
final class ChunkCounter: Sendable {
    private let counter = Atomic<Int>(0)
    func take() -> Int { counter.add(1, ordering: .relaxed).oldValue }
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
