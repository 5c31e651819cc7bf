import VerbatimCore

extension CodebookMatcher {
    /// Turns the units hit in the scan into codes: vetoes, negation, rule weights, thresholds.
    /// Trace notes are returned rather than added, since the document is read throughout.
    func evaluate(_ document: Document) -> (codes: [Code], notes: [String]) {
        let trace = document.collectTrace
        var notes: [String] = []
        let question = document.response.question
        var triggers: [Occurrence] = []
        for unit in touchedUnits where book.units[Int(unit)].role == .trigger {
            triggers += occurrences(of: unit, in: document)
        }
        triggers.sort { ($0.start, $0.end, $0.unit) < ($1.start, $1.end, $1.unit) }
        // Alternatives of one rule that match the same words (`pay`, `pays`: one stem) are one hit.
        var seen = Set<SIMD3<Int32>>()
        triggers = triggers.filter { seen.insert(SIMD3(book.units[Int($0.unit)].owner, $0.start, $0.end)).inserted }

        // Exclusion matches by unit, computed once per document and only when a trigger needs them.
        var exclusionCache: [Int32: [Occurrence]] = [:]
        var accepted: [Int32: [Occurrence]] = [:]  // by rule
        var skippedThemes = Set<Int32>()
        for o in triggers {
            let unit = book.units[Int(o.unit)]
            let rule = book.rules[Int(unit.owner)]
            let theme = book.themes[Int(rule.theme)]
            if let question, !theme.questions.isEmpty, !theme.questions.contains(question) {
                if trace, skippedThemes.insert(rule.theme).inserted {
                    notes.append("skipped \(theme.info.id): it applies to \(theme.questions.sorted().joined(separator: ", ")), not \(question)")
                }
                continue
            }
            if let (by, match) = veto(o, exclusions: rule.exclusions + theme.exclusions, cache: &exclusionCache, document) {
                if trace {
                    notes.append("vetoed \(unit.display) — \(quote(o, document)) by \(book.units[Int(by)].display) — \(quote(match, document))")
                }
                continue
            }
            if let cue = negationCue(before: o) {
                let cueText = text(ofPosition: cue, in: document)
                if rule.negated == .skip {
                    if trace { notes.append("negated \(unit.display) — \(quote(o, document)) after \"\(cueText)\": not counted") }
                    continue
                }
                if trace { notes.append("negated \(unit.display) — \(quote(o, document)) after \"\(cueText)\": counted") }
            }
            accepted[unit.owner, default: []].append(o)
        }
        guard !accepted.isEmpty else { return ([], notes) }

        // Score themes: each rule counts its weight once, however often it matched.
        var themeRules: [Int32: [Int32]] = [:]
        for rule in accepted.keys.sorted() { themeRules[book.rules[Int(rule)].theme, default: []].append(rule) }
        var codes: [(rank: Int32, code: Code)] = []
        for t in themeRules.keys.sorted() {
            let rules = themeRules[t]!
            let theme = book.themes[Int(t)]
            let score = rules.reduce(0.0) { $0 + book.rules[Int($1)].weight }
            if trace {
                for r in rules {
                    for o in accepted[r]! {
                        notes.append("fired \(book.units[Int(o.unit)].display) — \(quote(o, document)) weight \(JSONWriter.format(book.rules[Int(r)].weight))")
                    }
                }
            }
            guard score >= theme.threshold - 1e-9 else {
                if trace {
                    let names = rules.map { book.rules[Int($0)].id }.joined(separator: ", ")
                    notes.append("below threshold \(theme.info.id): score \(JSONWriter.format(score)) < \(JSONWriter.format(theme.threshold)) (\(names))")
                }
                continue
            }
            var evidence: [Evidence] = []
            for r in rules {
                var first = true
                var seen = Set<ByteSpan>()
                for o in accepted[r]! {
                    let display = book.units[Int(o.unit)].display
                    for span in [o.first, o.second].compactMap({ $0 }) where seen.insert(span).inserted {
                        evidence.append(Evidence(span: span, rule: display, weight: first ? book.rules[Int(r)].weight : 0))
                        first = false
                    }
                }
            }
            evidence.sort { ($0.span, $0.rule) < ($1.span, $1.rule) }
            if trace {
                notes.append("coded \(theme.info.id): score \(JSONWriter.format(score)) ≥ \(JSONWriter.format(theme.threshold))")
            }
            codes.append((theme.rank, Code(theme: theme.info.id, score: score, evidence: evidence)))
        }
        return (codes.sorted { $0.rank < $1.rank }.map(\.code), notes)
    }

    /// The first exclusion match in the occurrence's sentence, if any.
    private func veto(_ o: Occurrence, exclusions: [Int32], cache: inout [Int32: [Occurrence]],
                      _ document: Document) -> (Int32, Occurrence)? {
        guard !exclusions.isEmpty else { return nil }
        let s = sentence(of: o)
        for ex in exclusions {
            if cache[ex] == nil { cache[ex] = occurrences(of: ex, in: document) }
            if let match = cache[ex]!.first(where: { sentence(of: $0) == s }) { return (ex, match) }
        }
        return nil
    }

    private func quote(_ o: Occurrence, _ document: Document) -> String {
        var s = "\"\(document.text(of: o.first))\""
        if let second = o.second { s += " … \"\(document.text(of: second))\"" }
        return s + " at \(o.first.start)–\((o.second ?? o.first).end)"
    }
}
