/// Chooses and scores the extract of a response that shows one of its codes.
public enum QuoteExtractor {
    static let ellipsis = "…"

    public static func extract(code: Code, from document: Document, maxCharacters: Int, sequence: Int) -> Quote? {
        extract(code: code, from: document, maxCharacters: maxCharacters, sequence: sequence, stemKeys: nil)
    }

    /// With `stemKeys` (the keys of the document's word stems, from `tokenStemKeys`) the quote gets
    /// `stemKeys`; without, it gets `stems`.
    static func extract(code: Code, from document: Document, maxCharacters: Int, sequence: Int, stemKeys: [TokenStemKey]?) -> Quote? {
        var memo = WindowMemo()
        return extract(code: code, from: document, maxCharacters: maxCharacters, sequence: sequence, stemKeys: stemKeys, memo: &memo)
    }

    /// What an extract's text alone decides (its text, length, readability and stems): themes coded
    /// in the same sentences of one answer share it, so `memo` keeps it per window of that answer.
    struct WindowMemo {
        struct Entry {
            var range: Range<Int>
            var window: Range<Int>
            var text: String
            var bodyScalars: Int
            var readability: Double
            var stemKeys: [UInt64]
            var stems: [String]
        }
        var entries: [Entry] = []
    }

    static func extract(code: Code, from document: Document, maxCharacters: Int, sequence: Int, stemKeys: [TokenStemKey]?,
                        memo: inout WindowMemo) -> Quote? {
        guard !code.evidence.isEmpty else { return nil }
        let bytes = document.utf8
        let limit = max(8, maxCharacters)
        // The sentences that carry evidence (with their evidence weight, in text order); without
        // sentence annotations, the whole text.
        var carrying: [(sentence: ByteSpan, weight: Double)] = []
        for e in code.evidence {
            let sentence = document.sentences.isEmpty
                ? ByteSpan(start: 0, end: Int32(bytes.count)) : document.sentences[document.sentenceIndex(containing: e.span.start)]
            if let k = carrying.firstIndex(where: { $0.sentence == sentence }) {
                carrying[k].weight += max(e.weight, 0.001)
            } else {
                carrying.append((sentence, max(e.weight, 0.001)))
            }
        }
        carrying.sort { $0.sentence.start < $1.sentence.start }
        var range = trimmed(bytes, Int(carrying[0].sentence.start)..<Int(carrying[carrying.count - 1].sentence.end))
        if carrying.count > 1, scalarCount(bytes, range) > limit {
            // Too long: keep the sentence with the most evidence (the first of equals).
            var best = 0
            for k in carrying.indices where carrying[k].weight > carrying[best].weight { best = k }
            range = trimmed(bytes, Int(carrying[best].sentence.start)..<Int(carrying[best].sentence.end))
        }
        var window = range
        if scalarCount(bytes, range) > limit {
            window = trimWindow(bytes, range: range, evidence: code.evidence.map(\.span.range), limit: limit)
        }
        if window.isEmpty { return nil }
        let trimmedStart = window.lowerBound > range.lowerBound
        let known: WindowMemo.Entry
        if let hit = memo.entries.first(where: { $0.range == range && $0.window == window }) {
            known = hit
        } else {
            known = windowEntry(document, range: range, window: window, limit: limit, stemKeys: stemKeys)
            memo.entries.append(known)
        }
        let shift = trimmedStart ? 1 : 0
        var spans: [Range<Int>] = []
        var covered = 0
        for e in code.evidence {
            let a = max(Int(e.span.start), window.lowerBound), b = min(Int(e.span.end), window.upperBound)
            guard a < b else { continue }
            let s = scalarCount(bytes, window.lowerBound..<a) + shift
            let end = min(s + scalarCount(bytes, a..<b), shift + known.bodyScalars)
            guard s < end else { continue }
            spans.append(s..<end)
            covered += 1
        }
        guard !spans.isEmpty else { return nil }
        var quote = Quote(
            theme: code.theme, id: document.response.id, question: document.response.question, text: known.text,
            evidence: spans, sentiment: document.themeSentiment[code.theme] ?? document.sentiment, score: 0,
            sequence: sequence)
        if let respondent = document.response.metadata("respondent")?.scalarText, !respondent.isEmpty {
            quote.respondent = respondent
        } else {
            quote.respondent = document.response.id
        }
        quote.stemKeys = known.stemKeys
        quote.stems = known.stems
        quote.clarity = 0.5 * strength(of: code) + 0.5 * Double(covered) / Double(code.evidence.count)
        quote.readability = known.readability
        quote.score = quote.clarity + quote.readability
        return quote
    }

    /// The highest score an extract for `code` can get: full coverage and full readability. Computed
    /// in the same order as the real score, so rounding cannot put the real one above it.
    static func bestScore(of code: Code) -> Double { (0.5 * strength(of: code) + 0.5) + 1.0 }

    /// How strongly the code's rules fired, 0…1 (a score of 3 or more is full strength).
    static func strength(of code: Code) -> Double { min(max(code.score, 0), 3) / 3 }

