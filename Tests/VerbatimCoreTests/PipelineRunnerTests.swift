import Testing
import VerbatimTestSupport
@testable import VerbatimCore

/// The runner hands chunks to worker threads as they come free and takes results back in input
/// order: whatever the thread count and chunk size, the sinks and the problem callback must see the
/// same events in the same order as a one-document-at-a-time pass, with memory bounded.
@Suite struct PipelineRunnerTests {
    /// Tags each answer with its length; fails on answers that say "fail", stops the run on "abort".
    struct LengthTagStage: Stage {
        static let descriptor = StageDescriptor(name: "length-tag", version: 1, summary: "test stage", assigns: ["length"])
        init(options: StageOptions, context: StageContext) {}
        init() {}
        func makeProcessor() -> any StageProcessor { Processor() }

        struct Refusal: Error, CustomStringConvertible {
            var description: String { "refused" }
        }

        final class Processor: StageProcessor {
            func process(_ document: inout Document) throws {
                let text = document.response.text
                if text.hasPrefix("abort") {
                    throw VerbatimError.stageAborted(stage: "length-tag", responseID: document.response.id, message: "asked to")
                }
                if text.hasPrefix("fail") { throw Refusal() }
                document.annotations["length"] = .number(Double(text.utf8.count))
            }
        }
    }

    /// Digests on the workers and records, in order, what it consumes.
    final class RecordingSink: DocumentSink {
        struct Digest: DocumentDigest {
            var id: String
            var worker: Int
        }
        var events: [String] = []
        var workers = 0
        var consumed = 0

        func prepare(workers: Int) { self.workers = workers }

        func digest(_ document: Document, worker: Int) -> (any DocumentDigest)? {
            Digest(id: document.response.id, worker: worker)
        }

        func consume(digest: (any DocumentDigest)?, encoded: UnsafeBufferPointer<UInt8>, document: () -> Document) throws {
            let digest = try #require(digest as? Digest)
            #expect(digest.id == document().response.id)
            #expect((0..<workers).contains(digest.worker))
            consumed += 1
            events.append(String(decoding: encoded, as: UTF8.self))
        }

        func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws {
            Issue.record("the runner always passes a digest")
        }
    }

    /// `count` items: mostly answers of random length, with malformed records, failing answers and,
    /// when asked, one answer that stops the run.
    static func items(count: Int, seed: UInt64, abortAt: Int? = nil) -> [InputItem] {
        var random = SplitMix(state: seed)
        return (0..<count).map { i in
            if i == abortAt { return .response(Response(id: "r\(i)", text: "abort here")) }
            switch random.below(20) {
            case 0, 1:
                return .malformed(.malformedRecord(message: "bad record \(i)", at: SourceLocation(file: "in.jsonl", line: i + 1)))
            case 2:
                return .response(Response(id: "r\(i)", text: "fail this one"))
            default:
                let words = random.below(40)
                return .response(Response(id: "r\(i)", text: String(repeating: "word ", count: words)))
            }
        }
    }

    /// What a serial pass reports: each answer's coded line, or the problem, in input order.
    static func expectedEvents(_ items: [InputItem]) throws -> [String] {
        let worker = try pipeline().makeWorker()
        return try items.map { item in
            switch item {
            case let .malformed(e):
                return "problem: \(e)"
            case let .response(r):
                var document = Document(r)
                do {
                    try worker.process(&document)
                } catch let e as VerbatimError {
                    return "problem: \(e)"
                }
                var writer = JSONWriter()
                CodedRecord.encode(document, into: &writer)
                return String(decoding: writer.bytes, as: UTF8.self)
            }
        }
    }

    /// Where two event lists part, shown briefly (a whole list would bury the message).
    static func firstDifference(_ a: [String], _ b: [String]) -> String? {
        guard let i = (0..<min(a.count, b.count)).first(where: { a[$0] != b[$0] }) ?? (a.count == b.count ? nil : min(a.count, b.count))
        else { return nil }
        return "event \(i): \(i < a.count ? a[i] : "none") instead of \(i < b.count ? b[i] : "none")"
    }

    static func pipeline() -> Pipeline {
        Pipeline(stages: [LengthTagStage()], config: PipelineConfig(stages: [PipelineConfig.StageEntry(name: "length-tag")]))
    }

