import ArgumentParser
import VerbatimCore

/// `verbatim explain`: why one answer got its themes and sentiment.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show how one answer is coded: tokens and stems, rules fired or vetoed, codes and sentiment.",
        discussion: """
            Give the answer as TEXT, or pick one from the input with --id. The pipeline runs with tracing
            on, so each stage's notes are shown: the codebook's rules that fired, were vetoed (and by
            which exclusion), were negated or fell below a theme's threshold, and the sentiment stage's
            contributions.
            """)

    @Argument(help: "The answer text to explain (quote it).")
    var text: String?

    @Option(help: "Explain the answer with this id from the input instead.")
    var id: String?

    @Option(help: "The input to look --id up in (default: the bundled answers).")
    var input: String?

    @Option(help: "The question of a TEXT answer (themes may apply to some questions only).")
    var question: String?

    @OptionGroup var pipelineOptions: PipelineOptionGroup

    func validate() throws {
        switch (text, id) {
        case (nil, nil): throw ValidationError("give the answer as TEXT or pick one with --id")
        case (.some, .some): throw ValidationError("give either TEXT or --id, not both")
        default: break
        }
        if let input, !FileIO.exists(input) { throw ValidationError("input file '\(input)' does not exist") }
    }

    func run() throws {
        do {
            Console.out(try execute())
        } catch let error as VerbatimError {
            Console.err("\(error)\n")
            throw ExitCode.failure
        }
    }

    func execute() throws -> String {
        let pipeline = try pipelineOptions.build()
        let response = try self.response()
        var document = Document(response)
        document.collectTrace = true
        try pipeline.makeWorker().process(&document)
        try pipeline.finish()
        return Self.render(document, pipeline: pipeline)
    }

    private func response() throws -> Response {
        if let text { return Response(id: "text", question: question, text: text) }
        let path = input ?? BundledCorpus.path("responses.jsonl")
        let reader = try ResponseReader(path: path, options: InputOptions())
        while let item = try reader.next() {
            if case let .response(r) = item, r.id == id { return r }
        }
        throw VerbatimError.usage("no answer with id '\(id ?? "")' in \(path)")
    }

    // MARK: Output

    static func render(_ document: Document, pipeline: Pipeline) -> String {
        let r = document.response
        var out = "Answer \(r.id)" + (r.question.map { " (\($0))" } ?? "") + "\n  \(r.text)\n"

        out += "\nTokens (word→stem where they differ):\n"
        var line = " "
        for token in document.tokens {
            let word = document.text(of: token)
            let stem = document.stem(token)
            let item = token.isWordLike && stem != document.normalized(token) ? "\(word)→\(stem)" : word
            if line.count + item.count + 1 > 100 {
                out += line + "\n"
                line = " "
            }
            line += " " + item
        }
        out += line + "\n"

        let coders = Set(pipeline.stages.filter { $0 is any ThemeProviding }.map(\.instanceName))
        let ruleNotes = document.trace.filter { coders.contains($0.stage) }
        out += "\nRules:\n"
        out += ruleNotes.isEmpty ? "  none fired\n" : ruleNotes.map { "  \($0.message)\n" }.joined()

        out += "\nCodes:\n"
        if document.codes.isEmpty { out += "  none\n" }
        for code in document.codes {
            out += "  \(code.theme)  score \(JSONWriter.format(code.score))\n"
            for e in code.evidence {
                out += "    \"\(document.text(of: e.span))\" [\(e.span.start)–\(e.span.end)]  \(e.rule)  weight \(JSONWriter.format(e.weight))\n"
            }
        }

        for stage in pipeline.stages.map(\.instanceName) where !coders.contains(stage) {
            let notes = document.trace.filter { $0.stage == stage }
            guard !notes.isEmpty else { continue }
            out += "\nTrace of \(stage):\n" + notes.map { "  \($0.message)\n" }.joined()
        }

        out += "\nSentiment: "
        if let s = document.sentiment {
            out += "\(s.label.rawValue) (score \(JSONWriter.format(s.score)))\n"
            for theme in document.themeSentiment.keys.sorted() {
                let t = document.themeSentiment[theme]!
                out += "  \(theme): \(t.label.rawValue) (\(JSONWriter.format(t.score)))\n"
            }
        } else {
            out += "none (the pipeline has no sentiment stage)\n"
        }
        return out
    }
}
