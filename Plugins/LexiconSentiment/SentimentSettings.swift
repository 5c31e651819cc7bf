import VerbatimCore

/// How a question frames its answers: the prior an answer starts from before its words are read.
public struct QuestionFraming: Sendable, Equatable {
    /// `.negative` ("what were the barriers?"), `.positive` ("describe a success") or `.neutral`
    /// (the question asks for advice, so evaluative words read as prescriptions).
    public var label: Sentiment.Label
    /// For positive/negative: the prior in valence units (one clear word is about 2). For neutral:
    /// the advice strength (0…1) every clause of the answer gets, as if it said "should".
    public var weight: Double

    public init(label: Sentiment.Label, weight: Double) {
        self.label = label
        self.weight = weight
    }
}

/// The weights and thresholds of the engine, each a stage option with a documented default.
public struct SentimentSettings: Sendable, Equatable {
    public var negationFactor = -0.7
    public var negationWindow = 3
    public var flipFactor = 0.9
    public var flipWindow = 4
    public var reverseNegativeShare = 0.5
    public var boostWindow = 3
    public var contrastBefore = 0.5
    /// "but" discounts what it concedes instead of inflating what follows, as "although" does: a
    /// hedged complaint ("fine, but slow") should not outweigh the bare one ("slow").
    public var contrastAfter = 1.0
    public var concessionWeight = 0.5
    public var purposeWeight = 0.5
    public var advicePositive = 0.15
    public var adviceNegative = 0.7
    /// A question asks rather than asserts; its clauses read as half-strength advice.
    public var questionAdvice = 0.5
    public var capsBoost = 0.3
    public var exclamationBoost = 0.3
    public var normalization = 15.0
    public var positiveThreshold = 0.35
    public var negativeThreshold = 0.25
    public var mixedMinimum = 1.5
    public var mixedRatio = 0.4
    public var mixedTurnMinimum = 1.0
    public var framingWeight = 2.0
    public var framingAdviceStrength = 1.0
    public var framing: [String: QuestionFraming] = [:]

    public init() {}

    /// The numeric options: name, key path, range, help. One table drives the descriptor, the
    /// defaults shown by `verbatim stages`, and the reading of the options.
    struct NumberOption {
        let name: String
        let path: WritableKeyPath<SentimentSettings, Double>
        let range: ClosedRange<Double>
        let help: String
    }
    struct IntegerOption {
        let name: String
        let path: WritableKeyPath<SentimentSettings, Int>
        let range: ClosedRange<Int>
        let help: String
    }

    nonisolated(unsafe) static let numberOptions: [NumberOption] = [
        .init(name: "negation_factor", path: \.negationFactor, range: -1...0,
              help: "multiplies an evaluative word inside a negation's scope ('not good')"),
        .init(name: "flip_factor", path: \.flipFactor, range: 0...1.5,
              help: "how much of a word's valence survives, reversed, after 'lack of' or 'reduce'"),
        .init(name: "reverse_negative_share", path: \.reverseNegativeShare, range: 0...1,
              help: "share of a negative word's valence that 'reduce'/'avoid' turns positive ('avoid duplication')"),
        .init(name: "contrast_before", path: \.contrastBefore, range: 0...2,
              help: "weight of the clauses before 'but'/'however' in the same sentence"),
        .init(name: "contrast_after", path: \.contrastAfter, range: 0...3,
              help: "weight of the clause after 'but'/'however'"),
        .init(name: "concession_weight", path: \.concessionWeight, range: 0...2,
              help: "weight of a clause opened by 'although'/'despite'"),
        .init(name: "purpose_weight", path: \.purposeWeight, range: 0...1,
              help: "share of a positive word kept when it states an aim ('to improve', 'to help')"),
        .init(name: "advice_positive", path: \.advicePositive, range: 0...1,
              help: "share of positive valence kept in a prescriptive clause ('it would be good if')"),
        .init(name: "advice_negative", path: \.adviceNegative, range: 0...1,
              help: "share of negative valence kept in a prescriptive clause ('it would be a waste')"),
        .init(name: "question_advice", path: \.questionAdvice, range: 0...1,
              help: "advice strength of a sentence ending in '?': a question asserts nothing ('is it any good?')"),
        .init(name: "caps_boost", path: \.capsBoost, range: 0...2,
              help: "extra weight of an evaluative word in CAPITALS when the text is not all capitals"),
        .init(name: "exclamation_boost", path: \.exclamationBoost, range: 0...2,
              help: "valence added to a sentence's own sign per '!' (up to four)"),
        .init(name: "normalization", path: \.normalization, range: 1...100,
              help: "alpha in score = raw / sqrt(raw^2 + alpha), mapping summed valence to -1…1"),
        .init(name: "positive_threshold", path: \.positiveThreshold, range: 0...1,
              help: "an answer whose score is at least this is positive"),
        .init(name: "negative_threshold", path: \.negativeThreshold, range: 0...1,
              help: "an answer whose score is at most minus this is negative"),
        .init(name: "mixed_minimum", path: \.mixedMinimum, range: 0...10,
              help: "'mixed' needs at least this much positive and this much negative valence in separate clauses"),
        .init(name: "mixed_ratio", path: \.mixedRatio, range: 0...1,
              help: "'mixed' also needs the weaker side to be at least this share of the stronger"),
        .init(name: "mixed_turn_minimum", path: \.mixedTurnMinimum, range: 0...10,
              help: "an answer is also 'mixed' when 'but'/'although' joins sides of opposite sign, each at least this strong (before the advice rule)"),
        .init(name: "framing_weight", path: \.framingWeight, range: 0...4,
              help: "default prior, in valence units, of a question framed positive or negative"),
        .init(name: "framing_advice_strength", path: \.framingAdviceStrength, range: 0...1,
              help: "default advice strength of every clause when a question is framed neutral (it asks for advice)"),
    ]
    nonisolated(unsafe) static let integerOptions: [IntegerOption] = [
        .init(name: "negation_window", path: \.negationWindow, range: 1...8,
              help: "words after a negator that it reaches (a comma or clause break ends it sooner)"),
        .init(name: "flip_window", path: \.flipWindow, range: 1...8,
              help: "words after 'lack of'/'reduce' that it reaches"),
        .init(name: "boost_window", path: \.boostWindow, range: 1...4,
              help: "words after an intensifier or dampener that it reaches"),
    ]

