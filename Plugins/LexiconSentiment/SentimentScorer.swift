import VerbatimCore

/// The word-level pass: walks the tokens once, applies the lexicon and the rules (negation,
/// intensifiers, "lack of", reversal, contrast, concession, advice, questions, capitals, "!"), and leaves
/// the valence of every clause. `SentimentCombiner` turns clauses into sentence, answer and theme scores.
///
/// A struct owned by one processor and run through `mutating` methods: its many small state updates
/// per token are then plain stores, where a class's would each be a dynamic exclusivity check.
/// Its arrays are kept between documents to reuse their storage. The pass and its scopes live here,
/// the rules in `SentimentRules.swift`.
struct SentimentScorer {
    private(set) var matcher: LexiconMatcher
    let settings: SentimentSettings
    var clauses: [Clause] = []
    var exclamations: [Int] = []
    var sentenceWeights: [Double] = []
    /// The two sides of each contrast or concession, for the "mixed" rule.
    private(set) var turns: [(before: TurnSide, after: TurnSide)] = []
    var turnMarks: [(clause: Int, concession: Bool)] = []
    /// Trace notes, kept only when the document asks for a trace. A class instance, so that `note`
    /// needs no mutable access to the scorer while its message reads the scorer's own fields.
    private let log = NoteLog()
    var notes: [String] { log.notes }
    var tracing = false

    /// A "lack of" or "reduce" in progress: the words it reaches are collected, then settled.
    struct FlipScope {
        var left: Int
        var own: Double
        var isLack: Bool
        var negated: Bool
        var factor: Double
        var clause: Int
        var used = false
        var flipped = 0.0
        var text: String
    }

    var negationLeft = 0
    var negationText = ""
    var negationAlone = 0.0, negationUsed = false, negationClause = 0
    var boost = 0.0, boostLeft = 0, boostDistance = 0, boostText = ""
    /// Own valence of pending intensifiers, counted only if they find nothing to scale.
    var boostAlone = 0.0, boostClause = 0
    var flip: FlipScope?
    var sentenceWords = 0
    var hasLowercase = false

    init(matcher: LexiconMatcher, settings: SentimentSettings) {
        self.matcher = matcher
        self.settings = settings
    }

    mutating func run(_ document: Document) {
        tracing = document.collectTrace
        if !log.notes.isEmpty { log.notes.removeAll() }
        clauses.removeAll(keepingCapacity: true)
        turnMarks.removeAll(keepingCapacity: true)
        let sentenceCount = max(1, document.sentences.count)
        exclamations.removeAll(keepingCapacity: true)
        exclamations.append(contentsOf: repeatElement(0, count: sentenceCount))
        sentenceWeights.removeAll(keepingCapacity: true)
        sentenceWeights.append(contentsOf: repeatElement(1, count: sentenceCount))
        negationLeft = 0
        negationAlone = 0
        resetBoost()
        flip = nil
        DocumentBytes.with(document) { scan($0) }
        collectTurns()
    }

