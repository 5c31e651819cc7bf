import VerbatimCore

/// One clause of a sentence: the unit the rules work in. Sentences split into clauses at
/// ";", ":", dashes, brackets and contrast words; a concession ("although …") ends at a comma.
struct Clause {
    var sentence: Int
    var start: Int32
    var end: Int32
    var positive = 0.0
    var negative = 0.0
    /// The strongest advice cue seen in the clause (0 = none).
    var advice = 0.0
    /// Contrast and concession weight.
    var weight = 1.0
    var isConcession = false

    /// The clause's valence after the advice rule, before contrast weights. `floor` is the advice
    /// strength the whole answer has when its question asks for advice.
    func value(_ s: SentimentSettings, adviceFloor floor: Double = 0) -> Double {
        let a = max(advice, floor)
        return positive * (1 - a * (1 - s.advicePositive)) + negative * (1 - a * (1 - s.adviceNegative))
    }
}

/// One side of a contrast or concession: the clauses of `sentence` among `indices`, except `excluding`.
struct TurnSide {
    var sentence: Int
    var indices: Range<Int>
    var excluding = -1

    func contains(_ k: Int, _ clauses: [Clause]) -> Bool { clauses[k].sentence == sentence && k != excluding }
}

/// The word-level pass: walks the tokens once, applies the lexicon and the rules (negation,
/// intensifiers, "lack of", reversal, contrast, concession, advice, questions, capitals, "!"), and leaves
/// the valence of every clause. `SentimentCombiner` turns clauses into sentence, answer and theme scores.
///
/// A struct owned by one processor and run through `mutating` methods: its many small state updates
/// per token are then plain stores, where a class's would each be a dynamic exclusivity check.
/// Its arrays are kept between documents to reuse their storage.
struct SentimentScorer {
    private(set) var matcher: LexiconMatcher
    let settings: SentimentSettings
    private(set) var clauses: [Clause] = []
    private(set) var exclamations: [Int] = []
    private(set) var sentenceWeights: [Double] = []
    /// The two sides of each contrast or concession, for the "mixed" rule.
    private(set) var turns: [(before: TurnSide, after: TurnSide)] = []
    private var turnMarks: [(clause: Int, concession: Bool)] = []
    /// Trace notes, kept only when the document asks for a trace. A class instance, so that `note`
    /// needs no mutable access to the scorer while its message reads the scorer's own fields.
    private let log = NoteLog()
    var notes: [String] { log.notes }
    private var tracing = false

    /// A "lack of" or "reduce" in progress: the words it reaches are collected, then settled.
    private struct FlipScope {
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

    private var negationLeft = 0
    private var negationText = ""
    private var negationAlone = 0.0, negationUsed = false, negationClause = 0
    private var boost = 0.0, boostLeft = 0, boostDistance = 0, boostText = ""
    /// Own valence of pending intensifiers, counted only if they find nothing to scale.
    private var boostAlone = 0.0, boostClause = 0
    private var flip: FlipScope?
    private var sentenceWords = 0
    private var hasLowercase = false

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

    // MARK: Units

    private static let listJoiners: Set<UInt64> = Set(["and", "or", "&"].map { fnv1a(Array($0.utf8)) })
    private static let copulas: Set<UInt64> = Set(["is", "are", "was", "were", "be", "been", "being", "'s", "seems", "seemed",
                                                  "remains", "remained", "remain", "appears", "appeared", "looks"].map { fnv1a(Array($0.utf8)) })
    private static let infinitiveTo = fnv1a(Array("to".utf8))

