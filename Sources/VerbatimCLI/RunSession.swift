import VerbatimCore
import VerbatimReports

/// Runs an input through a pipeline into sinks, reporting each malformed record or failed response on
/// standard error as it happens (the first `shownProblems` in full, then a count).
struct RunSession {
    let input: InputOptionGroup
    let pipelineOptions: PipelineOptionGroup
    var quiet = false
    var shownProblems = 20

    struct Result {
        var pipeline: Pipeline
        var summary: RunSummary
        var problems: [VerbatimError]
    }

    func run(pipeline: Pipeline, sinks: [any DocumentSink], includeText: Bool = false) throws -> Result {
        let next = try Self.openInput(path: input.inputPath, options: input.options)
        let runner = try PipelineRunner(
            pipeline: pipeline,
            options: .init(threads: pipelineOptions.threads ?? ProcessEnvironment.coreCount,
                           strict: input.strict, includeText: includeText))
        var problems: [VerbatimError] = []
        let progress = ProgressReporter(enabled: !quiet && Console.stderrIsTerminal)
        let summary = try runner.run(
            next: next,
            sinks: sinks,
            problem: { error in
                if problems.count < shownProblems {
                    progress.clear()
                    Console.err("\(error)\n  (skipped; the run goes on. Use --strict to stop at the first problem.)\n")
                }
                if problems.count < 10_000 { problems.append(error) }
            },
            progress: { progress.update($0) })
        try pipeline.finish()
        progress.finish(summary)
        if problems.count > shownProblems {
            Console.err("… and \(summary.malformed + summary.failed - shownProblems) more problems (all listed in problems.txt)\n")
        }
        return Result(pipeline: pipeline, summary: summary, problems: problems)
    }
}

extension RunSession {
    /// The reader for `path`: `.xlsx` workbooks (unless `--format` says otherwise) go to the XLSX reader,
    /// everything else to `ResponseReader`.
    static func openInput(path: String, options: InputOptions) throws -> () throws -> InputItem? {
        if options.format == nil, FileIO.fileExtension(of: path) == "xlsx" {
            let reader = try XLSXResponseReader(path: path, options: options)
            return { try reader.next() }
        }
        let reader = try ResponseReader(path: path, options: options)
        return { try reader.next() }
    }
}

/// Progress on standard error for runs longer than about a second: answers done, rate and, for files,
/// nothing more is known ahead, so the rate is shown. Silent when standard error is not a terminal.
final class ProgressReporter {
    private let enabled: Bool
    private let start = MonotonicClock.now()
    private var shown = false
    private var lastUpdate = 0.0

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ s: RunSummary) {
        guard enabled else { return }
        let t = MonotonicClock.now() - start
        guard t > 1, t - lastUpdate > 0.2 else { return }
        lastUpdate = t
        shown = true
        let rate = Double(s.read) / t
        Console.err("\r\(s.read) answers, \(Int(rate))/s, \(ThemeCounts.decimal(Double(s.bytes) / t / 1_000_000, places: 1)) MB/s   ")
    }

    func clear() {
        if shown { Console.err("\r\u{1B}[K") }
    }

    func finish(_ s: RunSummary) {
        guard enabled else { return }
        clear()
        let t = MonotonicClock.now() - start
        var line = "\(s.coded) of \(s.read) answers coded in \(ThemeCounts.decimal(t, places: 2)) s"
        if s.malformed > 0 { line += ", \(s.malformed) malformed records skipped" }
        if s.failed > 0 { line += ", \(s.failed) responses failed" }
        Console.err(line + "\n")
    }
}

#if canImport(Glibc)
import Glibc
#endif

enum MonotonicClock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
