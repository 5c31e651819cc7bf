import VerbatimCore
import VerbatimICU

/// Word and sentence boundaries from the system ICU (UAX #29 rules), with NFKC case folding.
///
/// Tokens are byte ranges of the text; white space and invisible characters are dropped,
/// punctuation, symbols and emoji are kept as `.punctuation` tokens (sentiment reads "!" and emoji).
/// Normalised forms are NFKC_Casefold, with the typographic apostrophe (U+2019) mapped to "'" so
/// "don’t" and "don't" match alike. Sentences use ICU's standard abbreviation exceptions.
public struct ICUTokenizerStage: Stage {
    public static let descriptor = StageDescriptor(
        name: "icu-tokenizer",
        version: 1,
        summary: "ICU word and sentence boundaries with NFKC case folding",
        options: [
            OptionSpec("locale", .string, default: .string("en"), help: "ICU locale for the break rules (e.g. en, de, ja)"),
            OptionSpec("punctuation", .boolean, default: .boolean(true),
                       help: "keep punctuation, symbols and emoji as tokens (sentiment uses '!' and emoji)"),
        ],
        assigns: [.tokens, .sentences])

    public let locale: String
    public let keepPunctuation: Bool

    public init(options: StageOptions, context: StageContext) throws {
        locale = options.string("locale") ?? "en"
        keepPunctuation = options.boolean("punctuation") ?? true
        // Fail at build time, not on the first response, if ICU cannot open the iterators.
        do { _ = try ICUSegmenter(locale: Self.breakLocale(locale)) } catch {
            throw options.invalid("locale", "ICU cannot open break iterators for '\(locale)': \(error)")
        }
    }

    public func makeProcessor() throws -> any StageProcessor {
        try Processor(locale: Self.breakLocale(locale), keepPunctuation: keepPunctuation)
    }

    /// The locale given to ICU's break iterators. Plain UAX #29 sentence rules end a sentence at
    /// "Mr. Smith", so ICU's standard abbreviation exceptions for the locale ("Mr.", "Mrs.", "Prof.",
    /// ...) are switched on (`@ss=standard`); a locale that names its own keywords is used as given.
    static func breakLocale(_ locale: String) -> String {
        locale.contains("@") ? locale : locale + "@ss=standard"
    }

    final class Processor: StageProcessor {
        let segmenter: ICUSegmenter
        let folder: ICUCaseFolder
        let keepPunctuation: Bool
        // Scratch buffers reused across documents (swapped out while in use, so the hot loop works
        // on locals rather than on class properties with their exclusivity checks).
        private var wordBuffer: [WordBoundary] = []
        private var sentenceBuffer: [SentenceBoundary] = []

        init(locale: String, keepPunctuation: Bool) throws {
            segmenter = try ICUSegmenter(locale: locale)
            folder = try ICUCaseFolder()
            self.keepPunctuation = keepPunctuation
        }

        func process(_ document: inout Document) throws {
            var words = wordBuffer, sentenceBounds = sentenceBuffer
            wordBuffer = []
            sentenceBuffer = []
            defer {
                wordBuffer = words
                sentenceBuffer = sentenceBounds
            }
            try document.utf8.withUnsafeBufferPointer { text in
                try segmenter.segment(text, words: &words, sentences: &sentenceBounds)
            }
            let sentences = sentenceBounds.map { ByteSpan(start: $0.start, end: $0.end) }
            var tokens: [Token] = []
            tokens.reserveCapacity(words.count / 2 + 1)
            var pool: [UInt8] = []
            pool.reserveCapacity(document.utf8.count)
            var sentence = 0
            let keepPunctuation = self.keepPunctuation
            let folder = self.folder
            try document.utf8.withUnsafeBufferPointer { text in
                for w in words {
                    let bytes = UnsafeBufferPointer(rebasing: text[Int(w.start)..<Int(w.end)])
                    let kind: Token.Kind
                    switch w.kind {
                    case .letter: kind = .word
                    case .number: kind = .number
                    case .kana: kind = .kana
                    case .ideographic: kind = .ideographic
                    case .none:
                        if !keepPunctuation || Self.isWhiteSpace(bytes) { continue }
                        kind = .punctuation
                    }
                    while sentence + 1 < sentences.count, sentences[sentence].end <= w.start { sentence += 1 }
                    let normalizedStart = Int32(pool.count)
                    try Self.normalize(bytes, into: &pool, folder: folder)
                    // Invisible characters (a byte-order mark, a zero-width space) fold to nothing:
                    // an empty token would only confuse later stages.
                    if pool.count == Int(normalizedStart) { continue }
                    tokens.append(Token(start: w.start, end: w.end, kind: kind, normalizedStart: normalizedStart,
                                        normalizedEnd: Int32(pool.count), sentence: Int32(sentence)))
                }
            }
            document.tokens = tokens
            document.normalizedPool = pool
            document.stemPool = []
            document.sentences = sentences
            document.assigned.formUnion([.tokens, .sentences])
        }

        /// True for segments made only of white space: Unicode's White_Space characters, decoded from
        /// UTF-8 by hand because building a String per segment costs more than ICU's work.
        static func isWhiteSpace(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                let scalar: UInt32
                if b < 0x80 {
                    scalar = UInt32(b)
                    i += 1
                } else if b & 0xE0 == 0xC0, i + 1 < bytes.count {
                    scalar = UInt32(b & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                    i += 2
                } else if b & 0xF0 == 0xE0, i + 2 < bytes.count {
                    scalar = UInt32(b & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                    i += 3
                } else {
                    return false
                }
                switch scalar {
                case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: continue
                default: return false
                }
            }
            return true
        }

        /// ASCII takes a fast path (NFKC_Casefold of ASCII is plain lower-casing); anything else goes
        /// through ICU. U+2019 becomes "'" afterwards.
        static func normalize(_ bytes: UnsafeBufferPointer<UInt8>, into pool: inout [UInt8], folder: ICUCaseFolder) throws {
            if bytes.allSatisfy({ $0 < 0x80 }) {
                for b in bytes { pool.append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b) }
                return
            }
            let start = pool.count
            try folder.fold(bytes, appendingTo: &pool)
            // Map RIGHT SINGLE QUOTATION MARK (E2 80 99) to an ASCII apostrophe, in place.
            var i = start, o = start
            while i < pool.count {
                if i + 2 < pool.count, pool[i] == 0xE2, pool[i + 1] == 0x80, pool[i + 2] == 0x99 {
                    pool[o] = 0x27
                    i += 3
                } else {
                    pool[o] = pool[i]
                    i += 1
                }
                o += 1
            }
            pool.removeLast(pool.count - o)
        }
    }
}
