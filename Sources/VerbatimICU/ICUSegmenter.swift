// This module is the only one that sees the system ICU. It must not import Foundation: Foundation on
// Linux ships its own ICU as a clang module and the two definitions clash inside one Swift module.
internal import CICU

/// An ICU call that failed, with ICU's own error name (for example `U_MEMORY_ALLOCATION_ERROR`).
public struct ICUFailure: Error, CustomStringConvertible, Sendable {
    public let function: String
    public let code: Int32
    public let name: String

    init(_ function: String, _ status: UErrorCode) {
        self.function = function
        self.code = status.rawValue
        self.name = String(cString: cicu_u_errorName(status))
    }

    public var description: String { "ICU \(function) failed: \(name)" }
}

/// The kind of a word-break segment, from ICU's rule status.
///
/// Frozen (like the boundary structs below) because this module is built with library evolution:
/// without it, clients would handle these values through slow generic witnesses in hot loops.
@frozen
public enum WordSegmentKind: UInt8, Sendable {
    /// Spaces, punctuation, symbols and emoji: ICU's `UBRK_WORD_NONE` range.
    case none = 0
    case number = 1
    case letter = 2
    case kana = 3
    case ideographic = 4

    init(ruleStatus: Int32) {
        switch ruleStatus {
        case 100..<200: self = .number
        case 200..<300: self = .letter
        case 300..<400: self = .kana
        case 400..<500: self = .ideographic
        default: self = .none
        }
    }
}

/// One word-break segment: byte offsets into the segmented text, and its kind.
@frozen
public struct WordBoundary: Sendable, Equatable {
    public var start: Int32
    public var end: Int32
    public var kind: WordSegmentKind
    @inlinable
    public init(start: Int32, end: Int32, kind: WordSegmentKind) {
        self.start = start
        self.end = end
        self.kind = kind
    }
}

/// One sentence-break segment: byte offsets into the segmented text.
@frozen
public struct SentenceBoundary: Sendable, Equatable {
    public var start: Int32
    public var end: Int32
    @inlinable
    public init(start: Int32, end: Int32) {
        self.start = start
        self.end = end
    }
}

/// Word and sentence boundaries over UTF-8 text, from ICU's break iterators (an ASCII text's words
/// from `ASCIIWordBreaks`, ICU's rules for ASCII, when they agree with the locale's iterator).
///
/// One instance per worker thread: ICU iterators are not thread-safe, and opening one costs
/// microseconds, so they are opened once and re-pointed at each text. The iterators keep pointing
/// into the staged text until the next call.
public final class ICUSegmenter {
    private let wordIterator: OpaquePointer
    let sentenceIterator: OpaquePointer
    // Raw pointer, not UText: a stored property of an ICU type would make every client load CICU.
    // Used only for ill-formed UTF-8; well-formed text is staged as UTF-16.
    private var utext: UnsafeMutableRawPointer?
    private var staged = UTF16Text()
    private var boundaries = BoundaryStorage()
    private var wordCount = 0
    private var sentenceCount = 0

    /// The word-break segments of the last text segmented, in order and covering it, spaces and
    /// punctuation included (kind `.none`); valid until the next call.
    public var wordBoundaries: UnsafeBufferPointer<WordBoundary> {
        UnsafeBufferPointer(start: boundaries.words, count: wordCount)
    }

    /// Whether the last text segmented is all ASCII, found while staging it: its normalised forms
    /// can then be had by lower-casing, without a second pass over it.
    public private(set) var textIsASCII = true

    /// The sentence-break segments of the last text segmented; valid until the next call.
    public var sentenceBoundaries: UnsafeBufferPointer<SentenceBoundary> {
        UnsafeBufferPointer(start: boundaries.sentences, count: sentenceCount)
    }

    /// Whether ASCII texts' words are broken by `ASCIIWordBreaks` rather than ICU's iterator: asked
    /// for, and found to agree with this locale's iterator on every probe.
    public let breaksASCIIWordsItself: Bool

    /// The copy of ICU's sentence rules for ASCII, when asked for and found to agree with this
    /// locale's iterator on every probe.
    private let sentenceRules: ASCIISentenceBreaks?

    /// Whether ASCII texts' sentences are broken by `ASCIISentenceBreaks` rather than ICU's iterator
    /// (only together with their words: `breaksASCIIWordsItself`).
    public var breaksASCIISentencesItself: Bool { breaksASCIIWordsItself && sentenceRules != nil }

