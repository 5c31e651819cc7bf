import VerbatimCore

/// Turns clause valences into sentence scores, the answer's sentiment and each theme's sentiment.
///
/// Sentence raw = Σ clause valence × clause weight, plus the "!" emphasis. Answer raw = Σ sentence
/// raw × sentence weight, then the question's framing (a prior added, or a share kept for
/// advice questions). Scores map raw valence to -1…1 by raw / √(raw² + alpha). The label is
/// "mixed" when clearly positive and clearly negative clauses meet; otherwise the score against
/// the thresholds decides.
struct SentimentCombiner {
    let settings: SentimentSettings
    /// Per sentence of the current document; kept to reuse its storage.
    private var sentenceRaw: [Double] = []

    init(settings: SentimentSettings) { self.settings = settings }

    func normalize(_ raw: Double) -> Double { raw == 0 ? 0 : raw / (raw * raw + settings.normalization).squareRoot() }

    /// `scorer` is `inout` only so that it is not copied (its notes are shared, not mutated through it).
    mutating func finish(_ scorer: inout SentimentScorer, _ document: inout Document, stage: String) {
        let clauses = scorer.clauses
        let count = document.sentences.count
        let framing = document.response.question.flatMap { settings.framing[$0] }
        let floor = framing?.label == .neutral ? framing?.weight ?? 0 : 0
        sentenceRaw.removeAll(keepingCapacity: true)
        sentenceRaw.append(contentsOf: repeatElement(0, count: max(1, count)))
        for c in clauses { sentenceRaw[c.sentence] += c.value(settings, adviceFloor: floor) * c.weight }
        for j in sentenceRaw.indices where sentenceRaw[j] != 0 && scorer.exclamations[j] > 0 {
            let add = settings.exclamationBoost * Double(min(4, scorer.exclamations[j]))
            sentenceRaw[j] += sentenceRaw[j] > 0 ? add : -add
            scorer.note("sentence \(j + 1): \(scorer.exclamations[j]) '!' → \(sentenceRaw[j] > 0 ? "+" : "-")\(fmt(add))")
        }
        var text = 0.0
        for j in sentenceRaw.indices { text += sentenceRaw[j] * scorer.sentenceWeights[j] }

        let raw = framed(text, framing)
        let score = normalize(raw)
        var positive = 0.0, negative = 0.0
        for c in clauses {
            let v = c.value(settings, adviceFloor: floor) * c.weight * scorer.sentenceWeights[c.sentence]
            if v > 0 { positive += v } else { negative -= v }
        }
        // A turn ("good tool, but expensive") whose two sides point opposite ways is the clearest mixed.
        var turned = false
        for turn in scorer.turns {
            // Before the advice rule ("it would be great, but it will not work" is both, to a reader);
            // a concession ("although it was slow, …") counts at its reduced weight.
            func side(_ side: TurnSide) -> Double {
                side.indices.reduce(0.0) { sum, k in
                    guard side.contains(k, clauses) else { return sum }
                    return sum + (clauses[k].positive + clauses[k].negative) * (clauses[k].isConcession ? clauses[k].weight : 1)
                }
            }
            let a = side(turn.before), b = side(turn.after)
            if min(abs(a), abs(b)) >= settings.mixedTurnMinimum, (a > 0) != (b > 0) {
                turned = true
                scorer.note("a turn joins \(signed(a)) and \(signed(b)): both sides clear")
            }
        }
        let label = turned ? .mixed : self.label(score: score, positive: positive, negative: negative)
        document.sentiment = Sentiment(label: label, score: score)
        document.sentenceSentiment = (0..<count).map { normalize(sentenceRaw[$0] * scorer.sentenceWeights[$0]) }

        if document.collectTrace {
            for j in 0..<count where sentenceRaw[j] != 0 {
                scorer.note("sentence \(j + 1): raw \(signed(sentenceRaw[j]))"
                            + (scorer.sentenceWeights[j] != 1 ? " ×\(fmt(scorer.sentenceWeights[j]))" : "")
                            + ", score \(signed(document.sentenceSentiment[j]))")
            }
            var line = "answer: raw \(signed(text))"
            if let framing, let q = document.response.question {
                line += framing.label == .neutral
                    ? ", framing \(q) neutral: every clause read as advice of strength \(fmt(framing.weight))"
                    : ", framing \(q) \(framing.label.rawValue) \(framing.label == .positive ? "+" : "-")\(fmt(framing.weight)) → \(signed(raw))"
            }
            line += "; score \(signed(score)); positive clauses \(fmt(positive)), negative \(fmt(negative)) → \(label.rawValue)"
            line += " (" + (turned ? "a contrast joins a positive and a negative side" : reason(label, score: score, positive: positive, negative: negative)) + ")"
            scorer.note(line)
            for n in scorer.notes { document.addTrace(stage, n) }
        }

        // Built locally, then stored once: each insert into `document.themeSentiment` would check uniqueness.
        // Read through a local copy, element by element: copying each `Code` out would retain its fields.
        let codes = document.codes
        var themes = [String: Sentiment](minimumCapacity: codes.count)
        for k in codes.indices {
            var raw = 0.0, pos = 0.0, neg = 0.0
            for c in clauses where Self.overlaps(codes[k].evidence, c) {
                let v = c.value(settings, adviceFloor: floor)
                raw += v
                if v > 0 { pos += v } else { neg -= v }
            }
            let themeScore = normalize(framed(raw, framing))
            let themeLabel = self.label(score: themeScore, positive: pos, negative: neg)
            themes[codes[k].theme] = Sentiment(label: themeLabel, score: themeScore)
            document.addTrace(stage, "theme \(codes[k].theme): raw \(signed(raw)), score \(signed(themeScore)) → \(themeLabel.rawValue)")
        }
        document.themeSentiment = themes
        document.assigned.insert(.sentiment)
        document.assigned.insert(.themeSentiment)
    }

    /// True when some evidence span overlaps the clause. A plain loop over the evidence's storage:
    /// a `contains(where:)` closure here copies each `Evidence`, retaining its rule name.
    static func overlaps(_ evidence: [Evidence], _ c: Clause) -> Bool {
        evidence.withUnsafeBufferPointer { spans in
            for k in spans.indices where spans[k].span.start < c.end && spans[k].span.end > c.start { return true }
            return false
        }
    }

    /// The question's prior added to the text's own valence (advice framing acts on the clauses).
    func framed(_ raw: Double, _ framing: QuestionFraming?) -> Double {
        guard let framing else { return raw }
        switch framing.label {
        case .positive: return raw + framing.weight
        case .negative: return raw - framing.weight
        case .neutral, .mixed: return raw
        }
    }

    func label(score: Double, positive: Double, negative: Double) -> Sentiment.Label {
        let weaker = min(positive, negative), stronger = max(positive, negative)
        if weaker >= settings.mixedMinimum, stronger > 0, weaker / stronger >= settings.mixedRatio { return .mixed }
        if score >= settings.positiveThreshold { return .positive }
        if score <= -settings.negativeThreshold { return .negative }
        return .neutral
    }

    private func reason(_ label: Sentiment.Label, score: Double, positive: Double, negative: Double) -> String {
        switch label {
        case .mixed:
            return "both sides ≥ \(fmt(settings.mixedMinimum)) and the weaker ≥ \(fmt(settings.mixedRatio)) of the stronger"
        case .positive: return "score ≥ \(fmt(settings.positiveThreshold))"
        case .negative: return "score ≤ -\(fmt(settings.negativeThreshold))"
        case .neutral: return "score within ±\(fmt(settings.positiveThreshold))"
        }
    }
}
