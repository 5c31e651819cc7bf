import VerbatimCore

// PLACEHOLDER (to be replaced by the codebook engine).
public struct CodebookStage: Stage, ThemeProviding {
    public static let descriptor = StageDescriptor(
        name: "codebook", version: 1, summary: "theme coding against a YAML codebook",
        options: [OptionSpec("codebook", .path, required: true, help: "the codebook YAML file")],
        requires: [.tokens, .stems], assigns: [.codes])
    public var themes: [ThemeInfo] { [] }
    public init(options: StageOptions, context: StageContext) throws {}
    public func makeProcessor() throws -> any StageProcessor { Processor() }
    final class Processor: StageProcessor { func process(_ document: inout Document) throws {} }
}
