internal import CICU
import Synchronization

/// ICU's sentence-break rules as they apply to ASCII text, with the locale's abbreviation exceptions
/// (`ss=standard`), for the answers that are ASCII: one pass over the bytes, with the same
/// boundaries as ICU's iterator, which walks a state table per character and was the tokenizer's
/// largest cost once words no longer went through ICU.
///
/// In ASCII, UAX #29 sentence breaking comes down to the classes below and rules SB3–SB11: a
/// sentence ends after a terminator (".", "!", "?"), the closing punctuation and spaces after it,
/// and one line break, unless what follows continues it (a digit after ".", a capital after "U.S",
/// a lower-case word further on after ".", a comma or another terminator). ICU then drops the breaks
/// that follow one of the locale's exceptions (`SentenceBreakExceptions`).
///
/// Locales can tailor the rules, and a future ICU could change them, so a segmenter uses this only
/// when `forLocale` found every probe broken alike by the locale's own iterator.
struct ASCIISentenceBreaks: Sendable {
    /// Sentence-break classes of the ASCII bytes (UAX #29's Sentence_Break property; none of the
    /// ASCII bytes is OLetter, Sep, Format or Extend).
    enum Class {
        static let other: UInt8 = 0, cr: UInt8 = 1, lf: UInt8 = 2, sp: UInt8 = 3
        static let lower: UInt8 = 4, upper: UInt8 = 5, numeric: UInt8 = 6
        /// "." (ATerm), and "!" and "?" (STerm).
        static let aTerm: UInt8 = 7, sTerm: UInt8 = 8
        /// Quotation marks and brackets.
        static let close: UInt8 = 9
        /// ",", "-" and ":".
        static let sContinue: UInt8 = 10
    }

