import Dispatch
import Synchronization

/// What a sink works out from one document on its own, before the documents meet in input order.
public protocol DocumentDigest: Sendable {}

/// Receives processed documents in input order, on the calling thread.
///
/// A sink whose work per document is costly can split it: `digest` does the part that needs no other
/// document, on the worker thread that processed the document (so in parallel), and
/// `consume(digest:encoded:document:)` gets that digest and does the part that must see the
/// documents in order. A sink that needs nothing but its digest and the coded line never reads the
/// document on the calling thread: it was made on a worker's core, and copying it there would touch
/// a dozen of its buffers' reference counts from the other core.
public protocol DocumentSink: AnyObject {
    /// `encoded` is the document's `coded.jsonl` line.
    func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws
    /// Called once before documents flow, with the number of workers that will call `digest`.
    func prepare(workers: Int)
    /// Called on the calling thread before each chunk of documents goes to the workers, while workers
    /// may still digest earlier chunks: the moment to publish state that `digest` may read, as a new
    /// value swapped in under a lock (never by changing one that workers may be reading).
    func willHandOutDocuments()
    /// Called on worker `worker` (0 ..< the `prepare` count), several workers at once: it may read
    /// state fixed before the run or published at `willHandOutDocuments`, and write only state that
    /// belongs to that worker (e.g. partial counts that are summed at the end, so the result does not
    /// depend on which worker saw what). The output must not depend on which published state a
    /// document was digested with.
    func digest(_ document: Document, worker: Int) -> (any DocumentDigest)?
    /// `digest` is what `digest(_:worker:)` returned for this document, on its worker; `document`
    /// gives the document itself, for a sink that needs more than the digest.
    func consume(digest: (any DocumentDigest)?, encoded: UnsafeBufferPointer<UInt8>, document: () -> Document) throws
}

