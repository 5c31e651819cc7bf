/// Chooses and scores the extract of a response that shows one of its codes.
public enum QuoteExtractor {
    static let ellipsis = "…"

    /// The quote for `code`, with its `stems`.
    public static func extract(code: Code, from document: Document, maxCharacters: Int, sequence: Int) -> Quote? {
        var memo = WindowMemo()
        guard let draft = draft(code: code, from: document, maxCharacters: maxCharacters, memo: &memo) else { return nil }
        var quote = quote(draft, code: code, from: document, sentiment: document.themeSentiment[code.theme] ?? document.sentiment,
                          sequence: sequence, memo: &memo)
        quote.stems = distinct(tokenStems(of: document), in: memo.entries[draft.entry].window)
        return quote
    }

    /// What an extract's text alone decides (its length, readability, text and stem keys): themes
    /// coded in the same sentences of one answer share it, so `memo` keeps it per window of that
    /// answer. A collector keeps one memo per worker and `reset`s it for each answer, so its
    /// buffers are reused.
    struct WindowMemo {
        struct Entry {
            var range: Range<Int>
            var window: Range<Int>
            var bodyScalars: Int
            var readability: Double
            /// Made when a quote of the window is kept (most candidates are not): `text(of:)`, and
            /// the collector's stem keys.
            var text: String?
            var stemKeys: [UInt64]?
        }
        var entries: [Entry] = []
        /// Scratch for one extract: its evidence-carrying sentences, and its evidence spans (from
        /// `draft`, for `quote`).
        var carrying: [(sentence: ByteSpan, weight: Double)] = []
        var spans: [Range<Int>] = []

        mutating func reset() { entries.removeAll(keepingCapacity: true) }
    }

    /// An extract scored but not yet made: its window is `memo.entries[entry]`, its evidence spans
    /// are in `memo.spans`.
    struct Draft {
        var entry: Int
        var clarity: Double
        var readability: Double
        /// The score its quote gets (before ranking).
        var score: Double { clarity + readability }
    }

    /// Chooses and scores the extract for `code`, without building its text, so that a candidate
    /// that cannot make a pool costs no `String`. Nil when there is no extract.
    static func draft(code: Code, from document: Document, maxCharacters: Int, memo: inout WindowMemo) -> Draft? {
        guard !code.evidence.isEmpty else { return nil }
        let bytes = document.utf8
        let limit = max(8, maxCharacters)
        // The sentences that carry evidence (with their evidence weight, in text order); without
        // sentence annotations, the whole text.
        memo.carrying.removeAll(keepingCapacity: true)
        for e in code.evidence {
            let sentence = document.sentences.isEmpty
                ? ByteSpan(start: 0, end: Int32(bytes.count)) : document.sentences[document.sentenceIndex(containing: e.span.start)]
            if let k = memo.carrying.firstIndex(where: { $0.sentence == sentence }) {
                memo.carrying[k].weight += max(e.weight, 0.001)
            } else {
                memo.carrying.append((sentence, max(e.weight, 0.001)))
            }
        }
        memo.carrying.sort { $0.sentence.start < $1.sentence.start }
        let carrying = memo.carrying
        var range = trimmed(bytes, Int(carrying[0].sentence.start)..<Int(carrying[carrying.count - 1].sentence.end))
        var scalars = scalarCount(bytes, range)
        if carrying.count > 1, scalars > limit {
            // Too long: keep the sentence with the most evidence (the first of equals).
            var best = 0
            for k in carrying.indices where carrying[k].weight > carrying[best].weight { best = k }
            range = trimmed(bytes, Int(carrying[best].sentence.start)..<Int(carrying[best].sentence.end))
            scalars = scalarCount(bytes, range)
        }
        var window = range
        if scalars > limit {
            window = trimWindow(bytes, range: range, evidence: code.evidence.map(\.span.range), limit: limit)
        }
        if window.isEmpty { return nil }
        let entry: Int
        if let hit = memo.entries.firstIndex(where: { $0.range == range && $0.window == window }) {
            entry = hit
        } else {
            entry = memo.entries.count
            memo.entries.append(windowEntry(bytes, range: range, window: window, limit: limit))
        }
        let known = memo.entries[entry]
        let shift = window.lowerBound > range.lowerBound ? 1 : 0
        memo.spans.removeAll(keepingCapacity: true)
        for e in code.evidence {
            let a = max(Int(e.span.start), window.lowerBound), b = min(Int(e.span.end), window.upperBound)
            guard a < b else { continue }
            let s = scalarCount(bytes, window.lowerBound..<a) + shift
            let end = min(s + scalarCount(bytes, a..<b), shift + known.bodyScalars)
            guard s < end else { continue }
            memo.spans.append(s..<end)
        }
        guard !memo.spans.isEmpty else { return nil }
        let clarity = 0.5 * strength(of: code) + 0.5 * Double(memo.spans.count) / Double(code.evidence.count)
        return Draft(entry: entry, clarity: clarity, readability: known.readability)
    }

