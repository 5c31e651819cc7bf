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
        let (next, fractionRead) = try Self.openInput(path: input.inputPath, options: input.options)
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
            progress: { progress.update($0, fractionRead: fractionRead()) })
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
    /// everything else to `ResponseReader`; and the share of the input read so far, when known.
    static func openInput(path: String, options: InputOptions) throws
        -> (next: () throws -> InputItem?, fractionRead: () -> Double?) {
        if options.format == nil, FileIO.fileExtension(of: path) == "xlsx" {
            let reader = try XLSXResponseReader(path: path, options: options)
            return ({ try reader.next() }, { nil })
        }
        let reader = try ResponseReader(path: path, options: options)
        return ({ try reader.next() }, { reader.fractionRead })
    }
}

/// Progress on standard error for runs longer than about a second: answers done, rate and, when the
/// input's size is known ahead (a file), the time left. Silent when standard error is not a terminal.
final class ProgressReporter {
    private let enabled: Bool
    private let start = MonotonicClock.now()
    private var shown = false
    private var lastUpdate = 0.0

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ s: RunSummary, fractionRead: Double? = nil) {
        guard enabled else { return }
        let t = MonotonicClock.now() - start
        guard t > 1, t - lastUpdate > 0.2 else { return }
        lastUpdate = t
        shown = true
        Console.err("\r" + Self.line(s, elapsed: t, fractionRead: fractionRead) + "\u{1B}[K")
    }

    /// "12,500 answers, 9,800/s, 4.4 MB/s, 37% read, about 3 s left": the time left is the time so
    /// far scaled by the share of the input still to read, once enough of it was read to say.
    static func line(_ s: RunSummary, elapsed t: Double, fractionRead: Double?) -> String {
        var line = "\(grouped(s.read)) answers, \(grouped(Int(Double(s.read) / t)))/s, "
            + "\(ThemeCounts.decimal(Double(s.bytes) / t / 1_000_000, places: 1)) MB/s"
        if let f = fractionRead, f >= 0.01 {
            let left = t * (1 - f) / f
            line += ", \(Int(f * 100))% read, about \(left < 60 ? "\(Int(left.rounded(.up))) s" : "\(Int((left / 60).rounded(.up))) min") left"
        }
        return line
    }

    /// 1234567 as "1,234,567".
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
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
