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
            OptionSpec("ascii_fast_path", .boolean, default: .boolean(true),
                       help: "break ASCII answers' words and sentences with copies of ICU's rules for ASCII, checked against ICU for the locale; false sends every answer through ICU's iterators"),
        ],
        assigns: [.tokens, .sentences])

    public let locale: String
    public let keepPunctuation: Bool
    public let asciiFastPath: Bool

    public init(options: StageOptions, context: StageContext) throws {
        locale = options.string("locale") ?? "en"
        keepPunctuation = options.boolean("punctuation") ?? true
        asciiFastPath = options.boolean("ascii_fast_path") ?? true
        // Fail at build time, not on the first response, if ICU cannot open the iterators.
        do { _ = try ICUSegmenter(locale: Self.breakLocale(locale), asciiFastPath: asciiFastPath) } catch {
            throw options.invalid("locale", "ICU cannot open break iterators for '\(locale)': \(error)")
        }
    }

    public func makeProcessor() throws -> any StageProcessor {
        try Processor(locale: Self.breakLocale(locale), keepPunctuation: keepPunctuation, asciiFastPath: asciiFastPath)
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

        init(locale: String, keepPunctuation: Bool, asciiFastPath: Bool) throws {
            segmenter = try ICUSegmenter(locale: locale, asciiFastPath: asciiFastPath)
            folder = try ICUCaseFolder()
            self.keepPunctuation = keepPunctuation
        }

        func process(_ document: inout Document) throws {
            let segmenter = self.segmenter, keepPunctuation = self.keepPunctuation, folder = self.folder
            let (tokens, pool, sentences) = try document.utf8.withUnsafeBufferPointer { text in
                try segmenter.segment(text)
                let words = segmenter.wordBoundaries
                let sentences = segmenter.sentenceBoundaries.map { ByteSpan(start: $0.start, end: $0.end) }
                let (tokens, pool) = segmenter.textIsASCII
                    ? Self.asciiTokens(text, words: words, sentences: sentences, keepPunctuation: keepPunctuation)
                    : try Self.tokens(text, words: words, sentences: sentences, keepPunctuation: keepPunctuation, folder: folder)
                return (tokens, pool, sentences)
            }
            document.tokens = tokens
            document.normalizedPool = pool
            document.stemPool = []
            document.sentences = sentences
            // Two inserts: an array literal here allocated per answer.
            document.assigned.insert(.tokens)
            document.assigned.insert(.sentences)
        }

        /// Tokens of an ASCII text. NFKC_Casefold of ASCII is lower-casing, which keeps every byte in
        /// place, so the pool is the lower-cased text and each token's normalised range is its own range.
        /// Tokens that touch in the text touch in the pool, as readers of glued tokens expect.
        static func asciiTokens(
            _ text: UnsafeBufferPointer<UInt8>, words: UnsafeBufferPointer<WordBoundary>, sentences: [ByteSpan],
            keepPunctuation: Bool
        ) -> ([Token], [UInt8]) {
            let pool = lowercasedASCII(text)
            // At most one token per segment: written in place, without an append's checks.
            let tokens = [Token](unsafeUninitializedCapacity: words.count) { out, initialized in
                var n = 0, sentence = 0
                for w in words {
                    if w.kind == .none, !keepPunctuation || isASCIIWhiteSpace(text, w.start, w.end) { continue }
                    while sentence + 1 < sentences.count, sentences[sentence].end <= w.start { sentence += 1 }
                    out.initializeElement(at: n, to: Token(start: w.start, end: w.end, kind: tokenKind(w.kind),
                                                           normalizedStart: w.start, normalizedEnd: w.end,
                                                           sentence: Int32(sentence)))
                    n += 1
                }
                initialized = n
            }
            return (tokens, pool)
        }

        /// Tokens of any text: each normalised form is appended to the pool, ASCII ones lower-cased and
        /// the rest folded by ICU.
        static func tokens(
            _ text: UnsafeBufferPointer<UInt8>, words: UnsafeBufferPointer<WordBoundary>, sentences: [ByteSpan],
            keepPunctuation: Bool, folder: ICUCaseFolder
        ) throws -> ([Token], [UInt8]) {
            var tokens: [Token] = []
            tokens.reserveCapacity(words.count)
            var pool: [UInt8] = []
            pool.reserveCapacity(text.count)
            var sentence = 0
            for w in words {
                let bytes = UnsafeBufferPointer(rebasing: text[Int(w.start)..<Int(w.end)])
                if w.kind == .none, !keepPunctuation || isWhiteSpace(bytes) { continue }
                let kind = tokenKind(w.kind)
                while sentence + 1 < sentences.count, sentences[sentence].end <= w.start { sentence += 1 }
                let normalizedStart = Int32(pool.count)
                try normalize(bytes, into: &pool, folder: folder)
                // Invisible characters (a byte-order mark, a zero-width space) fold to nothing:
                // an empty token would only confuse later stages.
                if pool.count == Int(normalizedStart) { continue }
                tokens.append(Token(start: w.start, end: w.end, kind: kind, normalizedStart: normalizedStart,
                                    normalizedEnd: Int32(pool.count), sentence: Int32(sentence)))
            }
            return (tokens, pool)
        }

        /// The token kind of a word-break segment; ICU's "none" segments left after white space is
        /// dropped are punctuation, symbols and emoji.
        @inline(__always)
        static func tokenKind(_ kind: WordSegmentKind) -> Token.Kind {
            switch kind {
            case .letter: return .word
            case .number: return .number
            case .kana: return .kana
            case .ideographic: return .ideographic
            case .none: return .punctuation
            }
        }

        /// ASCII text lower-cased eight bytes at a time: for bytes below 0x80, adding 0x3F sets bit 7
        /// from "A" up and adding 0x25 sets it from "[" up, with no carry between bytes.
        static func lowercasedASCII(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: text.count) { out, initialized in
                guard let src = text.baseAddress, let dst = out.baseAddress else { return }
                var i = 0
                while i + 8 <= text.count {
                    let w = UnsafeRawPointer(src).loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    let upper = (w &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(w &+ 0x2525_2525_2525_2525) & 0x8080_8080_8080_8080
                    UnsafeMutableRawPointer(dst).storeBytes(of: w | upper >> 2, toByteOffset: i, as: UInt64.self)
                    i += 8
                }
                while i < text.count {
                    let b = src[i]
                    dst[i] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
                    i += 1
                }
                initialized = text.count
            }
        }

        /// True when bytes `start..<end` of ASCII text are all white space (tab to carriage return, space):
        /// `isWhiteSpace` for ASCII answers, inlined. Calling the general one costs 0.6% of a run.
        @inline(__always)
        static func isASCIIWhiteSpace(_ text: UnsafeBufferPointer<UInt8>, _ start: Int32, _ end: Int32) -> Bool {
            var i = Int(start)
            while i < Int(end) {
                let b = text[i]
                guard b == 0x20 || (b >= 0x09 && b <= 0x0D) else { return false }
                i += 1
            }
            return true
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
