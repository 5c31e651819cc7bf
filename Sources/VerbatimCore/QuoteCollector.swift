#if canImport(Glibc)
import Glibc
#endif

/// A themed quote: an extract of one response that shows a theme, with its evidence highlighted.
public struct Quote: Sendable, Equatable {
    public var theme: String
    public var id: String
    public var question: String?
    /// The extract (the sentence(s) carrying the evidence, trimmed with "…" at clause boundaries).
    public var text: String
    /// Evidence spans as Unicode scalar offsets into `text`.
    public var evidence: [Range<Int>]
    public var sentiment: Sentiment?
    /// Higher is better: the extract's own score (clarity + readability) until ranked, then the
    /// ranking score (with representativeness).
    public var score: Double
    /// Input position, the final tie-breaker so ranking is deterministic.
    public var sequence: Int
    /// Who gave the answer: the `respondent` metadata field when present (wide CSV), else the id.
    public var respondent: String = ""
    /// The extract's distinct stems, sorted: for near-duplicate checks and representativeness.
    public var stems: [String] = []
    /// The same stems as a collector's interned ids, sorted (empty outside a collector).
    var stemIDs: [Int32] = []
    /// How clearly the extract shows the theme (evidence strength and coverage), 0…1.
    public var clarity: Double = 0
    /// How self-contained and quotable it reads (length, whole clauses, no dangling opener), 0…1.
    public var readability: Double = 0
    /// Similarity to the theme's other coded answers (shared stems, weighted by rarity), 0…1.
    public var representativeness: Double = 0
}

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

/// Keeps, for each theme, a bounded pool of the best quote candidates seen so far, plus per-theme
/// stem document frequencies, then ranks and picks diverse quotes at the end.
///
/// Memory is bounded by `keepPerTheme` candidates per theme and sentiment group, and by the
/// vocabulary (stem counts), not by the number of responses.
public final class QuoteCollector: DocumentSink {
    public let maxCharacters: Int
    public let keepPerTheme: Int
    /// theme → sentiment group → candidates, best first.
    private var pools: [String: [[Quote]]] = [:]
    /// Themes in the order their first candidate arrived.
    private var themeOrder: [String] = []
    private var sequence = 0
    /// Stems are counted by interned id (first-seen order, so ids are the same for the same input).
    private var stemIndex: [String: Int32] = [:]
    private var stemNames: [String] = []
    /// Documents seen, and per stem id the documents that contain it (for rarity weights).
    private var documents = 0
    private var documentFrequency: [Int32] = []
    /// Per theme: coded documents, and per stem id the coded documents that contain it.
    private var themeDocuments: [String: Int] = [:]
    private var themeFrequency: [String: [Int32]] = [:]

    /// Two quotes sharing at least this Jaccard similarity of stems are near-duplicates.
    public static let nearDuplicate = 0.6

    public init(maxCharacters: Int = 280, keepPerTheme: Int = 48) {
        self.maxCharacters = max(16, maxCharacters)
        self.keepPerTheme = max(1, keepPerTheme)
    }

    public func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws { add(document) }

    public func add(_ document: Document) {
        sequence += 1
        documents += 1
        // Stems once per document, as ids: for the frequencies and for every extract.
        var tokens: [QuoteExtractor.TokenStemID] = []
        for t in QuoteExtractor.tokenStems(of: document) {
            var id = stemIndex[t.stem]
            if id == nil {
                id = Int32(stemNames.count)
                stemIndex[t.stem] = id
                stemNames.append(t.stem)
            }
            tokens.append((t.start, t.end, id!))
        }
        let ids = QuoteExtractor.distinct(tokens, in: 0..<document.utf8.count)
        Self.count(ids, into: &documentFrequency, size: stemNames.count)
        var seenThemes = Set<String>()
        for code in document.codes where seenThemes.insert(code.theme).inserted {
            themeDocuments[code.theme, default: 0] += 1
            // Updated in place: taking the array out and back would copy it for every answer.
            Self.count(ids, into: &themeFrequency[code.theme, default: []], size: stemNames.count)
            guard var quote = QuoteExtractor.extract(code: code, from: document, maxCharacters: maxCharacters, sequence: sequence,
                                                     stemIDs: tokens)
            else { continue }
            if pools[code.theme] == nil {
                pools[code.theme] = [[], [], []]
                themeOrder.append(code.theme)
            }
            let group = Self.sentimentGroup(quote.sentiment?.label)
            // In place, so the pool is not copied for every answer.
            let position = pools[code.theme]![group].firstIndex { Self.ranksBefore(quote, $0) } ?? pools[code.theme]![group].endIndex
            if position < keepPerTheme {
                quote.stems = quote.stemIDs.map { stemNames[Int($0)] }.sorted()
                pools[code.theme]![group].insert(quote, at: position)
                if pools[code.theme]![group].count > keepPerTheme { pools[code.theme]![group].removeLast() }
            }
        }
    }

