import VerbatimCore

/// The per-worker side of the codebook: scans a document's tokens once against the compiled
/// codebook, then weighs, vetoes and negates only the units that were hit.
final class CodebookMatcher: StageProcessor {
    let book: CompiledCodebook
    let stageName: String
    /// Reused from document to document. Taken out of the object while a document is processed, so
    /// the hot loops work on a local struct (no dynamic exclusivity checks, no retains per access).
    private var scratch: MatchScratch?

    init(book: CompiledCodebook, stageName: String) {
        self.book = book
        self.stageName = stageName
        scratch = MatchScratch(unitCount: book.units.count)
    }

    func process(_ document: inout Document) throws {
        // Moved out and back, not copied: the arrays stay uniquely referenced, so nothing is copied.
        var s = scratch!
        scratch = nil
        defer { scratch = s }
        s.begin()
        s.scan(document, book)
        var codes: [Code] = []
        var notes: [String] = []
        if !s.touched.isEmpty { s.evaluate(document, book, codes: &codes, notes: &notes) }
        if document.collectTrace {
            for note in notes { document.trace.append(Trace(stage: stageName, message: note)) }
        }
        if document.codes.isEmpty {
            document.codes = codes
        } else if !codes.isEmpty {
            // Stacked codebooks: keep earlier stages' codes, all sorted by theme id. Without
            // namespaces, two codebooks may share a theme id: their codes merge into one, with the
            // evidence of both and the sum of the scores.
            var merged = document.codes
            for code in codes {
                if let k = merged.firstIndex(where: { $0.theme == code.theme }) {
                    merged[k].score += code.score
                    merged[k].evidence = (merged[k].evidence + code.evidence).sorted { $0.span < $1.span }
                } else {
                    merged.append(code)
                }
            }
            document.codes = merged.sorted { $0.theme < $1.theme }
        }
        document.assigned.insert(.codes)
    }
}

/// One match of a unit: word positions and one or two byte spans (two for NEAR sides apart).
struct Occurrence {
    var unit: Int32
    var rule: Int32
    var start: Int32
    var end: Int32
    var first: ByteSpan
    var second: ByteSpan?
}

/// Scratch state of one worker. Per-unit arrays are reset by stamping, not clearing, so a document
/// costs what its hits cost, not what the codebook's size costs.
struct MatchScratch {
    // Word positions of the current document: non-ignored word-like tokens.
    var positionToken: [Int32] = []
    var positionClause: [Int32] = []
    var positionSentence: [Int32] = []
    var cues: [Int32] = []

    struct Active {
        var node: Int32
        var start: Int32
    }
    var active: [Active] = []
    var nextActive: [Active] = []
    var tokenTerms: [Int32] = []
    var wordTerms = WordTermCache()
    static let maxActive = 512

    struct Hit {
        var start: Int32
        var end: Int32
        var side: Int32
        /// The previous hit of the same unit, or -1.
        var next: Int32
    }
    var hits: [Hit] = []
    var unitHead: [Int32]
    var unitStamp: [UInt32]
    var touched: [Int32] = []
    var stamp: UInt32 = 0

    // Evaluation buffers.
    var occurrences: [Occurrence] = []
    var accepted: [Int32] = []
    var left: [(Int32, Int32)] = []
    var right: [(Int32, Int32)] = []
    /// Exclusion matches, computed once per document for the exclusion units a trigger needs.
    var exclusionOccurrences: [Occurrence] = []
    var exclusionStamp: [UInt32]
    var exclusionRange: [Range<Int32>]

    init(unitCount: Int) {
        unitHead = [Int32](repeating: -1, count: unitCount)
        unitStamp = [UInt32](repeating: 0, count: unitCount)
        exclusionStamp = [UInt32](repeating: 0, count: unitCount)
        exclusionRange = [Range<Int32>](repeating: 0..<0, count: unitCount)
    }