    private mutating func apply(_ m: LexiconMatcher.Match, span: ByteSpan, startToken: Int, previousWord: Int?, _ doc: DocumentBytes) {
        let rule = matcher.lexicon.shapes[Int(m.entry)].rule
        let word = tracing ? doc.text(of: span) : ""
        switch rule {
        case let .valence(v):
            var emphasis = m.elongated
            if !emphasis, hasLowercase, m.end - startToken == 1 { emphasis = isShouted(doc.tokens[startToken], doc) }
            let afterTo = previousWord.map { matcher.hashes[$0] == Self.infinitiveTo } ?? false
            valence(v, word: word, emphasis: emphasis, purpose: afterTo)
        case let .negate(alone):
            countWord()
            startNegation(word, alone: alone)
        case .prefixNegate:
            countWord()
            if m.end < doc.tokens.count, LexiconMatcher.isGluedHyphen(m.end, doc) {
                startNegation(word + "-", alone: 0)
                negationLeft = 1
            }
        case let .boost(amount, alone):
            countWord()
            if boostLeft == 0 { resetBoost() }
            boost += amount
            boostAlone += alone
            boostClause = clauses.count - 1
            boostLeft = settings.boostWindow
            boostDistance = 0
            boostText = boostText.isEmpty ? word : boostText + " " + word
        case let .lack(own), let .reverse(own):
            let inNegation = negationLeft > 0
            if inNegation { negationUsed = true }
            countWord()
            settleFlip()
            var isLack = false
            if case .lack = rule { isLack = true }
            let c = clauses.count - 1
            let afterCopula = previousWord.map { Self.copulas.contains(matcher.hashes[$0]) } ?? false
            if isLack, afterCopula, !inNegation, clauses[c].positive > 0 {
                // "confidence is lacking": the lack reaches back over what the clause praised.
                let flipped = -clauses[c].positive * settings.flipFactor
                let value = min(own, flipped) * takeBoost()
                clauses[c].positive = 0
                add(value)
                note("'\(word)' after a verb 'to be' reverses the clause's positive words → \(signed(value))")
                return
            }
            flip = FlipScope(left: settings.flipWindow, own: own, isLack: isLack, negated: inNegation,
                             factor: takeBoost(), clause: clauses.count - 1, text: word)
            if inNegation {
                negationLeft = 0
                note("'\(negationText)' negates '\(word)': what follows keeps its sign")
            }
        case .contrast:
            closeScopes()
            let current = clauses.count - 1
            if sentenceWords == 0, clauses[current].sentence > 0 {
                sentenceWeights[clauses[current].sentence - 1] *= settings.contrastBefore
                clauses[current].weight = settings.contrastAfter
                turnMarks.append((current, false))
                note("'\(word)' opens the sentence: the previous sentence ×\(fmt(settings.contrastBefore)), this one ×\(fmt(settings.contrastAfter))")
            } else {
                for k in clauses.indices where clauses[k].sentence == clauses[current].sentence { clauses[k].weight *= settings.contrastBefore }
                openClause(sentence: clauses[current].sentence, at: span.end, weight: settings.contrastAfter)
                turnMarks.append((clauses.count - 1, false))
                note("'\(word)': the clauses before ×\(fmt(settings.contrastBefore)), the clause after ×\(fmt(settings.contrastAfter))")
            }
            sentenceWords += 1
        case .concede:
            closeScopes()
            let current = clauses.count - 1
            openClause(sentence: clauses[current].sentence, at: span.start, weight: settings.concessionWeight, concession: true)
            turnMarks.append((clauses.count - 1, true))
            note("'\(word)' opens a concession: its clause ×\(fmt(settings.concessionWeight))")
            sentenceWords += 1
        case let .advice(strength):
            countWord()
            let c = clauses.count - 1
            if strength > clauses[c].advice {
                clauses[c].advice = strength
                note("'\(word)' reads as advice (strength \(fmt(strength))): positive words in its clause ×\(fmt(1 - strength * (1 - settings.advicePositive))), negative ×\(fmt(1 - strength * (1 - settings.adviceNegative)))")
            }
        }
    }

    /// An evaluative word: capitals or elongation, then intensifiers, negation and any "lack of" scope.
    private mutating func valence(_ base: Double, word: String, emphasis: Bool, purpose: Bool) {
        let inNegation = negationLeft > 0
        let inFlip = (flip?.left ?? 0) > 0
        var v = base
        var why: [String] = []
        if emphasis {
            v *= 1 + settings.capsBoost
            if tracing { why.append("emphasis ×\(fmt(1 + settings.capsBoost))") }
        }
        if boostLeft > 0, boost != 0 {
            let f = boostFactor()
            v *= f
            if tracing { why.append("'\(boostText)' ×\(fmt(f))") }
            resetBoost(consumed: true)
        }
        if inNegation { negationUsed = true }
        countWord()
        if purpose, v > 0 {
            // "to improve", "to help": an aim, not an achievement.
            v *= settings.purposeWeight
            if tracing { why.append("aim after 'to' ×\(fmt(settings.purposeWeight))") }
        }
        if inNegation {
            v *= settings.negationFactor
            if tracing { why.append("negated by '\(negationText)' ×\(fmt(settings.negationFactor))") }
        }
        if inFlip, let f = flip, !f.negated, !f.isLack || v > 0 {
            // Removing a bad thing ("avoid duplication") is a milder good than the bad thing was bad.
            v = -v * settings.flipFactor * (v < 0 ? settings.reverseNegativeShare : 1)
            flip?.used = true
            flip?.flipped += v
            if tracing { why.append("reversed by '\(f.text)' ×\(fmt(-settings.flipFactor)), settled with it") }
            note("'\(word)' \(signed(base))" + (why.isEmpty ? "" : " (" + why.joined(separator: "; ") + ")") + " → \(signed(v))")
            return
        }
        add(v)
        note("'\(word)' \(signed(base))" + (why.isEmpty ? "" : " (" + why.joined(separator: "; ") + ")") + " → \(signed(v))")
    }

