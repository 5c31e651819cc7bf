import Testing
import VerbatimCore
import VerbatimTestSupport
@testable import ICUTokenizer
@testable import VerbatimICU

/// The fast paths of the tokenizer against the straightforward ones: text staged as UTF-16 against
/// ICU's own UTF-8 reader, and the ASCII token path against the general one.
@Suite struct ICUStagingTests {
    /// Pieces for random texts: ASCII words, sentence ends and line breaks, and scalars of two, three
    /// and four bytes (combining marks, emoji sequences, Thai and Japanese with dictionary breaks,
    /// invisible characters and a line separator).
    static let pieces: [String] = [
        "The", "QUICK", "brown", "don't", "e.g.", "Mr.", "U.S.", " ", "  ", "\n", "\r\n", "\t", ".", "!", "?",
        ",", "\"", "(", ")", "3.5", "1,000", "x:y", "#tag", "http://a.b/c", "£20", "café", "Cafe\u{301}",
        "naïve", "Straße", "ﬁnance", "Ｈｅｌｌｏ", "日本語のテキスト", "ภาษาไทย", "👍", "👩‍👩‍👧", "🇬🇧", "\u{00AD}",
        "\u{200B}", "don’t", "—", "…", "\u{2028}", "Ωμέγα", "\u{FEFF}", "𝔘𝔫𝔦",
    ]

    static func randomText(_ rng: inout SplitMix, asciiOnly: Bool = false) -> String {
        let choices = asciiOnly ? pieces.filter { $0.utf8.allSatisfy { $0 < 0x80 } } : pieces
        var text = ""
        for _ in 0..<(1 + rng.below(30)) {
            text += choices[rng.below(choices.count)]
            if rng.below(3) > 0 { text += " " }
        }
        return text
    }

    static func boundaries(
        _ bytes: [UInt8], _ segmenter: ICUSegmenter, throughUTF8Reader: Bool
    ) throws -> ([WordBoundary], [SentenceBoundary]) {
        try bytes.withUnsafeBufferPointer { text in
            if throughUTF8Reader {
                try segmenter.segmentThroughUTF8Reader(text)
            } else {
                try segmenter.segment(text)
            }
        }
        return (Array(segmenter.wordBoundaries), Array(segmenter.sentenceBoundaries))
    }

    @Test func stagedTextBreaksWhereICUsUTF8ReaderBreaks() throws {
        let segmenter = try ICUSegmenter(locale: "en@ss=standard")
        var rng = SplitMix(state: 2008)
        var checked = 0
        for round in 0..<3_000 {
            let bytes = Array(Self.randomText(&rng, asciiOnly: round % 4 == 0).utf8)
            let staged = try Self.boundaries(bytes, segmenter, throughUTF8Reader: false)
            #expect(segmenter.textIsASCII == bytes.withUnsafeBufferPointer(UTF8Scan.isASCII))
            let reader = try Self.boundaries(bytes, segmenter, throughUTF8Reader: true)
            #expect(segmenter.textIsASCII == bytes.withUnsafeBufferPointer(UTF8Scan.isASCII))
            #expect(staged.0 == reader.0, "words of \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            #expect(staged.1 == reader.1, "sentences of \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            checked += staged.0.count
        }
        #expect(checked > 50_000)
    }

    @Test func decodingMatchesSwiftsUTF16AndOffsets() {
        var rng = SplitMix(state: 29)
        let units = UnsafeMutablePointer<UInt16>.allocate(capacity: 4_096)
        let offsets = UnsafeMutablePointer<Int32>.allocate(capacity: 4_097)
        defer { units.deallocate(); offsets.deallocate() }
        for _ in 0..<1_000 {
            let text = Self.randomText(&rng)
            let bytes = Array(text.utf8)
            let n = bytes.withUnsafeBufferPointer { UTF16Text.decode($0.baseAddress!, $0.count, units: units, byteOffsets: offsets) }
            #expect(n == text.utf16.count)
            guard let n else { continue }
            #expect(Array(UnsafeBufferPointer(start: units, count: n)) == Array(text.utf16))
            // Each unit maps to the byte offset of the scalar it belongs to.
            var expected: [Int32] = []
            var byteOffset = 0
            for scalar in text.unicodeScalars {
                for _ in 0..<UTF16.width(scalar) { expected.append(Int32(byteOffset)) }
                byteOffset += UTF8.width(scalar)
            }
            expected.append(Int32(bytes.count))
            #expect(Array(UnsafeBufferPointer(start: offsets, count: n + 1)) == expected)
        }
    }

