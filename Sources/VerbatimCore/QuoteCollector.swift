/// A themed quote: an extract of one response that shows a theme, with its evidence highlighted.
public struct Quote: Sendable, Equatable {
    public var theme: String
    public var id: String
    public var question: String?
    /// The extract (one or more sentences of the response, possibly trimmed with "…").
    public var text: String
    /// Evidence spans as Unicode scalar offsets into `text`.
    public var evidence: [Range<Int>]
    public var sentiment: Sentiment?
    /// Higher is better.
    public var score: Double
    /// Input position, the final tie-breaker so ranking is deterministic.
    public var sequence: Int
}

/// Keeps, for each theme, the best few quote candidates seen so far (bounded memory).
public final class QuoteCollector: DocumentSink {
    public let maxCharacters: Int
    public let keepPerTheme: Int
    private var candidates: [String: [Quote]] = [:]
    private var sequence = 0

    public init(maxCharacters: Int = 280, keepPerTheme: Int = 40) {
        self.maxCharacters = maxCharacters
        self.keepPerTheme = keepPerTheme
    }

    public func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws { add(document) }

    public func add(_ document: Document) {
        sequence += 1
        for code in document.codes {
            guard let quote = QuoteExtractor.extract(code: code, from: document, maxCharacters: maxCharacters, sequence: sequence)
            else { continue }
            var list = candidates[code.theme, default: []]
            let position = list.firstIndex { Self.ranksBefore(quote, $0) } ?? list.endIndex
            if position < keepPerTheme {
                list.insert(quote, at: position)
                if list.count > keepPerTheme { list.removeLast() }
                candidates[code.theme] = list
            }
        }
    }

    static func ranksBefore(_ a: Quote, _ b: Quote) -> Bool {
        a.score != b.score ? a.score > b.score : a.sequence < b.sequence
    }

    /// The best `count` quotes for `theme`: no two from the same response and no near-duplicates.
    public func quotes(for theme: String, count: Int) -> [Quote] {
        var chosen: [Quote] = []
        var seenKeys = Set<String>()
        for q in candidates[theme] ?? [] where chosen.count < count {
            let key = String(q.text.lowercased().filter { $0.isLetter }.prefix(80))
            if chosen.contains(where: { $0.id == q.id }) || !seenKeys.insert(key).inserted { continue }
            chosen.append(q)
        }
        return chosen
    }

    /// `quotes.md`: per theme, its count and best quotes with the evidence in bold.
    public func markdown(themes: [ThemeInfo], counts: ThemeCounts, perTheme: Int = 5) -> String {
        var out = "# Themed quotes\n\n"
        out += "Each quote is an extract of one answer; **bold** words are the evidence that coded it.\n"
        for theme in themes {
            let n = counts.cell(theme.id, ThemeCounts.allQuestions).responses
            out += "\n## \(MarkdownText.escape(theme.label)) (\(n) \(n == 1 ? "response" : "responses"))\n\n"
            let quotes = quotes(for: theme.id, count: perTheme)
            if quotes.isEmpty {
                out += "_No response was coded with this theme._\n"
                continue
            }
            for q in quotes {
                var meta = q.id
                if let question = q.question { meta += ", \(question)" }
                if let s = q.sentiment { meta += ", \(s.label.rawValue)" }
                out += "> “\(MarkdownText.highlight(q.text, spans: q.evidence))” — \(MarkdownText.escape(meta))\n\n"
            }
        }
        return out
    }
}

