import Testing
import VerbatimCore
import VerbatimTestSupport
@testable import ICUTokenizer
@testable import VerbatimICU

/// ASCII answers' sentences are broken by a copy of ICU's sentence rules with the locale's
/// abbreviation exceptions. These tests hold it to ICU's own iterator (read through ICU's UTF-8
/// reader, which never takes the copy): every short string of the bytes the rules tell apart, random
/// texts full of the locale's exceptions, and locales without exceptions or with other rules.
@Suite struct ASCIISentenceBreaksTests {
    /// One byte of each class, a second letter of each case, and "#" for the symbols.
    static let alphabet = Array("a.! (\n)Z1,bR\r'#".utf8)

    static func icuAndFastPath(_ bytes: [UInt8], _ segmenter: ICUSegmenter) throws -> (icu: [SentenceBoundary], fast: [SentenceBoundary]) {
        let icu = try ICUStagingTests.boundaries(bytes, segmenter, throughUTF8Reader: true).1
        let fast = try ICUStagingTests.boundaries(bytes, segmenter, throughUTF8Reader: false).1
        return (icu, fast)
    }

    static func shown(_ bytes: [UInt8]) -> String { ASCIIWordBreaksTests.shown(bytes) }

    /// Breaks texts with ICU and with the copy, counting them and keeping the first that differ.
    struct Comparison {
        let segmenter: ICUSegmenter
        var failures: [String] = []
        var strings = 0

        init() throws {
            segmenter = try ICUSegmenter(locale: "en@ss=standard")
            #expect(segmenter.breaksASCIISentencesItself)
        }

        mutating func check(_ text: [UInt8]) throws {
            strings += 1
            let (icu, fast) = try ASCIISentenceBreaksTests.icuAndFastPath(text, segmenter)
            if icu != fast, failures.count < 10 { failures.append("\(ASCIISentenceBreaksTests.shown(text)): ICU \(icu), copy \(fast)") }
        }

        /// Every string of one to `length` bytes of `alphabet`.
        mutating func checkEveryString(of alphabet: [UInt8], upTo length: Int) throws {
            var text: [UInt8] = []
            func extend(_ depth: Int) throws {
                guard depth > 0 else { return }
                for c in alphabet {
                    text.append(c)
                    try check(text)
                    try extend(depth - 1)
                    text.removeLast()
                }
            }
            try extend(length)
        }
    }

    @Test func everyStringOfUpToFourBytesBreaksAsInICU() throws {
        var comparison = try Comparison()
        try comparison.checkEveryString(of: Self.alphabet, upTo: 4)
        #expect(comparison.failures.isEmpty, Comment(rawValue: comparison.failures.joined(separator: "\n")))
        let k = Self.alphabet.count
        #expect(comparison.strings == k + k * k + k * k * k + k * k * k * k)
    }