    /// The typographic punctuation that the copies also break, through ASCII stand-ins (with both copies).
    private var standIns: TypographicStandIns

    /// Whether a text whose only non-ASCII character is `character` is broken by the copies of
    /// ICU's rules (through its ASCII stand-in: `TypographicStandIns`) rather than ICU's iterators.
    func breaksItself(alongsideASCII character: Unicode.Scalar) -> Bool {
        guard let sentenceRules, breaksASCIIWordsItself, character.value > 0x7F, character.value <= 0xFFFF else { return false }
        return standIns.standIn(for: UInt16(character.value), words: wordIterator, sentences: sentenceIterator,
                                sentenceRules: sentenceRules) != nil
    }

    /// Opens the iterators for `locale`. With `asciiFastPath`, ASCII texts are broken by copies of
    /// ICU's word and sentence rules for ASCII, if they agree with this locale's iterators (see
    /// `ASCIIWordBreaks` and `ASCIISentenceBreaks`).
    public init(locale: String = "en", asciiFastPath: Bool = true) throws(ICUFailure) {
        var status = U_ZERO_ERROR
        guard let w = cicu_ubrk_open(UBRK_WORD, locale, &status), cicu_is_failure(status) == 0 else {
            throw ICUFailure("ubrk_open(UBRK_WORD)", status)
        }
        guard let s = cicu_ubrk_open(UBRK_SENTENCE, locale, &status), cicu_is_failure(status) == 0 else {
            cicu_ubrk_close(w)
            throw ICUFailure("ubrk_open(UBRK_SENTENCE)", status)
        }
        wordIterator = w
        sentenceIterator = s
        breaksASCIIWordsItself = asciiFastPath && ASCIIWordBreaks.agreesWithICU(locale: locale, iterator: w)
        sentenceRules = breaksASCIIWordsItself ? ASCIISentenceBreaks.forLocale(locale, iterator: s) : nil
        standIns = TypographicStandIns(locale: locale)
    }

    deinit {
        cicu_ubrk_close(wordIterator)
        cicu_ubrk_close(sentenceIterator)
        if let utext { _ = cicu_utext_close(utext.assumingMemoryBound(to: UText.self)) }
    }

    /// Segments `text` (UTF-8 bytes; offsets in the callbacks are byte offsets into it).
    ///
    /// - Parameters:
    ///   - word: called for each word-break segment with its byte range and kind, including spaces
    ///     and punctuation (kind `.none`), so the caller decides what to keep.
    ///   - sentence: called for each sentence-break segment.
    public func segment(
        _ text: UnsafeBufferPointer<UInt8>,
        word: (Int, Int, WordSegmentKind) -> Void,
        sentence: (Int, Int) -> Void
    ) throws(ICUFailure) {
        try segment(text)
        for w in wordBoundaries { word(Int(w.start), Int(w.end), w.kind) }
        for s in sentenceBoundaries { sentence(Int(s.start), Int(s.end)) }
    }

    /// Segments `text` into `wordBoundaries` and `sentenceBoundaries`: the fast path, which fills
    /// storage the segmenter keeps from text to text.
    public func segment(_ text: UnsafeBufferPointer<UInt8>) throws(ICUFailure) {
        try segment(text, staging: true)
    }

    /// The same boundaries read through ICU's own UTF-8 reader, whatever the text: tests compare the
    /// UTF-16 staging with it.
    func segmentThroughUTF8Reader(_ text: UnsafeBufferPointer<UInt8>) throws(ICUFailure) {
        try segment(text, staging: false)
    }

    private func segment(_ text: UnsafeBufferPointer<UInt8>, staging: Bool) throws(ICUFailure) {
        wordCount = 0
        sentenceCount = 0
        textIsASCII = true
        guard text.count > 0 else { return }
        // Every segment holds at least one byte, so there are at most as many as bytes.
        boundaries.reserve(text.count)
        if staging, let sentenceRules, breaksASCIIWordsItself, UTF16Text.isASCII(text) {
            // Neither iterator reads the text, so it is not staged either.
            wordCount = ASCIIWordBreaks.segment(text, into: boundaries.words)
            sentenceCount = sentenceRules.segment(text, into: boundaries.sentences)
            return
        }
        if staging, staged.stage(text) {
            textIsASCII = staged.isASCII
            if !staged.isASCII, let sentenceRules, breaksASCIIWordsItself, breakByStandIns(sentenceRules) { return }
            var status = U_ZERO_ERROR
            cicu_ubrk_setText(sentenceIterator, staged.units, Int32(staged.count), &status)
            guard cicu_is_failure(status) == 0 else { throw ICUFailure("ubrk_setText", status) }
            if staged.isASCII && breaksASCIIWordsItself {
                wordCount = ASCIIWordBreaks.segment(text, into: boundaries.words)
                collectSentences { $0 }
                return
            }
            cicu_ubrk_setText(wordIterator, staged.units, Int32(staged.count), &status)
            guard cicu_is_failure(status) == 0 else { throw ICUFailure("ubrk_setText", status) }
            if staged.isASCII {
                collect { $0 }
            } else {
                let map = staged.byteOffsets
                collect { map[Int($0)] }
            }
        } else {
            textIsASCII = UTF16Text.isASCII(text)
            try setUTF8(text)
            collect { $0 }
        }
    }