    /// Runs `items`, recording events in order and the most documents ever read but not yet consumed.
    static func run(_ items: [InputItem], threads: Int, batchSize: Int, strict: Bool = false) throws
        -> (events: [String], summary: RunSummary, mostOut: Int) {
        let runner = try PipelineRunner(pipeline: pipeline(), options: .init(threads: threads, batchSize: batchSize, strict: strict))
        let sink = RecordingSink()
        var remaining = items[...]
        var read = 0, failed = 0, mostOut = 0
        let summary = try runner.run(
            next: {
                mostOut = max(mostOut, read - sink.consumed - failed)
                guard let item = remaining.popFirst() else { return nil }
                if case .response = item { read += 1 }
                return item
            },
            sinks: [sink],
            problem: { e in
                if case .stageFailed = e { failed += 1 }
                sink.events.append("problem: \(e)")
            })
        return (sink.events, summary, mostOut)
    }

    @Test(arguments: [(1, 1), (1, 256), (2, 1), (2, 5), (2, 256), (3, 7), (8, 2)])
    func eventsComeInInputOrderWhateverTheThreadsAndChunks(threads: Int, batchSize: Int) throws {
        let items = Self.items(count: 1_500, seed: 2008)
        let expected = try Self.expectedEvents(items)
        let (events, summary, mostOut) = try Self.run(items, threads: threads, batchSize: batchSize)
        #expect(Self.firstDifference(events, expected) == nil)
        #expect(summary.read == items.count { if case .response = $0 { true } else { false } })
        #expect(summary.malformed == expected.count { $0.hasPrefix("problem: ") && $0.contains("bad record") })
        #expect(summary.failed == expected.count { $0.hasPrefix("problem: ") && $0.contains("refused") })
        #expect(summary.coded == summary.read - summary.failed)
        // Memory is bounded: at most three batches per thread, plus the chunk being filled.
        let chunk = PipelineRunner.chunkSize(batchSize: batchSize)
        #expect(mostOut <= 3 * threads * batchSize + chunk)
        #expect(mostOut > 0)
    }

    @Test func aLongRunOfMalformedRecordsIsReportedAsItIsRead() throws {
        var items: [InputItem] = (0..<5_000).map {
            .malformed(.malformedRecord(message: "bad \($0)", at: SourceLocation(file: "in.jsonl", line: $0 + 1)))
        }
        items.append(.response(Response(id: "last", text: "fine")))
        let (events, summary, _) = try Self.run(items, threads: 2, batchSize: 4)
        #expect(Self.firstDifference(events, try Self.expectedEvents(items)) == nil)
        #expect(summary.malformed == 5_000)
        #expect(summary.coded == 1)
    }

    @Test(arguments: [1, 2, 4])
    func strictModeThrowsTheFirstProblem(threads: Int) throws {
        let items = Self.items(count: 600, seed: 7)
        let first = try #require(try Self.expectedEvents(items).first { $0.hasPrefix("problem: ") })
        #expect(throws: VerbatimError.self) { try Self.run(items, threads: threads, batchSize: 3, strict: true) }
        do {
            _ = try Self.run(items, threads: threads, batchSize: 3, strict: true)
        } catch let e as VerbatimError {
            #expect("problem: \(e)" == first)
        }
        // Failed answers alone: the first one is thrown, after the answers before it were consumed.
        let answers = items.filter { if case .response = $0 { true } else { false } }
        let firstFailure = try #require(try Self.expectedEvents(answers).firstIndex { $0.hasPrefix("problem: ") })
        do {
            _ = try Self.run(answers, threads: threads, batchSize: 3, strict: true)
            Issue.record("a strict run with a failing answer must throw")
        } catch let e as VerbatimError {
            #expect("problem: \(e)" == (try Self.expectedEvents(answers))[firstFailure])
        }
    }

    @Test(arguments: [1, 2, 8])
    func anAbortingStageStopsTheRunAndItsWorkers(threads: Int) throws {
        let items = Self.items(count: 3_000, seed: 11, abortAt: 1_000)
        do {
            _ = try Self.run(items, threads: threads, batchSize: 16)
            Issue.record("an aborting stage must stop the run")
        } catch let VerbatimError.stageAborted(stage, responseID, _) {
            #expect(stage == "length-tag")
            #expect(responseID == "r1000")
        }
    }
}