    /// The text-only part of an extract of `window` (cut from `range`).
    static func windowEntry(_ document: Document, range: Range<Int>, window: Range<Int>, limit: Int,
                            stemKeys: [TokenStemKey]?) -> WindowMemo.Entry {
        let bytes = document.utf8
        let prefix = window.lowerBound > range.lowerBound ? ellipsis : ""
        let suffix = window.upperBound < range.upperBound ? ellipsis : ""
        // Counted on the bytes: counting a String's scalars walks it again each time.
        var bodyScalars = scalarCount(bytes, window)
        let marks = (prefix.isEmpty ? 0 : 1) + (suffix.isEmpty ? 0 : 1)
        var body: String
        var bodyBytes: ArraySlice<UInt8>
        // A single word longer than the limit: cut between characters, the only way left.
        var overflow = false
        if bodyScalars + marks > limit {
            overflow = true
            var kept = ""
            var scalars = 0
            for ch in String(decoding: bytes[window], as: UTF8.self) {
                let n = ch.unicodeScalars.count
                if scalars + n > limit - 1 - (prefix.isEmpty ? 0 : 1) { break }
                kept.append(ch)
                scalars += n
            }
            body = kept
            bodyBytes = ArraySlice(kept.utf8)
            bodyScalars = scalars
        } else {
            body = String(decoding: bytes[window], as: UTF8.self)
            bodyBytes = bytes[window]
        }
        let wholeAnswer = window == trimmed(bytes, 0..<bytes.count)
        return WindowMemo.Entry(
            range: range, window: window, text: prefix + body + (overflow ? ellipsis : suffix), bodyScalars: bodyScalars,
            readability: readability(body: bodyBytes, scalars: bodyScalars, trimmedStart: !prefix.isEmpty,
                                     trimmedEnd: !suffix.isEmpty || overflow, wholeAnswer: wholeAnswer),
            stemKeys: stemKeys.map { distinct($0, in: window) } ?? [],
            stems: stemKeys == nil ? distinct(tokenStems(of: document), in: window) : [])
    }

    // MARK: Scoring

    /// Words that leave a quote leaning on what came before it.
    static let dependentOpeners: Set<String> = [
        "it", "this", "that", "these", "those", "they", "them", "he", "she", "and", "but", "also", "so", "or",
        "which", "as", "then", "however", "though", "although", "because", "yes", "no",
    ]

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
        if let first = firstScalar(body), first.properties.isLowercase { score -= 0.1 }
        if !trimmedEnd, let last = lastScalar(body), !".!?\"”’')…".unicodeScalars.contains(last) { score -= 0.05 }
        if let opener = openingWord(body), dependentOpeners.contains(opener) { score -= 0.15 }
        // Mostly symbols, digits or list marks reads badly; non-ASCII characters count as letters
        // (a cheap stand-in for the Unicode letter property, which is slow to look up).
        var letters = 0
        for b in body where (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b >= 0xC0 { letters += 1 }
        if length > 0, Double(letters) / length < 0.6 { score -= 0.2 }
        return min(1, max(0, score)) * 0.85 + (wholeAnswer ? 0.15 : 0)
    }

    /// The first word, lower-cased, when it is ASCII letters (every dependent opener is): after
    /// white space, a run of letters ended by anything but another letter. Nil otherwise.
    static func openingWord(_ body: ArraySlice<UInt8>) -> String? {
        var i = body.startIndex
        while i < body.endIndex, isSpace(body[i]) { i += 1 }
        let start = i
        while i < body.endIndex, (body[i] | 0x20) >= 0x61, (body[i] | 0x20) <= 0x7A { i += 1 }
        guard i > start else { return nil }
        // A non-ASCII letter right after ("itä") makes a longer word that is no opener.
        if i < body.endIndex, body[i] >= 0x80, let next = firstScalar(body[i...]), next.properties.isAlphabetic { return nil }
        return String(decoding: body[start..<i], as: UTF8.self).lowercased()
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

    /// A word and the `StemKey` of its stem.
    typealias TokenStemKey = (start: Int, end: Int, key: UInt64)

    /// `tokenStems` as keys, read from the document's byte pools without a `String` per word.
    static func tokenStemKeys(of document: Document) -> [TokenStemKey] {
        if document.tokens.isEmpty { return tokenStems(of: document).map { ($0.start, $0.end, StemKey.of($0.stem)) } }
        var out: [TokenStemKey] = []
        out.reserveCapacity(document.tokens.count)
        document.stemPool.withUnsafeBufferPointer { stems in
            document.normalizedPool.withUnsafeBufferPointer { normalized in
                for t in document.tokens where t.kind != .punctuation && t.end > t.start {
                    let bytes = t.stemEnd > t.stemStart
                        ? UnsafeBufferPointer(rebasing: stems[Int(t.stemStart)..<Int(t.stemEnd)])
                        : UnsafeBufferPointer(rebasing: normalized[Int(t.normalizedStart)..<Int(t.normalizedEnd)])
                    if bytes.count > 1 { out.append((Int(t.start), Int(t.end), StemKey.of(bytes))) }
                }
            }
        }
        return out
    }

    /// The distinct stem keys inside `range` (bytes), sorted.
    static func distinct(_ tokens: [TokenStemKey], in range: Range<Int>) -> [UInt64] {
        var keys: [UInt64] = []
        keys.reserveCapacity(tokens.count)
        for t in tokens where t.start >= range.lowerBound && t.end <= range.upperBound { keys.append(t.key) }
        keys.sort()
        var unique: [UInt64] = []
        unique.reserveCapacity(keys.count)
        for key in keys where unique.last != key { unique.append(key) }
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