    private mutating func punctuation(_ t: Token, _ doc: DocumentBytes) {
        let bytes = UnsafeBufferPointer(rebasing: doc.utf8[Int(t.start)..<Int(t.end)])
        guard let first = bytes.first else { return }
        switch first {
        case 0x21: // "!"
            exclamations[clauses[clauses.count - 1].sentence] += bytes.count { $0 == 0x21 }
        case 0x3F: // "?", unless glued to a word after it, as in a URL's "?id=3"
            let next = Int(t.end) < doc.utf8.count ? doc.utf8[Int(t.end)] : 0x20
            if !Self.isAlphanumeric(next) { question() }
        case 0x2C: // ","
            if var f = flip, f.isLack, !f.negated {
                // A list after "lack of" goes on past its commas; the other scopes end here.
                f.left = settings.flipWindow
                flip = nil
                closeScopes()
                flip = f
            } else {
                closeScopes()
            }
            let c = clauses[clauses.count - 1]
            if c.isConcession { openClause(sentence: c.sentence, at: t.end) }
        case 0x3B, 0x3A, 0x28, 0x29, 0x5B, 0x5D, 0x2D: // ; : ( ) [ ] and a spaced hyphen
            clauseBreak(at: t.end)
        case 0xE2 where bytes.count == 3 && bytes[bytes.startIndex + 1] == 0x80
                && (0x93...0x94).contains(bytes[bytes.startIndex + 2]): // en and em dashes
            clauseBreak(at: t.end)
        default:
            break
        }
    }

    /// A question asks rather than asserts, like advice: "is it any good?" is not praise, while
    /// "why is it so slow?" is still a complaint. Every clause of the sentence so far gets the
    /// advice strength `questionAdvice` (a stronger cue of its own wins).
    private mutating func question() {
        let strength = settings.questionAdvice
        guard strength > 0 else { return }
        let sentence = clauses[clauses.count - 1].sentence
        var marked = false
        var k = clauses.count - 1
        while k >= 0, clauses[k].sentence == sentence {
            if clauses[k].advice < strength { clauses[k].advice = strength; marked = true }
            k -= 1
        }
        if marked { note("'?': the question's clauses read as advice (strength \(fmt(strength)))") }
    }

    // MARK: Scopes and clauses

    private mutating func clauseBreak(at offset: Int32) {
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

    private mutating func openClause(sentence: Int, at offset: Int32, weight: Double = 1, concession: Bool = false) {
        clauses.append(Clause(sentence: sentence, start: offset, end: offset, weight: weight, isConcession: concession))
    }

    @inline(__always) private mutating func extendClause(to end: Int32) {
        let c = clauses.count - 1
        if clauses[c].end < end { clauses[c].end = end }
        if clauses[c].start > end { clauses[c].start = end }
    }

    private mutating func add(_ v: Double, clause: Int? = nil) {
        let c = clause ?? clauses.count - 1
        if v > 0 { clauses[c].positive += v } else { clauses[c].negative += v }
    }

    private mutating func startNegation(_ word: String, alone: Double) {
        settleNegation()
        negationLeft = settings.negationWindow
        negationText = word
        negationAlone = alone
        negationUsed = false
        negationClause = clauses.count - 1
    }

    /// A negator that found nothing to flip counts with its own valence, if it has one.
    private mutating func settleNegation() {
        if !negationUsed, negationAlone != 0, negationClause < clauses.count {
            add(negationAlone, clause: negationClause)
            note("'\(negationText)' negates nothing → \(signed(negationAlone))")
        }
        negationAlone = 0
    }

    /// One more word passed: windows shrink, and a "lack of" that ran out is settled.
    private mutating func countWord() {
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

    private mutating func closeScopes() {
        settleNegation()
        negationLeft = 0
        resetBoost()
        settleFlip()
    }

    /// Settles a "lack of"/"reduce" scope: the reversed words it reached, or its own valence alone.
    private mutating func settleFlip() {
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

    private func boostFactor() -> Double {
        let decay = [1.0, 0.85, 0.7, 0.6, 0.5][min(4, boostDistance)]
        return max(0, 1 + boost * decay)
    }

    private mutating func takeBoost() -> Double {
        let f = boostLeft > 0 && boost != 0 ? boostFactor() : 1
        resetBoost(consumed: true)
        return f
    }

    /// Ends a pending intensifier; one that found nothing to scale counts with its own valence.
    private mutating func resetBoost(consumed: Bool = false) {
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

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
    }

    /// A word of three or more letters, all capitals, in a text that also has lower case.
    private func isShouted(_ t: Token, _ doc: DocumentBytes) -> Bool {
        guard t.end - t.start >= 3 else { return false }
        return doc.utf8[Int(t.start)..<Int(t.end)].allSatisfy { $0 >= 0x41 && $0 <= 0x5A }
    }

    func note(_ message: @autoclosure () -> String) {
        if tracing { log.notes.append(message()) }
    }

    private final class NoteLog {
        var notes: [String] = []
    }
}

func fmt(_ d: Double) -> String { JSONWriter.format((d * 100).rounded() / 100) }
func signed(_ d: Double) -> String { (d >= 0 ? "+" : "") + fmt(d) }