    private mutating func scan(_ doc: DocumentBytes) {
        let tokens = doc.tokens
        matcher.prepare(doc)
        hasLowercase = doc.utf8.contains { $0 >= 0x61 && $0 <= 0x7A }

        var sentence = -1
        var previousWord: Int?
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            if Int(t.sentence) != sentence {
                closeScopes()
                sentence = Int(t.sentence)
                openClause(sentence: sentence, at: t.start)
                sentenceWords = 0
                previousWord = nil
            }
            if negationLeft == 0, boostLeft == 0, flip == nil, matcher.isPlainWord(i) {
                // Words in no entry, while no negation, intensifier or "lack of" is open, move nothing
                // but the clause's extent and the word count (see `countWord`): a run of them is one step.
                let run = matcher.plainRun(from: i, tokens)
                extendClause(to: run.highestEnd)
                extendClause(to: run.lowestEnd)
                sentenceWords += run.end - i
                previousWord = run.end - 1
                i = run.end
                continue
            }
            // Most other words are in no entry either: `prepare` has marked them, and they go straight
            // to the word case.
            if !matcher.isInert(i) {
                if LexiconMatcher.isGluedHyphen(i, doc) {
                    i += 1
                    continue
                }
                if let m = matcher.match(at: i, in: doc, previousWord: previousWord) {
                    let span = ByteSpan(start: t.start, end: tokens[m.end - 1].end)
                    extendClause(to: span.end)
                    apply(m, span: span, startToken: i, previousWord: previousWord, doc)
                    if tokens[m.end - 1].kind != .punctuation { previousWord = m.end - 1 }
                    i = m.end
                    continue
                }
            }
            if t.kind == .punctuation {
                punctuation(t, doc)
            } else {
                extendClause(to: t.end)
                if matcher.isContractedNegation(t, in: doc) {
                    countWord()
                    startNegation(tracing ? doc.text(of: ByteSpan(start: t.start, end: t.end)) : "", alone: 0)
                } else {
                    countWord()
                    // "lack of trust and support": each item of a list after "lack of" is lacking.
                    if flip?.isLack == true, Self.listJoiners.contains(matcher.hashes[i]) {
                        flip?.left = settings.flipWindow
                    }
                }
                previousWord = i
            }
            i += 1
        }
        closeScopes()
    }

    /// Sides of each turn: "A but B" (or "A. However, B") and "although A, B".
    private mutating func collectTurns() {
        turns.removeAll(keepingCapacity: true)
        for mark in turnMarks {
            let c = mark.clause, s = clauses[c].sentence, all = clauses.indices
            if mark.concession {
                turns.append((TurnSide(sentence: s, indices: c..<c + 1), TurnSide(sentence: s, indices: all, excluding: c)))
            } else if s > 0, !clauses[..<c].contains(where: { $0.sentence == s }) {
                turns.append((TurnSide(sentence: s - 1, indices: all), TurnSide(sentence: s, indices: all)))
            } else {
                turns.append((TurnSide(sentence: s, indices: 0..<c), TurnSide(sentence: s, indices: c..<all.upperBound)))
            }
        }
    }

    // MARK: Scopes and clauses

    mutating func clauseBreak(at offset: Int32) {
        closeScopes()
        let c = clauses[clauses.count - 1]
        if c.positive == 0 && c.negative == 0 && c.advice == 0 && !c.isConcession {
            clauses[clauses.count - 1].start = offset
            return
        }
        openClause(sentence: c.sentence, at: offset, weight: c.isConcession ? 1 : c.weight)
        // Advice carries over a dash or colon: "we need to get the basics right – i.e. …".
        if !c.isConcession { clauses[clauses.count - 1].advice = c.advice }
    }

    mutating func openClause(sentence: Int, at offset: Int32, weight: Double = 1, concession: Bool = false) {
        clauses.append(Clause(sentence: sentence, start: offset, end: offset, weight: weight, isConcession: concession))
    }

    @inline(__always) private mutating func extendClause(to end: Int32) {
        let c = clauses.count - 1
        if clauses[c].end < end { clauses[c].end = end }
        if clauses[c].start > end { clauses[c].start = end }
    }

    mutating func add(_ v: Double, clause: Int? = nil) {
        let c = clause ?? clauses.count - 1
        if v > 0 { clauses[c].positive += v } else { clauses[c].negative += v }
    }

    mutating func startNegation(_ word: String, alone: Double) {
        settleNegation()
        negationLeft = settings.negationWindow
        negationText = word
        negationAlone = alone
        negationUsed = false
        negationClause = clauses.count - 1
    }

    /// A negator that found nothing to flip counts with its own valence, if it has one.
    mutating func settleNegation() {
        if !negationUsed, negationAlone != 0, negationClause < clauses.count {
            add(negationAlone, clause: negationClause)
            note("'\(negationText)' negates nothing → \(signed(negationAlone))")
        }
        negationAlone = 0
    }

    /// One more word passed: windows shrink, and a "lack of" that ran out is settled.
    mutating func countWord() {
        sentenceWords += 1
        if negationLeft > 0 {
            negationLeft -= 1
            if negationLeft == 0 { settleNegation() }
        }
        if boostLeft > 0 {
            boostLeft -= 1
            boostDistance += 1
            if boostLeft == 0 { resetBoost(consumed: false) }
        }
        flip?.left -= 1
    }

    mutating func closeScopes() {
        // Usually nothing is open (at most the fields are left set): then only the stores remain.
        if negationAlone == 0, boostAlone == 0, flip == nil {
            negationLeft = 0
            resetBoost(consumed: true)
            return
        }
        settleNegation()
        negationLeft = 0
        resetBoost()
        settleFlip()
    }

    /// Settles a "lack of"/"reduce" scope: the reversed words it reached, or its own valence alone.
    mutating func settleFlip() {
        guard let f = flip else { return }
        flip = nil
        let value: Double
        if f.used {
            // "hinder cooperation" is at least as bad as "hinder"; "avoid duplication" turns good.
            value = (f.isLack || (f.own < 0 && f.flipped < 0) ? min(f.own, f.flipped) : f.flipped) * f.factor
        } else {
            value = f.own * f.factor * (f.negated ? settings.negationFactor : 1)
        }
        guard value != 0 else { return }
        add(value, clause: f.clause)
        note("'\(f.text)' " + (f.used ? "with the words it reverses" : "on its own" + (f.negated ? ", negated" : "")) + " → \(signed(value))")
    }

    func boostFactor() -> Double {
        let decay = [1.0, 0.85, 0.7, 0.6, 0.5][min(4, boostDistance)]
        return max(0, 1 + boost * decay)
    }

    mutating func takeBoost() -> Double {
        let f = boostLeft > 0 && boost != 0 ? boostFactor() : 1
        resetBoost(consumed: true)
        return f
    }

    /// Ends a pending intensifier; one that found nothing to scale counts with its own valence.
    mutating func resetBoost(consumed: Bool = false) {
        if !consumed, boostAlone != 0, boostClause < clauses.count {
            add(boostAlone, clause: boostClause)
            note("'\(boostText)' scales nothing → \(signed(boostAlone))")
        }
        boostAlone = 0
        boost = 0
        boostLeft = 0
        boostDistance = 0
        if !boostText.isEmpty { boostText = "" }  // it stays empty when not tracing: skip the store
    }

    func note(_ message: @autoclosure () -> String) {
        if tracing { log.notes.append(message()) }
    }

    private final class NoteLog {
        var notes: [String] = []
    }
}