    static var optionSpecs: [OptionSpec] {
        let defaults = SentimentSettings()
        return numberOptions.map {
            OptionSpec($0.name, .number($0.range), default: .number(defaults[keyPath: $0.path]), help: $0.help)
        } + integerOptions.map {
            OptionSpec($0.name, .integer($0.range), default: .integer(defaults[keyPath: $0.path]), help: $0.help)
        }
    }

    /// Reads the numeric options and `question_framing`.
    init(options: StageOptions) throws(VerbatimError) {
        for o in Self.numberOptions { if let v = options.number(o.name) { self[keyPath: o.path] = v } }
        for o in Self.integerOptions { if let v = options.integer(o.name) { self[keyPath: o.path] = v } }
        if let json = options.json("question_framing") {
            framing = try Self.parseFraming(json, settings: self) { options.invalid("question_framing", $0) }
        }
    }

    /// `{Q3: negative, Q8: "positive 0.8", Q4: neutral}`: a label with an optional weight, or a
    /// signed number (the prior itself).
    static func parseFraming(_ json: JSONValue, settings: SentimentSettings,
                             fail: (String) -> VerbatimError) throws(VerbatimError) -> [String: QuestionFraming] {
        if case .null = json { return [:] }
        guard case let .object(members) = json else {
            throw fail("expected a mapping from question to framing, e.g. {Q3: negative, Q8: positive}")
        }
        var result: [String: QuestionFraming] = [:]
        for (question, value) in members {
            if let d = value.doubleValue {
                guard (-4...4).contains(d) else { throw fail("\(question): a prior must be in -4…4, got \(JSONWriter.format(d))") }
                result[question] = QuestionFraming(label: d == 0 ? .neutral : (d > 0 ? .positive : .negative), weight: abs(d))
                continue
            }
            guard let text = value.stringValue else {
                throw fail("\(question): expected positive, negative or neutral, optionally with a weight")
            }
            let parts = text.split(separator: " ").map(String.init)
            guard let first = parts.first, let label = Sentiment.Label(rawValue: first), label != .mixed, parts.count <= 2 else {
                throw fail("\(question): '\(text)' is not positive, negative or neutral (optionally followed by a weight)")
            }
            var weight = label == .neutral ? settings.framingAdviceStrength : settings.framingWeight
            if parts.count == 2 {
                guard let w = Double(parts[1]), w.isFinite, w >= 0, w <= (label == .neutral ? 1 : 4) else {
                    throw fail("\(question): weight '\(parts[1])' must be a number in \(label == .neutral ? "0…1" : "0…4")")
                }
                weight = w
            }
            result[question] = QuestionFraming(label: label, weight: weight)
        }
        return result
    }
}
