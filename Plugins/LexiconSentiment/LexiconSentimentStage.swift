import VerbatimCore

/// Rule-based sentiment in the spirit of VADER, tuned for survey comments: word valences from a
/// lexicon, modified by negation, intensifiers, "lack of", contrast, concession, advice framing,
/// capitals and "!", scored per clause and sentence, combined per answer with the question's
/// framing, and per theme from the clauses that carry its evidence.
public struct LexiconSentimentStage: Stage {
    public static let descriptor = StageDescriptor(
        name: "lexicon-sentiment",
        version: 1,
        summary: "lexicon and rule based sentiment per sentence, answer and theme",
        options: [
            OptionSpec("builtin_lexicon", .boolean, default: .boolean(true),
                       help: "use Verbatim's English valences (its modifiers - not, very, but, should - are always used)"),
            OptionSpec("lexicons", .json,
                       help: "extra lexicons, later ones win: [{path: FILE, format: verbatim|vader|afinn, scale: N}] or [FILE]"),
            OptionSpec("question_framing", .json,
                       help: "prior per question: {Q3: negative, Q8: positive 0.8, Q4: neutral}; the text can override it"),
        ] + SentimentSettings.optionSpecs,
        requires: [.tokens, .sentences],
        assigns: [.sentiment, .themeSentiment])

    public let settings: SentimentSettings
    public let lexicon: CompiledLexicon

    public init(options: StageOptions, context: StageContext) throws {
        settings = try SentimentSettings(options: options)
        var lists: [[LexiconEntry]] = []
        let builtin = try Self.builtinEntries.get()
        lists.append(options.boolean("builtin_lexicon") == false ? builtin.filter(\.rule.isModifier) : builtin)
        if let json = options.json("lexicons") {
            for spec in try Self.lexiconSpecs(json, fail: { options.invalid("lexicons", $0) }) {
                let path = context.resolve(spec.path)
                guard FileIO.exists(path) else {
                    throw options.invalid("lexicons", "lexicon file '\(path)' not found")
                }
                lists.append(try LexiconParser.load(path: path, format: spec.format, scale: spec.scale))
            }
        }
        // One list needs no merging: `parse` already refuses a key defined twice.
        lexicon = CompiledLexicon(lists.count == 1 ? lists[0] : LexiconParser.merge(lists))
    }

    /// Builds the stage directly (for tools and tests), with the built-in lexicon plus `extra`.
    public init(settings: SentimentSettings = SentimentSettings(), extra: [LexiconEntry] = []) throws {
        self.settings = settings
        lexicon = CompiledLexicon(LexiconParser.merge([try Self.builtinEntries.get(), extra]))
    }

    /// The built-in lexicon, parsed once per process.
    public static let builtinEntries: Result<[LexiconEntry], VerbatimError> = Result { () throws(VerbatimError) in
        try LexiconParser.parse(BuiltinLexicon.text, path: BuiltinLexicon.name)
    }

    struct LexiconSpec {
        var path: String
        var format: LexiconFormat
        var scale: Double?
    }

    static func lexiconSpecs(_ json: JSONValue, fail: (String) -> VerbatimError) throws(VerbatimError) -> [LexiconSpec] {
        let items: [JSONValue]
        switch json {
        case .null: return []
        case let .array(a): items = a
        default: items = [json]
        }
        let formats = LexiconFormat.allCases.map(\.rawValue).joined(separator: ", ")
        return try items.map { (item) throws(VerbatimError) -> LexiconSpec in
            if let path = item.stringValue { return LexiconSpec(path: path, format: .verbatim, scale: nil) }
            guard case let .object(members) = item else { throw fail("each lexicon is a path or {path, format, scale}") }
            for m in members where !["path", "format", "scale"].contains(m.key) {
                throw fail("unknown key '\(m.key)' in a lexicon; use path, format and scale")
            }
            guard let path = item["path"]?.stringValue, !path.isEmpty else { throw fail("a lexicon needs a 'path'") }
            var format = LexiconFormat.verbatim
            if let f = item["format"] {
                guard let name = f.stringValue, let known = LexiconFormat(rawValue: name) else {
                    throw fail("format must be one of: \(formats)")
                }
                format = known
            }
            var scale: Double?
            if let v = item["scale"] {
                guard let d = v.doubleValue, d.isFinite, d > 0, d <= 4 else { throw fail("scale must be a number in (0, 4]") }
                scale = d
            }
            return LexiconSpec(path: path, format: format, scale: scale)
        }
    }

    public func makeProcessor() throws -> any StageProcessor {
        Processor(lexicon: lexicon, settings: settings, name: Self.descriptor.name)
    }

    final class Processor: StageProcessor {
        var scorer: SentimentScorer
        var combiner: SentimentCombiner
        let name: String

        init(lexicon: CompiledLexicon, settings: SentimentSettings, name: String) {
            scorer = SentimentScorer(matcher: LexiconMatcher(lexicon: lexicon), settings: settings)
            combiner = SentimentCombiner(settings: settings)
            self.name = name
        }

        func process(_ document: inout Document) throws {
            scorer.run(document)
            combiner.finish(&scorer, &document, stage: name)
        }
    }
}
