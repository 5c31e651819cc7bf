import ArgumentParser
import VerbatimCore
import VerbatimReports

/// `verbatim quotes`: the quotes that best show each theme, as Markdown or JSON Lines.
struct QuotesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quotes",
        abstract: "Pick the quotes that best show each theme (Markdown or JSON Lines on standard output).",
        discussion: """
            Codes INPUT with the pipeline, then for each theme ranks extracts of its coded answers: the
            sentence(s) carrying the evidence, trimmed with "…" at clause boundaries to --max-chars,
            never mid-word. Ranking weighs how clearly the extract shows the theme (evidence strength
            and coverage), how self-contained and readable it is, and how representative it is of the
            theme's other answers (shared stems); the list avoids near-duplicates and repeats of a
            respondent. Ties go to the earlier answer, so the same input gives the same quotes.

            --format jsonl prints one object per quote:
              {"theme", "rank" (1 = best), "id", "question", "text",
               "evidence": [{"start", "end"}] (Unicode-scalar offsets into text),
               "sentiment": {"label", "score"} or null}
            """)

    @OptionGroup var input: ReportInputOptions
    @OptionGroup var pipelineOptions: PipelineOptionGroup

    @Option(name: .customLong("theme"), help: ArgumentHelp("Only this theme id (repeat for several).", valueName: "id"))
    var themes: [String] = []

    @Option(help: "Quotes per theme.")
    var perTheme: Int = 5

    @Option(help: ArgumentHelp("Only quotes whose sentiment is positive or negative.", valueName: "positive|negative"))
    var polarity: String?

    @Flag(help: "Mix sentiments: alternate positive, negative and other quotes while each is available.")
    var balanced = false

    @Option(help: "The longest quote, in characters (Unicode scalars), \"…\" included.")
    var maxChars: Int = 280

    @Option(help: ArgumentHelp("Output format: md or jsonl.", valueName: "md|jsonl"))
    var format: String = "md"

    func validate() throws {
        if perTheme < 1 { throw ValidationError("--per-theme must be 1 or more") }
        if maxChars < 16 { throw ValidationError("--max-chars must be at least 16") }
        if format != "md" && format != "jsonl" { throw ValidationError("--format must be md or jsonl (got '\(format)')") }
        _ = try QuoteOptions.polarity(polarity)
    }

    func run() throws {
        do {
            Console.out(try render())
        } catch let error as VerbatimError {
            Console.err("\(error)\n")
            throw ExitCode.failure
        }
    }

    /// The output, for the command and for tests.
    func render() throws -> String {
        let pipeline = try pipelineOptions.build()
        let session = RunSession(input: try input.group(), pipelineOptions: pipelineOptions, quiet: true)
        let counts = ThemeCounts(themes: pipeline.themes)
        let quotes = QuoteCollector(maxCharacters: maxChars)
        _ = try session.run(pipeline: pipeline, sinks: [counts, quotes])
        let selection = QuoteSelection(perTheme: perTheme, polarity: try QuoteOptions.polarity(polarity), balanced: balanced)
        var chosen = counts.themes
        if !themes.isEmpty {
            let known = Set(chosen.map(\.id))
            if let unknown = themes.first(where: { !known.contains($0) }) {
                throw VerbatimError.usage("no theme '\(unknown)'; the pipeline's themes are: \(chosen.map(\.id).joined(separator: ", "))")
            }
            chosen = themes.compactMap { id in chosen.first { $0.id == id } }
        }
        if format == "jsonl" { return quotes.jsonLines(themes: chosen.map(\.id), selection: selection) }
        return quotes.markdown(themes: chosen, counts: counts, selection: selection)
    }
}

enum QuoteOptions {
    static func polarity(_ text: String?) throws -> Sentiment.Label? {
        guard let text else { return nil }
        switch text {
        case "positive": return .positive
        case "negative": return .negative
        default: throw ValidationError("--polarity must be positive or negative (got '\(text)')")
        }
    }
}

/// The input options of `run`, for commands whose own `--format` is the output format: the input
/// format is `--input-format` here. `group()` gives the `InputOptionGroup` that `RunSession` reads.
struct ReportInputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "The answers: .jsonl, .csv, .xlsx or plain text (one answer per line); - reads JSON Lines from standard input.",
        discussion: "Defaults to the bundled Corpora/collab2008/responses.jsonl."))
    var input: String?

    @Option(help: "Input format, when the file extension does not say: jsonl, csv or text.")
    var inputFormat: String?

    @Option(help: "CSV/XLSX: the column holding the response (long form) or respondent (wide form) id.")
    var idColumn: String?

    @Option(help: "CSV/XLSX long form: the column holding the answer.")
    var textColumn: String = "text"

    @Option(help: "CSV/XLSX long form: the column holding the question.")
    var questionColumn: String?

    @Option(help: ArgumentHelp(
        "CSV/XLSX wide form: comma-separated answer columns, e.g. \"Q3,Q4,Q8,Q9\".",
        discussion: "Each non-empty cell becomes a response with id <respondent id>-<column>."))
    var textColumns: String?

    @Flag(help: "Stop at the first malformed record or failed response instead of reporting it and carrying on.")
    var strict = false

    func validate() throws { _ = try group() }

    /// The same options as `run` takes them, checked the same way.
    func group() throws -> InputOptionGroup {
        var arguments: [String] = []
        if let inputFormat { arguments += ["--format", inputFormat] }
        if let idColumn { arguments += ["--id-column", idColumn] }
        arguments += ["--text-column", textColumn]
        if let questionColumn { arguments += ["--question-column", questionColumn] }
        if let textColumns { arguments += ["--text-columns", textColumns] }
        if strict { arguments.append("--strict") }
        // After "--", so an input named like an option stays the input.
        if let input { arguments += ["--", input] }
        do {
            return try InputOptionGroup.parse(arguments)
        } catch {
            throw ValidationError(InputOptionGroup.message(for: error).replacing("--format", with: "--input-format"))
        }
    }
}
