/// A `QuoteCollector`'s candidates: per theme and sentiment group, the best `keep` seen so far, and
/// per theme the documents coded with it. One value, so that keeping an answer's candidates is one
/// access to the collector (not an exclusivity check per pool touched).
struct QuotePools {
    let keep: Int
    private(set) var themes = ThemeIndex()
    /// Per theme number: its coded documents, and whether it has had a candidate.
    private(set) var documents: [Int] = []
    private var hasCandidates: [Bool] = []
    /// Per theme number and sentiment group (`3 * number + group`): candidates in slots, a new one
    /// taking the slot of the one it pushes out, and the slots best first. Keeping a pool in order
    /// then moves small numbers, not whole quotes.
    private var slots: [[Quote]] = []
    private var order: [[Int32]] = []
    /// Themes in the order their first candidate arrived.
    private(set) var themeOrder: [String] = []
    /// Documents seen, the last one's input position.
    private(set) var total = 0

    init(keep: Int) { self.keep = keep }

    /// 0 positive, 1 negative, 2 anything else: the groups `balanced` alternates between.
    static func sentimentGroup(_ label: Sentiment.Label?) -> Int {
        switch label {
        case .positive?: return 0
        case .negative?: return 1
        default: return 2
        }
    }

    static func ranksBefore(_ a: Quote, _ b: Quote) -> Bool {
        ranksBefore(score: a.score, sequence: a.sequence, score: b.score, sequence: b.sequence)
    }

    /// The ranking on the two fields it looks at, so callers need not copy whole quotes.
    static func ranksBefore(score a: Double, sequence aSequence: Int, score b: Double, sequence bSequence: Int) -> Bool {
        a != b ? a > b : aSequence < bSequence
    }

    /// `quotes` sorted by `ranksBefore`: the sort moves indices, not whole quotes, and like every
    /// `sort` it is stable, so the order is the same.
    static func ranked(_ quotes: [Quote]) -> [Quote] {
        var order = Array(quotes.indices)
        order.sort { ranksBefore(score: quotes[$0].score, sequence: quotes[$0].sequence, score: quotes[$1].score, sequence: quotes[$1].sequence) }
        return order.map { quotes[$0] }
    }

    /// The score a new candidate must beat to enter pool `p`: its last one's, once the pool is full.
    /// (A new candidate's sequence is the latest, so it ranks before only a higher score.)
    func floor(_ p: Int) -> Double? { order[p].count >= keep ? slots[p][Int(order[p][order[p].count - 1])].score : nil }

    /// Every pool's floor, by `3 * number + group`.
    func floors() -> [Double?] { order.indices.map(floor) }

    /// Every candidate kept for `theme`, nil when it never had one: pool by pool, each best first.
    func candidates(of theme: String) -> (quotes: [Quote], documents: Int)? {
        guard let k = themes.index(of: theme), hasCandidates[k] else { return nil }
        var quotes: [Quote] = []
        for p in 3 * k..<3 * k + 3 { for slot in order[p] { quotes.append(slots[p][Int(slot)]) } }
        return (quotes, documents[k])
    }

    /// Counts the document in input order and keeps its candidates that rank among the best; the
    /// quotes are moved out of `digest` (copying one retains every field).
    mutating func keep(_ digest: QuoteDigest) {
        total += 1
        for i in digest.themes.indices {
            // A theme numbered at the start of the round kept its number.
            let k = digest.themes[i].number ?? themes.insert(digest.themes[i].name)
            if k == documents.count {
                documents.append(0)
                hasCandidates.append(false)
                slots.append(contentsOf: [[], [], []])
                order.append(contentsOf: [[], [], []])
            }
            documents[k] += 1
            guard var quote = digest.themes[i].quote.take() else { continue }
            if !hasCandidates[k] {
                hasCandidates[k] = true
                themeOrder.append(digest.themes[i].name)
            }
            let p = 3 * k + Self.sentimentGroup(quote.sentiment?.label)
            // Most answers do not make a full pool.
            if let floor = floor(p), quote.score <= floor { continue }
            quote.sequence = total
            var position = order[p].count
            for j in order[p].indices {
                let other = Int(order[p][j])
                let (score, sequence) = (slots[p][other].score, slots[p][other].sequence)
                if Self.ranksBefore(score: quote.score, sequence: quote.sequence, score: score, sequence: sequence) {
                    position = j
                    break
                }
            }
            guard position < keep else { continue }
            if order[p].count < keep {
                slots[p].append(consume quote)
                order[p].insert(Int32(slots[p].count - 1), at: position)
            } else {
                // The last one makes way (it ranks after the new one, being at or after `position`).
                let slot = order[p].removeLast()
                slots[p][Int(slot)] = consume quote
                order[p].insert(slot, at: position)
            }
        }
    }
}
