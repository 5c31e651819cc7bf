import VerbatimCore

/// The self-contained HTML report: counts as inline SVG bar charts (one per question, and all
/// answers), a sentiment bar per theme, quote cards with the evidence highlighted, and a search box.
///
/// No external resources (a Content-Security-Policy forbids them), one small inline script, and
/// every piece of data HTML-escaped: an answer holding `<script>` shows as that text.
public enum HTMLReportWriter {
    public static func render(_ content: ReportContent) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escape(content.title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header>
            <h1>\(HTMLText.escape(content.title))</h1>
            <p class="summary">\(summary(content))</p>
            <label class="search">Search quotes and themes <input type="search" id="search" autocomplete="off" placeholder="e.g. funding"></label>
            <p id="matches" class="matches" aria-live="polite"></p>
            </header>
            <main>

            """
        out += "<section id=\"counts\">\n<h2>How many raised each theme</h2>\n"
        out += "<p class=\"note\">Per question, the responses coded with each theme (bar length: their share of that question's answers). "
        out += "A parent theme counts a response once when it or any sub-theme applies. The last column splits each theme's responses by sentiment.</p>\n"
        out += themeChart(content)
        out += "</section>\n"

        if content.selection.perTheme > 0 {
            out += "<section id=\"quotes\">\n<h2>Themed quotes</h2>\n"
            out += "<p class=\"note\">Each quote is an extract of one answer; highlighted words are the evidence that coded it.</p>\n"
            for theme in content.themes { out += themeQuotes(content, theme) }
            out += "</section>\n"
        }
        out += "</main>\n"
        out += "<footer><p>Made with Verbatim.</p></footer>\n"
        out += "<script>\(script)</script>\n</body>\n</html>\n"
        return out
    }

    static func summary(_ content: ReportContent) -> String {
        let counts = content.counts
        var parts = ["\(counts.totalAnswers) answers"]
        if counts.questions.count > 1 || counts.questions.first != ThemeCounts.noQuestion {
            parts.append("\(counts.questions.count) \(counts.questions.count == 1 ? "question" : "questions")")
        }
        if let coded = content.codedResponses { parts.append("\(coded) with at least one theme") }
        parts.append("\(content.themes.count) themes")
        return HTMLText.escape(parts.joined(separator: " · "))
    }

    // MARK: Charts

    static let labelWidth = 240.0
    static let columnWidth = 128.0
    static let sentimentWidth = 190.0
    static let rowHeight = 22.0

    static let sentimentColors: [(name: String, color: String)] = [
        ("positive", "#2E7D32"), ("negative", "#C62828"), ("neutral", "#9E9E9E"), ("mixed", "#F9A825"),
    ]

    /// One chart of small multiples: a bar chart per question (all answers first), side by side so
    /// themes line up across them, then a sentiment bar per theme.
    static func themeChart(_ content: ReportContent) -> String {
        let counts = content.counts
        let questions = [ThemeCounts.allQuestions] + counts.questions
        var top = 0.0
        for q in questions {
            for t in content.themes { top = max(top, ThemeCounts.share(counts.cell(t.id, q).responses, of: counts.answers(for: q))) }
        }
        if top == 0 { top = 1 }
        let headerHeight = 40.0
        let width = labelWidth + Double(questions.count) * columnWidth + sentimentWidth + 10
        let height = headerHeight + Double(content.themes.count) * rowHeight + 6
        let barMax = columnWidth - 44
        var svg = "<figure class=\"chart\">\n<figcaption>Responses per theme, by question "
        svg += sentimentColors.map { "<span class=\"key\"><i style=\"background:\($0.color)\"></i>\($0.name)</span>" }.joined(separator: " ")
        svg += "</figcaption>\n"
        svg += "<svg role=\"img\" aria-label=\"Responses per theme by question, and sentiment per theme\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" width=\"\(fmt(width))\" height=\"\(fmt(height))\">\n"
        // Column headings.
        for (c, q) in questions.enumerated() {
            let x = labelWidth + Double(c) * columnWidth
            let title = q == ThemeCounts.allQuestions ? "All" : q
            svg += "<text x=\"\(fmt(x))\" y=\"16\" class=\"head\">\(HTMLText.escape(shortened(title, 14)))</text>"
            svg += "<text x=\"\(fmt(x))\" y=\"31\" class=\"value\">n=\(counts.answers(for: q))</text>\n"
        }
        let sx = labelWidth + Double(questions.count) * columnWidth
        svg += "<text x=\"\(fmt(sx))\" y=\"16\" class=\"head\">Sentiment</text>\n"
        for (k, theme) in content.themes.enumerated() {
            let y = headerHeight + Double(k) * rowHeight
            if k % 2 == 0 {
                svg += "<rect x=\"0\" y=\"\(fmt(y))\" width=\"\(fmt(width))\" height=\"\(fmt(rowHeight))\" fill=\"#F4F6F8\"/>"
            }
            let label = (theme.parent == nil ? "" : "↳ ") + theme.label
            svg += "<text x=\"\(fmt(labelWidth - 8))\" y=\"\(fmt(y + 15))\" text-anchor=\"end\" class=\"label\"><title>\(HTMLText.escape(theme.label))</title>\(HTMLText.escape(shortened(label, 34)))</text>\n"
            for (c, q) in questions.enumerated() {
                let x = labelWidth + Double(c) * columnWidth
                let n = counts.cell(theme.id, q).responses
                let answers = counts.answers(for: q)
                let share = ThemeCounts.share(n, of: answers)
                let w = barMax * share / top
                svg += "<g class=\"bar\" data-question=\"\(HTMLText.escape(q))\"><title>\(HTMLText.escape(theme.label)), \(HTMLText.escape(q == ThemeCounts.allQuestions ? "all answers" : q)): \(n) of \(answers) (\(percent(share)))</title>"
                svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y + 4))\" width=\"\(fmt(max(w, n > 0 ? 1.5 : 0)))\" height=\"\(fmt(rowHeight - 8))\" rx=\"2\" fill=\"\(color(theme))\"/>"
                svg += "<text x=\"\(fmt(x + w + 4))\" y=\"\(fmt(y + 15))\" class=\"value\">\(n)</text></g>\n"
            }
            svg += sentimentBar(counts.cell(theme.id, ThemeCounts.allQuestions), theme: theme, x: sx, y: y)
        }
        svg += "</svg>\n</figure>\n"
        return svg
    }

    static func sentimentBar(_ c: ThemeCounts.Cell, theme: ThemeInfo, x: Double, y: Double) -> String {
        let parts = [c.positive, c.negative, c.neutral, c.mixed]
        let total = parts.reduce(0, +)
        let width = sentimentWidth - 20
        var svg = "<g class=\"sentiment-bar\" data-theme=\"\(HTMLText.escape(theme.id))\"><title>\(HTMLText.escape(theme.label)): "
        svg += "\(c.positive) positive, \(c.negative) negative, \(c.neutral) neutral, \(c.mixed) mixed</title>"
        if total == 0 {
            svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y + 4))\" width=\"\(fmt(width))\" height=\"\(fmt(rowHeight - 8))\" fill=\"#E4E4E4\"/>"
        } else {
            var left = x
            for (i, n) in parts.enumerated() where n > 0 {
                let w = width * Double(n) / Double(total)
                svg += "<rect x=\"\(fmt(left))\" y=\"\(fmt(y + 4))\" width=\"\(fmt(w))\" height=\"\(fmt(rowHeight - 8))\" fill=\"\(sentimentColors[i].color)\"/>"
                left += w
            }
        }
        return svg + "</g>\n"
    }

    // MARK: Quotes

    static func themeQuotes(_ content: ReportContent, _ theme: ThemeInfo) -> String {
        let counts = content.counts
        let n = counts.cell(theme.id, ThemeCounts.allQuestions).responses
        let share = ThemeCounts.share(n, of: counts.totalAnswers)
        let searchText = (theme.label + " " + theme.id).lowercased()
        var out = "<article class=\"theme\" id=\"theme-\(HTMLText.escape(anchor(theme.id)))\" data-search=\"\(HTMLText.escape(searchText))\">\n"
        out += "<h3><span class=\"swatch\" style=\"background:\(color(theme))\"></span>\(HTMLText.escape(theme.label)) "
        out += "<small>\(n) \(n == 1 ? "response" : "responses") · \(percent(share))</small></h3>\n"
        if !theme.description.isEmpty { out += "<p class=\"description\">\(HTMLText.escape(theme.description))</p>\n" }
        let quotes = content.quotes[theme.id] ?? []
        if quotes.isEmpty {
            out += "<p class=\"empty\">\(n == 0 ? "No response was coded with this theme." : "No quotes for this theme itself; see its sub-themes.")</p>\n"
        } else {
            out += "<div class=\"cards\">\n"
            for q in quotes {
                let label = q.sentiment?.label.rawValue ?? "none"
                out += "<blockquote class=\"card sentiment-\(label)\" style=\"border-color:\(color(theme))\">"
                out += "<p dir=\"auto\">\(HTMLText.highlight(q.text, spans: q.evidence))</p>"
                out += "<footer><span class=\"id\">\(HTMLText.escape(q.id))</span>"
                if let question = q.question { out += " · <span class=\"q\">\(HTMLText.escape(question))</span>" }
                out += " · <span class=\"s s-\(label)\">\(label)</span></footer></blockquote>\n"
            }
            out += "</div>\n"
        }
        return out + "</article>\n"
    }

    // MARK: Helpers

    /// The theme's colour, checked again here because it ends up inside a style attribute.
    static func color(_ theme: ThemeInfo) -> String {
        if let c = theme.color, ThemePalette.isValid(c) { return c }
        return "#7F7F7F"
    }

    static func anchor(_ id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }

    static func shortened(_ s: String, _ limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
    }

    static func percent(_ share: Double) -> String { ThemeCounts.decimal(share * 100, places: 0) + "%" }

    static func fmt(_ d: Double) -> String { ThemeCounts.decimal(d, places: 1) }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#222;background:#FAFAFA;line-height:1.45}
        body>header,main,body>footer{max-width:1100px;margin:0 auto;padding:0 24px}
        body>header{padding-top:24px}h1{margin:0 0 4px;font-size:1.8em}h2{margin-top:32px;border-bottom:2px solid #DDD;padding-bottom:4px}
        .summary,.note,.n,.matches{color:#555}.search{display:block;margin:12px 0 0;font-weight:600}
        .search input{display:block;margin-top:4px;width:100%;max-width:480px;font-size:1em;padding:6px 8px;border:1px solid #AAA;border-radius:4px}
        .chart{background:#FFF;border:1px solid #E0E0E0;border-radius:6px;padding:8px 12px;margin:0}
        .chart figcaption{font-weight:600;margin-bottom:4px}.chart svg{max-width:100%;height:auto}
        .label{font-size:12px;fill:#333}.value{font-size:11px;fill:#555}.head{font-size:12px;font-weight:600;fill:#222}
        .key{font-weight:400;font-size:.85em;margin-left:10px}.key i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
        .theme{background:#FFF;border:1px solid #E0E0E0;border-radius:6px;padding:4px 16px 12px;margin:12px 0}
        .theme h3 small{font-weight:400;color:#666;margin-left:6px}.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:8px}
        .description{color:#555;font-style:italic;margin-top:0}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
        .card{margin:0;padding:10px 12px;border-left:4px solid #999;background:#F7F7F7;border-radius:4px;overflow-wrap:anywhere}
        .card p{margin:0 0 6px}.card footer{font-size:.85em;color:#666}
        mark{background:#FFE58A;padding:0 1px;border-radius:2px}
        .s-positive{color:#2E7D32}.s-negative{color:#C62828}.s-mixed{color:#B26A00}
        .empty{color:#777}[hidden]{display:none!important}body>footer{color:#888;font-size:.85em;padding-bottom:24px}
        """

    /// Filters quote cards and theme sections as the analyst types; marks the page when ready.
    static let script = """
        (function(){
        var box=document.getElementById('search'),info=document.getElementById('matches');
        var themes=Array.prototype.slice.call(document.querySelectorAll('article.theme'));
        function apply(){
        var q=box.value.trim().toLowerCase(),shown=0;
        themes.forEach(function(t){
        var themeHit=q!==''&&t.getAttribute('data-search').indexOf(q)>=0,any=themeHit||q==='';
        Array.prototype.forEach.call(t.querySelectorAll('.card'),function(c){
        var hit=q===''||themeHit||c.textContent.toLowerCase().indexOf(q)>=0;c.hidden=!hit;if(hit){any=true;shown++;}});
        t.hidden=!any;});
        info.textContent=q===''?'':shown+(shown===1?' quote matches':' quotes match');}
        box.addEventListener('input',apply);apply();
        document.body.setAttribute('data-search','ready');
        })();
        """
}
