import ArgumentParser
import VerbatimCore

/// The `verbatim` command line.
public struct VerbatimCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "verbatim",
        abstract: "Code free-text survey answers: themes with evidence, sentiment, counts and quotes.",
        discussion: """
            With no arguments, `verbatim run` codes the bundled 2008 survey answers with the bundled
            pipeline and writes coded.jsonl, counts.csv and quotes.md into ./verbatim-out.
            """,
        version: VerbatimVersion.string,
        subcommands: [RunCommand.self, StemCommand.self, StagesCommand.self, PipelineCommand.self, QuotesCommand.self, ExportCommand.self, SentimentBenchCommand.self, AgreeCommand.self, ExplainCommand.self, MergeCommand.self, CodebookCommand.self],
        defaultSubcommand: nil)

    public init() {}
}

public enum VerbatimVersion {
    public static let string = "0.1.0"
}
