import ArgumentParser
import VerbatimCore
import VerbatimStages

/// Where the answers come from and how to read them; shared by every command that reads input.
struct InputOptionGroup: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "The answers: .jsonl, .csv, .xlsx or plain text (one answer per line); - reads JSON Lines from standard input.",
        discussion: "Defaults to the bundled Corpora/collab2008/responses.jsonl."))
    var input: String?

    @Option(help: "Input format, when the file extension does not say: jsonl, csv or text.")
    var format: String?

    @Option(help: "CSV: the column holding the response (long form) or respondent (wide form) id.")
    var idColumn: String?

    @Option(help: "CSV long form: the column holding the answer.")
    var textColumn: String = "text"

    @Option(help: "CSV long form: the column holding the question.")
    var questionColumn: String?

    @Option(help: ArgumentHelp(
        "CSV wide form: comma-separated answer columns, e.g. \"Q3,Q4,Q8,Q9\".",
        discussion: "Each non-empty cell becomes a response with id <respondent id>-<column>."))
    var textColumns: String?

    @Flag(help: "Stop at the first malformed record or failed response instead of reporting it and carrying on.")
    var strict = false

    func validate() throws {
        if let format, InputOptions.Format(rawValue: format) == nil {
            throw ValidationError("--format must be one of: jsonl, csv, text (got '\(format)')")
        }
        if let columns = textColumns, columns.split(separator: ",").isEmpty {
            throw ValidationError("--text-columns needs at least one column name, e.g. \"Q3,Q4\"")
        }
        if let input, input != "-", !FileIO.exists(input) {
            throw ValidationError("input file '\(input)' does not exist")
        }
    }

    var inputPath: String { input ?? BundledCorpus.path("responses.jsonl") }

    var options: InputOptions {
        var o = InputOptions(format: format.flatMap(InputOptions.Format.init(rawValue:)))
        o.idColumn = idColumn
        o.textColumn = textColumn
        o.questionColumn = questionColumn
        o.textColumns = textColumns.map { $0.split(separator: ",").map { String($0).trimmingSpaces } } ?? []
        o.strict = strict
        return o
    }
}

/// Which pipeline to run and on how many threads.
struct PipelineOptionGroup: ParsableArguments {
    @Option(help: "The pipeline config (YAML). Defaults to the bundled Corpora/collab2008/pipeline.yaml.")
    var pipeline: String?

    @Option(help: "Worker threads (default: all cores). The output is the same for any count.")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 || threads > 256 { throw ValidationError("--threads must be between 1 and 256") }
        if let pipeline, !FileIO.exists(pipeline) { throw ValidationError("pipeline file '\(pipeline)' does not exist") }
    }

    var pipelinePath: String { pipeline ?? BundledCorpus.path("pipeline.yaml") }

    func build() throws -> Pipeline {
        try StageRegistry.builtin.build(PipelineConfig.load(path: pipelinePath))
    }
}
