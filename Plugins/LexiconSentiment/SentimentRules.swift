import VerbatimCore

/// The rules the word-level pass applies to what the matcher finds: each lexicon rule, evaluative
/// words with their modifiers, and the punctuation that breaks clauses or asks questions.
extension SentimentScorer {
    /// Hashes of the words some rules look for. Arrays, not sets: a short linear scan of integers
    /// costs less than hashing the hash, and these are read per word.
    static let listJoiners: [UInt64] = ["and", "or", "&"].map { fnv1a(Array($0.utf8)) }
    static let copulas: [UInt64] = ["is", "are", "was", "were", "be", "been", "being", "'s", "seems", "seemed",
                                "remains", "remained", "remain", "appears", "appeared", "looks"].map { fnv1a(Array($0.utf8)) }
    static let infinitiveTo = fnv1a(Array("to".utf8))

    mutating func apply(_ m: LexiconMatcher.Match, span: ByteSpan, startToken: Int, previousWord: Int?, _ doc: DocumentBytes) {
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
    mutating func valence(_ base: Double, word: String, emphasis: Bool, purpose: Bool) {
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

    mutating func punctuation(_ t: Token, _ doc: DocumentBytes) {
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
    mutating func question() {
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

    static func isAlphanumeric(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
    }

    /// A word of three or more letters, all capitals, in a text that also has lower case.
    func isShouted(_ t: Token, _ doc: DocumentBytes) -> Bool {
        guard t.end - t.start >= 3 else { return false }
        return doc.utf8[Int(t.start)..<Int(t.end)].allSatisfy { $0 >= 0x41 && $0 <= 0x5A }
    }
}