    static let classes: [UInt8] = (0..<128).map { byte -> UInt8 in
        switch UInt8(byte) {
        case UInt8(ascii: "\r"): Class.cr
        case UInt8(ascii: "\n"): Class.lf
        case UInt8(ascii: "\t"), 0x0B, 0x0C, UInt8(ascii: " "): Class.sp
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Class.lower
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Class.upper
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Class.numeric
        case UInt8(ascii: "."): Class.aTerm
        case UInt8(ascii: "!"), UInt8(ascii: "?"): Class.sTerm
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"): Class.close
        case UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: ":"): Class.sContinue
        default: Class.other
        }
    }

    /// The classes after which a sentence can end: line breaks, and what a terminator's tail holds.
    private static let mayEndBefore: UInt32 = 1 << Class.cr | 1 << Class.lf | 1 << Class.sp | 1 << Class.aTerm
        | 1 << Class.sTerm | 1 << Class.close

    let exceptions: SentenceBreakExceptions

    /// Breaks `text` (ASCII, not empty) into `out`, which has room for `text.count` sentences;
    /// returns the number of sentences.
    func segment(_ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<SentenceBoundary>) -> Int {
        Self.classes.withUnsafeBufferPointer { classes in
            let n = text.count
            @inline(__always) func cls(_ i: Int) -> UInt8 { classes[Int(text[i] & 0x7F)] }
            var count = 0
            var start = 0
            // The terminator (ATerm or STerm) whose tail ("SATerm Close* Sp*") ends after byte i, or
            // `Class.other`; and whether that tail has reached its spaces.
            var term = Class.other
            var spaced = false
            var i = 0
            while i < n {
                let b = cls(i)
                i &+= 1
                // Letters, digits and most symbols: no sentence ends after them (most of the text).
                if Self.mayEndBefore &>> UInt32(b) & 1 == 0 {
                    term = Class.other
                    continue
                }
                switch b {
                case Class.aTerm, Class.sTerm:
                    term = b
                    spaced = false
                case Class.close: if spaced { term = Class.other }
                case Class.sp: spaced = true
                default: term = Class.other
                }
                if i < n, breaks(before: i, a: cls(i), b: b, term: term, spaced: spaced, text: text, cls: cls),
                   !exceptions.suppressBreak(at: i, in: text) {
                    out[count] = SentenceBoundary(start: Int32(start), end: Int32(i))
                    count += 1
                    start = i
                }
            }
            out[count] = SentenceBoundary(start: Int32(start), end: Int32(n))
            return count + 1
        }
    }

    /// Whether UAX #29 breaks between the bytes before and at `p` (classes `b` and `a`), with `term`
    /// and `spaced` describing the terminator tail that ends at `p`.
    @inline(__always)
    private func breaks(
        before p: Int, a: UInt8, b: UInt8, term: UInt8, spaced: Bool, text: UnsafeBufferPointer<UInt8>,
        cls: (Int) -> UInt8
    ) -> Bool {
        if b == Class.cr { return a != Class.lf }                                     // SB3, SB4
        if b == Class.lf { return true }                                               // SB4
        if term == Class.other { return false }                                        // SB998
        if b == Class.aTerm {
            if a == Class.numeric { return false }                                     // SB6
            if a == Class.upper, p >= 2, cls(p - 2) == Class.upper || cls(p - 2) == Class.lower { return false } // SB7
        }
        if a == Class.sp || a == Class.cr || a == Class.lf { return false }            // SB9, SB10
        if a == Class.close && !spaced { return false }                                // SB9
        if a == Class.sContinue || a == Class.aTerm || a == Class.sTerm { return false } // SB8a
        if term == Class.aTerm {                                                       // SB8
            // A lower-case letter ahead, before any other letter, line break or terminator.
            var q = p
            while q < text.count {
                let c = cls(q)
                if c == Class.lower { return false }
                if c == Class.upper || c == Class.cr || c == Class.lf || c == Class.aTerm || c == Class.sTerm { break }
                q += 1
            }
        }
        return true                                                                    // SB11
    }

    /// This locale's copy of the rules, if it breaks every probe as the locale's ICU sentence
    /// iterator `iterator` does; decided once per locale per process.
    static func forLocale(_ locale: String, iterator: OpaquePointer) -> ASCIISentenceBreaks? {
        if let known = verdicts.withLock({ $0[locale] }) { return known }
        let rules = ASCIISentenceBreaks(exceptions: SentenceBreakExceptions(locale: locale))
        let verdict: ASCIISentenceBreaks? = rules.agrees(with: iterator) ? rules : nil
        verdicts.withLock { $0[locale] = .some(verdict) }
        return verdict
    }

    private static let verdicts = Mutex<[String: ASCIISentenceBreaks?]>([:])

    /// The probes: every string of up to three bytes of one per class (and a second letter of each
    /// case), each ASCII byte in the contexts that decide a sentence's end, and each exception in the
    /// contexts that decide whether it holds a sentence together. Most go in one text, after a line
    /// feed each (which ends a sentence after it and joins none after the probe's own tail), so that
    /// one pass of each segmenter checks them; the exceptions also go alone, where a sentence ends
    /// with the text.
    func probes() -> (joined: [UInt8], alone: [[UInt8]]) {
        var joined: [UInt8] = []
        joined.reserveCapacity(64_000)
        let newline = UInt8(ascii: "\n")
        let alphabet = Array("aZ1.!,'( \r\n-#".utf8)
        for x in alphabet {
            joined += [newline, x]
            for y in alphabet {
                joined += [newline, x, y]
                for z in alphabet { joined += [newline, x, y, z] }
            }
        }
        let slot = UInt8(ascii: "_")
        let contexts = ["a. _b", "a. _B", "a._B", "A._", "a?_ b", "a.)_ c", "a. 1_b", "1._A"].map { Array($0.utf8) }
        for c in UInt8(0)..<128 {
            for context in contexts {
                joined.append(newline)
                for byte in context { joined.append(byte == slot ? c : byte) }
            }
        }
        let surroundings = [("", " Next"), ("x", " Next"), ("", "  Next"), ("", "Next"), ("", " next"), ("", ") Next"),
                            ("", "D. Next")].map { (Array($0.0.utf8), Array($0.1.utf8)) }
        let next = Array(" Next".utf8)
        var alone: [[UInt8]] = []
        // Only their ASCII parts: the probes are ASCII, like the texts the copy breaks.
        for exception in exceptions.strings {
            // Every cut that ends at a full stop: the partial matches and the exceptions themselves.
            for end in exception.indices where exception[end] == UInt8(ascii: ".") {
                let cut = exception[...end]
                if cut.contains(where: { $0 >= 0x80 }) { break }
                for (before, after) in surroundings {
                    joined.append(newline)
                    joined += before
                    joined += cut
                    joined += after
                }
                alone.append(cut + next)
            }
            if exception.contains(where: { $0 >= 0x80 }) { continue }
            joined.append(newline)
            joined += exception.dropLast()
            joined += next
            alone.append(exception)
        }
        return (joined, alone)
    }

    /// Whether ICU's iterator and `segment` break every probe alike.
    func agrees(with iterator: OpaquePointer) -> Bool {
        let (joined, alone) = probes()
        return ([joined] + alone).allSatisfy { agrees(with: iterator, on: $0) }
    }

    /// Whether ICU's iterator and `segment` break the ASCII `text` alike.
    func agrees(with iterator: OpaquePointer, on text: [UInt8]) -> Bool {
        ASCIIProbes.agree(
            text, iterator, collect: { ICUSegmenter.collectSentences(of: $0, into: $1, offset: { $0 }) },
            segment: { segment($0, into: $1) })
    }
}
