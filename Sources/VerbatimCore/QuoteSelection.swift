#if canImport(Glibc)
import Glibc
#endif

/// Which quotes to choose per theme.
public struct QuoteSelection: Sendable, Equatable {
    public var perTheme: Int
    /// Only quotes whose (theme) sentiment has this label.
    public var polarity: Sentiment.Label?
    /// Alternate sentiment groups (positive, negative, other) so each is represented.
    public var balanced: Bool

    public init(perTheme: Int = 5, polarity: Sentiment.Label? = nil, balanced: Bool = false) {
        self.perTheme = perTheme
        self.polarity = polarity
        self.balanced = balanced
    }
}

/// The arguments of one choice of quotes, for `QuoteCollector.chosen`.
struct QuoteChoice: Hashable {
    var theme: String
    var count: Int
    var polarity: Sentiment.Label?
    var balanced: Bool
}

/// Ranking and choosing a theme's quotes, and writing them out: once per run, at its end.
extension QuoteCollector {
    /// Every candidate of `theme`, scored with representativeness and sorted best first.
    public func ranked(_ theme: String) -> [Quote] {
        foldWorkerCounts()
        guard let kept = pools.candidates(of: theme) else { return [] }
        var candidates = kept.quotes
        let themeCount = kept.documents
        let n = Double(pools.total)
        let frequency = own.tables.themeFrequency(theme), documentFrequency = own.tables.documentFrequency
        // Cosine-style similarity between the extract's stems and the theme's other answers:
        // each shared stem counts by how many of the others use it and how rare it is overall.
        var raw = [Double](repeating: 0, count: candidates.count)
        // Sorted here, for the merge in `jaccard` and a fixed order of the sums below.
        for k in candidates.indices { candidates[k].stemKeys.sort() }
        for k in candidates.indices where themeCount > 1 {
            var num = 0.0, norm = 0.0
            for key in candidates[k].stemKeys {
                let number = documentFrequency.vocabulary.number(of: key)
                let idf = log((n + 1) / (Double(documentFrequency[number: number]) + 0.5))
                let others = Double(max(0, Int(frequency[number: number]) - 1)) / Double(themeCount - 1)
                num += idf * idf * others
                norm += idf * idf
            }
            raw[k] = norm > 0 ? num / norm.squareRoot() : 0
        }
        let top = raw.max() ?? 0
        for k in candidates.indices {
            candidates[k].representativeness = top > 0 ? raw[k] / top : 0
            candidates[k].score = candidates[k].clarity + candidates[k].readability + 0.8 * candidates[k].representativeness
        }
        return QuotePools.ranked(candidates)
    }

    /// The best `count` quotes for `theme`: diverse (no near-duplicates, different respondents
    /// while there are enough), filtered by polarity and, when `balanced`, alternating sentiment.
    public func quotes(for theme: String, count: Int, polarity: Sentiment.Label? = nil, balanced: Bool = false) -> [Quote] {
        guard count > 0 else { return [] }
        foldWorkerCounts()
        let choice = QuoteChoice(theme: theme, count: count, polarity: polarity, balanced: balanced)
        if let known = chosen[choice] { return known }
        var candidates = ranked(theme)
        if let polarity { candidates.removeAll { $0.sentiment?.label != polarity } }
        let quotes = Self.choose(count, from: candidates, balanced: balanced)
        chosen[choice] = quotes
        return quotes
    }

    /// Picks `count` of `candidates` (ranked best first): each time the eligible one with the
    /// least-used sentiment group (when `balanced`), then the highest value (its score less a
    /// penalty for overlap with those chosen), then the earliest input; first only new
    /// respondents, then, if still short, repeat ones.
    ///
    /// What a candidate shares with those chosen (its overlap, a same text, a same respondent) is
    /// brought up to date only when the candidate could still win: a value is never above the
    /// score, so one whose score is below the best value so far is passed over unexamined, and
    /// most are.
    static func choose(_ count: Int, from candidates: [Quote], balanced: Bool) -> [Quote] {
        let n = candidates.count
        let groups = candidates.map { QuotePools.sentimentGroup($0.sentiment?.label) }
        var overlap = [QuoteOverlap](repeating: QuoteOverlap(), count: n)
        var taken = [Bool](repeating: false, count: n)
        var chosenIndices: [Int] = []
        var chosen: [Quote] = []
        var perGroup = [0, 0, 0]
        for allowRepeats in [false, true] {
            while chosen.count < count {
                var best: (index: Int, group: Int, value: Double)?
                for i in 0..<n where !taken[i] {
                    let group = groups[i]
                    if let b = best {
                        let used = balanced ? perGroup[group] : 0, bestUsed = balanced ? perGroup[b.group] : 0
                        if used > bestUsed || (used == bestUsed && candidates[i].score < b.value) { continue }
                    }
                    overlap[i].catchUp(i, in: candidates, chosen: chosenIndices)
                    if !allowRepeats, overlap[i].sameRespondent { continue }
                    if overlap[i].similarity >= nearDuplicate || overlap[i].sameText { continue }
                    // A soft penalty for overlap keeps the list varied below the duplicate line.
                    let value = candidates[i].score - 0.5 * overlap[i].similarity
                    if let b = best {
                        let used = balanced ? perGroup[group] : 0, bestUsed = balanced ? perGroup[b.group] : 0
                        let later = candidates[i].sequence >= candidates[b.index].sequence
                        if used == bestUsed, value < b.value || (value == b.value && later) { continue }
                    }
                    best = (i, group, value)
                }
                guard let b = best else { break }
                taken[b.index] = true
                chosenIndices.append(b.index)
                var pick = candidates[b.index]
                pick.score = b.value
                perGroup[b.group] += 1
                chosen.append(pick)
            }
        }
        return chosen
    }

