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
    /// The extract's distinct stems, sorted (from `QuoteExtractor.extract` on its own; a collector
    /// keeps `stemKeys` instead).
    public var stems: [String] = []
    /// The extract's distinct stems as `StemKey`s, sorted: for near-duplicate checks and
    /// representativeness (empty outside a collector).
    var stemKeys: [UInt64] = []
    /// How clearly the extract shows the theme (evidence strength and coverage), 0…1.
    public var clarity: Double = 0
    /// How self-contained and quotable it reads (length, whole clauses, no dangling opener), 0…1.
    public var readability: Double = 0
    /// Similarity to the theme's other coded answers (shared stems, weighted by rarity), 0…1.
    public var representativeness: Double = 0
}

/// What a `QuoteCollector` needs of one document, worked out on the worker thread that processed it.
public struct QuoteDigest: DocumentDigest {
    /// The distinct coded themes, in coding order, and for each its extract, if one was made.
    var themes: [String] = []
    var quotes: [Quote?] = []
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
    /// Per theme (by its number in `themes`): its coded documents, and its candidates by sentiment
    /// group, best first (no groups until its first candidate).
    private struct ThemeState {
        var documents = 0
        var pools: [[Quote]] = []
    }
    private var themes = ThemeIndex()
    private var states: [ThemeState] = []
    /// Themes in the order their first candidate arrived.
    private var themeOrder: [String] = []
    private var sequence = 0
    /// Documents seen.
    private var documents = 0

    /// Two quotes sharing at least this Jaccard similarity of stems are near-duplicates.
    public static let nearDuplicate = 0.6

    public init(maxCharacters: Int = 280, keepPerTheme: Int = 48) {
        self.maxCharacters = max(16, maxCharacters)
        self.keepPerTheme = max(1, keepPerTheme)
    }

    /// One worker's stem counts and scratch buffers, touched only on that worker's thread (the
    /// counts until they are folded in).
    final class Worker: @unchecked Sendable {
        var tables = StemTables()
        var scratch = Scratch()
    }
    private var workers: [Worker] = []
    /// The collector's own, for `add`; the workers' counts are folded into its tables before ranking.
    private let own = Worker()

    /// What making a digest needs per answer, kept to reuse the buffers from answer to answer.
    struct Scratch {
        let stems = DocumentStems()
        var memo = QuoteExtractor.WindowMemo()

        /// The stem keys of a memo entry's window, made once per window.
        mutating func stemKeys(of entry: Int) -> [UInt64] {
            if let keys = memo.entries[entry].stemKeys { return keys }
            let keys = stems.sortedKeys(in: memo.entries[entry].window)
            memo.entries[entry].stemKeys = keys
            return keys
        }
    }

    public func prepare(workers: Int) {
        foldWorkerCounts()
        self.workers = (0..<workers).map { _ in Worker() }
    }

    /// The extracts of one document, and its stem counts on `worker`'s own tables, so the runner's
    /// workers call it in parallel; `consume` then only keeps the best candidates.
    public func digest(_ document: Document, worker: Int) -> (any DocumentDigest)? {
        digest(document, on: workers[worker])
    }

    private func digest(_ document: Document, on worker: Worker) -> QuoteDigest {
        let digest = makeDigest(document, scratch: &worker.scratch)
        worker.tables.count(worker.scratch.stems.keys, themes: digest.themes)
        return digest
    }

    /// Adds the workers' stem counts to the collector's own.
    private func foldWorkerCounts() {
        for worker in workers { own.tables.add(worker.tables) }
        workers = []
    }

    public func consume(_ document: Document, digest: (any DocumentDigest)?, encoded: UnsafeBufferPointer<UInt8>) throws {
        if let digest = digest as? QuoteDigest { keepCandidates(digest) } else { add(document) }
    }

    public func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws { add(document) }

    public func add(_ document: Document) {
        keepCandidates(digest(document, on: own))
    }

    /// The lowest score in each full pool (theme, sentiment group), as of the start of a round: a
    /// candidate that cannot beat it is not extracted. Pools only get better, so a floor from an
    /// earlier round is still one, and which round saw which floor changes nothing.
    final class PoolFloors: Sendable {
        let themes: ThemeIndex
        /// Three per theme number, one per sentiment group.
        let scores: [Double?]
        init(themes: ThemeIndex = ThemeIndex(), scores: [Double?] = []) {
            self.themes = themes
            self.scores = scores
        }

        func floor(_ theme: String, group: Int) -> Double? { themes.index(of: theme).flatMap { scores[3 * $0 + group] } }
    }
    private var floors = PoolFloors()

