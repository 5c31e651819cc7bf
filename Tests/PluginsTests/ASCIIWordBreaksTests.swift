import Testing
import VerbatimCore
import VerbatimTestSupport
@testable import ICUTokenizer
@testable import VerbatimICU

/// ASCII answers' words are broken by a copy of ICU's rules for ASCII. These tests hold it to ICU's
/// own iterator (read through ICU's UTF-8 reader, which never takes the copy): every short string of
/// the bytes the rules tell apart, every ASCII byte in random texts, and the locales that tailor the
/// rules, for which the copy must switch itself off.
@Suite struct ASCIIWordBreaksTests {
    /// The bytes the rules tell apart, with a second letter and digit, and the bytes ICU or its
    /// locales treat apart from the standard (":", "@", "\"").
    static let alphabet = Array("a1.',;_: \r\n\u{0B}\u{0C}-\t@\"Z9".utf8)

    /// ICU's word boundaries (through its UTF-8 reader, which never takes the copy) and the copy's own.
    static func icuAndFastPath(_ bytes: [UInt8], _ segmenter: ICUSegmenter) throws -> (icu: [WordBoundary], fast: [WordBoundary]) {
        let icu = try ICUStagingTests.boundaries(bytes, segmenter, throughUTF8Reader: true).0
        let fast = bytes.withUnsafeBufferPointer { text in
            let out = UnsafeMutablePointer<WordBoundary>.allocate(capacity: text.count)
            defer { out.deallocate() }
            return Array(UnsafeBufferPointer(start: out, count: ASCIIWordBreaks.segment(text, into: out)))
        }
        return (icu, fast)
    }

    static func shown(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self).debugDescription }

    @Test func everyStringOfUpToFourBytesBreaksAsInICU() throws {
        let segmenter = try ICUSegmenter(locale: "en@ss=standard")
        #expect(segmenter.breaksASCIIWordsItself)
        var failures: [String] = []
        var strings = 0
        var text: [UInt8] = []
        func check() throws {
            strings += 1
            let (icu, fast) = try Self.icuAndFastPath(text, segmenter)
            if icu != fast, failures.count < 10 { failures.append("\(Self.shown(text)): ICU \(icu), fast path \(fast)") }
        }
        for a in Self.alphabet {
            text = [a]
            try check()
            for b in Self.alphabet {
                text = [a, b]
                try check()
                for c in Self.alphabet {
                    text = [a, b, c]
                    try check()
                    for d in Self.alphabet {
                        text = [a, b, c, d]
                        try check()
                    }
                }
            }
        }
        #expect(failures.isEmpty, Comment(rawValue: failures.joined(separator: "\n")))
        #expect(strings == 19 + 19 * 19 + 19 * 19 * 19 + 19 * 19 * 19 * 19)
    }

    /// Random texts over all of ASCII, NUL and DEL included, weighted toward the bytes rules join on.
    @Test func randomASCIITextsBreakAsInICU() throws {
        let segmenter = try ICUSegmenter(locale: "en")
        var rng = SplitMix(state: 29)
        var segments = 0
        for _ in 0..<3_000 {
            let bytes = (0..<(1 + rng.below(120))).map { _ in
                rng.below(2) == 0 ? Self.alphabet[rng.below(Self.alphabet.count)] : UInt8(rng.below(128))
            }
            let (icu, fast) = try Self.icuAndFastPath(bytes, segmenter)
            #expect(icu == fast, "\(Self.shown(bytes))")
            segments += fast.count
        }
        #expect(segments > 50_000)
    }

    @Test func kindsFollowICUsRuleStatus() throws {
        let segmenter = try ICUSegmenter(locale: "en")
        let cases: [(String, [WordSegmentKind])] = [
            ("don't", [.letter]), ("3.5", [.number]), ("a1", [.number]), ("1a", [.letter]), ("_", [.none]),
            ("__", [.letter]), ("1_", [.number]), ("x@y.org", [.letter]), ("a:b", [.letter, .none, .letter]),
            ("1,000.5", [.number]), ("e.g.", [.letter, .none]), ("  \r\n", [.none, .none]),
        ]
        for (text, kinds) in cases {
            let (icu, fast) = try Self.icuAndFastPath(Array(text.utf8), segmenter)
            #expect(fast.map(\.kind) == kinds, "\(text)")
            #expect(icu == fast, "\(text)")
        }
    }

    /// Finnish and Swedish join "a:b" and POSIX breaks "a.b": the probes catch both, and those
    /// locales' ASCII words go through ICU.
    @Test(arguments: [("en", true), ("en@ss=standard", true), ("de", true), ("ja", true),
                      ("fi", false), ("sv@ss=standard", false), ("en_US_POSIX", false)])
    func theCopySwitchesItselfOffForTailoredLocales(locale: String, agrees: Bool) throws {
        let segmenter = try ICUSegmenter(locale: locale)
        #expect(segmenter.breaksASCIIWordsItself == agrees)
        // Whichever way the segmenter breaks, it gives ICU's boundaries for the locale.
        for text in ["a:b c.d", "x@y 1,5", "don't stop"] {
            let bytes = Array(text.utf8)
            let staged = try ICUStagingTests.boundaries(bytes, segmenter, throughUTF8Reader: false)
            let icu = try ICUStagingTests.boundaries(bytes, segmenter, throughUTF8Reader: true)
            #expect(staged.0 == icu.0, "\(locale): \(text)")
        }
        #expect(try ICUSegmenter(locale: locale, asciiFastPath: false).breaksASCIIWordsItself == false)
    }

    /// With the copy on, ASCII and other texts alike get the boundaries of ICU's own iterator.
    @Test func withTheCopyOnTheSegmenterStillGivesICUsWords() throws {
        let segmenter = try ICUSegmenter(locale: "en@ss=standard")
        #expect(segmenter.breaksASCIIWordsItself)
        for text in ["a:b c.d 1,5", "café a:b", "x@y_2 \r\n ok"] {
            let staged = try ICUStagingTests.boundaries(Array(text.utf8), segmenter, throughUTF8Reader: false)
            #expect(staged.0 == (try Self.icuAndFastPath(Array(text.utf8), segmenter)).icu)
        }
    }

    @Test func theTokenizerOptionTurnsTheCopyOff() throws {
        let fast = try Self.tokenizedAsByICU("Senior buy-in isn't there: e.g. 3.5% of 1,000 staff, x@y.org_2 -- ok?\r\nNext line.")
        #expect(fast.tokens.count > 20)
    }

    /// `text` through the tokenizer as shipped, checked against the tokenizer with ICU for every
    /// answer (`ascii_fast_path: false`): the same tokens, sentences and normalised forms.
    static func tokenizedAsByICU(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Document {
        let fast = try StageHarness(yaml: "version: 1\nstages: [icu-tokenizer]").run(text)
        let icu = try StageHarness(yaml: "version: 1\nstages:\n  - stage: icu-tokenizer\n    options: {ascii_fast_path: false}").run(text)
        #expect(fast.tokens == icu.tokens, sourceLocation: sourceLocation)
        #expect(fast.sentences == icu.sentences, sourceLocation: sourceLocation)
        #expect(fast.normalizedPool == icu.normalizedPool, sourceLocation: sourceLocation)
        return fast
    }
}
