import Synchronization
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
    /// The extract's distinct stems as `StemKey`s, sorted once ranked (in a pool they are not yet:
    /// most candidates never get that far): for near-duplicate checks and representativeness
    /// (empty outside a collector).
    var stemKeys: [UInt64] = []
    /// How clearly the extract shows the theme (evidence strength and coverage), 0…1.
    public var clarity: Double = 0
    /// How self-contained and quotable it reads (length, whole clauses, no dangling opener), 0…1.
    public var readability: Double = 0
    /// Similarity to the theme's other coded answers (shared stems, weighted by rarity), 0…1.
    public var representativeness: Double = 0
}

/// What a `QuoteCollector` needs of one document, worked out on the worker thread that processed it.
///
/// A class, so that `consume` can move the quotes out rather than copy them: it is made on one
/// worker and then handed, by the runner, to the calling thread; no two threads touch it at once.
public final class QuoteDigest: DocumentDigest, @unchecked Sendable {
    /// A distinct coded theme: its id, its number in the collector's themes (nil when it had none
    /// when the document was digested), and its extract, if one was made.
    struct Theme {
        var name: String
        var number: Int?
        var quote: Quote?
    }
    /// In coding order; one array, so a digest makes one allocation for its themes, not three.
    var themes: [Theme] = []
}

/// Keeps, for each theme, a bounded pool of the best quote candidates seen so far, plus per-theme
/// stem document frequencies, then ranks and picks diverse quotes at the end.
///
/// Memory is bounded by `keepPerTheme` candidates per theme and sentiment group, and by the
/// vocabulary (stem counts), not by the number of responses.
public final class QuoteCollector: DocumentSink {
    public let maxCharacters: Int
    public let keepPerTheme: Int
    /// The candidates kept so far; changed only on the calling thread.
    var pools: QuotePools
    /// The quotes chosen by `quotes(for:count:polarity:balanced:)`, until a document or the
    /// workers' counts change them: the report and `quotes.md` both ask for the same ones.
    var chosen: [QuoteChoice: [Quote]] = [:]

    /// Two quotes sharing at least this Jaccard similarity of stems are near-duplicates.
    public static let nearDuplicate = 0.6

    public init(maxCharacters: Int = 280, keepPerTheme: Int = 48) {
        self.maxCharacters = max(16, maxCharacters)
        self.keepPerTheme = max(1, keepPerTheme)
        self.pools = QuotePools(keep: self.keepPerTheme)
    }

    /// One worker's stem counts and scratch buffers, touched only on that worker's thread (the
    /// counts until they are folded in).
    final class Worker: @unchecked Sendable {
        var tables = StemTables()
        var scratch = Scratch()
    }
    private var workers: [Worker] = []
    /// The collector's own, for `add`; the workers' counts are folded into its tables before ranking.
    let own = Worker()

    /// What making a digest needs per answer, kept to reuse the buffers from answer to answer.
    struct Scratch {
        let stems = DocumentStems()
        var memo = QuoteExtractor.WindowMemo()
        /// Theme numbers in the collector's themes, by the id's string identity: a number never
        /// changes once given, so it holds from round to round (ids without one are not kept).
        var themeNumbers = StringIdentityCache()

        /// The number of `theme` in `themes` (the collector's, as of some round), if it has one.
        mutating func number(of theme: String, in themes: ThemeIndex) -> Int? {
            // Below the count: a number from a later round than `themes` is not in it yet.
            if let known = themeNumbers[theme], known < themes.count { return known }
            guard let number = themes.index(of: theme) else { return nil }
            themeNumbers.remember(theme, number)
            return number
        }