/// Chooses the extract of a response that shows one of its codes.
public enum QuoteExtractor {
    public static func extract(code: Code, from document: Document, maxCharacters: Int, sequence: Int) -> Quote? {
        guard let first = code.evidence.first else { return nil }
        let bytes = document.utf8
        // The sentences that carry evidence; without sentence annotations, the whole text.
        var lower = 0, upper = bytes.count
        if !document.sentences.isEmpty {
            let indices = Set(code.evidence.map { document.sentenceIndex(containing: $0.span.start) }).sorted()
            let firstSentence = document.sentences[indices.first!]
            let lastSentence = document.sentences[indices.last!]
            lower = Int(firstSentence.start)
            upper = Int(lastSentence.end)
            if scalarCount(bytes, lower, upper) > maxCharacters {
                // Too long: keep only the sentence with the first evidence.
                let s = document.sentences[document.sentenceIndex(containing: first.span.start)]
                lower = Int(s.start)
                upper = Int(s.end)
            }
        }
        // Trim white space.
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
        var prefix = "", suffix = ""
        if scalarCount(bytes, lower, upper) > maxCharacters {
            // Window around the first evidence, cut at word boundaries.
            let budget = maxCharacters - 2
            var a = Int(first.span.start), b = Int(first.span.end)
            while scalarCount(bytes, a, b) < budget, a > lower || b < upper {
                if b < upper { b = nextWordEnd(bytes, b, upper) }
                if scalarCount(bytes, a, b) >= budget { break }
                if a > lower { a = previousWordStart(bytes, a, lower) }
            }
            while scalarCount(bytes, a, b) > budget, b > Int(first.span.end) { b = previousWordEnd(bytes, b, Int(first.span.end)) }
            if a > lower { prefix = "…" }
            if b < upper { suffix = "…" }
            lower = a
            upper = b
        }
        let body = String(decoding: bytes[lower..<upper], as: UTF8.self)
        let text = prefix + body + suffix
        let shift = prefix.unicodeScalars.count
        var spans: [Range<Int>] = []
        for e in code.evidence where Int(e.span.start) >= lower && Int(e.span.end) <= upper {
            let s = scalarCount(bytes, lower, Int(e.span.start)) + shift
            spans.append(s..<(s + scalarCount(bytes, Int(e.span.start), Int(e.span.end))))
        }
        let length = text.unicodeScalars.count
        // Clear (strong evidence), readable (a full sentence of useful length) quotes first.
        let readability = length < 40 ? -0.5 : (length > maxCharacters / 2 ? -0.2 : 0.3)
        let coverage = Double(spans.count) / Double(max(1, code.evidence.count))
        let score = min(code.score, 3) + coverage + readability - (prefix.isEmpty ? 0 : 0.2) - (suffix.isEmpty ? 0 : 0.2)
        return Quote(theme: code.theme, id: document.response.id, question: document.response.question, text: text,
                     evidence: spans, sentiment: document.themeSentiment[code.theme] ?? document.sentiment, score: score,
                     sequence: sequence)
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    static func scalarCount(_ bytes: [UInt8], _ a: Int, _ b: Int) -> Int {
        var n = 0
        var i = a
        while i < b {
            if bytes[i] & 0xC0 != 0x80 { n += 1 }
            i += 1
        }
        return n
    }

    static func nextWordEnd(_ bytes: [UInt8], _ from: Int, _ limit: Int) -> Int {
        var i = from
        while i < limit, isSpace(bytes[i]) { i += 1 }
        while i < limit, !isSpace(bytes[i]) { i += 1 }
        return i
    }

    static func previousWordStart(_ bytes: [UInt8], _ from: Int, _ limit: Int) -> Int {
        var i = from
        while i > limit, isSpace(bytes[i - 1]) { i -= 1 }
        while i > limit, !isSpace(bytes[i - 1]) { i -= 1 }
        return i
    }

    static func previousWordEnd(_ bytes: [UInt8], _ from: Int, _ limit: Int) -> Int {
        var i = from
        while i > limit, !isSpace(bytes[i - 1]) { i -= 1 }
        while i > limit, isSpace(bytes[i - 1]) { i -= 1 }
        return max(i, limit)
    }
}

/// Markdown text helpers.
public enum MarkdownText {
    /// Escapes characters Markdown would read as markup, and HTML.
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\", "*", "_", "`", "[", "]", "#", "|", "~": out.append("\\"); out.append(ch)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r": out += " "
            default: out.append(ch)
            }
        }
        return out
    }

    /// `text` escaped, with the given scalar ranges in bold.
    public static func highlight(_ text: String, spans: [Range<Int>]) -> String {
        let scalars = Array(text.unicodeScalars)
        let merged = spans.sorted { $0.lowerBound < $1.lowerBound }.reduce(into: [Range<Int>]()) { acc, r in
            if let last = acc.last, r.lowerBound <= last.upperBound {
                acc[acc.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                acc.append(r)
            }
        }
        var out = ""
        var pos = 0
        func piece(_ a: Int, _ b: Int) -> String {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[max(0, a)..<min(b, scalars.count)])
            return escape(String(s))
        }
        for r in merged where r.lowerBound >= pos && r.upperBound <= scalars.count {
            out += piece(pos, r.lowerBound) + "**" + piece(r.lowerBound, r.upperBound) + "**"
            pos = r.upperBound
        }
        out += piece(pos, scalars.count)
        return out
    }
}