    public func quotes(for theme: String, selection: QuoteSelection) -> [Quote] {
        quotes(for: theme, count: selection.perTheme, polarity: selection.polarity, balanced: selection.balanced)
    }

    /// Jaccard similarity of two sorted, duplicate-free arrays.
    public static func jaccard<T: Comparable>(_ a: [T], _ b: [T]) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        var i = 0, j = 0, shared = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                shared += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return Double(shared) / Double(a.count + b.count - shared)
    }

    /// `quotes.md`: per theme, its count and best quotes with the evidence in bold.
    public func markdown(themes: [ThemeInfo], counts: ThemeCounts, perTheme: Int = 5) -> String {
        markdown(themes: themes, counts: counts, selection: QuoteSelection(perTheme: perTheme))
    }

    public func markdown(themes: [ThemeInfo], counts: ThemeCounts, selection: QuoteSelection) -> String {
        var out = "# Themed quotes\n\n"
        out += "Each quote is an extract of one answer; **bold** words are the evidence that coded it.\n"
        for theme in themes {
            let n = counts.cell(theme.id, ThemeCounts.allQuestions).responses
            out += "\n## \(MarkdownText.escape(theme.label)) (\(n) \(n == 1 ? "response" : "responses"))\n\n"
            let quotes = quotes(for: theme.id, selection: selection)
            if quotes.isEmpty {
                out += n == 0 ? "_No response was coded with this theme._\n" : "_No quotes for this theme itself; see its sub-themes._\n"
                continue
            }
            for q in quotes { out += "> “\(MarkdownText.highlight(q.text, spans: q.evidence))” — \(MarkdownText.escape(Self.attribution(q)))\n\n" }
        }
        return out
    }

    /// "Q3-001, Q3, negative": where a quote comes from.
    public static func attribution(_ q: Quote) -> String {
        var meta = q.id
        if let question = q.question { meta += ", \(question)" }
        if let s = q.sentiment { meta += ", \(s.label.rawValue)" }
        return meta
    }

    /// The quotes as JSON Lines, one object per quote, themes in the given order:
    /// `{"theme", "rank", "id", "question", "text", "evidence": [{start, end}], "sentiment": {label, score} | null}`,
    /// offsets in Unicode scalars of `text`, rank 1 the best.
    public func jsonLines(themes: [String], selection: QuoteSelection) -> String {
        var w = JSONWriter(reservingCapacity: 1 << 14)
        for theme in themes {
            for (k, q) in quotes(for: theme, selection: selection).enumerated() {
                Self.encode(q, rank: k + 1, into: &w)
                w.newline()
            }
        }
        return String(decoding: w.bytes, as: UTF8.self)
    }

    public static func encode(_ q: Quote, rank: Int, into w: inout JSONWriter) {
        w.beginObject()
        w.key("theme"); w.string(q.theme)
        w.key("rank"); w.integer(rank)
        w.key("id"); w.string(q.id)
        w.key("question")
        if let question = q.question { w.string(question) } else { w.null() }
        w.key("text"); w.string(q.text)
        w.key("evidence")
        w.beginArray()
        for e in q.evidence {
            w.beginObject()
            w.key("start"); w.integer(e.lowerBound)
            w.key("end"); w.integer(e.upperBound)
            w.endObject()
        }
        w.endArray()
        w.key("sentiment")
        if let s = q.sentiment {
            w.beginObject()
            w.key("label"); w.string(s.label.rawValue)
            w.key("score"); w.number(s.score)
            w.endObject()
        } else {
            w.null()
        }
        w.endObject()
    }
}