        /// The stem keys of a memo entry's window (unsorted), made once per window.
        mutating func stemKeys(of entry: Int) -> [UInt64] {
            if let keys = memo.entries[entry].stemKeys { return keys }
            let keys = stems.keys(in: memo.entries[entry].window)
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

    /// Adds the workers' stem counts to the collector's own (which changes the ranking).
    func foldWorkerCounts() {
        guard !workers.isEmpty else { return }
        for worker in workers { own.tables.add(worker.tables) }
        workers = []
        chosen.removeAll()
    }

    public func consume(digest: (any DocumentDigest)?, encoded: UnsafeBufferPointer<UInt8>, document: () -> Document) throws {
        if let digest = digest as? QuoteDigest { keepCandidates(digest) } else { add(document()) }
    }

    public func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws { add(document) }

    public func add(_ document: Document) {
        keepCandidates(digest(document, on: own))
    }

    /// Counts the document in input order and keeps its candidates that rank among the best.
    func keepCandidates(_ digest: QuoteDigest) {
        pools.keep(digest)
        floorsMayHaveRisen = true
        if !chosen.isEmpty { chosen.removeAll() }
    }

    /// The lowest score in each full pool (theme, sentiment group), as last published: a candidate
    /// that cannot beat it is not extracted. Pools only get better, so an older floor is still one,
    /// and which floors a document was digested with changes nothing.
    final class PoolFloors: Sendable {
        /// The collector's themes when published: numbers never change once given.
        let themes: ThemeIndex
        /// Three per theme number, one per sentiment group.
        let scores: [Double?]
        init(themes: ThemeIndex = ThemeIndex(), scores: [Double?] = []) {
            self.themes = themes
            self.scores = scores
        }
    }
    /// Swapped whole under the lock while workers digest: they read whichever was last published.
    private let floors = Mutex(PoolFloors())
    private var floorsMayHaveRisen = false

    public func willHandOutDocuments() {
        guard floorsMayHaveRisen else { return }
        floorsMayHaveRisen = false
        let published = PoolFloors(themes: pools.themes, scores: pools.floors())
        floors.withLock { $0 = published }
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
        let digest = QuoteDigest()
        guard !document.codes.isEmpty else { return digest }
        digest.themes.reserveCapacity(document.codes.count)
        let floors = self.floors.withLock { $0 }
        document.utf8.withUnsafeBufferPointer { buffer in
            let text = QuoteText(buffer)
            for code in document.codes {
                let number = scratch.number(of: code.theme, in: floors.themes)
                // Numbers, where both have one, settle it without comparing the ids.
                if digest.themes.contains(where: { number != nil && $0.number != nil ? $0.number == number : $0.name == code.theme }) {
                    continue
                }
                let quote = candidate(for: code, number: number, of: document, in: text, floors: floors, scratch: &scratch)
                digest.themes.append(QuoteDigest.Theme(name: code.theme, number: number, quote: quote))
            }
        }
        return digest
    }

    /// The extract for `code` (of theme `number` in `floors`); nil when there is none, or when it
    /// cannot beat its full pool's floor: `keepCandidates` would drop it anyway (pools only get
    /// better), so it costs no text.
    private func candidate(for code: Code, number: Int?, of document: Document, in text: QuoteText, floors: PoolFloors,
                           scratch: inout Scratch) -> Quote? {
        let sentiment = Self.themeSentiment(of: code.theme, in: document) ?? document.sentiment
        let floor = number.flatMap { floors.scores[3 * $0 + QuotePools.sentimentGroup(sentiment?.label)] }
        if let floor, QuoteExtractor.bestScore(of: code) <= floor { return nil }
        guard let draft = QuoteExtractor.draft(code: code, in: text, of: document, maxCharacters: maxCharacters, memo: &scratch.memo)
        else { return nil }
        if let floor, draft.score <= floor { return nil }
        let stemKeys = scratch.stemKeys(of: draft.entry)
        return QuoteExtractor.quote(draft, code: code, in: text, of: document, sentiment: sentiment, sequence: 0,
                                    stemKeys: stemKeys, memo: &scratch.memo)
    }

    /// The answer's own sentiment on `theme`, as `document.themeSentiment[theme]`: an answer has a
    /// few themes, and comparing their ids costs less than hashing one. Ids mostly share their
    /// string storage, so the first pass, by identity, mostly finds it; no two keys are equal, so
    /// what it finds is what `==` finds.
    static func themeSentiment(of theme: String, in document: Document) -> Sentiment? {
        // By index, reading keys in place: iterating the pairs copied (retained) every key.
        let all = document.themeSentiment
        if all.count > 8 { return all[theme] }
        var i = all.startIndex
        while i != all.endIndex {
            if StringIdentity.same(all[i].key, theme) { return all[i].value }
            all.formIndex(after: &i)
        }
        i = all.startIndex
        while i != all.endIndex {
            if all[i].key == theme { return all[i].value }
            all.formIndex(after: &i)
        }
        return nil
    }

    /// Themes that have at least one quote candidate, in order of their first candidate.
    public var quotedThemes: [String] { pools.themeOrder }
}