    /// The quote of `draft` (the last one `draft` made with `memo`), without `stems` or `stemKeys`.
    static func quote(_ draft: Draft, code: Code, from document: Document, sentiment: Sentiment?, sequence: Int,
                      memo: inout WindowMemo) -> Quote {
        let text = memo.entries[draft.entry].text ?? text(of: memo.entries[draft.entry], in: document.utf8)
        memo.entries[draft.entry].text = text
        var quote = Quote(
            theme: code.theme, id: document.response.id, question: document.response.question, text: text,
            evidence: memo.spans, sentiment: sentiment, score: draft.score, sequence: sequence)
        if let respondent = document.response.metadata("respondent")?.scalarText, !respondent.isEmpty {
            quote.respondent = respondent
        } else {
            quote.respondent = document.response.id
        }
        quote.clarity = draft.clarity
        quote.readability = draft.readability
        return quote
    }

    /// The highest score an extract for `code` can get: full coverage and full readability. Computed
    /// in the same order as the real score, so rounding cannot put the real one above it.
    static func bestScore(of code: Code) -> Double { (0.5 * strength(of: code) + 0.5) + 1.0 }

    /// How strongly the code's rules fired, 0…1 (a score of 3 or more is full strength).
    static func strength(of code: Code) -> Double { min(max(code.score, 0), 3) / 3 }

    /// The text-only part of an extract of `window` (cut from `range`), but for its text and stems.
    static func windowEntry(_ bytes: [UInt8], range: Range<Int>, window: Range<Int>, limit: Int) -> WindowMemo.Entry {
        let trimmedStart = window.lowerBound > range.lowerBound, trimmedEnd = window.upperBound < range.upperBound
        // Counted on the bytes: counting a String's scalars walks it again each time.
        let bodyScalars = scalarCount(bytes, window)
        let wholeAnswer = window == trimmed(bytes, 0..<bytes.count)
        if bodyScalars + (trimmedStart ? 1 : 0) + (trimmedEnd ? 1 : 0) > limit {
            // A single word longer than the limit: cut between characters, the only way left.
            var kept = ""
            var scalars = 0
            for ch in String(decoding: bytes[window], as: UTF8.self) {
                let n = ch.unicodeScalars.count
                if scalars + n > limit - 1 - (trimmedStart ? 1 : 0) { break }
                kept.append(ch)
                scalars += n
            }
            return WindowMemo.Entry(
                range: range, window: window, bodyScalars: scalars,
                readability: readability(body: ArraySlice(kept.utf8), scalars: scalars, trimmedStart: trimmedStart, trimmedEnd: true,
                                         wholeAnswer: wholeAnswer),
                text: (trimmedStart ? ellipsis : "") + kept + ellipsis)
        }
        return WindowMemo.Entry(
            range: range, window: window, bodyScalars: bodyScalars,
            readability: readability(body: bytes[window], scalars: bodyScalars, trimmedStart: trimmedStart, trimmedEnd: trimmedEnd,
                                     wholeAnswer: wholeAnswer))
    }

    /// The extract's text: the window, with "…" where it cuts its range.
    static func text(of entry: WindowMemo.Entry, in bytes: [UInt8]) -> String {
        let prefix = entry.window.lowerBound > entry.range.lowerBound ? ellipsis : ""
        let suffix = entry.window.upperBound < entry.range.upperBound ? ellipsis : ""
        return prefix + String(decoding: bytes[entry.window], as: UTF8.self) + suffix
    }

    // MARK: Scoring

    /// Words that leave a quote leaning on what came before it.
    static let dependentOpeners: Set<String> = [
        "it", "this", "that", "these", "those", "they", "them", "he", "she", "and", "but", "also", "so", "or",
        "which", "as", "then", "however", "though", "although", "because", "yes", "no",
    ]
    /// The same as `wordKey`s (none is longer than 8 letters): the opening word of every extract
    /// is looked up, and this needs no `String` for it.
    static let dependentOpenerKeys = Set(dependentOpeners.map { wordKey(ArraySlice($0.utf8)) })

    /// 0…1: a quotable length, whole sentences, a capital start and a full stop, no dangling opener;
    /// an extract that is the whole answer stands on its own best.
    public static func readability(body: String, trimmedStart: Bool, trimmedEnd: Bool, wholeAnswer: Bool, limit: Int) -> Double {
        readability(body: ArraySlice(body.utf8), scalars: body.unicodeScalars.count, trimmedStart: trimmedStart,
                    trimmedEnd: trimmedEnd, wholeAnswer: wholeAnswer)
    }