extension DocumentSink {
    public func prepare(workers: Int) {}
    public func willHandOutDocuments() {}
    public func digest(_ document: Document, worker: Int) -> (any DocumentDigest)? { nil }
    public func consume(digest: (any DocumentDigest)?, encoded: UnsafeBufferPointer<UInt8>, document: () -> Document) throws {
        try consume(document(), encoded: encoded)
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

/// Runs documents through a pipeline in chunks, on several worker threads, and hands them to the
/// sinks in input order. Output is identical whatever the thread count: each worker has its own
/// processors, stages are deterministic per document, and results are merged in input order.
public final class PipelineRunner {
    public struct Options: Sendable {
        public var threads: Int
        /// Documents per worker that may be out at once, times three; bounds memory together with `threads`.
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
    /// This thread reads the input in chunks and hands them to the workers, which take them one at
    /// a time as they come free; it takes the results back in input order and hands them to the
    /// sinks, while the workers go on with later chunks. At most `threads × batchSize × 3` documents
    /// are out at once, which bounds memory. Problems and documents reach their callbacks in input
    /// order, so the output does not depend on the thread count.
    ///
    /// - Parameters:
    ///   - next: the input; returns nil at its end.
    ///   - problem: called for each malformed record or failed response (in input order); the run goes on
    ///     unless `options.strict`, in which case the problem is thrown.
    ///   - progress: called after each chunk of documents is consumed, with the summary so far.
    public func run(
        next: () throws -> InputItem?,
        sinks: [any DocumentSink],
        problem: (VerbatimError) -> Void,
        progress: (RunSummary) -> Void = { _ in }
    ) throws -> RunSummary {
        for sink in sinks { sink.prepare(workers: workers.count) }
        let chunkSize = Self.chunkSize(batchSize: options.batchSize)
        let flow = ChunkFlow<[Document], ChunkResult>(
            window: max(2 * workers.count, 3 * workers.count * options.batchSize / chunkSize), workers: workers.count)
        let group = DispatchGroup()
        startWorkers(on: flow, group: group, sinks: sinks)
        // Never leave workers running when an error unwinds this call.
        var closed = false
        defer {
            if !closed { flow.close(discardingPending: true) }
            group.wait()
        }

        var consumer = Consumer(sinks: sinks, strict: options.strict)
        var submitted = 0
        var chunk: [Document] = []
        chunk.reserveCapacity(chunkSize)
        /// Consumes the chunks that are back, in order; while `wait` says so, waits for the next one.
        func consumeResults(wait: (_ number: Int) -> Bool) throws {
            while consumer.chunksConsumed < submitted {
                let number = consumer.chunksConsumed
                guard let result = wait(number) ? flow.waitForResult(number) : flow.result(number) else { break }
                try consumer.consume(result, problem: problem)
                flow.giveBack(result, to: result.worker)
                progress(consumer.summary)
            }
        }
        func submitChunk() throws {
            // The sinks publish what they learnt from the documents consumed so far.
            for sink in sinks { sink.willHandOutDocuments() }
            flow.submit(chunk)
            submitted += 1
            chunk = []
            chunk.reserveCapacity(chunkSize)
            // Consume what is ready, and wait for the oldest chunk while the window is full.
            try consumeResults { submitted - $0 >= flow.window }
        }
        while let item = try next() {
            switch item {
            case let .response(r):
                consumer.summary.read += 1
                consumer.summary.bytes += r.text.utf8.count
                chunk.append(Document(r))
                if chunk.count == chunkSize { try submitChunk() }
            case let .malformed(e):
                if options.strict { throw e }
                consumer.malformed(e, before: consumer.summary.read, problem: problem)
            }
        }
        if !chunk.isEmpty { try submitChunk() }
        flow.close()
        closed = true
        try consumeResults { _ in true }
        consumer.reportMalformed(before: Int.max, problem: problem)
        return consumer.summary
    }

    /// Documents per chunk: small enough to balance the workers, large enough that taking a chunk
    /// costs nothing next to processing it.
    static func chunkSize(batchSize: Int) -> Int { max(1, min(batchSize, 32)) }

    /// Hands processed chunks to the sinks in input order, with the malformed records read between
    /// their documents.
    private struct Consumer {
        let sinks: [any DocumentSink]
        let strict: Bool
        var summary = RunSummary()
        var chunksConsumed = 0
        /// Malformed records not reported yet, each with the number of documents read before it.
        private var pendingMalformed: [(before: Int, error: VerbatimError)] = []
        private var documentsConsumed = 0

        init(sinks: [any DocumentSink], strict: Bool) {
            self.sinks = sinks
            self.strict = strict
        }

        /// A malformed record read after `before` documents.
        mutating func malformed(_ error: VerbatimError, before: Int, problem: (VerbatimError) -> Void) {
            if before == documentsConsumed && pendingMalformed.isEmpty {
                // Nothing waits before it: report it now, so a run of bad lines holds no memory.
                summary.malformed += 1
                problem(error)
            } else {
                pendingMalformed.append((before, error))
            }
        }

        /// Reports the pending malformed records read before document number `position`.
        mutating func reportMalformed(before position: Int, problem: (VerbatimError) -> Void) {
            var reported = 0
            while reported < pendingMalformed.count, pendingMalformed[reported].before <= position {
                summary.malformed += 1
                problem(pendingMalformed[reported].error)
                reported += 1
            }
            if reported > 0 { pendingMalformed.removeFirst(reported) }
        }

        mutating func consume(_ chunk: ChunkResult, problem: (VerbatimError) -> Void) throws {
            chunksConsumed += 1
            var failureIndex = 0
            // Indices, not enumerated(): a Document copy retains a dozen buffers.
            for k in chunk.documents.indices {
                reportMalformed(before: documentsConsumed, problem: problem)
                documentsConsumed += 1
                if failureIndex < chunk.failures.count, chunk.failures[failureIndex].index == k {
                    let e = chunk.failures[failureIndex].error
                    failureIndex += 1
                    summary.failed += 1
                    if strict { throw e }
                    if case .stageAborted = e { throw e }
                    problem(e)
                    continue
                }
                let range = chunk.ranges[k]
                let sinks = self.sinks
                try chunk.encoded.withUnsafeBufferPointer { buffer in
                    let line = UnsafeBufferPointer(rebasing: buffer[range])
                    for (s, sink) in sinks.enumerated() {
                        try sink.consume(digest: chunk.digests[k * sinks.count + s], encoded: line) { chunk.documents[k] }
                    }
                }
                summary.coded += 1
            }
        }
    }

    private struct ChunkResult: Sendable {
        /// The worker that made it, and frees it.
        var worker = 0
        var documents: [Document] = []
        var failures: [(index: Int, error: VerbatimError)] = []
        var encoded: [UInt8] = []
        var ranges: [Range<Int>] = []
        /// Per document, one digest per sink (document k, sink s at k × sinks + s).
        var digests: [(any DocumentDigest)?] = []
    }

    /// Starts one loop per worker on the global queue; each takes chunks from `flow` until it closes.
    /// Chunks are moved in and out of the flow, never copied; each result goes to the slot of its
    /// chunk's number, so the output order does not depend on which worker took it.
    private func startWorkers(on flow: ChunkFlow<[Document], ChunkResult>, group: DispatchGroup, sinks: [any DocumentSink]) {
        let workers = UncheckedSendable(self.workers)
        // Shared by the workers only through `digest`, which reads state the sinks publish safely.
        let sinks = UncheckedSendable(sinks)
        let includeText = options.includeText
        for w in workers.value.indices {
            DispatchQueue.global().async(group: group) {
                let worker = workers.value[w]
                while let (number, documents) = flow.take(worker: w) {
                    var chunk = ChunkResult()
                    chunk.worker = w
                    chunk.documents = documents
                    chunk.failures = worker.process(batch: &chunk.documents)
                    // A coded line is about 1.3 KB on the bundled codebook: room for most chunks
                    // without growing (each growth copies what was written).
                    var writer = JSONWriter(reservingCapacity: 2_048 * chunk.documents.count)
                    var failed = Set(chunk.failures.map(\.index))
                    var ranges: [Range<Int>] = []
                    var digests: [(any DocumentDigest)?] = []
                    ranges.reserveCapacity(chunk.documents.count)
                    digests.reserveCapacity(chunk.documents.count * sinks.value.count)
                    chunk.documents.withUnsafeMutableBufferPointer { documents in
                        for k in documents.indices {
                            // Moved out and back, never copied: a copy would retain and release
                            // the document's dozen buffers.
                            let document = documents.moveElement(from: k)
                            let start = writer.count
                            let ok = failed.remove(k) == nil
                            if ok { CodedRecord.encode(document, into: &writer, includeText: includeText) }
                            ranges.append(start..<writer.count)
                            for sink in sinks.value { digests.append(ok ? sink.digest(document, worker: w) : nil) }
                            documents.initializeElement(at: k, to: consume document)
                        }
                    }
                    chunk.ranges = ranges
                    chunk.digests = digests
                    chunk.encoded = writer.bytes
                    flow.finish(number, chunk)
                }
            }
        }
    }
}

/// Values that are handed to exactly one worker thread each; the runner guarantees no sharing.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