    /// Random texts of words, the locale's exceptions (whole, cut at a full stop, or glued to a
    /// word), terminators, brackets, quotes and spaces, and any ASCII byte now and then.
    @Test(arguments: ["en@ss=standard", "de@ss=standard", "fr@ss=standard", "en"])
    func randomTextsWithTheExceptionsBreakAsInICU(locale: String) throws {
        let segmenter = try ICUSegmenter(locale: locale)
        #expect(segmenter.breaksASCIISentencesItself)
        let exceptions = SentenceBreakExceptions(locale: locale).strings
        #expect(exceptions.isEmpty == !locale.contains("ss=standard"))
        let pieces = ["word", "Word", "x", "1", "2.5", ".", "!", "?", "...", ")", "(", "\"", "'", ",", "-", ":", ";",
                      " ", " ", " ", "  ", "\n", "\r\n", "\t", "U.S", "e.g."].map { Array($0.utf8) }
        var rng = SplitMix(state: 2008)
        var sentences = 0, suppressed = 0
        for _ in 0..<3_000 {
            var text: [UInt8] = []
            for _ in 0..<(1 + rng.below(24)) {
                switch rng.below(10) {
                case 0 where !exceptions.isEmpty:
                    let exception = exceptions[rng.below(exceptions.count)]
                    let cut = exception.firstIndex(of: UInt8(ascii: ".")).map { rng.below(2) == 0 ? Array(exception[...$0]) : exception } ?? exception
                    text += cut
                case 1: text.append(UInt8(rng.below(128)))
                default: text += pieces[rng.below(pieces.count)]
                }
            }
            let (icu, fast) = try Self.icuAndFastPath(text, segmenter)
            #expect(icu == fast, "\(locale): \(Self.shown(text))")
            sentences += fast.count
            // Count the sentences the exceptions held together, to show the texts exercise them.
            let plain = try ICUSegmenter(locale: "en")
            suppressed += max(0, (try Self.icuAndFastPath(text, plain)).icu.count - icu.count)
        }
        #expect(sentences > 5_000)
        if !exceptions.isEmpty { #expect(suppressed > 100) }
    }

    /// ICU's filter matches as its tries do: no word boundary before an exception, one space skipped,
    /// and a partial match ("Lt." of "Lt.Cdr.") holds only if the text reads on as an exception. Where
    /// a full stop begins a partial match ("D." of "D.C."), a longer exception ending there ("Ph.D.",
    /// "a.m.") is never reached, and the sentence ends: ICU's quirks, kept.
    @Test func exceptionsHoldSentencesTogetherAsICUsFilterDoes() throws {
        let segmenter = try ICUSegmenter(locale: "en@ss=standard")
        #expect(segmenter.breaksASCIISentencesItself)
        let cases: [(String, Int)] = [
            ("Mr. Smith agreed. It works.", 2), ("XMr. Smith agreed.", 1), ("Mr.  Smith agreed.", 2),
            ("Ph.D. Students agreed.", 2), ("Lt. Smith agreed.", 2), ("Lt.Cdr. Smith agreed.", 2),
            ("We met at 10 a.m. Then we left.", 2), ("Prof. Smith agreed.", 1), ("It is vs. Them.", 1), ("No. It is not.", 2),
        ]
        for (text, count) in cases {
            let (icu, fast) = try Self.icuAndFastPath(Array(text.utf8), segmenter)
            #expect(fast.count == count, "\(text)")
            #expect(icu == fast, "\(text)")
        }
    }

    /// A copy that has lost the locale's exceptions, or a locale with rules of its own, fails the
    /// probes, and the segmenter keeps ICU's iterator.
    @Test func theProbesCatchACopyThatDiffersFromICU() throws {
        let segmenter = try ICUSegmenter(locale: "en@ss=standard")
        #expect(segmenter.breaksASCIISentencesItself)
        let withExceptions = ASCIISentenceBreaks(exceptions: SentenceBreakExceptions(locale: "en@ss=standard"))
        let without = ASCIISentenceBreaks(exceptions: SentenceBreakExceptions(strings: []))
        #expect(!withExceptions.exceptions.strings.isEmpty)
        let iterator = segmenter.sentenceIterator
        #expect(withExceptions.agrees(with: iterator))
        #expect(!without.agrees(with: iterator))
    }

    @Test(arguments: [("en", true), ("en@ss=standard", true), ("de@ss=standard", true), ("fi", false), ("el", false)])
    func localesWithOtherRulesKeepICU(locale: String, copied: Bool) throws {
        let segmenter = try ICUSegmenter(locale: locale)
        if segmenter.breaksASCIIWordsItself { #expect(segmenter.breaksASCIISentencesItself == copied, "\(locale)") }
        for text in ["Mr. Smith; he left. Then?", "a. b. C", "Is it? Yes; no."] {
            let (icu, fast) = try Self.icuAndFastPath(Array(text.utf8), segmenter)
            #expect(icu == fast, "\(locale): \(text)")
        }
        #expect(try ICUSegmenter(locale: locale, asciiFastPath: false).breaksASCIISentencesItself == false)
    }

    /// Whether the long checks below run: they take about a minute, so only on request
    /// (`VERBATIM_EXHAUSTIVE=1 swift test --filter ASCIISentenceBreaksTests`).
    static let exhaustive = ProcessEnvironment.value("VERBATIM_EXHAUSTIVE") == "1"

    /// Every string of up to six of twelve bytes (3,257,436 strings), and every exception of the
    /// English list between two and after three bytes of nine (990,711 strings), as ICU breaks them.
    @Test(.enabled(if: exhaustive, "set VERBATIM_EXHAUSTIVE=1"))
    func everyStringOfUpToSixBytesAndEveryExceptionInContextBreakAsInICU() throws {
        var comparison = try Comparison()
        try comparison.checkEveryString(of: Array("a.! (\n)Z1,\r-".utf8), upTo: 6)
        let context = Array("x .)(Aa1\n".utf8)
        for exception in SentenceBreakExceptions(locale: "en@ss=standard").strings {
            for a in context {
                for b in context {
                    for c in context {
                        for d in context { try comparison.check([a] + exception + [b, c, d]) }
                    }
                }
            }
        }
        #expect(comparison.failures.isEmpty, Comment(rawValue: comparison.failures.joined(separator: "\n")))
        #expect(comparison.strings == 3_257_436 + 990_711)
    }
}
