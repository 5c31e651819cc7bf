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
        let roundSize = options.threads * options.batchSize
        var exhausted = false
        while !exhausted {
            var documents: [Document] = []
            documents.reserveCapacity(roundSize)
            while documents.count < roundSize {
                guard let item = try next() else {
                    exhausted = true
                    break
                }
                switch item {
                case let .response(r):
                    summary.read += 1
                    summary.bytes += r.text.utf8.count
                    documents.append(Document(r))
                case let .malformed(e):
                    summary.malformed += 1
                    if options.strict { throw e }
                    problem(e)
                }
            }
            if documents.isEmpty { continue }
            let results = process(documents)
            for chunk in results {
                var failureIndex = 0
                for (k, document) in chunk.documents.enumerated() {
                    if failureIndex < chunk.failures.count, chunk.failures[failureIndex].index == k {
                        let e = chunk.failures[failureIndex].error
                        failureIndex += 1
                        summary.failed += 1
                        if options.strict { throw e }
                        problem(e)
                        continue
                    }
                    let range = chunk.ranges[k]
                    try chunk.encoded.withUnsafeBufferPointer { buffer in
                        let line = UnsafeBufferPointer(rebasing: buffer[range])
                        for sink in sinks { try sink.consume(document, encoded: line) }
                    }
                    summary.coded += 1
                }
            }
            progress(summary)
        }
        return summary
    }

    private struct ChunkResult {
        var documents: [Document] = []
        var failures: [(index: Int, error: VerbatimError)] = []
        var encoded: [UInt8] = []
        var ranges: [Range<Int>] = []
    }

    /// Splits `documents` into one contiguous chunk per worker and processes the chunks in parallel.
    private func process(_ documents: [Document]) -> [ChunkResult] {
        let threads = min(options.threads, documents.count)
        let per = (documents.count + threads - 1) / threads
        let results = ResultSlots<ChunkResult>(count: threads)
        let input = UncheckedSendable(documents)
        let workers = UncheckedSendable(self.workers)
        let includeText = options.includeText
        let work: @Sendable (Int) -> Void = { t in
            let lower = t * per
            let upper = min(documents.count, lower + per)
            var chunk = ChunkResult()
            guard lower < upper else { results.set(t, chunk); return }
            chunk.documents = Array(input.value[lower..<upper])
            chunk.failures = workers.value[t].process(batch: &chunk.documents)
            var writer = JSONWriter(reservingCapacity: 512 * chunk.documents.count)
            var failed = Set(chunk.failures.map(\.index))
            for (k, d) in chunk.documents.enumerated() {
                let start = writer.bytes.count
                if failed.remove(k) == nil { CodedRecord.encode(d, into: &writer, includeText: includeText) }
                chunk.ranges.append(start..<writer.bytes.count)
            }
            chunk.encoded = writer.bytes
            results.set(t, chunk)
        }
        if threads == 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: threads, execute: work)
        }
        return results.values
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
    var values: [T] { (0..<count).map { slots[$0]! } }
}