    public func roundWillStart() {
        floors = PoolFloors(themes: themes, scores: states.flatMap { $0.pools.isEmpty ? [nil, nil, nil] : $0.pools.map(floor) })
    }

    /// The digest of `document` on a scratch of its own (for tests).
    func makeDigest(_ document: Document) -> QuoteDigest {
        var scratch = Scratch()
        return makeDigest(document, scratch: &scratch)
    }

    /// The document's candidates; its stem keys are left in `scratch.stems`.
    func makeDigest(_ document: Document, scratch: inout Scratch) -> QuoteDigest {
        // Stems once per document, as keys: for the frequencies and for every extract.
        scratch.stems.load(document)
        scratch.memo.reset()
        var digest = QuoteDigest()
        digest.themes.reserveCapacity(document.codes.count)
        digest.quotes.reserveCapacity(document.codes.count)
        let floors = self.floors
        for code in document.codes where !digest.themes.contains(code.theme) {
            digest.themes.append(code.theme)
            digest.quotes.append(candidate(for: code, of: document, floors: floors, scratch: &scratch))
        }
        return digest
    }

    /// The extract for `code`; nil when there is none, or when it cannot beat its full pool's floor:
    /// `keepCandidates` would drop it anyway (pools only get better), so it costs no text.
    private func candidate(for code: Code, of document: Document, floors: PoolFloors, scratch: inout Scratch) -> Quote? {
        let sentiment = document.themeSentiment[code.theme] ?? document.sentiment
        let floor = floors.floor(code.theme, group: Self.sentimentGroup(sentiment?.label))
        if let floor, QuoteExtractor.bestScore(of: code) <= floor { return nil }
        guard let draft = QuoteExtractor.draft(code: code, from: document, maxCharacters: maxCharacters, memo: &scratch.memo) else { return nil }
        if let floor, draft.score <= floor { return nil }
        var quote = QuoteExtractor.quote(draft, code: code, from: document, sentiment: sentiment, sequence: 0, memo: &scratch.memo)
        quote.stemKeys = scratch.stemKeys(of: draft.entry)
        return quote
    }

    /// The score a new candidate must beat to enter `pool`: its last one's, once the pool is full.
    /// (A new candidate's sequence is the latest, so it ranks before only a higher score.)
    private func floor(_ pool: [Quote]) -> Double? { pool.count >= keepPerTheme ? pool.last?.score : nil }

    /// Counts the document in input order and keeps its candidates that rank among the best.
    func keepCandidates(_ digest: QuoteDigest) {
        sequence += 1
        documents += 1
        for (theme, candidate) in zip(digest.themes, digest.quotes) {
            let k = themes.insert(theme)
            if k == states.count { states.append(ThemeState()) }
            states[k].documents += 1
            guard let candidate else { continue }
            if states[k].pools.isEmpty {
                states[k].pools = [[], [], []]
                themeOrder.append(theme)
            }
            let group = Self.sentimentGroup(candidate.sentiment?.label)
            // Most answers do not make a full pool: settle that before copying the quote.
            if let floor = floor(states[k].pools[group]), candidate.score <= floor { continue }
            var quote = candidate
            quote.sequence = sequence
            // In place, so the pool is not copied for every answer.
            let position = states[k].pools[group].firstIndex { Self.ranksBefore(quote, $0) } ?? states[k].pools[group].endIndex
            if position < keepPerTheme {
                states[k].pools[group].insert(quote, at: position)
                if states[k].pools[group].count > keepPerTheme { states[k].pools[group].removeLast() }
            }
        }
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
        foldWorkerCounts()
        guard let k = themes.index(of: theme), !states[k].pools.isEmpty else { return [] }
        var candidates = states[k].pools.flatMap { $0 }
        let n = Double(documents)
        let themeCount = states[k].documents
        let frequency = own.tables.themeFrequency(theme)
        // Cosine-style similarity between the extract's stems and the theme's other answers:
        // each shared stem counts by how many of the others use it and how rare it is overall.
        var raw = [Double](repeating: 0, count: candidates.count)
        for (k, q) in candidates.enumerated() where themeCount > 1 {
            var num = 0.0, norm = 0.0
            for key in q.stemKeys {
                let idf = log((n + 1) / (Double(own.tables.documentFrequency[key]) + 0.5))
                let others = Double(max(0, Int(frequency[key]) - 1)) / Double(themeCount - 1)
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
                    for c in chosen { similarity = max(similarity, Self.jaccard(q.stemKeys, c.stemKeys)) }
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
