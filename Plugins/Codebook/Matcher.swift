import VerbatimCore

/// The per-worker side of the codebook: scans a document's tokens once against the compiled
/// codebook, then weighs, vetoes and negates only the units that were hit. All scratch state is
/// reused from document to document; per-unit arrays are reset by stamping, not clearing.
final class CodebookMatcher: StageProcessor {
    let book: CompiledCodebook
    let stageName: String

    // Word positions of the current document: non-ignored word-like tokens.
    private var positionToken: [Int32] = []
    private var positionClause: [Int32] = []
    private var positionSentence: [Int32] = []
    private var cues: [Int32] = []

    private struct Active {
        var node: Int32
        var start: Int32
    }
    private var active: [Active] = []
    private var nextActive: [Active] = []
    private var tokenTerms: [Int32] = []
    private static let maxActive = 512

    private struct Hit {
        var start: Int32
        var end: Int32
        var side: Int32
        /// The previous hit of the same unit, or -1.
        var next: Int32
    }
    private var hits: [Hit] = []
    private var unitHead: [Int32]
    private var unitStamp: [UInt32]
    private var touched: [Int32] = []
    private var stamp: UInt32 = 0

    /// One match of a unit: word positions and one or two byte spans (two for NEAR sides apart).
    struct Occurrence {
        var unit: Int32
        var start: Int32
        var end: Int32
        var first: ByteSpan
        var second: ByteSpan?
    }

    init(book: CompiledCodebook, stageName: String) {
        self.book = book
        self.stageName = stageName
        unitHead = [Int32](repeating: -1, count: book.units.count)
        unitStamp = [UInt32](repeating: 0, count: book.units.count)
    }

    func process(_ document: inout Document) throws {
        stamp &+= 1
        if stamp == 0 {
            for i in unitStamp.indices { unitStamp[i] = 0 }
            stamp = 1
        }
        hits.removeAll(keepingCapacity: true)
        touched.removeAll(keepingCapacity: true)
        scan(document)
        let (codes, notes) = touched.isEmpty ? ([], []) : evaluate(document)
        if document.collectTrace {
            for note in notes { document.trace.append(Trace(stage: stageName, message: note)) }
        }
        if document.codes.isEmpty {
            document.codes = codes
        } else if !codes.isEmpty {
            // Stacked codebooks: keep earlier stages' codes, all sorted by theme id.
            document.codes = (document.codes + codes).sorted { $0.theme < $1.theme }
        }
        document.assigned.insert(.codes)
    }

    // MARK: Scanning

    private func scan(_ document: Document) {
        positionToken.removeAll(keepingCapacity: true)
        positionClause.removeAll(keepingCapacity: true)
        positionSentence.removeAll(keepingCapacity: true)
        cues.removeAll(keepingCapacity: true)
        active.removeAll(keepingCapacity: true)
        var clause: Int32 = 0
        var sentence: Int32 = -1
        let book = self.book
        document.tokens.withUnsafeBufferPointer { tokens in
            document.normalizedPool.withUnsafeBufferPointer { normalizedPool in
                document.stemPool.withUnsafeBufferPointer { stemPool in
                    document.utf8.withUnsafeBufferPointer { text in
                        for ti in 0..<tokens.count {
                            let token = tokens[ti]
                            if token.sentence != sentence {
                                sentence = token.sentence
                                clause += 1
                                active.removeAll(keepingCapacity: true)
                            }
                            let normalized = UnsafeBufferPointer(rebasing: normalizedPool[Int(token.normalizedStart)..<Int(token.normalizedEnd)])
                            if token.kind == .punctuation {
                                if !Self.isConnector(normalized) {
                                    clause += 1
                                    active.removeAll(keepingCapacity: true)
                                }
                                continue
                            }
                            tokenTerms.removeAll(keepingCapacity: true)
                            let folded = book.terms.lookup(kind: CompiledCodebook.KeyKind.folded, normalized)
                            var isCue = false
                            if folded >= 0 {
                                if folded & CompiledCodebook.WordFlag.ignored != 0 { continue }
                                if folded & CompiledCodebook.WordFlag.breaker != 0 { clause += 1 }
                                isCue = folded & CompiledCodebook.WordFlag.cue != 0
                                let id = folded & CompiledCodebook.WordFlag.termMask
                                if id > 0 { tokenTerms.append(id - 1) }
                            }
                            if !isCue { isCue = Self.endsWithNot(normalized) }
                            let stem = token.stemEnd > token.stemStart
                                ? UnsafeBufferPointer(rebasing: stemPool[Int(token.stemStart)..<Int(token.stemEnd)]) : normalized
                            let s = book.terms.lookup(kind: CompiledCodebook.KeyKind.stem, stem)
                            if s >= 0 { tokenTerms.append(s) }
                            if book.hasSurfaceKeys {
                                let raw = UnsafeBufferPointer(rebasing: text[Int(token.start)..<Int(token.end)])
                                let t = book.terms.lookup(kind: CompiledCodebook.KeyKind.surface, raw)
                                if t >= 0 { tokenTerms.append(t) }
                            }
                            if book.usesPrefixes { prefixTerms(normalized) }
                            let position = Int32(positionToken.count)
                            positionToken.append(Int32(ti))
                            positionClause.append(clause)
                            positionSentence.append(sentence)
                            if isCue { cues.append(position) }
                            advance(position)
                        }
                    }
                }
            }
        }
    }

    /// Adds the term ids of every wildcard prefix the word starts with.
    private func prefixTerms(_ word: UnsafeBufferPointer<UInt8>) {
        var node: Int32 = 0
        for b in word {
            let child = book.prefixTrie.lookup(UInt64(UInt32(bitPattern: node)) << 8 | UInt64(b))
            if child < 0 { return }
            node = child
            let term = book.prefixTerm[Int(node)]
            if term >= 0 { tokenTerms.append(term) }
        }
    }

