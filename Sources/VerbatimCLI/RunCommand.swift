import ArgumentParser
import VerbatimCore
import VerbatimReports

/// `verbatim run`: the main job.
struct RunCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Code answers with a pipeline and write coded.jsonl, counts.csv and quotes.md.",
        discussion: """
            Outputs (in --out, written atomically, so a failed run leaves no partial files):
              coded.jsonl  one object per response, in input order: id, question, themes, evidence
                           (theme -> [{start, end, text, rule}], offsets in Unicode scalars), sentiment
              counts.csv   per theme and question: responses coded, share of answers, sentiment split
                           (with --by FIELD, a group column and rows per value of that metadata field)
              counts.json  the same counts, nested, plus the theme co-occurrence matrix
              cooccurrence.csv  theme x theme: responses coded with both
              quotes.md    per theme, the best quotes with the evidence in bold
              report.html  a self-contained page: bar charts by question, sentiment, quote cards, search
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

    @Flag(help: "Include each response's text in coded.jsonl (after any redaction stage rewrote it).")
    var withText = false

    @Option(help: ArgumentHelp("Break the counts down by this metadata field, e.g. grade or department.", valueName: "field"))
    var by: String?

    func validate() throws {
        if quotesPerTheme < 0 { throw ValidationError("--quotes-per-theme must be 0 or more") }
    }

    func execute() throws {
        // Build and check the whole pipeline before reading any input.
        let pipeline = try pipelineOptions.build()
        let session = RunSession(input: input, pipelineOptions: pipelineOptions, quiet: quiet || out == "-")

        if out == "-" {
            let sink = StandardOutputSink()
            _ = try session.run(pipeline: pipeline, sinks: [sink], includeText: withText)
            sink.flush()
            return
        }

        try FileIO.makeDirectory(out)
        let coded = try CodedFileSink(path: out + "/coded.jsonl")
        let counts = ThemeCounts(themes: pipeline.themes, breakdownField: by)
        let quotes = QuoteCollector()
        let result: RunSession.Result
        do {
            result = try session.run(pipeline: pipeline, sinks: [coded, counts, quotes], includeText: withText)
        } catch {
            coded.abort()
            throw error
        }
        try coded.commit()
        try RunOutputs.write(to: out, counts: counts, quotes: quotes, quotesPerTheme: quotesPerTheme,
                             title: ExportCommand.defaultTitle(input: input.inputPath), problems: result.problems)
        if !quiet {
            Console.out(counts.summaryTable())
            Console.out("\nWrote into \(out)/: \(RunOutputs.names) (\(result.summary.coded) responses).\n")
        }
    }
}

/// Writes each document's `coded.jsonl` line to an atomically committed file.
final class CodedFileSink: DocumentSink {
    private let writer: AtomicFileWriter
    init(path: String) throws { writer = try AtomicFileWriter(path: path) }
    func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws { try writer.write(encoded) }
    func consume(digest: (any DocumentDigest)?, encoded: UnsafeBufferPointer<UInt8>, document: () -> Document) throws {
        try writer.write(encoded)
    }
    func commit() throws { try writer.commit() }
    func abort() { writer.abort() }
}

/// Filter mode: coded JSON Lines on standard output, flushed in large blocks.
final class StandardOutputSink: DocumentSink {
    private var buffer: [UInt8] = []
    func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws { write(encoded) }
    func consume(digest: (any DocumentDigest)?, encoded: UnsafeBufferPointer<UInt8>, document: () -> Document) throws {
        write(encoded)
    }
    private func write(_ encoded: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: encoded)
        if buffer.count > 1 << 20 { flush() }
    }
    func flush() {
        buffer.withUnsafeBufferPointer { Console.out(bytes: $0) }
        buffer.removeAll(keepingCapacity: true)
    }
}
