import VerbatimCore

extension MatchScratch {
    /// Turns the units hit in the scan into codes: vetoes, negation, rule weights, thresholds.
    /// Trace notes go to `notes` (only when the document collects a trace).
    mutating func evaluate(_ document: Document, _ book: CompiledCodebook, codes: inout [Code], notes: inout [String]) {
        let hot = book.hot
        let trace = document.collectTrace
        let question = document.response.question
        // The buffer is moved out while mutating methods of `self` append to it (exclusive access),
        // and moved back at the end so its capacity is reused.
        var found = occurrences
        occurrences = []
        found.removeAll(keepingCapacity: true)
        for unit in touched where hot.unitIsTrigger[Int(unit)] { appendOccurrences(of: unit, document, book, to: &found) }
        // Text order; alternatives of one rule that match the same words (`pay`, `pays`: one stem) end
        // up next to each other and count as one hit.
        found.sort { ($0.start, $0.end, $0.rule, $0.unit) < ($1.start, $1.end, $1.rule, $1.unit) }

        accepted.removeAll(keepingCapacity: true)
        var skippedThemes: Set<Int32> = []
        for i in found.indices {
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
            if let match = veto(o, document, book) {
                if trace {
                    notes.append("vetoed \(book.units[Int(o.unit)].display) — \(quote(o, document)) by \(book.units[Int(match.unit)].display) — \(quote(match, document))")
                }
                continue
            }
            if let cue = negationCue(before: o, window: book.negationWindow) {
                let skip = hot.ruleSkipsNegated[Int(o.rule)]
                if trace {
                    notes.append("negated \(book.units[Int(o.unit)].display) — \(quote(o, document)) after \"\(text(ofPosition: cue, in: document))\": \(skip ? "not counted" : "counted")")
                }
                if skip { continue }
            }
            accepted.append(Int32(i))
        }

        // Group by theme (in id order) and rule; each rule adds its weight once, however often it matched.
        accepted.sort {
            let a = found[Int($0)], b = found[Int($1)]
            let ta = hot.themeRank[Int(hot.ruleTheme[Int(a.rule)])], tb = hot.themeRank[Int(hot.ruleTheme[Int(b.rule)])]
            return (ta, a.rule, a.start, a.end) < (tb, b.rule, b.start, b.end)
        }
        var k = 0
        while k < accepted.count {
            let theme = hot.ruleTheme[Int(found[Int(accepted[k])].rule)]
            var end = k
            var score = 0.0
            var previousRule: Int32 = -1
            while end < accepted.count, hot.ruleTheme[Int(found[Int(accepted[end])].rule)] == theme {
                let rule = found[Int(accepted[end])].rule
                if rule != previousRule { score += hot.ruleWeight[Int(rule)] }
                previousRule = rule
                end += 1
            }
            let info = book.themes[Int(theme)].info
            let threshold = hot.themeThreshold[Int(theme)]
            if trace {
                for j in k..<end {
                    let o = found[Int(accepted[j])]
                    notes.append("fired \(book.units[Int(o.unit)].display) — \(quote(o, document)) weight \(JSONWriter.format(hot.ruleWeight[Int(o.rule)]))")
                }
            }
            if score >= threshold - 1e-9 {
                codes.append(Code(theme: info.id, score: score, evidence: Self.evidence(found, accepted[k..<end], book)))
                if trace { notes.append("coded \(info.id): score \(JSONWriter.format(score)) ≥ \(JSONWriter.format(threshold))") }
            } else if trace {
                var names: [String] = []
                for j in k..<end where names.last != book.rules[Int(found[Int(accepted[j])].rule)].id {
                    names.append(book.rules[Int(found[Int(accepted[j])].rule)].id)
                }
                notes.append("below threshold \(info.id): score \(JSONWriter.format(score)) < \(JSONWriter.format(threshold)) (\(names.joined(separator: ", ")))")
            }
            k = end
        }
        occurrences = found
    }

    /// Evidence of one theme: every span of its accepted hits, the first of each rule carrying the
    /// rule's weight and later ones 0, sorted by position.
    private static func evidence(_ found: [Occurrence], _ group: ArraySlice<Int32>, _ book: CompiledCodebook) -> [Evidence] {
        var result: [Evidence] = []
        var ruleStart = 0
        var previousRule: Int32 = -1
        for index in group {
            let o = found[Int(index)]
            if o.rule != previousRule {
                ruleStart = result.count
                previousRule = o.rule
            }
            let display = book.hot.unitDisplay[Int(o.unit)]
            for span in [o.first, o.second] {
                guard let span, !result[ruleStart...].contains(where: { $0.span == span }) else { continue }
                result.append(Evidence(span: span, rule: display, weight: result.count == ruleStart ? book.hot.ruleWeight[Int(o.rule)] : 0))
            }
        }
        result.sort { ($0.span, $0.rule) < ($1.span, $1.rule) }
        return result
    }

    /// The first exclusion match in the occurrence's sentence, if any.
    private mutating func veto(_ o: Occurrence, _ document: Document, _ book: CompiledCodebook) -> Occurrence? {
        let hot = book.hot
        let lower = Int(hot.exclusionStart[Int(o.rule)]), upper = Int(hot.exclusionStart[Int(o.rule) + 1])
        guard lower < upper else { return nil }
        let s = sentence(of: o)
        for k in lower..<upper {
            let ex = hot.exclusions[k]
            guard unitStamp[Int(ex)] == stamp else { continue }  // Not hit in this document.
            if exclusionStamp[Int(ex)] != stamp {
                var buffer = exclusionOccurrences
                exclusionOccurrences = []
                let first = Int32(buffer.count)
                appendOccurrences(of: ex, document, book, to: &buffer)
                exclusionRange[Int(ex)] = first..<Int32(buffer.count)
                exclusionStamp[Int(ex)] = stamp
                exclusionOccurrences = buffer
            }
            for i in exclusionRange[Int(ex)] where sentence(of: exclusionOccurrences[Int(i)]) == s {
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