    /// The same on the extract's UTF-8 bytes and scalar count, without building a `String`.
    static func readability(body: ArraySlice<UInt8>, scalars: Int, trimmedStart: Bool, trimmedEnd: Bool, wholeAnswer: Bool) -> Double {
        let length = Double(scalars)
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
        // ASCII answers the Unicode property without looking it up.
        if let first = firstScalar(body), first.isASCII ? (0x61...0x7A).contains(first.value) : first.properties.isLowercase {
            score -= 0.1
        }
        if !trimmedEnd, let last = lastScalar(body), !".!?\"”’')…".unicodeScalars.contains(last) { score -= 0.05 }
        if let opener = openingWordKey(body), dependentOpenerKeys.contains(opener) { score -= 0.15 }
        // Mostly symbols, digits or list marks reads badly; non-ASCII characters count as letters
        // (a cheap stand-in for the Unicode letter property, which is slow to look up).
        // Counted branch-free on the raw bytes, so that the compiler can vectorise the loop.
        let letters = body.withUnsafeBufferPointer { bytes in
            var n = 0
            for i in bytes.indices {
                // A-Z or a-z: setting bit 5 maps A-Z onto a-z, and nothing else onto them.
                let letter: Int = (bytes[i] | 0x20) &- 0x61 < 26 ? 1 : 0
                let nonASCII: Int = bytes[i] >= 0xC0 ? 1 : 0
                n &+= letter | nonASCII
            }
            return n
        }
        if length > 0, Double(letters) / length < 0.6 { score -= 0.2 }
        return min(1, max(0, score)) * 0.85 + (wholeAnswer ? 0.15 : 0)
    }

    /// The `wordKey` of the first word when it is at most 8 ASCII letters (every dependent opener
    /// is): after white space, a run of letters ended by anything but another letter. Nil otherwise.
    static func openingWordKey(_ body: ArraySlice<UInt8>) -> UInt64? {
        var i = body.startIndex
        while i < body.endIndex, isSpace(body[i]) { i += 1 }
        let start = i
        while i < body.endIndex, (body[i] | 0x20) >= 0x61, (body[i] | 0x20) <= 0x7A { i += 1 }
        guard i > start, i - start <= 8 else { return nil }
        // A non-ASCII letter right after ("itä") makes a longer word that is no opener.
        if i < body.endIndex, body[i] >= 0x80, let next = firstScalar(body[i...]), next.properties.isAlphabetic { return nil }
        return wordKey(body[start..<i])
    }

    /// Up to 8 ASCII letters, lower-cased, as a number (a byte each).
    static func wordKey(_ letters: ArraySlice<UInt8>) -> UInt64 {
        var key: UInt64 = 0
        for b in letters { key = key << 8 | UInt64(b | 0x20) }
        return key
    }

    static func firstScalar(_ bytes: ArraySlice<UInt8>) -> Unicode.Scalar? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        if case let .scalarValue(s) = decoder.decode(&iterator) { return s }
        return nil
    }

    static func lastScalar(_ bytes: ArraySlice<UInt8>) -> Unicode.Scalar? {
        var start = bytes.endIndex
        while start > bytes.startIndex {
            start -= 1
            if bytes[start] & 0xC0 != 0x80 { break }
        }
        return firstScalar(bytes[start...])
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
        func nextIsSpace(_ i: Int) -> Bool { i + 1 < hi && isSpace(bytes[i + 1]) }
        var i = lo
        // Most bytes are none of the marks: the switch settles them with no look around.
        while i < hi {
            switch bytes[i] {
            case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: ")"):
                if nextIsSpace(i) { cuts.append((i + 1, skipSpaces(i + 1))) }
            case UInt8(ascii: "("):
                if i > lo, isSpace(bytes[i - 1]) { cuts.append((backSpaces(i), i)) }
            case UInt8(ascii: "-"):
                if i > lo, isSpace(bytes[i - 1]), nextIsSpace(i) { cuts.append((backSpaces(i), skipSpaces(i + 1))) }
            case 0xE2:
                if i + 2 < hi, bytes[i + 1] == 0x80, bytes[i + 2] == 0x93 || bytes[i + 2] == 0x94 {
                    // En or em dash.
                    cuts.append((backSpaces(i), skipSpaces(i + 3)))
                    i += 3
                    continue
                }
            default:
                break
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

    /// Called for every candidate window and, while trimming, for every cut tried, so it counts
    /// 8 bytes at a time: every byte but a continuation byte (10xxxxxx) starts a scalar.
    static func scalarCount(_ bytes: [UInt8], _ range: Range<Int>) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            let part = UnsafeBufferPointer(rebasing: buffer[range])
            guard let base = part.baseAddress else { return 0 }
            var continuations = 0, i = 0
            while i + 8 <= part.count {
                let w = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i, as: UInt64.self)
                // Bit 7 of each byte: set, with bit 6 (shifted up onto it) clear.
                let marks = w & ~(w << 1) & 0x8080_8080_8080_8080
                // The marks as 0 or 1 per byte, summed into the top byte by the multiply.
                continuations &+= Int(truncatingIfNeeded: ((marks >> 7) &* 0x0101_0101_0101_0101) >> 56)
                i += 8
            }
            while i < part.count {
                if part[i] & 0xC0 == 0x80 { continuations += 1 }
                i += 1
            }
            return part.count - continuations
        }
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
