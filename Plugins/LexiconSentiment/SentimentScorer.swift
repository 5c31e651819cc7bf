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

/// The word-level pass: walks the tokens once, applies the lexicon and the rules (negation,
/// intensifiers, "lack of", reversal, contrast, concession, advice, questions, capitals, "!"), and leaves
/// the valence of every clause. `SentimentCombiner` turns clauses into sentence, answer and theme scores.
final class SentimentScorer {
    let matcher: LexiconMatcher
    let settings: SentimentSettings
    private(set) var clauses: [Clause] = []
    private(set) var exclamations: [Int] = []
    private(set) var sentenceWeights: [Double] = []
    /// The two sides of each contrast or concession, as clause indices, for the "mixed" rule.
    private(set) var turns: [(before: [Int], after: [Int])] = []
    private var turnMarks: [(clause: Int, concession: Bool)] = []
    var notes: [String] = []
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

    func run(_ document: Document) {
        let tokens = document.tokens
        tracing = document.collectTrace
        notes.removeAll()
        clauses.removeAll(keepingCapacity: true)
        turnMarks.removeAll(keepingCapacity: true)
        let sentenceCount = max(1, document.sentences.count)
        exclamations = Array(repeating: 0, count: sentenceCount)
        sentenceWeights = Array(repeating: 1, count: sentenceCount)
        negationLeft = 0
        negationAlone = 0
        resetBoost()
        flip = nil
        matcher.prepare(document)
        hasLowercase = document.utf8.contains { $0 >= 0x61 && $0 <= 0x7A }

        var sentence = -1
        var previousWord: Int?
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            if Int(t.sentence) != sentence {
                closeScopes(document)
                sentence = Int(t.sentence)
                openClause(sentence: sentence, at: t.start)
                sentenceWords = 0
                previousWord = nil
            }
            if LexiconMatcher.isGluedHyphen(i, tokens, document) {
                i += 1
                continue
            }
            if let m = matcher.match(at: i, in: document, previousWord: previousWord) {
                let span = ByteSpan(start: t.start, end: tokens[m.end - 1].end)
                extendClause(to: span.end)
                apply(m, span: span, startToken: i, previousWord: previousWord, document)
                if tokens[m.end - 1].kind != .punctuation { previousWord = m.end - 1 }
                i = m.end
                continue
            }
            if t.kind == .punctuation {
                punctuation(t, index: i, document)
            } else {
                extendClause(to: t.end)
                if matcher.isContractedNegation(t, in: document) {
                    countWord()
                    startNegation(document.text(of: t), alone: 0)
                } else {
                    countWord()
                    // "lack of trust and support": each item of a list after "lack of" is lacking.
                    if var f = flip, f.isLack, Self.listJoiners.contains(matcher.hashes[i]) {
                        f.left = settings.flipWindow
                        flip = f
                    }
                }
                previousWord = i
            }
            i += 1
        }
        closeScopes(document)
        collectTurns()
    }

    /// Sides of each turn: "A but B" (or "A. However, B") and "although A, B".
    private func collectTurns() {
        turns = turnMarks.map { mark in
            let pivot = clauses[mark.clause]
            let same = clauses.indices.filter { clauses[$0].sentence == pivot.sentence }
            if mark.concession { return ([mark.clause], same.filter { $0 != mark.clause }) }
            let before = same.filter { $0 < mark.clause }
            if before.isEmpty, pivot.sentence > 0 {
                return (clauses.indices.filter { clauses[$0].sentence == pivot.sentence - 1 }, same)
            }
            return (before, same.filter { $0 >= mark.clause })
        }
    }

    // MARK: Units

    private static let listJoiners: Set<UInt64> = Set(["and", "or", "&"].map { fnv1a(Array($0.utf8)) })
    private static let copulas: Set<UInt64> = Set(["is", "are", "was", "were", "be", "been", "being", "'s", "seems", "seemed",
                                                  "remains", "remained", "remain", "appears", "appeared", "looks"].map { fnv1a(Array($0.utf8)) })
    private static let infinitiveTo = fnv1a(Array("to".utf8))

    private func apply(_ m: LexiconMatcher.Match, span: ByteSpan, startToken: Int, previousWord: Int?, _ document: Document) {
        let afterCopula = previousWord.map { Self.copulas.contains(matcher.hashes[$0]) } ?? false
        let afterTo = previousWord.map { matcher.hashes[$0] == Self.infinitiveTo } ?? false
        let rule = matcher.lexicon.rules[Int(m.entry)]
        let word = tracing ? document.text(of: span) : ""
        switch rule {
        case let .valence(v):
            var emphasis = m.elongated
            if !emphasis, hasLowercase, m.end - startToken == 1 { emphasis = isShouted(document.tokens[startToken], document) }
            valence(v, word: word, emphasis: emphasis, purpose: afterTo)
        case let .negate(alone):
            countWord()
            startNegation(word, alone: alone)
        case .prefixNegate:
            countWord()
            let tokens = document.tokens
            if m.end < tokens.count, LexiconMatcher.isGluedHyphen(m.end, tokens, document) {
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
                if tracing { notes.append("'\(negationText)' negates '\(word)': what follows keeps its sign") }
            }
        case .contrast:
            closeScopes(document)
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
            closeScopes(document)
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
    private func valence(_ base: Double, word: String, emphasis: Bool, purpose: Bool) {
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
        if inFlip, var f = flip, !f.negated, !f.isLack || v > 0 {
            // Removing a bad thing ("avoid duplication") is a milder good than the bad thing was bad.
            v = -v * settings.flipFactor * (v < 0 ? settings.reverseNegativeShare : 1)
            f.used = true
            f.flipped += v
            flip = f
            if tracing { why.append("reversed by '\(f.text)' ×\(fmt(-settings.flipFactor)), settled with it") }
            note("'\(word)' \(signed(base))" + (why.isEmpty ? "" : " (" + why.joined(separator: "; ") + ")") + " → \(signed(v))")
            return
        }
        add(v)
        note("'\(word)' \(signed(base))" + (why.isEmpty ? "" : " (" + why.joined(separator: "; ") + ")") + " → \(signed(v))")
    }

    private func punctuation(_ t: Token, index: Int, _ document: Document) {
        let bytes = document.utf8[Int(t.start)..<Int(t.end)]
        guard let first = bytes.first else { return }
        switch first {
        case 0x21: // "!"
            exclamations[clauses[clauses.count - 1].sentence] += bytes.count { $0 == 0x21 }
        case 0x3F: // "?", unless glued to a word after it, as in a URL's "?id=3"
            let next = Int(t.end) < document.utf8.count ? document.utf8[Int(t.end)] : 0x20
            if !Self.isAlphanumeric(next) { question() }
        case 0x2C: // ","
            if var f = flip, f.isLack, !f.negated {
                // A list after "lack of" goes on past its commas; the other scopes end here.
                f.left = settings.flipWindow
                flip = nil
                closeScopes(document)
                flip = f
            } else {
                closeScopes(document)
            }
            let c = clauses[clauses.count - 1]
            if c.isConcession { openClause(sentence: c.sentence, at: t.end) }
        case 0x3B, 0x3A, 0x28, 0x29, 0x5B, 0x5D, 0x2D: // ; : ( ) [ ] and a spaced hyphen
            clauseBreak(at: t.end, document)
        case 0xE2 where bytes.count == 3 && bytes[bytes.startIndex + 1] == 0x80
                && (0x93...0x94).contains(bytes[bytes.startIndex + 2]): // en and em dashes
            clauseBreak(at: t.end, document)
        default:
            break
        }
    }

    /// A question asks rather than asserts, like advice: "is it any good?" is not praise, while
    /// "why is it so slow?" is still a complaint. Every clause of the sentence so far gets the
    /// advice strength `questionAdvice` (a stronger cue of its own wins).
    private func question() {
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

    private func clauseBreak(at offset: Int32, _ document: Document) {
        closeScopes(document)
        let c = clauses[clauses.count - 1]
        if c.positive == 0 && c.negative == 0 && c.advice == 0 && !c.isConcession {
            clauses[clauses.count - 1].start = offset
            return
        }
        openClause(sentence: c.sentence, at: offset, weight: c.isConcession ? 1 : c.weight)
        // Advice carries over a dash or colon: "we need to get the basics right – i.e. …".
        if !c.isConcession { clauses[clauses.count - 1].advice = c.advice }
    }

    private func openClause(sentence: Int, at offset: Int32, weight: Double = 1, concession: Bool = false) {
        clauses.append(Clause(sentence: sentence, start: offset, end: offset, weight: weight, isConcession: concession))
    }

    private func extendClause(to end: Int32) {
        let c = clauses.count - 1
        if clauses[c].end < end { clauses[c].end = end }
        if clauses[c].start > end { clauses[c].start = end }
    }

    private func add(_ v: Double, clause: Int? = nil) {
        let c = clause ?? clauses.count - 1
        if v > 0 { clauses[c].positive += v } else { clauses[c].negative += v }
    }

    private func startNegation(_ word: String, alone: Double) {
        settleNegation()
        negationLeft = settings.negationWindow
        negationText = word
        negationAlone = alone
        negationUsed = false
        negationClause = clauses.count - 1
    }

    /// A negator that found nothing to flip counts with its own valence, if it has one.
    private func settleNegation() {
        if !negationUsed, negationAlone != 0, negationClause < clauses.count {
            add(negationAlone, clause: negationClause)
            note("'\(negationText)' negates nothing → \(signed(negationAlone))")
        }
        negationAlone = 0
    }

    /// One more word passed: windows shrink, and a "lack of" that ran out is settled.
    private func countWord() {
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
        if var f = flip {
            f.left -= 1
            flip = f
        }
    }

    private func closeScopes(_ document: Document) {
        settleNegation()
        negationLeft = 0
        resetBoost()
        settleFlip()
    }

    /// Settles a "lack of"/"reduce" scope: the reversed words it reached, or its own valence alone.
    private func settleFlip() {
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

    private func takeBoost() -> Double {
        let f = boostLeft > 0 && boost != 0 ? boostFactor() : 1
        resetBoost(consumed: true)
        return f
    }

    /// Ends a pending intensifier; one that found nothing to scale counts with its own valence.
    private func resetBoost(consumed: Bool = false) {
        if !consumed, boostAlone != 0, boostClause < clauses.count {
            add(boostAlone, clause: boostClause)
            note("'\(boostText)' scales nothing → \(signed(boostAlone))")
        }
        boostAlone = 0
        boost = 0
        boostLeft = 0
        boostDistance = 0
        boostText = ""
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
    }

    /// A word of three or more letters, all capitals, in a text that also has lower case.
    private func isShouted(_ t: Token, _ document: Document) -> Bool {
        guard t.end - t.start >= 3 else { return false }
        return document.utf8[Int(t.start)..<Int(t.end)].allSatisfy { $0 >= 0x41 && $0 <= 0x5A }
    }

    func note(_ message: @autoclosure () -> String) {
        if tracing { notes.append(message()) }
    }
}

func fmt(_ d: Double) -> String { JSONWriter.format((d * 100).rounded() / 100) }
func signed(_ d: Double) -> String { (d >= 0 ? "+" : "") + fmt(d) }
