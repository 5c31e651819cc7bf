import ArgumentParser
import VerbatimCore
import VerbatimStages

/// `verbatim pipeline check FILE`: builds a pipeline (including each process stage's handshake)
/// without reading any data.
struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Work with pipeline files.",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate a pipeline and its stages (including each exec: stage's handshake) without running data.")

        @Argument(help: "The pipeline file (YAML).")
        var file: String

        func validate() throws {
            if !FileIO.exists(file) { throw ValidationError("pipeline file '\(file)' does not exist") }
        }

        func run() throws {
            do {
                Console.out(try Self.report(path: file))
            } catch let error as VerbatimError {
                Console.err("\(error)\n")
                throw ExitCode.failure
            }
        }

        static func report(path: String) throws -> String {
            let pipeline = try StageRegistry.builtin.build(PipelineConfig.load(path: path))
            var out = "\(path): ok, \(pipeline.stages.count) stages\n"
            for (i, stage) in pipeline.stages.enumerated() {
                let requires = stage.requires.isEmpty ? "-" : stage.requires.map(\.rawValue).joined(separator: ", ")
                out += "  \(i + 1). \(stage.instanceName)  requires: \(requires)  assigns: \(stage.assigns.map(\.rawValue).joined(separator: ", "))\n"
            }
            let themes = pipeline.themes
            if !themes.isEmpty { out += "  themes: \(themes.count)\n" }
            try pipeline.finish()
            return out
        }
    }
}
