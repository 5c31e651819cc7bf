import ArgumentParser
import VerbatimCore

/// `verbatim run`: the main job.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Code answers with a pipeline and write coded.jsonl, counts.csv and quotes.md.",
        discussion: """
            Outputs (in --out, written atomically, so a failed run leaves no partial files):
              coded.jsonl  one object per response, in input order: id, question, themes, evidence
                           (theme -> [{start, end, text, rule}], offsets in Unicode scalars), sentiment
              counts.csv   per theme and question: responses coded, share of answers, sentiment split
              quotes.md    per theme, the best quotes with the evidence in bold
              problems.txt every malformed record or failed response (only when there were any)
            With --out -, coded JSON Lines go to standard output and nothing else is written (filter mode).
            """)

    @OptionGroup var input: InputOptionGroup
    @OptionGroup var pipelineOptions: PipelineOptionGroup

    @Option(help: "Output folder, or - for coded JSON Lines on standard output.")
    var out: String = "verbatim-out"

    @Option(help: "Quotes per theme in quotes.md.")
    var quotesPerTheme: Int = 5

    @Flag(help: "Print no summary table and no progress.")
    var quiet = false

    func validate() throws {
        if quotesPerTheme < 0 { throw ValidationError("--quotes-per-theme must be 0 or more") }
    }

    func run() throws {
        do {
            try execute()
        } catch let error as VerbatimError {
            Console.err("\(error)\n")
            throw ExitCode.failure
        }
    }

    private func execute() throws {
        // Build and check the whole pipeline before reading any input.
        let pipeline = try pipelineOptions.build()
        let session = RunSession(input: input, pipelineOptions: pipelineOptions, quiet: quiet || out == "-")

        if out == "-" {
            let sink = StandardOutputSink()
            _ = try session.run(pipeline: pipeline, sinks: [sink])
            sink.flush()
            return
        }

        try FileIO.makeDirectory(out)
        let coded = try CodedFileSink(path: out + "/coded.jsonl")
        let counts = ThemeCounts(themes: pipeline.themes)
        let quotes = QuoteCollector()
        let result: RunSession.Result
        do {
            result = try session.run(pipeline: pipeline, sinks: [coded, counts, quotes])
        } catch {
            coded.abort()
            throw error
        }
        try coded.commit()
        try FileIO.writeAtomically(counts.csv(), to: out + "/counts.csv")
        try FileIO.writeAtomically(quotes.markdown(themes: counts.themes, counts: counts, perTheme: quotesPerTheme),
                                   to: out + "/quotes.md")
        let problemsPath = out + "/problems.txt"
        if !result.problems.isEmpty {
            try FileIO.writeAtomically(result.problems.map { "\($0)\n" }.joined(), to: problemsPath)
        } else if FileIO.exists(problemsPath) {
            try FileIO.writeAtomically("", to: problemsPath)
        }
        if !quiet {
            Console.out(counts.summaryTable())
            Console.out("\nWrote \(out)/coded.jsonl, counts.csv and quotes.md (\(result.summary.coded) responses).\n")
        }
    }
}

/// Writes each document's `coded.jsonl` line to an atomically committed file.
final class CodedFileSink: DocumentSink {
    private let writer: AtomicFileWriter
    init(path: String) throws { writer = try AtomicFileWriter(path: path) }
    func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws { try writer.write(encoded) }
    func commit() throws { try writer.commit() }
    func abort() { writer.abort() }
}

/// Filter mode: coded JSON Lines on standard output, flushed in large blocks.
final class StandardOutputSink: DocumentSink {
    private var buffer: [UInt8] = []
    func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws {
        buffer.append(contentsOf: encoded)
        if buffer.count > 1 << 20 { flush() }
    }
    func flush() {
        buffer.withUnsafeBufferPointer { Console.out(bytes: $0) }
        buffer.removeAll(keepingCapacity: true)
    }
}
