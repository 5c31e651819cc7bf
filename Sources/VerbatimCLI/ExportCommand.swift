import ArgumentParser
import VerbatimCore
import VerbatimReports

/// `verbatim export`: counts, quotes and coded answers in the formats analysts' tools read.
struct ExportCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export counts, quotes and coded answers: csv, xlsx, md, html, qdc or qdpx.",
        discussion: """
            Codes INPUT with the pipeline (qdc needs only the pipeline) and writes --output:
              csv   OUTPUT: one row per response and theme (id, question, theme, theme_label, evidence,
                    evidence_offsets, rules, theme_sentiment, sentiment, sentiment_score, text, then the
                    metadata fields); a response with no theme has one row with the theme cells empty.
                    OUTPUT-counts.csv beside it: the counts (as counts.csv). RFC 4180; text cells that
                    start with = + - @, tab or CR get a leading ' so spreadsheets show them as text.
              xlsx  sheets Counts, Quotes, Matrix (0/1 per response and theme) and Co-occurrence.
              md    Word-ready Markdown: counts table by question, theme pairs, quotes per theme.
              html  a self-contained page: bar charts by question, sentiment bars, quote cards, search.
              qdc   the codebook, REFI-QDA (NVivo, ATLAS.ti, MAXQDA, QualCoder).
              qdpx  a REFI-QDA project: each response a text source, each evidence span a coded
                    selection (positions in Unicode code points of the source text).
            """)

    static let formats = ["csv", "xlsx", "md", "html", "qdc", "qdpx"]

    @Option(help: ArgumentHelp("What to write: csv, xlsx, md, html, qdc or qdpx.", valueName: "format"))
    var format: String

    @OptionGroup var input: ReportInputOptions
    @OptionGroup var pipelineOptions: PipelineOptionGroup

    @Option(help: ArgumentHelp("The file to write (for csv, also OUTPUT-counts.csv beside it).", valueName: "path"))
    var output: String

    @Flag(help: "csv: start the files with a UTF-8 byte-order mark, so Excel reads them as UTF-8.")
    var bom = false

    @Option(help: ArgumentHelp("Break the counts down by this metadata field, e.g. grade or department.", valueName: "field"))
    var by: String?

    @Option(help: "Quotes per theme (md, html, xlsx).")
    var perTheme: Int = 5

    @Option(help: "The longest quote, in characters, \"…\" included.")
    var maxChars: Int = 280

    @Option(help: ArgumentHelp("Only quotes whose sentiment is positive or negative.", valueName: "positive|negative"))
    var polarity: String?

    @Flag(help: "Mix sentiments in the quotes: alternate positive, negative and other.")
    var balanced = false

    @Option(help: "The report title (md, html) or project name (qdpx).")
    var title: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if !Self.formats.contains(format) {
            throw ValidationError("--format must be one of: \(Self.formats.joined(separator: ", ")) (got '\(format)')")
        }
        if perTheme < 1 { throw ValidationError("--per-theme must be 1 or more") }
        if maxChars < 16 { throw ValidationError("--max-chars must be at least 16") }
        if output.isEmpty || output == "-" { throw ValidationError("--output needs a file path") }
        _ = try QuoteOptions.polarity(polarity)
    }

    func execute() throws {
        let pipeline = try pipelineOptions.build()
        let folder = FileIO.directory(of: output)
        if folder != "." { try FileIO.makeDirectory(folder) }
        if format == "qdc" {
            try FileIO.writeAtomically(QDCCodebookWriter.render(pipeline.themes), to: output)
            if !quiet { Console.err("Wrote \(output) (\(pipeline.themes.count) codes).\n") }
            return
        }
        let inputGroup = try input.group()
        let session = RunSession(input: inputGroup, pipelineOptions: pipelineOptions, quiet: quiet)
        let counts = ThemeCounts(themes: pipeline.themes, breakdownField: by)
        let quotes = QuoteCollector(maxCharacters: maxChars)
        let store = ResponseStore()
        let needsResponses = ["csv", "xlsx", "qdpx"].contains(format)
        _ = try session.run(pipeline: pipeline, sinks: needsResponses ? [counts, quotes, store] : [counts, quotes])
        let selection = QuoteSelection(perTheme: perTheme, polarity: try QuoteOptions.polarity(polarity), balanced: balanced)
        let name = title ?? Self.defaultTitle(input: inputGroup.inputPath)
        let content = ReportContent(title: name, counts: counts, quotes: quotes, selection: selection, responses: store.responses)
        switch format {
        case "csv":
            try CSVExportWriter.write(content, metadataKeys: store.metadataKeys, to: output, bom: bom)
        case "xlsx":
            try FileIO.writeAtomically(XLSXExportWriter.data(content), to: output)
        case "md":
            try FileIO.writeAtomically(MarkdownReportWriter.render(content), to: output)
        case "html":
            try FileIO.writeAtomically(HTMLReportWriter.render(content), to: output)
        default:
            try FileIO.writeAtomically(QDPXProjectWriter.data(content, metadataKeys: store.metadataKeys, name: name), to: output)
        }
        if !quiet {
            let also = format == "csv" ? " and \(CSVExportWriter.countsPath(for: output))" : ""
            Console.err("Wrote \(output)\(also) (\(counts.totalAnswers) responses, \(content.themes.count) themes).\n")
        }
    }

    static func defaultTitle(input: String) -> String {
        let name = input == "-" ? "standard input" : FileIO.fileName(of: input)
        return "Themes in \(name)"
    }
}
