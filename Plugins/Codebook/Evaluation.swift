import VerbatimCore

/// One span of a theme's evidence while it is gathered: the rule's name is the unit's display
/// string, looked up only when the `Evidence` is made.
struct EvidenceEntry {
    var span: ByteSpan
    var unit: Int32
    var weight: Double
}

extension MatchScratch {
    /// Turns the units hit in the scan into codes: vetoes, negation, rule weights, thresholds.
    /// Trace notes go to `notes` (only when the document collects a trace).
    mutating func evaluate(_ document: Document, _ book: CompiledCodebook, codes: inout [Code], notes: inout [String]) {
        let hot = book.hot
        let trace = document.collectTrace
        let question = document.response.question
        found.removeAll()
        for i in 0..<hits.touched.count where hot.unitIsTrigger[Int(hits.touched[i])] {
            hits.appendOccurrences(of: hits.touched[i], book, to: &found)
        }
        // Text order; alternatives of one rule that match the same words (`pay`, `pays`: one stem) end
        // up next to each other and count as one hit.
        found.sort { ($0.start, $0.end, $0.rule, $0.unit) < ($1.start, $1.end, $1.rule, $1.unit) }

        accepted.removeAll()
        var skippedThemes: Set<Int32> = []
        for i in 0..<found.count {
            let o = found[i]
            if i > 0, found[i - 1].rule == o.rule, found[i - 1].start == o.start, found[i - 1].end == o.end { continue }
            let theme = hot.ruleTheme[Int(o.rule)]
            if let question, hot.themeHasQuestions[Int(theme)], !book.themes[Int(theme)].questions.contains(question) {
                if trace, skippedThemes.insert(theme).inserted {
                    let t = book.themes[Int(theme)]
                    notes.append("skipped \(t.info.id): it applies to \(t.questions.sorted().joined(separator: ", ")), not \(question)")
                }
                continue
            }
            if let match = veto(o, book, hot) {
                if trace {
                    notes.append("vetoed \(book.units[Int(o.unit)].display) — \(quote(o, document)) by \(book.units[Int(match.unit)].display) — \(quote(match, document))")
                }
                continue
            }
            if let cue = hits.negationCue(before: o, window: book.negationWindow) {
                let skip = hot.ruleSkipsNegated[Int(o.rule)]
                if trace {
                    notes.append("negated \(book.units[Int(o.unit)].display) — \(quote(o, document)) after \"\(hits.text(ofPosition: cue, in: document))\": \(skip ? "not counted" : "counted")")
                }
                if skip { continue }
            }
            accepted.append(o)
        }
        guard !accepted.isEmpty else { return }

        // Group by theme (in id order) and rule; each rule adds its weight once, however often it
        // matched. (No two accepted hits share rule, start and end, so the order is fully determined.)
        accepted.sort { (hot.ruleRank[Int($0.rule)], $0.start, $0.end) < (hot.ruleRank[Int($1.rule)], $1.start, $1.end) }
        // One code per theme at most: room for all of them at once.
        var themeCount = 1
        for j in 1..<accepted.count where hot.ruleTheme[Int(accepted[j].rule)] != hot.ruleTheme[Int(accepted[j - 1].rule)] {
            themeCount += 1
        }
        codes.reserveCapacity(codes.count + themeCount)
        var k = 0
        while k < accepted.count {
            let theme = hot.ruleTheme[Int(accepted[k].rule)]
            var end = k
            var score = 0.0
            var previousRule: Int32 = -1
            while end < accepted.count, hot.ruleTheme[Int(accepted[end].rule)] == theme {
                let rule = accepted[end].rule
                if rule != previousRule { score += hot.ruleWeight[Int(rule)] }
                previousRule = rule
                end += 1
            }
            let id = themeIDs[Int(theme)]
            let threshold = hot.themeThreshold[Int(theme)]
            if trace {
                for j in k..<end {
                    let o = accepted[j]
                    notes.append("fired \(book.units[Int(o.unit)].display) — \(quote(o, document)) weight \(JSONWriter.format(hot.ruleWeight[Int(o.rule)]))")
                }
            }
            if score >= threshold - 1e-9 {
                codes.append(Code(theme: id, score: score, evidence: evidence(k..<end, book, hot)))
                if trace { notes.append("coded \(id): score \(JSONWriter.format(score)) ≥ \(JSONWriter.format(threshold))") }
            } else if trace {
                var names: [String] = []
                for j in k..<end where names.last != book.rules[Int(accepted[j].rule)].id {
                    names.append(book.rules[Int(accepted[j].rule)].id)
                }
                notes.append("below threshold \(id): score \(JSONWriter.format(score)) < \(JSONWriter.format(threshold)) (\(names.joined(separator: ", ")))")
            }
            k = end
        }
    }

