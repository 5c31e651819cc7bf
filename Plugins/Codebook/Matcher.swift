import VerbatimCore

/// The per-worker side of the codebook: scans a document's tokens once against the compiled
/// codebook, then weighs, vetoes and negates only the units that were hit.
final class CodebookMatcher: StageProcessor {
    let book: CompiledCodebook
    let stageName: String
    /// Reused from document to document; one mutating call per document, so the hot loops work on
    /// the struct in place (no exclusivity checks or retains per access).
    private var scratch: MatchScratch

    init(book: CompiledCodebook, stageName: String) {
        self.book = book
        self.stageName = stageName
        scratch = MatchScratch(unitCount: book.units.count)
        scratch.takeOwnStrings(of: book)
    }

    func process(_ document: inout Document) throws {
        var codes: [Code] = []
        var notes: [String] = []
        scratch.match(document, book, codes: &codes, notes: &notes)
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

/// Scratch state of one worker, kept from document to document so that its buffers keep their memory.
struct MatchScratch: ~Copyable {
    var hits: DocumentHits

    // Scanning: partial phrases at the current word, and the term ids of a word the memo did not know.
    struct Active {
        var node: Int32
        var start: Int32
    }
    var active = ScratchBuffer<Active>()
    var nextActive = ScratchBuffer<Active>()
    /// Partial phrases reached at the current word, leaves included: at most `maxActive` are kept,
    /// counted as if leaves were kept too, so the cap drops exactly what it always dropped.
    var reached = 0
    var tokenTerms = ScratchBuffer<Int32>(capacity: 16)
    var wordTerms = WordTermCache()
    /// The same by word number (`Token.wordNumber`), for the words written as their normalised form
    /// (whose terms follow from that form and the stem, which a number stands for): a 32-byte slot
    /// of an array instead of a hash probe. Terms beyond the slot's room are in `numberedTerms`.
    struct NumberedWord {
        /// The word's flags, with its number of terms in the low byte.
        var flagsAndCount: Int32
        /// Up to `inlineTerms` term ids in place; for more, `terms.0` is where they start in `numberedTerms`.
        var terms: (Int32, Int32, Int32, Int32, Int32, Int32)
        static var inlineTerms: Int { 6 }
        static var termsOffset: Int { MemoryLayout<Int32>.stride }
    }
    var numberedWords = WordNumberMemo<NumberedWord>()
    var numberedTerms = ScratchBuffer<Int32>(capacity: 256)
    static let maxActive = 512

    // Evaluation: the trigger matches, those that count, and one theme's evidence.
    var found = ScratchBuffer<Occurrence>()
    var accepted = ScratchBuffer<Occurrence>()
    var evidence = ScratchBuffer<EvidenceEntry>()
    /// Exclusion matches, computed once per document for the exclusion units a trigger needs.
    var exclusionOccurrences = ScratchBuffer<Occurrence>()
    var exclusionStamp: ScratchBuffer<UInt32>
    var exclusionRange: ScratchBuffer<Range<Int32>>

    /// The theme ids and rule names that codes and evidence carry, copied for this worker alone.
    /// Every code and evidence retains one, and a reference count that two cores update in turn
    /// bounces its cache line between them: with the codebook's own strings, each worker's
    /// retains and releases waited on the other's.
    var themeIDs: [String] = []
    var unitDisplay: [String] = []

    mutating func takeOwnStrings(of book: CompiledCodebook) {
        func own(_ s: String) -> String { String(decoding: Array(s.utf8), as: UTF8.self) }
        themeIDs = book.themes.map { own($0.info.id) }
        unitDisplay = book.unitDisplay.map(own)
    }

    init(unitCount: Int) {
        hits = DocumentHits(unitCount: unitCount)
        exclusionStamp = ScratchBuffer(repeating: 0, count: unitCount)
        exclusionRange = ScratchBuffer(repeating: 0..<0, count: unitCount)
    }

    /// Codes one document: `codes` in theme order, trace notes in `notes` (only when it collects a trace).
    mutating func match(_ document: Document, _ book: CompiledCodebook, codes: inout [Code], notes: inout [String]) {
        if !hits.begin() {
            // The stamps wrapped around and restarted: so do the exclusion stamps.
            for i in 0..<exclusionStamp.count { exclusionStamp[i] = 0 }
        }
        exclusionOccurrences.removeAll()
        scan(document, book)
        if !hits.touched.isEmpty { evaluate(document, book, codes: &codes, notes: &notes) }
    }

    // MARK: Scanning

    private mutating func scan(_ document: Document, _ book: CompiledCodebook) {
        active.removeAll()
        var clause: Int32 = 0
        var sentence: Int32 = -1
        let numbered = enterNumbering(document.wordNumberSpace)
        document.tokens.withUnsafeBufferPointer { tokens in
            document.normalizedPool.withUnsafeBufferPointer { normalizedPool in
                document.stemPool.withUnsafeBufferPointer { stemPool in
                    document.utf8.withUnsafeBufferPointer { text in
                        for token in tokens {
                            if token.sentence != sentence {
                                sentence = token.sentence
                                clause += 1
                                active.removeAll()
                            }
                            let normalized = UnsafeBufferPointer(rebasing: normalizedPool[Int(token.normalizedStart)..<Int(token.normalizedEnd)])
                            if token.kind == .punctuation {
                                if !Self.isConnector(normalized) {
                                    clause += 1
                                    active.removeAll()
                                }
                                continue
                            }
                            let raw = UnsafeBufferPointer(rebasing: text[Int(token.start)..<Int(token.end)])
                            // A case-sensitive term matches a word as written; a word written as
                            // its normalised form matches the same ones whatever its number.
                            let byNumber = numbered && token.wordNumber >= 0 && (!book.hasSurfaceKeys || ByteHash.equal(raw, normalized))
                            let word: WordTermCache.Word
                            if byNumber, let known = numberedWords.find(token.wordNumber) {
                                word = numberedWord(known)
                            } else {
                                let stem = token.stemEnd > token.stemStart
                                    ? UnsafeBufferPointer(rebasing: stemPool[Int(token.stemStart)..<Int(token.stemEnd)]) : normalized
                                word = wordTerms.lookup(raw, stem: stem) ?? learn(raw, normalized: normalized, stem: stem, book)
                                if byNumber { rememberNumbered(token.wordNumber, word) }
                            }
                            if word.flags & CompiledCodebook.WordFlag.ignored != 0 { continue }
                            if word.flags & CompiledCodebook.WordFlag.breaker != 0 { clause += 1 }
                            // Fewer positions than tokens, whose byte offsets are Int32.
                            let position = Int32(truncatingIfNeeded: hits.positions.count)
                            hits.addPosition(ByteSpan(start: token.start, end: token.end), clause: clause, sentence: sentence,
                                             isCue: word.flags & CompiledCodebook.WordFlag.cue != 0)
                            // A word without terms ends every partial phrase and starts none.
                            if word.terms.isEmpty { active.removeAll() } else { advance(position, word.terms, book) }
                        }
                    }
                }
            }
        }
    }

    /// A numbered word's flags and terms, read in its slot (valid until the memo next changes).
    @inline(__always)
    private func numberedWord(_ slot: UnsafePointer<NumberedWord>) -> WordTermCache.Word {
        let count = Int(slot.pointee.flagsAndCount & 0xFF)
        let terms = count <= NumberedWord.inlineTerms
            ? UnsafeRawPointer(slot).advanced(by: NumberedWord.termsOffset).assumingMemoryBound(to: Int32.self)
            : numberedTerms.elements.baseAddress! + Int(slot.pointee.terms.0)
        return WordTermCache.Word(flags: slot.pointee.flagsAndCount & ~0xFF, terms: UnsafeBufferPointer(start: terms, count: count))
    }

    private mutating func rememberNumbered(_ number: Int32, _ word: WordTermCache.Word) {
        // The flags are high bits; a word with 255 terms or more is not kept, and nor is a number
        // the memo would not keep (its terms would pile up in the pool, once per occurrence).
        guard word.terms.count < 0xFF, Int(number) < numberedWords.limit else { return }
        var entry = NumberedWord(flagsAndCount: word.flags | Int32(word.terms.count), terms: (0, 0, 0, 0, 0, 0))
        if word.terms.count <= NumberedWord.inlineTerms {
            withUnsafeMutableBytes(of: &entry.terms) { inline in
                for (k, term) in word.terms.enumerated() { inline.storeBytes(of: term, toByteOffset: 4 * k, as: Int32.self) }
            }
        } else {
            entry.terms.0 = Int32(numberedTerms.count)
            numberedTerms.append(contentsOf: word.terms)
        }
        numberedWords.insert(number, entry)
    }

    /// Starts a document numbered in `space`; whether its word numbers can be used.
    private mutating func enterNumbering(_ space: UInt64) -> Bool {
        if space != numberedWords.space { numberedTerms.removeAll() }
        return numberedWords.enter(space)
    }

    /// The flags (ignored, negation cue, cue breaker) and term ids (stem, folded and exact forms,
    /// wildcard prefixes) of a word the memo does not know, which it then keeps: survey
    /// vocabularies are small, so nearly every word after the first few hundred answers is a memo
    /// hit. The term ids are valid until the memo next changes.
    private mutating func learn(_ raw: UnsafeBufferPointer<UInt8>, normalized: UnsafeBufferPointer<UInt8>,
                                stem: UnsafeBufferPointer<UInt8>, _ book: CompiledCodebook) -> WordTermCache.Word {
        tokenTerms.removeAll()
        var flags: Int32 = 0
        let folded = book.terms.lookup(kind: CompiledCodebook.KeyKind.folded, normalized)
        if folded >= 0 {
            flags = folded & ~CompiledCodebook.WordFlag.termMask
            let id = folded & CompiledCodebook.WordFlag.termMask
            if id > 0 { tokenTerms.append(id - 1) }
        }
        // "don't", "can't": a contracted negation is a cue whatever the codebook lists.
        if Self.endsWithNot(normalized) { flags |= CompiledCodebook.WordFlag.cue }
        let s = book.terms.lookup(kind: CompiledCodebook.KeyKind.stem, stem)
        if s >= 0 { tokenTerms.append(s) }
        if book.hasSurfaceKeys {
            let t = book.terms.lookup(kind: CompiledCodebook.KeyKind.surface, raw)
            if t >= 0 { tokenTerms.append(t) }
        }
        if book.usesPrefixes { prefixTerms(normalized, book) }
        wordTerms.insert(raw, stem: stem, flags: flags, terms: tokenTerms.elements)
        return WordTermCache.Word(flags: flags, terms: tokenTerms.elements)
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
    /// Inlined into the scan: it runs for most words, and as a call it cost a third of its work.
    @inline(__always)
    private mutating func advance(_ position: Int32, _ terms: UnsafeBufferPointer<Int32>, _ book: CompiledCodebook) {
        nextActive.removeAll()
        reached = 0
        for term in terms {
            let root = book.rootChild[Int(term)]
            if root >= 0 { reach(root, start: position, end: position, book) }
            for j in 0..<active.count {
                let state = active[j]
                let child = book.phraseTrie.lookup(UInt64(UInt32(bitPattern: state.node)) << 32 | UInt64(UInt32(bitPattern: term)))
                if child >= 0 { reach(child, start: state.start, end: position, book) }
            }
        }
        swap(&active, &nextActive)
    }

    @inline(__always)
    private mutating func reach(_ node: Int32, start: Int32, end: Int32, _ book: CompiledCodebook) {
        if reached < Self.maxActive {
            reached += 1
            if book.nodeHasChildren[Int(node)] { nextActive.append(Active(node: node, start: start)) }
        }
        for k in Int(book.outputStart[Int(node)])..<Int(book.outputStart[Int(node) + 1]) {
            let output = book.outputs[k]
            hits.add(unit: Int(output >> 2), side: output & 3, start: start, end: end)
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
}
