/// What one answer adds to `ThemeCounts`, worked out on the worker that coded it: the themes it
/// counts for (roll-ups included) with their sentiment labels, its question and its breakdown group.
/// The calling thread then only adds it to the cells, without reading the answer itself.
final class ThemeCountsDigest: DocumentDigest, Sendable {
    let question: String
    let group: String?
    /// Per theme the answer counts for, in first-coded order: its index and its label.
    let counted: [(theme: Int, label: Sentiment.Label?)]

    init(question: String, group: String?, counted: [(theme: Int, label: Sentiment.Label?)]) {
        self.question = question
        self.group = group
        self.counted = counted
    }
}

extension ThemeCounts {
    /// What the workers read to make digests, fixed when the run starts: the declared themes'
    /// indices, and each one's roll-up when all its ancestors are declared too.
    final class DigestTables: Sendable {
        let themeIndex: [String: Int]
        /// Per declared theme: itself, then its ancestors; nil when an ancestor is not declared (it
        /// joins `themes` when first counted, in input order, so only the calling thread adds it).
        let rollups: [[Int]?]

        init(themes: [ThemeInfo], themeIndex: [String: Int], ancestorIDs: [String: [String]]) {
            self.themeIndex = themeIndex
            rollups = themes.indices.map { i in
                var chain = [i]
                for id in ancestorIDs[themes[i].id] ?? [] {
                    guard let a = themeIndex[id] else { return nil }
                    chain.append(a)
                }
                return chain
            }
        }
    }

    /// One worker's scratch: theme indices by the ids' string identity, and the buffers of a digest.
    final class DigestWorker: @unchecked Sendable {
        var indexOfId = StringIdentityCache()
        var owns: [Int] = []
        var labels: [(theme: Int, label: Sentiment.Label)] = []
    }

    /// The digest of `document`, or nil when one of its themes (or their ancestors) is not declared:
    /// `add` then counts it on the calling thread, where undeclared themes join in input order.
    func makeDigest(_ document: Document, tables: DigestTables, worker: DigestWorker) -> ThemeCountsDigest? {
        // The buffers in locals while they are used: the worker's own properties would be checked
        // for exclusive access at every append. They are moved out, not copied, so appending does
        // not copy them. The id cache stays in place: a copy would be copied whole when it learns.
        var owns = worker.owns, labels = worker.labels
        worker.owns = []
        worker.labels = []
        defer {
            worker.owns = owns
            worker.labels = labels
        }
        owns.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        func index(of id: String) -> Int? {
            if let i = worker.indexOfId[id] { return i }
            guard let i = tables.themeIndex[id] else { return nil }
            worker.indexOfId.remember(id, i)
            return i
        }
        for code in document.codes {
            guard let own = index(of: code.theme), tables.rollups[own] != nil else { return nil }
            owns.append(own)
        }
        // A theme sentiment of an undeclared id matches no coded theme here: all are declared.
        for (id, sentiment) in document.themeSentiment {
            if let t = index(of: id) { labels.append((t, sentiment.label)) }
        }
        var counted: [(theme: Int, label: Sentiment.Label?)] = []
        counted.reserveCapacity(owns.count)
        Self.countedThemes(owns: owns, labels: labels, overall: document.sentiment?.label,
                           rollup: { tables.rollups[$0]! }, into: &counted)
        return ThemeCountsDigest(question: document.response.question ?? Self.noQuestion, group: group(of: document.response),
                                 counted: counted)
    }
}
