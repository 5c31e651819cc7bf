import VerbatimCore

// PLACEHOLDER (to be replaced by the sentiment engine).
public struct LexiconSentimentStage: Stage {
    public static let descriptor = StageDescriptor(
        name: "lexicon-sentiment", version: 1, summary: "lexicon and rule based sentiment",
        requires: [.tokens, .sentences], assigns: [.sentiment])
    public init(options: StageOptions, context: StageContext) throws {}
    public func makeProcessor() throws -> any StageProcessor { Processor() }
    final class Processor: StageProcessor {
        func process(_ document: inout Document) throws { document.sentiment = Sentiment(label: .neutral, score: 0) }
    }
}
