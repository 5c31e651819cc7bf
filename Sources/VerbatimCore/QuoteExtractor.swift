/// Chooses and scores the extract of a response that shows one of its codes.
public enum QuoteExtractor {
    static let ellipsis = "…"

    /// The quote for `code`, with its `stems`.
    public static func extract(code: Code, from document: Document, maxCharacters: Int, sequence: Int) -> Quote? {
        var memo = WindowMemo()
        return document.utf8.withUnsafeBufferPointer { buffer in
            let text = QuoteText(buffer)
            guard let draft = draft(code: code, in: text, of: document, maxCharacters: maxCharacters, memo: &memo) else { return nil }
            var quote = quote(draft, code: code, in: text, of: document,
                              sentiment: document.themeSentiment[code.theme] ?? document.sentiment, sequence: sequence, memo: &memo)
            quote.stems = distinct(tokenStems(of: document), in: memo.entries[draft.entry].window)
            return quote
        }
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
        /// Scratch for an extract's text: its bytes, "…" marks included, made into one `String`.
        var textBytes: [UInt8] = []
        /// Scratch for trimming a window that is too long.
        var trim = QuoteText.TrimScratch()

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

    /// Chooses and scores the extract for `code` in `text` (the text of `document`), without
    /// building its text, so that a candidate that cannot make a pool costs no `String`. Nil when
    /// there is no extract.
    static func draft(code: Code, in text: QuoteText, of document: Document, maxCharacters: Int, memo: inout WindowMemo) -> Draft? {
        guard !code.evidence.isEmpty else { return nil }
        let limit = max(8, maxCharacters)
        // The sentences that carry evidence (with their evidence weight, in text order); without
        // sentence annotations, the whole text.
        memo.carrying.removeAll(keepingCapacity: true)
        var inOrder = true
        for k in code.evidence.indices {
            let start = code.evidence[k].span.start, weight = max(code.evidence[k].weight, 0.001)
            let sentence = document.sentences.isEmpty
                ? ByteSpan(start: 0, end: Int32(text.count)) : document.sentences[document.sentenceIndex(containing: start)]
            if let c = memo.carrying.firstIndex(where: { $0.sentence == sentence }) {
                memo.carrying[c].weight += weight
            } else {
                if let last = memo.carrying.last, last.sentence.start >= sentence.start { inOrder = false }
                memo.carrying.append((sentence, weight))
            }
        }
        // Evidence comes sorted by position, so its sentences mostly do too (strictly increasing
        // starts need no sort, and equal ones get the one they always had).
        if !inOrder { memo.carrying.sort { $0.sentence.start < $1.sentence.start } }
        let first = memo.carrying[0], last = memo.carrying[memo.carrying.count - 1]
        var range = text.trimmed(Int(first.sentence.start)..<Int(last.sentence.end))
        var scalars = text.scalarCount(range)
        if memo.carrying.count > 1, scalars > limit {
            // Too long: keep the sentence with the most evidence (the first of equals).
            var best = 0
            for k in memo.carrying.indices where memo.carrying[k].weight > memo.carrying[best].weight { best = k }
            range = text.trimmed(Int(memo.carrying[best].sentence.start)..<Int(memo.carrying[best].sentence.end))
            scalars = text.scalarCount(range)
        }
        var window = range
        if scalars > limit {
            window = text.trimWindow(range: range, evidence: code.evidence, limit: limit, scratch: &memo.trim)
        }
        if window.isEmpty { return nil }
        let entry: Int
        if let hit = memo.entries.firstIndex(where: { $0.range == range && $0.window == window }) {
            entry = hit
        } else {
            entry = memo.entries.count
            memo.entries.append(windowEntry(text, range: range, window: window, limit: limit))
        }
        let bodyScalars = memo.entries[entry].bodyScalars
        let shift = window.lowerBound > range.lowerBound ? 1 : 0
        memo.spans.removeAll(keepingCapacity: true)
        for k in code.evidence.indices {
            let span = code.evidence[k].span
            let a = max(Int(span.start), window.lowerBound), b = min(Int(span.end), window.upperBound)
            guard a < b else { continue }
            let s = text.scalarCount(window.lowerBound..<a) + shift
            let end = min(s + text.scalarCount(a..<b), shift + bodyScalars)
            guard s < end else { continue }
            memo.spans.append(s..<end)
        }
        guard !memo.spans.isEmpty else { return nil }
        let clarity = 0.5 * strength(of: code) + 0.5 * Double(memo.spans.count) / Double(code.evidence.count)
        return Draft(entry: entry, clarity: clarity, readability: memo.entries[entry].readability)
    }

    /// The quote of `draft` (the last one `draft` made with `memo`), with `stemKeys` but no `stems`.
    static func quote(_ draft: Draft, code: Code, in text: QuoteText, of document: Document, sentiment: Sentiment?, sequence: Int,
                      stemKeys: [UInt64] = [], memo: inout WindowMemo) -> Quote {
        let extract: String
        if let made = memo.entries[draft.entry].text {
            extract = made
        } else {
            extract = Self.text(of: memo.entries[draft.entry], in: text, scratch: &memo.textBytes)
            memo.entries[draft.entry].text = extract
        }
        var respondent = document.response.id
        if let given = document.response.metadata("respondent")?.scalarText, !given.isEmpty { respondent = given }
        // Made in one initialiser: setting fields after it made the compiler copy the whole quote.
        return Quote(
            theme: code.theme, id: document.response.id, question: document.response.question, text: extract,
            evidence: memo.spans, sentiment: sentiment, score: draft.score, sequence: sequence, respondent: respondent,
            stemKeys: stemKeys, clarity: draft.clarity, readability: draft.readability)
    }

    /// The highest score an extract for `code` can get: full coverage and full readability. Computed
    /// in the same order as the real score, so rounding cannot put the real one above it.
    static func bestScore(of code: Code) -> Double { (0.5 * strength(of: code) + 0.5) + 1.0 }

    /// How strongly the code's rules fired, 0…1 (a score of 3 or more is full strength).
    static func strength(of code: Code) -> Double { min(max(code.score, 0), 3) / 3 }

    /// The text-only part of an extract of `window` (cut from `range`), but for its text and stems.
    static func windowEntry(_ text: QuoteText, range: Range<Int>, window: Range<Int>, limit: Int) -> WindowMemo.Entry {
        let trimmedStart = window.lowerBound > range.lowerBound, trimmedEnd = window.upperBound < range.upperBound
        let bodyScalars = text.scalarCount(window)
        let wholeAnswer = window == text.trimmed(0..<text.count)
        if bodyScalars + (trimmedStart ? 1 : 0) + (trimmedEnd ? 1 : 0) > limit {
            // A single word longer than the limit: cut between characters, the only way left.
            var kept = ""
            var scalars = 0
            for ch in String(decoding: text.bytes[window], as: UTF8.self) {
                let n = ch.unicodeScalars.count
                if scalars + n > limit - 1 - (trimmedStart ? 1 : 0) { break }
                kept.append(ch)
                scalars += n
            }
            let readability = kept.withUTF8 {
                Self.readability(body: $0, scalars: scalars, trimmedStart: trimmedStart, trimmedEnd: true, wholeAnswer: wholeAnswer)
            }
            return WindowMemo.Entry(range: range, window: window, bodyScalars: scalars, readability: readability,
                                    text: (trimmedStart ? ellipsis : "") + kept + ellipsis)
        }
        return WindowMemo.Entry(
            range: range, window: window, bodyScalars: bodyScalars,
            readability: readability(body: UnsafeBufferPointer(rebasing: text.bytes[window]), scalars: bodyScalars,
                                     trimmedStart: trimmedStart, trimmedEnd: trimmedEnd, wholeAnswer: wholeAnswer))
    }

    /// The extract's text: the window, with "…" where it cuts its range; built in `scratch` so that
    /// it takes one allocation.
    static func text(of entry: WindowMemo.Entry, in text: QuoteText, scratch: inout [UInt8]) -> String {
        scratch.removeAll(keepingCapacity: true)
        if entry.window.lowerBound > entry.range.lowerBound { scratch.append(contentsOf: ellipsis.utf8) }
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: text.bytes[entry.window]))
        if entry.window.upperBound < entry.range.upperBound { scratch.append(contentsOf: ellipsis.utf8) }
        return String(decoding: scratch, as: UTF8.self)
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
}
