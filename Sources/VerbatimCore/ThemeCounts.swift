/// Counts of coded responses per theme and question, with the sentiment split, accumulated as
/// documents stream past. Parent themes are rolled up: a response counts once for a parent when it
/// has the parent or any of its descendants.
///
/// Also kept, in the same pass: a theme × theme co-occurrence table (responses coded with both,
/// roll-ups included, so the diagonal is each theme's own count) and, when `breakdownField` is set
/// (`--by grade`), the same cells split by the value of that metadata field.
public final class ThemeCounts: DocumentSink {
    public struct Cell: Sendable, Equatable {
        public var responses = 0
        public var positive = 0
        public var negative = 0
        public var neutral = 0
        public var mixed = 0
        public init() {}

        mutating func add(_ label: Sentiment.Label?) {
            responses += 1
            switch label {
            case .positive?: positive += 1
            case .negative?: negative += 1
            case .neutral?: neutral += 1
            case .mixed?: mixed += 1
            case nil: break
            }
        }

        public static func + (a: Cell, b: Cell) -> Cell {
            var c = a
            c.responses += b.responses
            c.positive += b.positive
            c.negative += b.negative
            c.neutral += b.neutral
            c.mixed += b.mixed
            return c
        }
    }

    /// The label used for responses without a question.
    public static let noQuestion = "(none)"
    /// The label of the all-questions rows (and of the all-groups rows of a breakdown).
    public static let allQuestions = "ALL"
    /// The group of responses whose breakdown field is missing or empty.
    public static let noValue = "(none)"

    public private(set) var themes: [ThemeInfo]
    /// The metadata field of the breakdown, if any.
    public let breakdownField: String?
    /// question → group → answers (only with a breakdown field).
    public private(set) var groupAnswers: [String: [String: Int]] = [:]
    /// theme → question → group → cell (only with a breakdown field).
    public private(set) var groupCells: [String: [String: [String: Cell]]] = [:]

    // Counting is by index (themes in `themes` order, questions in first-seen order), so that a
    // response costs a few array increments rather than a string hash per cell.
    private var themeIndex: [String: Int] = [:]
    /// The index in `themes` of ids as documents give them, remembered by string identity: the
    /// dictionary (which hashes with SipHash, and matches canonically equal ids) is asked only when
    /// an id comes in storage not seen before, rather than twice per coded theme.
    private var indexOfId = StringIdentityCache()
    /// Per theme index: the indices it counts for (itself, then its ancestors), worked out when the
    /// theme is first counted (an undeclared ancestor joins `themes` then, not before).
    private var rollups: [[Int]?] = []
    private var ancestorIDs: [String: [String]] = [:]
    private var questionIndex: [String: Int] = [:]
    private var questionNames: [String] = []
    private var answerCounts: [Int] = []
    /// [question][theme]: a response touches one row, so it costs one uniqueness check, not one per theme.
    private var cellRows: [[Cell]] = []
    /// [theme × themes.count + theme]: responses coded with both; one flat array for the same reason.
    private var pairGrid: [Int] = []
    /// `add`'s scratch, kept to reuse its capacity: per coded theme its index, per theme sentiment
    /// its theme's index and label, and the themes the response counts for with their labels.
    private struct AddScratch {
        var owns: [Int] = []
        var labels: [(theme: Int, label: Sentiment.Label)] = []
        var counted: [(theme: Int, label: Sentiment.Label?)] = []
    }
    private var addScratch = AddScratch()
    /// Question indices by string identity: question ids are short (kept in the string's own
    /// bits), or shared, so most answers find theirs without a hash.
    private var indexOfQuestion = StringIdentityCache()

    /// Answers per question.
    public var answers: [String: Int] { Dictionary(uniqueKeysWithValues: zip(questionNames, answerCounts)) }

    /// theme → question → cell, for the cells that counted a response.
    public var cells: [String: [String: Cell]] {
        var out: [String: [String: Cell]] = [:]
        for (q, row) in cellRows.enumerated() {
            for (t, cell) in row.enumerated() where cell.responses > 0 { out[themes[t].id, default: [:]][questionNames[q]] = cell }
        }
        return out
    }

    /// theme → theme → responses coded with both.
    public var pairs: [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for a in themes.indices {
            for b in themes.indices where pairGrid[a * themes.count + b] > 0 {
                out[themes[a].id, default: [:]][themes[b].id] = pairGrid[a * themes.count + b]
            }
        }
        return out
    }

    public init(themes: [ThemeInfo], breakdownField: String? = nil) {
        self.breakdownField = breakdownField.flatMap { $0.isEmpty ? nil : $0 }
        let parents = Dictionary(themes.map { ($0.id, $0.parent) }, uniquingKeysWith: { a, _ in a })
        for t in themes {
            var chain: [String] = []
            var seen: Set<String> = [t.id]
            var p = t.parent
            while let parent = p, seen.insert(parent).inserted {
                chain.append(parent)
                p = parents[parent] ?? nil
            }
            ancestorIDs[t.id] = chain
        }
        self.themes = themes
        for (i, t) in themes.enumerated() where themeIndex[t.id] == nil { themeIndex[t.id] = i }
        rollups = Array(repeating: nil, count: themes.count)
        pairGrid = Array(repeating: 0, count: themes.count * themes.count)
    }