    /// Ill-formed sequences from Unicode's table 3-7 are refused by the decoder, and the segmenter
    /// then hands the bytes to ICU's UTF-8 reader, which replaces them as the tokenizer's tests expect.
    @Test(arguments: [
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xC3], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
        [0xE2, 0x82], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF0, 0x9F, 0x91],
        [0xFE], [0xFF],
    ] as [[UInt8]])
    func illFormedUTF8IsLeftToICUsReader(_ sequence: [UInt8]) throws {
        let bytes = Array("ok ".utf8) + sequence + Array(" fine. Next".utf8)
        let units = UnsafeMutablePointer<UInt16>.allocate(capacity: bytes.count)
        let offsets = UnsafeMutablePointer<Int32>.allocate(capacity: bytes.count + 1)
        defer { units.deallocate(); offsets.deallocate() }
        let n = bytes.withUnsafeBufferPointer { UTF16Text.decode($0.baseAddress!, $0.count, units: units, byteOffsets: offsets) }
        #expect(n == nil)
        let segmenter = try ICUSegmenter(locale: "en")
        let staged = try Self.boundaries(bytes, segmenter, throughUTF8Reader: false)
        #expect(!segmenter.textIsASCII)
        let reader = try Self.boundaries(bytes, segmenter, throughUTF8Reader: true)
        #expect(staged.0 == reader.0 && staged.1 == reader.1)
        #expect(staged.0.last?.end == Int32(bytes.count))
    }

    /// The ASCII path keeps the lower-cased text as the pool; tokens, kinds, sentences and normalised
    /// forms must be those of the general path, with or without punctuation tokens.
    @Test(arguments: [true, false])
    func asciiTokensMatchTheGeneralPath(keepPunctuation: Bool) throws {
        let segmenter = try ICUSegmenter(locale: "en@ss=standard")
        let folder = try ICUCaseFolder()
        var rng = SplitMix(state: keepPunctuation ? 7 : 8)
        // Every ASCII byte, controls included, appears in some text.
        var texts = (0..<128).map { String(UnicodeScalar(UInt8($0))) + "Ab. cD" }
        for _ in 0..<2_000 { texts.append(Self.randomText(&rng, asciiOnly: true)) }
        for text in texts {
            let bytes = Array(text.utf8)
            try bytes.withUnsafeBufferPointer { try segmenter.segment($0) }
            let words = segmenter.wordBoundaries
            let sentences = segmenter.sentenceBoundaries.map { ByteSpan(start: $0.start, end: $0.end) }
            typealias Processor = ICUTokenizerStage.Processor
            let (fast, fastPool) = bytes.withUnsafeBufferPointer {
                Processor.asciiTokens($0, words: words, sentences: sentences, keepPunctuation: keepPunctuation)
            }
            let (general, generalPool) = try bytes.withUnsafeBufferPointer {
                try Processor.tokens($0, words: words, sentences: sentences, keepPunctuation: keepPunctuation, folder: folder)
            }
            #expect(fast.map { [$0.start, $0.end, $0.sentence] } == general.map { [$0.start, $0.end, $0.sentence] },
                    "\(text.debugDescription)")
            #expect(fast.map(\.kind) == general.map(\.kind))
            let fastForms = fast.map { fastPool[Int($0.normalizedStart)..<Int($0.normalizedEnd)] }
            let generalForms = general.map { generalPool[Int($0.normalizedStart)..<Int($0.normalizedEnd)] }
            #expect(fastForms.map(Array.init) == generalForms.map(Array.init), "\(text.debugDescription)")
        }
    }

    @Test func asciiLowerCasingMatchesByteByByte() {
        let bytes = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 / 128) & 0x7F }
        for start in 0..<9 {
            let slice = Array(bytes[start...])
            let fast = slice.withUnsafeBufferPointer { ICUTokenizerStage.Processor.lowercasedASCII($0) }
            #expect(fast == slice.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 })
        }
    }
}
