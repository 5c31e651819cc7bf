internal import CICU
import Synchronization

/// Typographic punctuation that the copies of ICU's rules for ASCII can break too, by reading each
/// such character as an ASCII stand-in: an answer typed in a word processor (’ “ ” – £) keeps the
/// fast path instead of going through ICU's iterators.
///
/// A character qualifies when the word and sentence rules give it the same classes as its stand-in.
/// For example, ’ is MidNumLet and Close, and "'" is Single_Quote and Close, which differ only next
/// to Hebrew letters (which are never in such a text). Each character is one UTF-16 unit, so a
/// text and its ASCII stand-in have the same offsets in UTF-16. A segmenter accepts a candidate
/// only after ICU's own iterators, on probe texts with the character beside its stand-in, have
/// broken every probe as the copies do; the verdict is kept per locale.
struct TypographicStandIns {
    /// The candidates, each a character and its stand-in.
    static let candidates: [UInt16: UInt8] = [
        0x2019: UInt8(ascii: "'"),   // ’ RIGHT SINGLE QUOTATION MARK (the typed apostrophe)
        0x2018: UInt8(ascii: "'"),   // ‘ LEFT SINGLE QUOTATION MARK
        0x201C: UInt8(ascii: "\""),  // “ LEFT DOUBLE QUOTATION MARK
        0x201D: UInt8(ascii: "\""),  // ” RIGHT DOUBLE QUOTATION MARK
        0x2013: UInt8(ascii: "-"),   // – EN DASH
        0x2014: UInt8(ascii: "-"),   // — EM DASH
        0x00A3: UInt8(ascii: "$"),   // £ POUND SIGN
        0x20AC: UInt8(ascii: "$"),   // € EURO SIGN
    ]

    let locale: String
    /// The verdicts on candidates this segmenter knows: a stand-in, or nil for one refused. A
    /// candidate is probed the first time a text holds it (once per locale per process), so a run
    /// whose answers hold none pays nothing.
    private var verdicts: [UInt16: UInt8?] = [:]

    init(locale: String) { self.locale = locale }

    /// The stand-in of `scalar` under this locale's iterators, probing it if no segmenter has yet.
    mutating func standIn(
        for scalar: UInt16, words: OpaquePointer, sentences: OpaquePointer, sentenceRules: ASCIISentenceBreaks
    ) -> UInt8? {
        guard let candidate = Self.candidates[scalar] else { return nil }
        if let known = verdicts[scalar] { return known }
        let key = "\(locale) \(scalar)"
        let verdict: UInt8?
        if let shared = Self.sharedVerdicts.withLock({ $0[key] }) {
            verdict = shared
        } else {
            verdict = Self.agrees(scalar, standIn: candidate, words: words, sentences: sentences, sentenceRules: sentenceRules)
                ? candidate : nil
            Self.sharedVerdicts.withLock { $0[key] = .some(verdict) }
        }
        verdicts[scalar] = .some(verdict)
        return verdict
    }

    private static let sharedVerdicts = Mutex<[String: UInt8?]>([:])

    /// Whether ICU's iterators break the probes with `scalar` as the copies break them with
    /// `standIn`: every string of up to three symbols of each rules' probe alphabet, to which the
    /// character and its stand-in are added, that holds either of them; and the contexts that end
    /// a sentence, with either.
    static func agrees(
        _ scalar: UInt16, standIn: UInt8, words: OpaquePointer, sentences: OpaquePointer, sentenceRules: ASCIISentenceBreaks
    ) -> Bool {
        // A probe symbol: the byte the copy reads and the UTF-16 unit ICU reads.
        typealias Symbol = (ascii: UInt8, unit: UInt16)
        func symbols(_ ascii: String) -> [Symbol] {
            ascii.utf8.map { ($0, UInt16($0)) } + [(standIn, UInt16(standIn)), (standIn, scalar)]
        }
        func triples(_ alphabet: [Symbol], after separator: UInt8) -> (ascii: [UInt8], units: [UInt16]) {
            var ascii: [UInt8] = [], units: [UInt16] = []
            func add(_ probe: [Symbol]) {
                ascii.append(separator)
                units.append(UInt16(separator))
                for s in probe {
                    ascii.append(s.ascii)
                    units.append(s.unit)
                }
            }
            // Only the probes that hold the character or its stand-in: the others are the ASCII
            // probes, which the copies passed already.
            let plain = alphabet.count - 2
            for x in alphabet.indices {
                if x >= plain { add([alphabet[x]]) }
                for y in alphabet.indices {
                    if max(x, y) >= plain { add([alphabet[x], alphabet[y]]) }
                    for z in alphabet.indices where max(x, y, z) >= plain { add([alphabet[x], alphabet[y], alphabet[z]]) }
                }
            }
            return (ascii, units)
        }
        // The alphabets of `ASCIIWordBreaks.probeText` and `ASCIISentenceBreaks.probes`.
        let word = triples(symbols("a1.',;_: \r\n\u{0B}-@\"Z9"), after: 0x0B)
        guard ASCIIProbes.agree(word.ascii, words, units: word.units,
                                collect: { ICUSegmenter.collectWords(of: $0, into: $1, offset: { $0 }) },
                                segment: { ASCIIWordBreaks.segment($0, into: $1) })
        else { return false }
        var sentence = triples(symbols("aZ1.!,'( \r\n-#"), after: UInt8(ascii: "\n"))
        for context in ["a. _b", "a. _B", "a._B", "A._", "a?_ b", "a.)_ c", "a. 1_b", "1._A", "a_. B", "a._) B"] {
            for unit in [UInt16(standIn), scalar] {
                sentence.ascii.append(UInt8(ascii: "\n"))
                sentence.units.append(UInt16(UInt8(ascii: "\n")))
                for byte in context.utf8 {
                    sentence.ascii.append(byte == UInt8(ascii: "_") ? standIn : byte)
                    sentence.units.append(byte == UInt8(ascii: "_") ? unit : UInt16(byte))
                }
            }
        }
        return ASCIIProbes.agree(sentence.ascii, sentences, units: sentence.units,
                                 collect: { ICUSegmenter.collectSentences(of: $0, into: $1, offset: { $0 }) },
                                 segment: { sentenceRules.segment($0, into: $1) })
    }
}