    public func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws { add(document) }

    /// The workers' tables and scratch, set by `prepare`.
    private var digestTables: DigestTables?
    private var digestWorkers: [DigestWorker] = []

    public func prepare(workers: Int) {
        digestTables = DigestTables(themes: themes, themeIndex: themeIndex, ancestorIDs: ancestorIDs)
        digestWorkers = (0..<workers).map { _ in DigestWorker() }
    }

    /// Works out on `worker` what the answer counts for, so that `consume` only adds it up.
    public func digest(_ document: Document, worker: Int) -> (any DocumentDigest)? {
        guard let tables = digestTables else { return nil }
        return makeDigest(document, tables: tables, worker: digestWorkers[worker])
    }

    public func consume(digest: (any DocumentDigest)?, encoded: UnsafeBufferPointer<UInt8>, document: () -> Document) throws {
        if let digest = digest as? ThemeCountsDigest {
            add(question: digest.question, group: digest.group, counted: digest.counted)
        } else {
            add(document())
        }
    }

    /// The breakdown group of a response: its value of `breakdownField`, or `noValue`.
    public func group(of response: Response) -> String? {
        guard let field = breakdownField else { return nil }
        guard let value = response.metadata(field)?.scalarText, !value.isEmpty else { return Self.noValue }
        return value
    }

    /// The index of `theme`, appending it to `themes` the first time (a theme no stage declared,
    /// e.g. from an exec: stage, is listed after the others).
    private func index(of theme: ThemeInfo) -> Int {
        if let i = themeIndex[theme.id] { return i }
        let i = themes.count
        themes.append(theme)
        themeIndex[theme.id] = i
        rollups.append(nil)
        for q in cellRows.indices { cellRows[q].append(Cell()) }
        var pairs = [Int](repeating: 0, count: themes.count * themes.count)
        for a in 0..<i { for b in 0..<i { pairs[a * themes.count + b] = pairGrid[a * i + b] } }
        pairGrid = pairs
        return i
    }

    /// Works out `rollups[i]` the first time; returning the chain would copy (retain) it per call.
    private func makeRollup(_ i: Int) {
        if rollups[i] != nil { return }
        // Made before it is stored: `index(of:)` may append to `rollups`.
        let chain = [i] + (ancestorIDs[themes[i].id] ?? []).map { index(of: ThemeInfo(id: $0, label: $0)) }
        rollups[i] = chain
    }

    private func index(ofQuestion question: String) -> Int {
        if let known = indexOfQuestion[question] { return known }
        if let known = questionIndex[question] {
            indexOfQuestion.remember(question, known)
            return known
        }
        let q = questionNames.count
        questionIndex[question] = q
        questionNames.append(question)
        answerCounts.append(0)
        cellRows.append(Array(repeating: Cell(), count: themes.count))
        indexOfQuestion.remember(question, q)
        return q
    }

    /// The index of theme `id`, or nil when there is none; `adding` makes one.
    private func index(ofId id: String, adding: Bool) -> Int? {
        if let i = indexOfId[id] { return i }
        guard let i = themeIndex[id] ?? (adding ? index(of: ThemeInfo(id: id, label: id)) : nil) else { return nil }
        indexOfId.remember(id, i)
        return i
    }

    public func add(_ document: Document) {
        var scratch = addScratch
        addScratch = AddScratch()
        defer { addScratch = scratch }
        scratch.owns.removeAll(keepingCapacity: true)
        scratch.labels.removeAll(keepingCapacity: true)
        scratch.counted.removeAll(keepingCapacity: true)
        // Themes first, with their roll-ups, so that new ones join `themes` in the order they always did.
        for code in document.codes {
            let own = index(ofId: code.theme, adding: true)!
            makeRollup(own)
            scratch.owns.append(own)
        }
        // Then the theme sentiments by index: the index of a code's theme is that of any equal id.
        for (id, sentiment) in document.themeSentiment {
            if let t = index(ofId: id, adding: false) { scratch.labels.append((t, sentiment.label)) }
        }
        Self.countedThemes(owns: scratch.owns, labels: scratch.labels, overall: document.sentiment?.label,
                           rollup: { rollups[$0]! }, into: &scratch.counted)
        add(question: document.response.question ?? Self.noQuestion, group: group(of: document.response), counted: scratch.counted)
    }