    /// Breaks the staged text with the copies when its only non-ASCII characters are accepted
    /// typographic punctuation: through its ASCII stand-in, which has the same offsets as the UTF-16,
    /// mapped back to bytes by the staging's map. False, with nothing written, for any other text.
    private func breakByStandIns(_ sentenceRules: ASCIISentenceBreaks) -> Bool {
        let words = wordIterator, sentences = sentenceIterator
        guard let ascii = staged.narrowed(standIn: {
            standIns.standIn(for: $0, words: words, sentences: sentences, sentenceRules: sentenceRules)
        }) else { return false }
        let offsets = staged.byteOffsets
        wordCount = ASCIIWordBreaks.segment(ascii, into: boundaries.words)
        sentenceCount = sentenceRules.segment(ascii, into: boundaries.sentences)
        for k in 0..<wordCount {
            boundaries.words[k].start = offsets[Int(boundaries.words[k].start)]
            boundaries.words[k].end = offsets[Int(boundaries.words[k].end)]
        }
        for k in 0..<sentenceCount {
            boundaries.sentences[k].start = offsets[Int(boundaries.sentences[k].start)]
            boundaries.sentences[k].end = offsets[Int(boundaries.sentences[k].end)]
        }
        return true
    }

    /// Points both iterators at ill-formed UTF-8 through ICU's UTF-8 reader (offsets in bytes).
    private func setUTF8(_ text: UnsafeBufferPointer<UInt8>) throws(ICUFailure) {
        var status = U_ZERO_ERROR
        let ut = text.baseAddress!.withMemoryRebound(to: CChar.self, capacity: text.count) { chars in
            cicu_utext_openUTF8(utext?.assumingMemoryBound(to: UText.self), chars, Int64(text.count), &status)
        }
        guard cicu_is_failure(status) == 0, let ut else { throw ICUFailure("utext_openUTF8", status) }
        utext = UnsafeMutableRawPointer(ut)
        cicu_ubrk_setUText(wordIterator, ut, &status)
        guard cicu_is_failure(status) == 0 else { throw ICUFailure("ubrk_setUText", status) }
        cicu_ubrk_setUText(sentenceIterator, ut, &status)
        guard cicu_is_failure(status) == 0 else { throw ICUFailure("ubrk_setUText", status) }
    }

    /// Reads both iterators' boundaries, mapping ICU's offsets to byte offsets with `offset`.
    @inline(__always)
    private func collect(offset: (Int32) -> Int32) {
        wordCount = Self.collectWords(of: wordIterator, into: boundaries.words, offset: offset)
        collectSentences(offset: offset)
    }

    /// Reads a word iterator's segments and their kinds into `words` (room for one per code unit),
    /// mapping ICU's offsets with `offset`; returns their number.
    @inline(__always)
    static func collectWords(
        of iterator: OpaquePointer, into words: UnsafeMutablePointer<WordBoundary>, offset: (Int32) -> Int32
    ) -> Int {
        var n = 0
        var start = cicu_ubrk_first(iterator)
        while true {
            let end = cicu_ubrk_next(iterator)
            if end < 0 { break }
            let kind = WordSegmentKind(ruleStatus: cicu_ubrk_getRuleStatus(iterator))
            words[n] = WordBoundary(start: offset(start), end: offset(end), kind: kind)
            n += 1
            start = end
        }
        return n
    }

    /// Reads the sentence iterator's boundaries, mapping ICU's offsets to byte offsets with `offset`.
    @inline(__always)
    private func collectSentences(offset: (Int32) -> Int32) {
        sentenceCount = Self.collectSentences(of: sentenceIterator, into: boundaries.sentences, offset: offset)
    }

