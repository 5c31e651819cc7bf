import Testing
import VerbatimCore
import VerbatimTestSupport
@testable import ICUTokenizer
@testable import VerbatimICU

/// Answers typed in a word processor (’ “ ” – — £ €) are broken by the copies of ICU's rules through
/// ASCII stand-ins. These tests hold that to ICU's own iterators (read through ICU's UTF-8 reader,
/// which never takes the copies): every short string of the characters, their stand-ins and the bytes
/// the rules tell apart, random texts, and texts the stand-ins must leave to ICU.
@Suite struct TypographicStandInsTests {
    static let typographic = ["’", "‘", "“", "”", "–", "—", "£", "€"]

    /// Word and sentence boundaries through ICU's reader and through the fast path.
    static func compare(_ text: [UInt8], _ segmenter: ICUSegmenter) throws -> (same: Bool, shown: String) {
        let icu = try ICUStagingTests.boundaries(text, segmenter, throughUTF8Reader: true)
        let fast = try ICUStagingTests.boundaries(text, segmenter, throughUTF8Reader: false)
        let same = icu.0 == fast.0 && icu.1 == fast.1
        return (same, same ? "" : "\(ASCIIWordBreaksTests.shown(text)): ICU \(icu), fast \(fast)")
    }

    @Test func everyCandidateIsAcceptedForEnglishAndOthersAreNot() throws {
        let segmenter = try ICUSegmenter(locale: "en@ss=standard")
        for c in Self.typographic {
            #expect(segmenter.breaksItself(alongsideASCII: c.unicodeScalars.first!), "\(c)")
        }
        for c in ["é", "\u{A0}", "…", "😀", "\u{2028}"] {
            #expect(!segmenter.breaksItself(alongsideASCII: c.unicodeScalars.first!), "\(c)")
        }
        let icuOnly = try ICUSegmenter(locale: "en@ss=standard", asciiFastPath: false)
        #expect(!icuOnly.breaksItself(alongsideASCII: "’"))
    }

    /// Every string of up to three symbols: each typographic character, its stand-in, and one byte
    /// of each class the word and sentence rules tell apart.
    @Test func everyShortStringBreaksAsInICU() throws {
        let segmenter = try ICUSegmenter(locale: "en@ss=standard")
        let symbols = Self.typographic.map { Array($0.utf8) } + "a1.',;_: \r\n-\"!?(Z$".utf8.map { [$0] }
        var failures: [String] = []
        var strings = 0
        var text: [UInt8] = []
        func extend(_ depth: Int) throws {
            guard depth > 0 else { return }
            for s in symbols {
                text += s
                strings += 1
                let result = try Self.compare(text, segmenter)
                if !result.same, failures.count < 10 { failures.append(result.shown) }
                try extend(depth - 1)
                text.removeLast(s.count)
            }
        }
        try extend(3)
        #expect(failures.isEmpty, Comment(rawValue: failures.joined(separator: "\n")))
        #expect(strings == symbols.count * (1 + symbols.count * (1 + symbols.count)))
    }

    /// Random sentences of words, numbers, abbreviations and typographic punctuation.
    @Test func randomTypographicTextsBreakAsInICU() throws {
        let segmenter = try ICUSegmenter(locale: "en@ss=standard")
        let pieces = Self.typographic + ["don", "t", "We", "said", "3", "5", "e.g.", "Mr.", "Dr", " ", " ", "  ", ".", ",", "!",
                                         "?", "'", "\"", "-", "(", ")", "\n", "\r\n", "£5", "10", "%", "ok", "A", "1.5"]
        var rng = SplitMix(state: 2026)
        var failures: [String] = []
        var fastTexts = 0
        for _ in 0..<4_000 {
            let text = Array((0..<(1 + rng.below(40))).map { _ in pieces[rng.below(pieces.count)] }.joined().utf8)
            let result = try Self.compare(text, segmenter)
            if !result.same, failures.count < 10 { failures.append(result.shown) }
            if !segmenter.textIsASCII { fastTexts += 1 }
        }
        #expect(failures.isEmpty, Comment(rawValue: failures.joined(separator: "\n")))
        #expect(fastTexts > 1_000)
    }

    /// Other characters, and ill-formed UTF-8 next to a typographic one, go to ICU as before.
    @Test func otherTextsAreLeftToICU() throws {
        let segmenter = try ICUSegmenter(locale: "en@ss=standard")
        let texts: [[UInt8]] = [
            Array("café – ok".utf8), Array("don’t… stop".utf8), Array("a\u{A0}b – c".utf8),
            Array("x – y".utf8) + [0xE2, 0x80], [0xC0, 0xA7, 0x20] + Array("– z".utf8), [0xE2, 0x80, 0x20, 0x99],
        ]
        for text in texts {
            let result = try Self.compare(text, segmenter)
            #expect(result.same, Comment(rawValue: result.shown))
        }
    }

    /// Through the tokenizer: the same tokens, sentences and normalised forms (’ read as ') as with
    /// ICU for every answer.
    @Test func theTokenizerGivesICUsTokens() throws {
        let fast = try ASCIIWordBreaksTests.tokenizedAsByICU(
            "We don’t know – the “budget” was £5m (€6m) — isn’t it? ‘Yes’, said Mr. Smith.\r\nNext.")
        #expect(fast.tokens.contains { fast.normalized($0) == "don't" })
        #expect(fast.sentences.count == 3)
    }
}
