import VerbatimCore

/// The Markdown report, ready for Word (e.g. through pandoc): a counts table by question, the most
/// frequent theme pairs, a breakdown table when counts have one, and the quotes per theme with the
/// evidence in bold. Every piece of data is escaped, so answers cannot add markup.
public enum MarkdownReportWriter {
    public static func render(_ content: ReportContent) -> String {
        let counts = content.counts
        let questions = counts.questions
        var out = "# \(MarkdownText.escape(content.title))\n\n"
        out += "\(counts.totalAnswers) answers"
        if let coded = content.codedResponses { out += ", \(coded) with at least one theme" }
        out += ". Counts are responses coded with each theme; a parent theme counts a response once when it or any sub-theme applies. "
        out += "Shares are of the answers to that question.\n\n"

        out += "## Themes by question\n\n"
        out += "| Theme | " + questions.map { MarkdownText.escape($0) + " (n=\(counts.answers(for: $0)))" }.joined(separator: " | ")
        out += questions.isEmpty ? "All | Share | Positive | Negative | Neutral | Mixed |\n" : " | All | Share | Positive | Negative | Neutral | Mixed |\n"
        out += "|---|" + String(repeating: "---:|", count: questions.count + 6) + "\n"
        for theme in content.themes {
            let all = counts.cell(theme.id, ThemeCounts.allQuestions)
            let name = (theme.parent == nil ? "" : "↳ ") + MarkdownText.escape(theme.label)
            var cells = [name]
            cells += questions.map { q in
                let c = counts.cell(theme.id, q)
                return "\(c.responses) (\(percent(ThemeCounts.share(c.responses, of: counts.answers(for: q)))))"
            }
            cells += [String(all.responses), percent(ThemeCounts.share(all.responses, of: counts.totalAnswers)),
                      String(all.positive), String(all.negative), String(all.neutral), String(all.mixed)]
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }

        if let field = counts.breakdownField {
            let groups = counts.groups
            out += "\n## Themes by \(MarkdownText.escape(field))\n\n"
            out += "| Theme | " + groups.map { MarkdownText.escape($0) + " (n=\(counts.answers(for: ThemeCounts.allQuestions, group: $0)))" }
                .joined(separator: " | ") + " |\n"
            out += "|---|" + String(repeating: "---:|", count: groups.count) + "\n"
            for theme in content.themes {
                let cells = groups.map { g in
                    let c = counts.cell(theme.id, ThemeCounts.allQuestions, group: g)
                    let n = counts.answers(for: ThemeCounts.allQuestions, group: g)
                    return "\(c.responses) (\(percent(ThemeCounts.share(c.responses, of: n))))"
                }
                out += "| " + ([MarkdownText.escape(theme.label)] + cells).joined(separator: " | ") + " |\n"
            }
        }

        let pairs = topPairs(content, limit: 10)
        if !pairs.isEmpty {
            out += "\n## Themes raised together\n\n| Theme | Theme | Responses |\n|---|---|---:|\n"
            for p in pairs { out += "| \(MarkdownText.escape(p.a)) | \(MarkdownText.escape(p.b)) | \(p.n) |\n" }
        }

        out += "\n## Themed quotes\n\nEach quote is an extract of one answer; **bold** words are the evidence that coded it.\n"
        for theme in content.themes {
            let n = counts.cell(theme.id, ThemeCounts.allQuestions).responses
            out += "\n### \(MarkdownText.escape(theme.label)) (\(n) \(n == 1 ? "response" : "responses"))\n\n"
            if !theme.description.isEmpty { out += "_\(MarkdownText.escape(theme.description))_\n\n" }
            let quotes = content.quotes[theme.id] ?? []
            if quotes.isEmpty {
                out += n == 0 ? "No response was coded with this theme.\n" : "No quotes for this theme itself; see its sub-themes.\n"
                continue
            }
            for q in quotes {
                out += "> “\(MarkdownText.highlight(q.text, spans: q.evidence))”\n>\n> — \(MarkdownText.escape(QuoteCollector.attribution(q)))\n\n"
            }
        }
        return out
    }

    static func percent(_ share: Double) -> String { ThemeCounts.decimal(share * 100, places: 0) + "%" }

    /// The most frequent pairs of different themes, neither the other's ancestor, largest first.
    static func topPairs(_ content: ReportContent, limit: Int) -> [(a: String, b: String, n: Int)] {
        let parents = Dictionary(content.themes.map { ($0.id, $0.parent) }, uniquingKeysWith: { a, _ in a })
        func isAncestor(_ a: String, of b: String) -> Bool {
            var p = parents[b] ?? nil
            var steps = 0
            while let x = p, steps < 64 {
                if x == a { return true }
                p = parents[x] ?? nil
                steps += 1
            }
            return false
        }
        var pairs: [(a: String, b: String, n: Int, order: Int)] = []
        for (i, a) in content.themes.enumerated() {
            for b in content.themes[(i + 1)...] where !isAncestor(a.id, of: b.id) && !isAncestor(b.id, of: a.id) {
                let n = content.counts.cooccurrence(a.id, b.id)
                if n > 0 { pairs.append((a.label, b.label, n, pairs.count)) }
            }
        }
        pairs.sort { $0.n != $1.n ? $0.n > $1.n : $0.order < $1.order }
        return pairs.prefix(limit).map { ($0.a, $0.b, $0.n) }
    }
}