    /// Evidence of one theme (`accepted[group]`): every span of its hits, the first of each rule
    /// carrying the rule's weight and later ones 0, sorted by position and rule name.
    private mutating func evidence(_ group: Range<Int>, _ book: CompiledCodebook, _ hot: HotFields) -> [Evidence] {
        evidence.removeAll()
        var ruleStart = 0
        var previousRule: Int32 = -1
        for j in group {
            let o = accepted[j]
            if o.rule != previousRule {
                ruleStart = evidence.count
                previousRule = o.rule
            }
            addEvidence(o.first, of: o, ruleStart: ruleStart, hot)
            if let second = o.second { addEvidence(second, of: o, ruleStart: ruleStart, hot) }
        }
        // Display ranks order units as their display strings do (equal strings, equal ranks).
        evidence.sort { ($0.span, hot.unitDisplayRank[Int($0.unit)]) < ($1.span, hot.unitDisplayRank[Int($1.unit)]) }
        // Rule names are this worker's copies, shared (retained, not copied) by its evidence.
        let display = unitDisplay
        return evidence.elements.map { Evidence(span: $0.span, rule: display[Int($0.unit)], weight: $0.weight) }
    }

    /// Adds a span of `o` unless its rule has it already; the rule's first span carries its weight.
    private mutating func addEvidence(_ span: ByteSpan, of o: Occurrence, ruleStart: Int, _ hot: HotFields) {
        for i in ruleStart..<evidence.count where evidence[i].span == span { return }
        evidence.append(EvidenceEntry(span: span, unit: o.unit, weight: evidence.count == ruleStart ? hot.ruleWeight[Int(o.rule)] : 0))
    }

    /// The first exclusion match in the occurrence's sentence, if any.
    @inline(__always)
    private mutating func veto(_ o: Occurrence, _ book: CompiledCodebook, _ hot: HotFields) -> Occurrence? {
        let lower = Int(hot.exclusionStart[Int(o.rule)]), upper = Int(hot.exclusionStart[Int(o.rule) + 1])
        // Most rules have no exclusions: inlined, this check costs them no call.
        return lower < upper ? firstExclusion(in: lower..<upper, of: o, book, hot) : nil
    }

    private mutating func firstExclusion(in exclusions: Range<Int>, of o: Occurrence, _ book: CompiledCodebook,
                                         _ hot: HotFields) -> Occurrence? {
        let s = hits.sentence(of: o)
        for k in exclusions {
            let ex = hot.exclusions[k]
            guard hits.isHit(ex) else { continue }  // Not hit in this document.
            if exclusionStamp[Int(ex)] != hits.stamp {
                let first = Int32(exclusionOccurrences.count)
                hits.appendOccurrences(of: ex, book, to: &exclusionOccurrences)
                exclusionRange[Int(ex)] = first..<Int32(exclusionOccurrences.count)
                exclusionStamp[Int(ex)] = hits.stamp
            }
            for i in exclusionRange[Int(ex)] where hits.sentence(of: exclusionOccurrences[Int(i)]) == s {
                return exclusionOccurrences[Int(i)]
            }
        }
        return nil
    }

    private func quote(_ o: Occurrence, _ document: Document) -> String {
        var s = "\"\(document.text(of: o.first))\""
        if let second = o.second { s += " … \"\(document.text(of: second))\"" }
        return s + " at \(o.first.start)–\((o.second ?? o.first).end)"
    }
}