    /// The themes an answer counts for, each once, in first-coded order: each coded theme (`owns`)
    /// with its own label (else the answer's, `overall`), and its ancestors (`rollup`) with the answer's.
    static func countedThemes(
        owns: [Int], labels: [(theme: Int, label: Sentiment.Label)], overall: Sentiment.Label?, rollup: (Int) -> [Int],
        into counted: inout [(theme: Int, label: Sentiment.Label?)]
    ) {
        for own in owns {
            let label = labels.first { $0.theme == own }?.label ?? overall
            for t in rollup(own) where !counted.contains(where: { $0.theme == t }) {
                counted.append((t, t == own ? label : overall))
            }
        }
    }

    /// Counts an answer to `question` (in breakdown `group`) for the themes of `counted`, with their
    /// labels; each theme once.
    private func add(question: String, group: String?, counted: [(theme: Int, label: Sentiment.Label?)]) {
        let q = index(ofQuestion: question)
        answerCounts[q] += 1
        if let group { groupAnswers[question, default: [:]][group, default: 0] += 1 }
        cellRows[q].withUnsafeMutableBufferPointer { row in
            for c in counted { row[c.theme].add(c.label) }
        }
        if let group {
            for c in counted { groupCells[themes[c.theme].id, default: [:]][question, default: [:]][group, default: Cell()].add(c.label) }
        }
        let stride = themes.count
        pairGrid.withUnsafeMutableBufferPointer { pairs in
            for a in counted { for b in counted { pairs[a.theme * stride + b.theme] += 1 } }
        }
    }

    /// Adds another set of counts (from another shard) to this one. Both must use the same breakdown field.
    public func merge(_ other: ThemeCounts) {
        for t in other.themes { _ = index(of: t) }
        for (q, n) in zip(other.questionNames, other.answerCounts) { answerCounts[index(ofQuestion: q)] += n }
        for (q, row) in other.cellRows.enumerated() {
            let i = index(ofQuestion: other.questionNames[q])
            for (t, c) in row.enumerated() where c.responses > 0 {
                let mine = themeIndex[other.themes[t].id]!
                cellRows[i][mine] = cellRows[i][mine] + c
            }
        }
        for (q, byGroup) in other.groupAnswers {
            for (g, n) in byGroup { groupAnswers[q, default: [:]][g, default: 0] += n }
        }
        for (t, byQuestion) in other.groupCells {
            for (q, byGroup) in byQuestion {
                for (g, c) in byGroup { groupCells[t, default: [:]][q, default: [:]][g] = (groupCells[t]?[q]?[g] ?? Cell()) + c }
            }
        }
        for a in other.themes.indices {
            let mineA = themeIndex[other.themes[a].id]!
            for b in other.themes.indices where other.pairGrid[a * other.themes.count + b] > 0 {
                pairGrid[mineA * themes.count + themeIndex[other.themes[b].id]!] += other.pairGrid[a * other.themes.count + b]
            }
        }
    }

    public var questions: [String] { questionNames.sorted() }
    public var totalAnswers: Int { answerCounts.reduce(0, +) }

    /// The breakdown groups, sorted (empty without a breakdown field).
    public var groups: [String] {
        var all = Set<String>()
        for byGroup in groupAnswers.values { all.formUnion(byGroup.keys) }
        return all.sorted()
    }

    /// The cell of `theme` for `question` (or `allQuestions`) and, with a breakdown, `group`
    /// (nil or `allQuestions` for all groups).
    public func cell(_ theme: String, _ question: String, group: String? = nil) -> Cell {
        if let group, group != Self.allQuestions {
            guard let byQuestion = groupCells[theme] else { return Cell() }
            if question == Self.allQuestions {
                return byQuestion.keys.sorted().reduce(Cell()) { $0 + (byQuestion[$1]?[group] ?? Cell()) }
            }
            return byQuestion[question]?[group] ?? Cell()
        }
        guard let t = themeIndex[theme] else { return Cell() }
        if question == Self.allQuestions {
            // Summed in question order, whatever order the questions arrived in.
            return questions.reduce(Cell()) { $0 + cellRows[questionIndex[$1]!][t] }
        }
        guard let q = questionIndex[question] else { return Cell() }
        return cellRows[q][t]
    }

    public func answers(for question: String, group: String? = nil) -> Int {
        if let group, group != Self.allQuestions {
            if question == Self.allQuestions { return groupAnswers.values.reduce(0) { $0 + ($1[group] ?? 0) } }
            return groupAnswers[question]?[group] ?? 0
        }
        if question == Self.allQuestions { return totalAnswers }
        return questionIndex[question].map { answerCounts[$0] } ?? 0
    }

    /// Responses coded with both `a` and `b` (roll-ups included); `cooccurrence(a, a)` is `a`'s count.
    public func cooccurrence(_ a: String, _ b: String) -> Int {
        guard let i = themeIndex[a], let j = themeIndex[b] else { return 0 }
        return pairGrid[i * themes.count + j]
    }

    /// The share of answers, 0 when there are none.
    public static func share(_ responses: Int, of answers: Int) -> Double {
        answers == 0 ? 0 : Double(responses) / Double(answers)
    }
}