    /// Reads a sentence iterator's segments into `sentences` (room for one per code unit), mapping
    /// ICU's offsets with `offset`; returns their number.
    @inline(__always)
    static func collectSentences(
        of iterator: OpaquePointer, into sentences: UnsafeMutablePointer<SentenceBoundary>, offset: (Int32) -> Int32
    ) -> Int {
        var n = 0
        var start = cicu_ubrk_first(iterator)
        while true {
            let end = cicu_ubrk_next(iterator)
            if end < 0 { break }
            sentences[n] = SentenceBoundary(start: offset(start), end: offset(end))
            n += 1
            start = end
        }
        return n
    }
}

/// Room for the boundaries of one text, kept from text to text.
struct BoundaryStorage: ~Copyable {
    private(set) var words: UnsafeMutablePointer<WordBoundary>
    private(set) var sentences: UnsafeMutablePointer<SentenceBoundary>
    private var capacity = 512

    init() {
        words = .allocate(capacity: capacity)
        sentences = .allocate(capacity: capacity)
    }

    deinit {
        words.deallocate()
        sentences.deallocate()
    }

    /// Makes room for `count` boundaries of each kind; what was stored is dropped.
    mutating func reserve(_ count: Int) {
        guard count > capacity else { return }
        words.deallocate()
        sentences.deallocate()
        capacity = max(count, capacity * 2)
        words = .allocate(capacity: capacity)
        sentences = .allocate(capacity: capacity)
    }
}

/// NFKC case folding (`NFKC_Casefold`) of UTF-8 text, through ICU's normaliser.
///
/// Reuses its UTF-16 buffers; one instance per worker thread.
public final class ICUCaseFolder {
    private let normalizer: OpaquePointer
    private var source: [UInt16] = []
    private var folded: [UInt16] = []
    private var utf8: [UInt8] = []

    public init() throws(ICUFailure) {
        var status = U_ZERO_ERROR
        guard let n = cicu_unorm2_getNFKCCasefoldInstance(&status), cicu_is_failure(status) == 0 else {
            throw ICUFailure("unorm2_getNFKCCasefoldInstance", status)
        }
        normalizer = n
    }

    /// Appends the NFKC_Casefold form of `bytes` (UTF-8) to `output`.
    public func fold(_ bytes: UnsafeBufferPointer<UInt8>, appendingTo output: inout [UInt8]) throws(ICUFailure) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var status = U_ZERO_ERROR
        var length: Int32 = 0
        let count = Int32(bytes.count)
        if source.count < bytes.count * 2 + 4 { source = Array(repeating: 0, count: bytes.count * 2 + 4) }
        base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
            source.withUnsafeMutableBufferPointer { dest in
                _ = cicu_u_strFromUTF8WithSub(dest.baseAddress, Int32(dest.count), &length, chars, count, &status)
            }
        }
        guard cicu_is_failure(status) == 0 else { throw ICUFailure("u_strFromUTF8WithSub", status) }
        let sourceLength = length

        var foldedLength: Int32 = 0
        while true {
            status = U_ZERO_ERROR
            if folded.count < Int(sourceLength) * 3 + 8 { folded = Array(repeating: 0, count: Int(sourceLength) * 3 + 8) }
            source.withUnsafeBufferPointer { src in
                folded.withUnsafeMutableBufferPointer { dest in
                    foldedLength = cicu_unorm2_normalize(
                        normalizer, src.baseAddress, sourceLength, dest.baseAddress, Int32(dest.count), &status)
                }
            }
            if status == U_BUFFER_OVERFLOW_ERROR {
                folded = Array(repeating: 0, count: Int(foldedLength) + 8)
                continue
            }
            guard cicu_is_failure(status) == 0 else { throw ICUFailure("unorm2_normalize", status) }
            break
        }

        status = U_ZERO_ERROR
        if utf8.count < Int(foldedLength) * 3 + 4 { utf8 = Array(repeating: 0, count: Int(foldedLength) * 3 + 4) }
        var utf8Length: Int32 = 0
        folded.withUnsafeBufferPointer { src in
            utf8.withUnsafeMutableBufferPointer { dest in
                dest.baseAddress!.withMemoryRebound(to: CChar.self, capacity: dest.count) { d in
                    _ = cicu_u_strToUTF8(d, Int32(dest.count), &utf8Length, src.baseAddress, foldedLength, &status)
                }
            }
        }
        guard cicu_is_failure(status) == 0 else { throw ICUFailure("u_strToUTF8", status) }
        output.append(contentsOf: utf8[0..<Int(utf8Length)])
    }
}
