import ArgumentParser
import VerbatimCore

/// `verbatim agree`: how far the coding agrees with a human gold standard.
struct AgreeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agree",
        abstract: "Compare the coding with a human gold standard: precision, recall, F1, kappa and alpha.",
        discussion: """
            The gold file is JSON Lines, one coded answer per line:
              {"id": "Q3-002", "themes": ["culture_silos", "leadership"], "sentiment": "negative"}
            Without --coded the pipeline codes the input in memory (by default the bundled answers and
            pipeline); only the answers whose ids are in the gold are compared, and every gold id must be
            among them.
            Output: per theme precision, recall, F1, Cohen's kappa, support (gold count) and coded count;
            then lines starting with `micro`, `macro`, `alpha` (Krippendorff's alpha, nominal, over every
            answer × theme decision) and `sentiment` (accuracy, macro-F1, kappa) for scripts to grep.
            """)

    @Argument(help: "The gold standard (JSON Lines with id, themes and optionally sentiment).")
    var gold: String

    @Option(help: "A coded.jsonl written by `verbatim run`, instead of coding the input now.")
    var coded: String?

    @Flag(help: "List each false positive with its evidence (rule and text) and each false negative with the answer's text.")
    var showErrors = false

    @OptionGroup var input: InputOptionGroup
    @OptionGroup var pipelineOptions: PipelineOptionGroup

    func validate() throws {
        if !FileIO.exists(gold) { throw ValidationError("gold file '\(gold)' does not exist") }
        if let coded, !FileIO.exists(coded) { throw ValidationError("coded file '\(coded)' does not exist") }
    }

    func run() throws {
        do {
            Console.out(try execute())
        } catch let error as VerbatimError {
            Console.err("\(error)\n")
            throw ExitCode.failure
        }
    }

    /// One answer as the automatic coding saw it.
    struct CodedAnswer {
        var themes: Set<String>
        var sentiment: Sentiment.Label?
        /// Theme → (evidence text, rule).
        var evidence: [String: [(text: String, rule: String)]]
        var text: String?
    }

    /// Runs the comparison and returns the report text.
    func execute() throws -> String {
        let goldRecords = try GoldRecord.load(path: gold)
        guard !goldRecords.isEmpty else {
            throw VerbatimError.invalidFile(message: "the gold file has no records", hint: nil, at: SourceLocation(file: gold, line: 1))
        }
        let wanted = Set(goldRecords.map(\.id))
        var themes: [String] = []
        var answers: [String: CodedAnswer]
        let source: String
        if let coded {
            answers = try Self.readCoded(path: coded, wanted: wanted)
            source = coded
        } else {
            let pipeline = try pipelineOptions.build()
            themes = pipeline.themes.map(\.id)
            let sink = GoldAnswerSink(wanted: wanted)
            _ = try RunSession(input: input, pipelineOptions: pipelineOptions, quiet: true).run(pipeline: pipeline, sinks: [sink])
            answers = sink.answers
            source = "\(input.inputPath) coded with \(pipelineOptions.pipelinePath)"
        }
        let missing = goldRecords.filter { answers[$0.id] == nil }
        if let first = missing.first {
            let more = missing.count > 1 ? " (and \(missing.count - 1) more of the \(goldRecords.count) gold ids)" : ""
            throw VerbatimError.invalidFile(
                message: "id '\(first.id)' is not among the coded answers of \(source)\(more)",
                hint: "compare a gold file with a coding of the same answers", at: first.location)
        }
        let report = Agreement.compare(
            gold: goldRecords,
            predicted: answers.mapValues { PredictedCoding(themes: $0.themes, sentiment: $0.sentiment) },
            themes: themes)
        var text = Self.render(report, goldPath: gold, source: source)
        if showErrors {
            if coded != nil, answers.values.contains(where: { $0.text == nil }) { Self.fillTexts(&answers, from: input) }
            text += Self.renderErrors(gold: goldRecords, answers: answers)
        }
        return text
    }

    // MARK: Output

    static func number(_ d: Double?) -> String {
        guard let d, d.isFinite else { return "  n/a" }
        let scaled = Int((d * 1000).rounded())
        let sign = scaled < 0 ? "-" : ""
        let a = abs(scaled)
        let frac = String(a % 1000)
        return sign + "\(a / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }

    static func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return left ? s + fill : fill + s
    }

    static func render(_ report: AgreementReport, goldPath: String, source: String) -> String {
        let width = max(24, (report.themes.map(\.theme.count).max() ?? 0) + 2)
        var out = "Agreement of \(source)\n  with \(goldPath): \(report.responses) answers, \(report.themes.count) themes\n\n"
        out += pad("theme", width, left: true) + "precision  recall      F1   kappa  support  coded\n"
        func row(_ name: String, _ c: BinaryCounts, showCounts: Bool = true) -> String {
            pad(name, width, left: true) + pad(number(c.precision), 9) + pad(number(c.recall), 8) + pad(number(c.f1), 8)
                + pad(number(c.kappa), 8) + (showCounts ? pad(String(c.support), 9) + pad(String(c.predicted), 7) : "") + "\n"
        }
        for (theme, counts) in report.themes { out += row(theme, counts) }
        out += "\n" + row("micro", report.micro)
        out += pad("macro", width, left: true) + pad(number(report.macroPrecision), 9) + pad(number(report.macroRecall), 8)
            + pad(number(report.macroF1), 8) + "   (mean over the \(report.themes.filter { $0.counts.isActive }.count) themes in use)\n"
        out += "micro-F1 \(number(report.micro.f1))  macro-F1 \(number(report.macroF1))\n"
        out += "alpha \(number(report.alpha))  (Krippendorff, nominal, \(report.responses) answers × \(report.themes.count) themes = \(report.micro.total) decisions)\n"
        if let s = report.sentiment {
            out += "sentiment  accuracy \(number(s.accuracy))  macro-F1 \(number(s.macroF1))  kappa \(number(s.kappa))  (\(s.count) answers)\n"
        } else {
            out += "sentiment  not measured (the gold or the coding has no sentiment)\n"
        }
        return out
    }

    static func renderErrors(gold: [GoldRecord], answers: [String: CodedAnswer]) -> String {
        var falsePositives: [String: [String]] = [:], falseNegatives: [String: [String]] = [:]
        for g in gold {
            guard let a = answers[g.id] else { continue }
            for theme in a.themes.subtracting(g.themes).sorted() {
                var lines = ["  FP \(g.id)"]
                for e in a.evidence[theme] ?? [] { lines.append("       \"\(e.text)\"  ← \(e.rule)") }
                falsePositives[theme, default: []].append(lines.joined(separator: "\n"))
            }
            for theme in g.themes.subtracting(a.themes).sorted() {
                falseNegatives[theme, default: []].append("  FN \(g.id)  \(a.text.map { "\"\($0)\"" } ?? "(text not available)")")
            }
        }
        var out = "\nErrors (FP: coded but not in the gold, with evidence; FN: in the gold but not coded)\n"
        let themes = Set(falsePositives.keys).union(falseNegatives.keys).sorted()
        if themes.isEmpty { return out + "  none\n" }
        for theme in themes {
            out += "\n\(theme)\n" + ((falsePositives[theme] ?? []) + (falseNegatives[theme] ?? [])).joined(separator: "\n") + "\n"
        }
        return out
    }

    // MARK: Input

    /// Reads a `coded.jsonl`, keeping the answers in `wanted`.
    static func readCoded(path: String, wanted: Set<String>) throws -> [String: CodedAnswer] {
        var result: [String: CodedAnswer] = [:]
        let reader = try ByteStreamReader(path: path)
        var lineNumber = 0
        var failure: VerbatimError?
        while failure == nil, try reader.nextLine({ bytes in
            lineNumber += 1
            guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
            let at = SourceLocation(file: path, line: lineNumber)
            let value: JSONValue
            do throws(JSONParser.Failure) { value = try JSONParser.parse(bytes) } catch {
                failure = .malformedRecord(message: "not valid JSON: \(error.message)",
                                           at: SourceLocation(file: path, line: lineNumber, column: error.offset + 1))
                return
            }
            guard let id = value["id"]?.scalarText, let themes = value["themes"]?.arrayValue else {
                failure = .malformedRecord(message: "a coded record needs \"id\" and \"themes\" (is this a coded.jsonl from `verbatim run`?)", at: at)
                return
            }
            guard wanted.contains(id) else { return }
            var evidence: [String: [(text: String, rule: String)]] = [:]
            if case let .object(members)? = value["evidence"] {
                for (theme, spans) in members {
                    evidence[theme] = (spans.arrayValue ?? []).map { ($0["text"]?.stringValue ?? "", $0["rule"]?.stringValue ?? "") }
                }
            }
            let label = value["sentiment"]?["label"]?.stringValue.flatMap(Sentiment.Label.init(rawValue:))
            result[id] = CodedAnswer(themes: Set(themes.compactMap(\.stringValue)), sentiment: label, evidence: evidence,
                                     text: value["text"]?.stringValue)
        }) {}
        if let failure { throw failure }
        return result
    }

    /// Looks up answer texts in the input file, for false negatives of a `--coded` comparison.
    static func fillTexts(_ answers: inout [String: CodedAnswer], from input: InputOptionGroup) {
        guard let reader = try? ResponseReader(path: input.inputPath, options: input.options) else { return }
        while let item = try? reader.next() {
            if case let .response(r) = item, answers[r.id] != nil, answers[r.id]!.text == nil { answers[r.id]!.text = r.text }
        }
    }
}

/// Keeps what `agree` needs of the answers whose ids are in the gold.
final class GoldAnswerSink: DocumentSink {
    let wanted: Set<String>
    private(set) var answers: [String: AgreeCommand.CodedAnswer] = [:]

    init(wanted: Set<String>) { self.wanted = wanted }

    func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws {
        guard wanted.contains(document.response.id) else { return }
        var evidence: [String: [(text: String, rule: String)]] = [:]
        for code in document.codes {
            evidence[code.theme] = code.evidence.map { (document.text(of: $0.span), $0.rule) }
        }
        answers[document.response.id] = AgreeCommand.CodedAnswer(
            themes: Set(document.codes.map(\.theme)), sentiment: document.sentiment?.label, evidence: evidence,
            text: document.response.text)
    }
}