    /// Adds one to each id's count, growing the table to the vocabulary first.
    static func count(_ ids: [Int32], into table: inout [Int32], size: Int) {
        if table.count < size { table.append(contentsOf: repeatElement(0, count: size - table.count)) }
        for id in ids { table[Int(id)] += 1 }
    }

    /// 0 positive, 1 negative, 2 anything else: the groups `balanced` alternates between.
    static func sentimentGroup(_ label: Sentiment.Label?) -> Int {
        switch label {
        case .positive?: return 0
        case .negative?: return 1
        default: return 2
        }
    }

    static func ranksBefore(_ a: Quote, _ b: Quote) -> Bool {
        a.score != b.score ? a.score > b.score : a.sequence < b.sequence
    }

    /// Themes that have at least one quote candidate, in order of their first candidate.
    public var quotedThemes: [String] { themeOrder }

    /// Every candidate of `theme`, scored with representativeness and sorted best first.
    public func ranked(_ theme: String) -> [Quote] {
        guard let groups = pools[theme] else { return [] }
        var candidates = groups.flatMap { $0 }
        let n = Double(documents)
        let themeCount = themeDocuments[theme] ?? 0
        let frequency = themeFrequency[theme] ?? []
        // Cosine-style similarity between the extract's stems and the theme's other answers:
        // each shared stem counts by how many of the others use it and how rare it is overall.
        var raw = [Double](repeating: 0, count: candidates.count)
        for (k, q) in candidates.enumerated() where themeCount > 1 {
            var num = 0.0, norm = 0.0
            for id in q.stemIDs.map(Int.init) {
                let idf = log((n + 1) / (Double(id < documentFrequency.count ? documentFrequency[id] : 0) + 0.5))
                let others = Double(max(0, (id < frequency.count ? Int(frequency[id]) : 0) - 1)) / Double(themeCount - 1)
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
        candidates.sort(by: Self.ranksBefore)
        return candidates
    }

    /// The best `count` quotes for `theme`: diverse (no near-duplicates, different respondents
    /// while there are enough), filtered by polarity and, when `balanced`, alternating sentiment.
    public func quotes(for theme: String, count: Int, polarity: Sentiment.Label? = nil, balanced: Bool = false) -> [Quote] {
        guard count > 0 else { return [] }
        var candidates = ranked(theme)
        if let polarity { candidates.removeAll { $0.sentiment?.label != polarity } }
        var chosen: [Quote] = []
        var respondents = Set<String>()
        var perGroup = [0, 0, 0]
        // First only new respondents; then, if still short, repeat respondents.
        for allowRepeats in [false, true] {
            while chosen.count < count {
                // The eligible candidate with the least-used sentiment group (when balanced), then
                // the highest value, then the earliest input.
                var best: (index: Int, group: Int, value: Double)?
                for (i, q) in candidates.enumerated() {
                    if !allowRepeats, respondents.contains(q.respondent) { continue }
                    var similarity = 0.0
                    for c in chosen { similarity = max(similarity, Self.jaccard(q.stemIDs, c.stemIDs)) }
                    if similarity >= Self.nearDuplicate || chosen.contains(where: { $0.text == q.text }) { continue }
                    let group = Self.sentimentGroup(q.sentiment?.label)
                    // A soft penalty for overlap keeps the list varied below the duplicate line.
                    let value = q.score - 0.5 * similarity
                    if let b = best {
                        let used = balanced ? perGroup[group] : 0, bestUsed = balanced ? perGroup[b.group] : 0
                        if used != bestUsed {
                            if used > bestUsed { continue }
                        } else if value < b.value || (value == b.value && q.sequence >= candidates[b.index].sequence) {
                            continue
                        }
                    }
                    best = (i, group, value)
                }
                guard let b = best else { break }
                var q = candidates.remove(at: b.index)
                q.score = b.value
                respondents.insert(q.respondent)
                perGroup[b.group] += 1
                chosen.append(q)
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

/// Chooses and scores the extract of a response that shows one of its codes.
public enum QuoteExtractor {
    static let ellipsis = "…"

    public static func extract(code: Code, from document: Document, maxCharacters: Int, sequence: Int) -> Quote? {
        extract(code: code, from: document, maxCharacters: maxCharacters, sequence: sequence, stemIDs: nil)
    }

    /// With `stemIDs` (a collector's interned stems of the document's words) the quote gets
    /// `stemIDs`; without, it gets `stems`.
    static func extract(code: Code, from document: Document, maxCharacters: Int, sequence: Int, stemIDs: [TokenStemID]?) -> Quote? {
        guard !code.evidence.isEmpty else { return nil }
        let bytes = document.utf8
        let limit = max(8, maxCharacters)
        // The sentences that carry evidence; without sentence annotations, the whole text.
        let sentences = document.sentences.isEmpty ? [ByteSpan(start: 0, end: Int32(bytes.count))] : document.sentences
        var weights: [Int: Double] = [:]
        for e in code.evidence {
            let s = document.sentences.isEmpty ? 0 : document.sentenceIndex(containing: e.span.start)
            weights[s, default: 0] += max(e.weight, 0.001)
        }
        let indices = weights.keys.sorted()
        var range = trimmed(bytes, Int(sentences[indices.first!].start)..<Int(sentences[indices.last!].end))
        if scalarCount(bytes, range) > limit, indices.count > 1 {
            // Too long: keep the sentence with the most evidence (the first of equals).
            var best = indices[0]
            for i in indices where weights[i]! > weights[best]! { best = i }
            range = trimmed(bytes, Int(sentences[best].start)..<Int(sentences[best].end))
        }
        var window = range
        if scalarCount(bytes, range) > limit {
            window = trimWindow(bytes, range: range, evidence: code.evidence.map(\.span.range), limit: limit)
        }
        let prefix = window.lowerBound > range.lowerBound ? ellipsis : ""
        let suffix = window.upperBound < range.upperBound ? ellipsis : ""
        if window.isEmpty { return nil }
        var body = String(decoding: bytes[window], as: UTF8.self)
        // A single word longer than the limit: cut between characters, the only way left.
        var overflow = false
        if body.unicodeScalars.count + prefix.count + suffix.count > limit {
            overflow = true
            var kept = ""
            var scalars = 0
            for ch in body {
                let n = ch.unicodeScalars.count
                if scalars + n > limit - 1 - prefix.count { break }
                kept.append(ch)
                scalars += n
            }
            body = kept
        }
        let text = prefix + body + (overflow ? ellipsis : suffix)
        let shift = prefix.unicodeScalars.count
        let bodyScalars = body.unicodeScalars.count
        var spans: [Range<Int>] = []
        var covered = 0
        for e in code.evidence {
            let a = max(Int(e.span.start), window.lowerBound), b = min(Int(e.span.end), window.upperBound)
            guard a < b else { continue }
            let s = scalarCount(bytes, window.lowerBound..<a) + shift
            let end = min(s + scalarCount(bytes, a..<b), shift + bodyScalars)
            guard s < end else { continue }
            spans.append(s..<end)
            covered += 1
        }
        guard !spans.isEmpty else { return nil }
        var quote = Quote(
            theme: code.theme, id: document.response.id, question: document.response.question, text: text,
            evidence: spans, sentiment: document.themeSentiment[code.theme] ?? document.sentiment, score: 0,
            sequence: sequence)
        if let respondent = document.response.metadata("respondent")?.scalarText, !respondent.isEmpty {
            quote.respondent = respondent
        } else {
            quote.respondent = document.response.id
        }
        if let stemIDs {
            quote.stemIDs = distinct(stemIDs, in: window)
        } else {
            quote.stems = distinct(tokenStems(of: document), in: window)
        }
        let strength = min(max(code.score, 0), 3) / 3
        quote.clarity = 0.5 * strength + 0.5 * Double(covered) / Double(code.evidence.count)
        let wholeAnswer = window == trimmed(bytes, 0..<bytes.count)
        quote.readability = readability(body: body, trimmedStart: !prefix.isEmpty, trimmedEnd: !suffix.isEmpty || overflow,
                                         wholeAnswer: wholeAnswer, limit: limit)
        quote.score = quote.clarity + quote.readability
        return quote
    }

    // MARK: Scoring

    /// Words that leave a quote leaning on what came before it.
    static let dependentOpeners: Set<String> = [
        "it", "this", "that", "these", "those", "they", "them", "he", "she", "and", "but", "also", "so", "or",
        "which", "as", "then", "however", "though", "although", "because", "yes", "no",
    ]

    /// 0…1: a quotable length, whole sentences, a capital start and a full stop, no dangling opener;
    /// an extract that is the whole answer stands on its own best.
    static func readability(body: String, trimmedStart: Bool, trimmedEnd: Bool, wholeAnswer: Bool, limit: Int) -> Double {
        let length = Double(body.unicodeScalars.count)
        var score: Double
        switch length {
        case ..<20: score = 0.05
        case ..<50: score = 0.05 + 0.55 * (length - 20) / 30
        case ..<100: score = 0.6 + 0.4 * (length - 50) / 50
        case ...260: score = 1
        default: score = max(0.6, 1 - (length - 260) / 400)
        }
        if trimmedStart { score -= 0.15 }
        if trimmedEnd { score -= 0.15 }
        if let first = body.unicodeScalars.first, first.properties.isLowercase { score -= 0.1 }
        if !trimmedEnd, let last = body.last, !".!?\"”’')…".contains(last) { score -= 0.05 }
        var firstWord = ""
        for ch in body {
            if ch.isLetter { firstWord.append(ch) } else if !firstWord.isEmpty { break } else if !ch.isWhitespace { break }
        }
        if dependentOpeners.contains(firstWord.lowercased()) { score -= 0.15 }
        // Mostly symbols, digits or list marks reads badly; non-ASCII characters count as letters
        // (a cheap stand-in for the Unicode letter property, which is slow to look up).
        var letters = 0
        for b in body.utf8 where (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b >= 0xC0 { letters += 1 }
        if length > 0, Double(letters) / length < 0.6 { score -= 0.2 }
        return min(1, max(0, score)) * 0.85 + (wholeAnswer ? 0.15 : 0)
    }

    /// A word and its stem, by byte range of the text.
    public typealias TokenStem = (start: Int, end: Int, stem: String)

    /// The stems of the word tokens (of two bytes or more). Without tokens, the lower-cased letter
    /// and digit runs of the text stand in for stems.
    public static func tokenStems(of document: Document) -> [TokenStem] {
        var out: [TokenStem] = []
        if document.tokens.isEmpty {
            var word = "", start = 0, offset = 0
            for ch in String(decoding: document.utf8, as: UTF8.self) {
                if ch.isLetter || ch.isNumber {
                    if word.isEmpty { start = offset }
                    word += ch.lowercased()
                } else {
                    if word.count > 1 { out.append((start, offset, word)) }
                    word = ""
                }
                offset += ch.utf8.count
            }
            if word.count > 1 { out.append((start, offset, word)) }
        } else {
            out.reserveCapacity(document.tokens.count)
            for t in document.tokens where t.kind != .punctuation && t.end - t.start > 0 {
                let length = t.stemEnd > t.stemStart ? t.stemEnd - t.stemStart : t.normalizedEnd - t.normalizedStart
                if length > 1 { out.append((Int(t.start), Int(t.end), document.stem(t))) }
            }
        }
        return out
    }

    /// A word and its stem's id in a collector.
    typealias TokenStemID = (start: Int, end: Int, id: Int32)

    /// The distinct stem ids inside `range` (bytes), sorted.
    static func distinct(_ tokens: [TokenStemID], in range: Range<Int>) -> [Int32] {
        var ids: [Int32] = []
        for t in tokens where t.start >= range.lowerBound && t.end <= range.upperBound { ids.append(t.id) }
        ids.sort()
        var unique: [Int32] = []
        unique.reserveCapacity(ids.count)
        for id in ids where unique.last != id { unique.append(id) }
        return unique
    }

    /// The distinct stems inside `range` (bytes), sorted.
    public static func distinct(_ tokenStems: [TokenStem], in range: Range<Int>) -> [String] {
        var set = Set<String>()
        for t in tokenStems where t.start >= range.lowerBound && t.end <= range.upperBound { set.insert(t.stem) }
        return set.sorted()
    }

    /// The distinct stems of the words inside `range` (bytes) of `document`, sorted.
    public static func stems(of document: Document, in range: Range<Int>) -> [String] {
        distinct(tokenStems(of: document), in: range)
    }

    // MARK: Trimming

    /// The largest window of `range` around the evidence that fits in `limit` scalars (counting the
    /// "…" marks), cut at clause boundaries where possible and otherwise between words.
    static func trimWindow(_ bytes: [UInt8], range: Range<Int>, evidence: [Range<Int>], limit: Int) -> Range<Int> {
        let lo = range.lowerBound, hi = range.upperBound
        func cost(_ a: Int, _ b: Int) -> Int {
            scalarCount(bytes, a..<b) + (a > lo ? 1 : 0) + (b < hi ? 1 : 0)
        }
        let inside = evidence.filter { $0.lowerBound >= lo && $0.upperBound <= hi && !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        guard let first = inside.first else { return range }
        // Anchor: all the evidence in the range when it fits, else the first span.
        var anchor = first.lowerBound..<(inside.map(\.upperBound).max() ?? first.upperBound)
        anchor = wordStart(bytes, anchor.lowerBound, lo)..<wordEnd(bytes, anchor.upperBound, hi)
        if cost(anchor.lowerBound, anchor.upperBound) > limit {
            anchor = wordStart(bytes, first.lowerBound, lo)..<wordEnd(bytes, first.upperBound, hi)
        }
        // Clause level.
        let (starts, ends) = clauses(bytes, lo, hi)
        var i = starts.lastIndex { $0 <= anchor.lowerBound } ?? 0
        var j = ends.firstIndex { $0 >= anchor.upperBound } ?? (ends.count - 1)
        if j < i { j = i }
        if cost(starts[i], ends[j]) <= limit {
            while true {
                var grew = false
                if j + 1 < ends.count, cost(starts[i], ends[j + 1]) <= limit {
                    j += 1
                    grew = true
                }
                if i > 0, cost(starts[i - 1], ends[j]) <= limit {
                    i -= 1
                    grew = true
                }
                if !grew { break }
            }
            return tidy(bytes, starts[i]..<ends[j], lo, hi)
        }
        // Word level, inside the clause(s) around the anchor.
        let clauseLo = starts[i], clauseHi = ends[j]
        var a = anchor.lowerBound, b = anchor.upperBound
        while cost(a, b) > limit {
            let shorter = previousWordEnd(bytes, b, a)
            if shorter <= a { break }
            b = shorter
        }
        while true {
            var grew = false
            if b < clauseHi {
                let next = nextWordEnd(bytes, b, clauseHi)
                if next > b, cost(a, next) <= limit {
                    b = next
                    grew = true
                }
            }
            if a > clauseLo {
                let previous = previousWordStart(bytes, a, clauseLo)
                if previous < a, cost(previous, b) <= limit {
                    a = previous
                    grew = true
                }
            }
            if !grew { break }
        }
        // Do not leave "…" hanging after a word like "the" or "of".
        while b < hi {
            let start = previousWordStart(bytes, b, a)
            guard start >= anchor.upperBound, start < b else { break }
            let word = String(decoding: bytes[start..<b], as: UTF8.self).lowercased()
            guard danglingWords.contains(word) else { break }
            b = previousWordEnd(bytes, start, a)
        }
        return tidy(bytes, a..<b, lo, hi)
    }

    /// Words a trimmed extract should not end on.
    static let danglingWords: Set<String> = [
        "a", "an", "the", "of", "in", "to", "and", "or", "for", "with", "on", "at", "by", "from", "that", "which", "as",
        "is", "are", "was", "were", "be", "but", "into", "their", "its", "our", "my", "your", "this", "these",
    ]

    /// Drops white space and clause punctuation where a "…" will join the cut.
    static func tidy(_ bytes: [UInt8], _ window: Range<Int>, _ lo: Int, _ hi: Int) -> Range<Int> {
        var a = window.lowerBound, b = window.upperBound
        if a > lo {
            while a < b, isSpace(bytes[a]) || bytes[a] == UInt8(ascii: ",") || bytes[a] == UInt8(ascii: ";") || bytes[a] == UInt8(ascii: ":") { a += 1 }
        }
        if b < hi {
            while b > a, isSpace(bytes[b - 1]) || bytes[b - 1] == UInt8(ascii: ",") || bytes[b - 1] == UInt8(ascii: ";")
                || bytes[b - 1] == UInt8(ascii: ":") || bytes[b - 1] == UInt8(ascii: "-") { b -= 1 }
        }
        return a..<b
    }

    /// Clause starts and ends in `lo..<hi`: cuts after `,` `;` `:` `)` followed by a space, around
    /// spaced dashes (" - ", "–", "—"), and before " (".
    static func clauses(_ bytes: [UInt8], _ lo: Int, _ hi: Int) -> (starts: [Int], ends: [Int]) {
        var cuts: [(end: Int, start: Int)] = []
        func skipSpaces(_ i: Int) -> Int {
            var k = i
            while k < hi, isSpace(bytes[k]) { k += 1 }
            return k
        }
        func backSpaces(_ i: Int) -> Int {
            var k = i
            while k > lo, isSpace(bytes[k - 1]) { k -= 1 }
            return k
        }
        var i = lo
        while i < hi {
            let b = bytes[i]
            let nextIsSpace = i + 1 < hi && isSpace(bytes[i + 1])
            if (b == UInt8(ascii: ",") || b == UInt8(ascii: ";") || b == UInt8(ascii: ":") || b == UInt8(ascii: ")")), nextIsSpace {
                cuts.append((i + 1, skipSpaces(i + 1)))
            } else if b == UInt8(ascii: "("), i > lo, isSpace(bytes[i - 1]) {
                cuts.append((backSpaces(i), i))
            } else if b == UInt8(ascii: "-"), i > lo, isSpace(bytes[i - 1]), nextIsSpace {
                cuts.append((backSpaces(i), skipSpaces(i + 1)))
            } else if b == 0xE2, i + 2 < hi, bytes[i + 1] == 0x80, bytes[i + 2] == 0x93 || bytes[i + 2] == 0x94 {
                // En or em dash.
                cuts.append((backSpaces(i), skipSpaces(i + 3)))
                i += 3
                continue
            }
            i += 1
        }
        var starts = [lo], ends: [Int] = []
        for cut in cuts where cut.end > (starts.last ?? lo) && cut.start < hi {
            ends.append(cut.end)
            starts.append(cut.start)
        }
        ends.append(hi)
        return (starts, ends)
    }

    static func trimmed(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var a = range.lowerBound, b = range.upperBound
        while a < b, isSpace(bytes[a]) { a += 1 }
        while b > a, isSpace(bytes[b - 1]) { b -= 1 }
        return a..<b
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    static func scalarCount(_ bytes: [UInt8], _ range: Range<Int>) -> Int {
        var n = 0
        for i in range where bytes[i] & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// The start of the word holding byte `i` (or `i` itself at a word start).
    static func wordStart(_ bytes: [UInt8], _ i: Int, _ limit: Int) -> Int {
        var k = i
        while k > limit, !isSpace(bytes[k - 1]) { k -= 1 }
        return k
    }

    /// The end of the word holding byte `i - 1` (or `i` itself at a word end).
    static func wordEnd(_ bytes: [UInt8], _ i: Int, _ limit: Int) -> Int {
        var k = i
        while k < limit, !isSpace(bytes[k]) { k += 1 }
        return k
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
            case "\n", "\r", "\r\n": out += " "
            default: out.append(ch)
            }
        }
        return out
    }

    /// `text` escaped, with the given scalar ranges in bold.
    public static func highlight(_ text: String, spans: [Range<Int>]) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = ""
        var pos = 0
        func piece(_ a: Int, _ b: Int) -> String {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[max(0, a)..<min(b, scalars.count)])
            return escape(String(s))
        }
        for r in mergedSpans(spans) where r.lowerBound >= pos && r.upperBound <= scalars.count {
            out += piece(pos, r.lowerBound) + "**" + piece(r.lowerBound, r.upperBound) + "**"
            pos = r.upperBound
        }
        out += piece(pos, scalars.count)
        return out
    }

    /// Sorted, with overlapping or touching ranges joined.
    public static func mergedSpans(_ spans: [Range<Int>]) -> [Range<Int>] {
        spans.sorted { $0.lowerBound < $1.lowerBound }.reduce(into: [Range<Int>]()) { acc, r in
            if let last = acc.last, r.lowerBound <= last.upperBound {
                acc[acc.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                acc.append(r)
            }
        }
    }
}