    mutating func begin() {
        stamp &+= 1
        if stamp == 0 {
            for i in unitStamp.indices { unitStamp[i] = 0 }
            for i in exclusionStamp.indices { exclusionStamp[i] = 0 }
            stamp = 1
        }
        hits.removeAll(keepingCapacity: true)
        touched.removeAll(keepingCapacity: true)
        exclusionOccurrences.removeAll(keepingCapacity: true)
    }

    // MARK: Scanning

    mutating func scan(_ document: Document, _ book: CompiledCodebook) {
        positionToken.removeAll(keepingCapacity: true)
        positionClause.removeAll(keepingCapacity: true)
        positionSentence.removeAll(keepingCapacity: true)
        cues.removeAll(keepingCapacity: true)
        active.removeAll(keepingCapacity: true)
        var clause: Int32 = 0
        var sentence: Int32 = -1
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
                            let stem = token.stemEnd > token.stemStart
                                ? UnsafeBufferPointer(rebasing: stemPool[Int(token.stemStart)..<Int(token.stemEnd)]) : normalized
                            let raw = UnsafeBufferPointer(rebasing: text[Int(token.start)..<Int(token.end)])
                            let flags = terms(of: raw, normalized: normalized, stem: stem, book)
                            if flags & CompiledCodebook.WordFlag.ignored != 0 { continue }
                            if flags & CompiledCodebook.WordFlag.breaker != 0 { clause += 1 }
                            let isCue = flags & CompiledCodebook.WordFlag.cue != 0 || Self.endsWithNot(normalized)
                            let position = Int32(positionToken.count)
                            positionToken.append(Int32(ti))
                            positionClause.append(clause)
                            positionSentence.append(sentence)
                            if isCue { cues.append(position) }
                            advance(position, book)
                        }
                    }
                }
            }
        }
    }

    /// Sets `tokenTerms` to the term ids of a word (stem, folded and exact forms, wildcard prefixes)
    /// and returns its flags (ignored, negation cue, cue breaker). Memoised per worker by the word as
    /// written and its stem (the normalised form follows from the first): survey vocabularies are
    /// small, so nearly every word after the first few hundred answers costs one lookup here.
    private mutating func terms(of raw: UnsafeBufferPointer<UInt8>, normalized: UnsafeBufferPointer<UInt8>,
                                stem: UnsafeBufferPointer<UInt8>, _ book: CompiledCodebook) -> Int32 {
        let hash = WordTermCache.hash(raw, stem)
        let cached = wordTerms.find(hash: hash, raw, stem)
        tokenTerms.removeAll(keepingCapacity: true)
        if cached >= 0 { return wordTerms.read(cached, into: &tokenTerms) }
        var flags: Int32 = 0
        let folded = book.terms.lookup(kind: CompiledCodebook.KeyKind.folded, normalized)
        if folded >= 0 {
            flags = folded & ~CompiledCodebook.WordFlag.termMask
            let id = folded & CompiledCodebook.WordFlag.termMask
            if id > 0 { tokenTerms.append(id - 1) }
        }
        let s = book.terms.lookup(kind: CompiledCodebook.KeyKind.stem, stem)
        if s >= 0 { tokenTerms.append(s) }
        if book.hasSurfaceKeys {
            let t = book.terms.lookup(kind: CompiledCodebook.KeyKind.surface, raw)
            if t >= 0 { tokenTerms.append(t) }
        }
        if book.usesPrefixes { prefixTerms(normalized, book) }
        wordTerms.insert(hash: hash, raw, stem, flags: flags, terms: tokenTerms)
        return flags
    }

    /// Adds the term ids of every wildcard prefix the word starts with.
    private mutating func prefixTerms(_ word: UnsafeBufferPointer<UInt8>, _ book: CompiledCodebook) {
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
    private mutating func advance(_ position: Int32, _ book: CompiledCodebook) {
        nextActive.removeAll(keepingCapacity: true)
        for term in tokenTerms {
            let t = UInt64(UInt32(bitPattern: term))
            let root = book.rootChild[Int(term)]
            if root >= 0 { reach(root, start: position, end: position, book) }
            for state in active {
                let child = book.phraseTrie.lookup(UInt64(UInt32(bitPattern: state.node)) << 32 | t)
                if child >= 0 { reach(child, start: state.start, end: position, book) }
            }
        }
        swap(&active, &nextActive)
    }

    @inline(__always)
    private mutating func reach(_ node: Int32, start: Int32, end: Int32, _ book: CompiledCodebook) {
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
            switch bytes[2] {
            case 0x90, 0x91, 0x98, 0x9C, 0x9D: return true
            default: return false
            }
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

    /// Appends every match of `unit` in the current document to `output`.
    mutating func appendOccurrences(of unit: Int32, _ document: Document, _ book: CompiledCodebook, to output: inout [Occurrence]) {
        guard unitStamp[Int(unit)] == stamp else { return }
        let rule = book.hot.unitOwner[Int(unit)]
        let distance = book.hot.unitDistance[Int(unit)]
        var h = unitHead[Int(unit)]
        if distance == 0 {
            while h >= 0 {
                let hit = hits[Int(h)]
                output.append(Occurrence(unit: unit, rule: rule, start: hit.start, end: hit.end,
                                         first: span(hit.start, hit.end, document), second: nil))
                h = hit.next
            }
            return
        }
        left.removeAll(keepingCapacity: true)
        right.removeAll(keepingCapacity: true)
        while h >= 0 {
            let hit = hits[Int(h)]
            if hit.side == 1 { left.append((hit.start, hit.end)) } else { right.append((hit.start, hit.end)) }
            h = hit.next
        }
        let ordered = book.hot.unitOrdered[Int(unit)]
        // Each left match pairs with its nearest right match in the same sentence.
        for (ls, le) in left {
            var best: (Int32, Int32, Int32)?
            for (rs, re) in right where positionSentence[Int(rs)] == positionSentence[Int(ls)] {
                let gap: Int32
                if rs > le { gap = rs - le - 1 } else if !ordered, re < ls { gap = ls - re - 1 } else { continue }
                if gap <= distance, best == nil || gap < best!.2 { best = (rs, re, gap) }
            }
            guard let (rs, re, gap) = best else { continue }
            let (a, b) = rs > le ? ((ls, le), (rs, re)) : ((rs, re), (ls, le))
            if gap == 0 {
                output.append(Occurrence(unit: unit, rule: rule, start: a.0, end: b.1, first: span(a.0, b.1, document), second: nil))
            } else {
                output.append(Occurrence(unit: unit, rule: rule, start: a.0, end: b.1, first: span(a.0, a.1, document),
                                         second: span(b.0, b.1, document)))
            }
        }
    }

    /// The bytes from the first to the last token of word positions `start...end`.
    @inline(__always)
    func span(_ start: Int32, _ end: Int32, _ document: Document) -> ByteSpan {
        ByteSpan(start: document.tokens[Int(positionToken[Int(start)])].start, end: document.tokens[Int(positionToken[Int(end)])].end)
    }

    @inline(__always)
    func sentence(of o: Occurrence) -> Int32 { positionSentence[Int(o.start)] }

    /// The cue that negates an occurrence: within the window before it, in the same clause.
    @inline(__always)
    func negationCue(before o: Occurrence, window: Int32) -> Int32? {
        var i = cues.count - 1
        while i >= 0 {
            let c = cues[i]
            if c < o.start {
                guard o.start - c <= window else { return nil }
                return positionClause[Int(c)] == positionClause[Int(o.start)] ? c : nil
            }
            i -= 1
        }
        return nil
    }

    func text(ofPosition p: Int32, in document: Document) -> String {
        document.text(of: document.tokens[Int(positionToken[Int(p)])])
    }
}
