import ArgumentParser
import VerbatimCore
import VerbatimReports

/// Commands whose failures are `VerbatimError`s: the error is printed as it is (place, message and
/// hint) and the command exits with status 1, without argument-parser's usage text.
protocol ReportingCommand: ParsableCommand {
    func execute() throws
}

extension ReportingCommand {
    func run() throws {
        do {
            try execute()
        } catch let error as VerbatimError {
            Console.err("\(error)\n")
            throw ExitCode.failure
        }
    }
}

/// The files `verbatim run` (and `verbatim merge`) write beside `coded.jsonl`, each atomically.
enum RunOutputs {
    static let names = "coded.jsonl, counts.csv, counts.json, cooccurrence.csv, quotes.md and report.html"

    /// - Parameter quotesMarkdown: replaces the generated `quotes.md` (e.g. a note that there is no text).
    static func write(
        to out: String, counts: ThemeCounts, quotes: QuoteCollector, quotesPerTheme: Int, title: String,
        problems: [VerbatimError], quotesMarkdown: String? = nil
    ) throws {
        try FileIO.writeAtomically(counts.csv(), to: out + "/counts.csv")
        try FileIO.writeAtomically(counts.json(), to: out + "/counts.json")
        try FileIO.writeAtomically(counts.cooccurrenceCSV(), to: out + "/cooccurrence.csv")
        try FileIO.writeAtomically(
            quotesMarkdown ?? quotes.markdown(themes: counts.themes, counts: counts, perTheme: quotesPerTheme),
            to: out + "/quotes.md")
        let report = ReportContent(title: title, counts: counts, quotes: quotes, selection: QuoteSelection(perTheme: quotesPerTheme))
        try FileIO.writeAtomically(HTMLReportWriter.render(report), to: out + "/report.html")
        // A problems.txt from an earlier run must not survive a clean run.
        let problemsPath = out + "/problems.txt"
        if !problems.isEmpty {
            try FileIO.writeAtomically(problems.map { "\($0)\n" }.joined(), to: problemsPath)
        } else if FileIO.exists(problemsPath) {
            try FileIO.writeAtomically("", to: problemsPath)
        }
    }
}