    /// Moves every partial phrase on by this word's terms, starts new ones, and records completed ones.
    private func advance(_ position: Int32) {
        nextActive.removeAll(keepingCapacity: true)
        if !tokenTerms.isEmpty {
            for term in tokenTerms {
                let t = UInt64(UInt32(bitPattern: term))
                let root = book.phraseTrie.lookup(t)
                if root >= 0 { reach(root, start: position, end: position) }
                for state in active {
                    let child = book.phraseTrie.lookup(UInt64(UInt32(bitPattern: state.node)) << 32 | t)
                    if child >= 0 { reach(child, start: state.start, end: position) }
                }
            }
        }
        swap(&active, &nextActive)
    }

    @inline(__always)
    private func reach(_ node: Int32, start: Int32, end: Int32) {
        if nextActive.count < Self.maxActive { nextActive.append(Active(node: node, start: start)) }
        let lower = Int(book.outputStart[Int(node)]), upper = Int(book.outputStart[Int(node) + 1])
        guard lower < upper else { return }
        for k in lower..<upper {
            let output = book.outputs[k]
            let unit = Int(output >> 2)
            if unitStamp[unit] != stamp {
                unitStamp[unit] = stamp
                unitHead[unit] = -1
                touched.append(Int32(unit))
            }
            hits.append(Hit(start: start, end: end, side: output & 3, next: unitHead[unit]))
            unitHead[unit] = Int32(hits.count - 1)
        }
    }

    /// Hyphens, slashes, apostrophes, ampersands and quotes join words; other punctuation ends a phrase.
    @inline(__always)
    static func isConnector(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.count == 1 {
            switch bytes[0] {
            case UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "'"), UInt8(ascii: "&"), UInt8(ascii: "+"),
                 UInt8(ascii: "\""), UInt8(ascii: "_"): return true
            default: return false
            }
        }
        // U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN, U+2018/U+201C/U+201D quotation marks.
        if bytes.count == 3, bytes[0] == 0xE2, bytes[1] == 0x80 {
            return [0x90, 0x91, 0x98, 0x9C, 0x9D].contains(bytes[2])
        }
        return false
    }

    /// "don't", "can't", "isn't": the contracted negation is part of the token.
    @inline(__always)
    static func endsWithNot(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        return n >= 4 && bytes[n - 3] == UInt8(ascii: "n") && bytes[n - 2] == UInt8(ascii: "'") && bytes[n - 1] == UInt8(ascii: "t")
    }

    // MARK: Occurrences

    /// Every match of `unit` in the current document, in text order.
    func occurrences(of unit: Int32, in document: Document) -> [Occurrence] {
        guard unitStamp[Int(unit)] == stamp else { return [] }
        var whole: [(Int32, Int32)] = [], left: [(Int32, Int32)] = [], right: [(Int32, Int32)] = []
        var h = unitHead[Int(unit)]
        while h >= 0 {
            let hit = hits[Int(h)]
            switch hit.side {
            case 0: whole.append((hit.start, hit.end))
            case 1: left.append((hit.start, hit.end))
            default: right.append((hit.start, hit.end))
            }
            h = hit.next
        }
        var result: [Occurrence] = []
        let u = book.units[Int(unit)]
        if u.distance == 0 {
            for (s, e) in whole { result.append(Occurrence(unit: unit, start: s, end: e, first: span(s, e, document), second: nil)) }
        } else {
            for (ls, le) in left {
                var best: (Int32, Int32, Int32)?
                for (rs, re) in right where positionSentence[Int(rs)] == positionSentence[Int(ls)] {
                    let gap: Int32
                    if rs > le { gap = rs - le - 1 } else if !u.ordered, re < ls { gap = ls - re - 1 } else { continue }
                    if gap <= u.distance, best == nil || gap < best!.2 { best = (rs, re, gap) }
                }
                guard let (rs, re, gap) = best else { continue }
                let (a, b) = rs > le ? ((ls, le), (rs, re)) : ((rs, re), (ls, le))
                if gap == 0 {
                    result.append(Occurrence(unit: unit, start: a.0, end: b.1, first: span(a.0, b.1, document), second: nil))
                } else {
                    result.append(Occurrence(unit: unit, start: a.0, end: b.1, first: span(a.0, a.1, document),
                                             second: span(b.0, b.1, document)))
                }
            }
        }
        result.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        var unique: [Occurrence] = []
        for o in result where unique.last.map({ $0.start != o.start || $0.end != o.end || $0.first != o.first }) ?? true {
            unique.append(o)
        }
        return unique
    }

    /// The bytes from the first to the last token of word positions `start...end`.
    private func span(_ start: Int32, _ end: Int32, _ document: Document) -> ByteSpan {
        let a = document.tokens[Int(positionToken[Int(start)])], b = document.tokens[Int(positionToken[Int(end)])]
        return ByteSpan(start: a.start, end: b.end)
    }

    func sentence(of o: Occurrence) -> Int32 { positionSentence[Int(o.start)] }

    /// The cue that negates an occurrence: within the window before it, in the same clause.
    func negationCue(before o: Occurrence) -> Int32? {
        var i = cues.count - 1
        while i >= 0 {
            let c = cues[i]
            if c < o.start {
                guard o.start - c <= book.negationWindow else { return nil }
                return positionClause[Int(c)] == positionClause[Int(o.start)] ? c : nil
            }
            i -= 1
        }
        return nil
    }

    func text(ofPosition p: Int32, in document: Document) -> String {
        document.text(of: document.tokens[Int(positionToken[Int(p)])])
    }

    var touchedUnits: [Int32] { touched }
}
