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
        private var words: [(Int32, Int32, WordSegmentKind)] = []
        private var sentences: [ByteSpan] = []

        init(locale: String, keepPunctuation: Bool) throws {
            segmenter = try ICUSegmenter(locale: locale)
            folder = try ICUCaseFolder()
            self.keepPunctuation = keepPunctuation
        }

        func process(_ document: inout Document) throws {
            words.removeAll(keepingCapacity: true)
            sentences.removeAll(keepingCapacity: true)
            try document.utf8.withUnsafeBufferPointer { text in
                try segmenter.segment(
                    text,
                    word: { start, end, kind in words.append((Int32(start), Int32(end), kind)) },
                    sentence: { start, end in sentences.append(ByteSpan(start: Int32(start), end: Int32(end))) })
            }
            var tokens: [Token] = []
            tokens.reserveCapacity(words.count / 2 + 1)
            var pool: [UInt8] = []
            pool.reserveCapacity(document.utf8.count)
            var sentence = 0
            try document.utf8.withUnsafeBufferPointer { text in
                for (start, end, segmentKind) in words {
                    let bytes = UnsafeBufferPointer(rebasing: text[Int(start)..<Int(end)])
                    let kind: Token.Kind
                    switch segmentKind {
                    case .letter: kind = .word
                    case .number: kind = .number
                    case .kana: kind = .kana
                    case .ideographic: kind = .ideographic
                    case .none:
                        if Self.isWhiteSpace(bytes) || !keepPunctuation { continue }
                        kind = .punctuation
                    }
                    while sentence + 1 < sentences.count, sentences[sentence].end <= start { sentence += 1 }
                    let normalizedStart = Int32(pool.count)
                    try Self.normalize(bytes, into: &pool, folder: folder)
                    // Invisible characters (a byte-order mark, a zero-width space) fold to nothing:
                    // an empty token would only confuse later stages.
                    if pool.count == Int(normalizedStart) { continue }
                    tokens.append(Token(start: start, end: end, kind: kind, normalizedStart: normalizedStart,
                                        normalizedEnd: Int32(pool.count), sentence: Int32(sentence)))
                }
            }
            document.tokens = tokens
            document.normalizedPool = pool
            document.stemPool = []
            document.sentences = sentences
            document.assigned.formUnion([.tokens, .sentences])
        }

        /// True for segments made only of white space (ASCII, NBSP, Unicode spaces, line separators).
        static func isWhiteSpace(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            if bytes.allSatisfy({ $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }) { return true }
            return String(decoding: bytes, as: UTF8.self).unicodeScalars.allSatisfy { $0.properties.isWhitespace }
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
