// The Snowball English stemmer, written natively so that English stems follow the current
// Snowball algorithm (3.x) rather than the older one in Debian's libstemmer 2.2.0.
//
// It works on UTF-8 bytes in place inside the caller's output buffer: the word is appended, edited
// there, and truncated, so a call allocates nothing beyond that append. The letters the algorithm
// looks at are ASCII; any other character counts as a non-vowel, and character counts (for "three
// letters or more", "preceded by more than one letter" and so on) are counted in characters, not bytes.

/// The Snowball English stemmer. Stateless and thread-safe; expects lower-case input.
public struct EnglishStemmer: Sendable {
    public init() {}

    /// Appends the stem of `word` (UTF-8, lower case) to `output`.
    public func stem(_ word: UnsafeBufferPointer<UInt8>, appendingTo output: inout [UInt8]) {
        let start = output.count
        output.append(contentsOf: word)
        // Words of fewer than three characters are left alone; three bytes or more may still be
        // fewer than three characters when some are not ASCII.
        guard word.count >= 3, Self.characterCount(word, atLeast: 3) else { return }
        if let replacement = Self.exception(word) {
            output.removeLast(word.count)
            output.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
            return
        }
        // Step 1b may add one letter ("hop" -> "hope") before anything is removed, so leave room for it.
        output.append(0)
        let length = output.withUnsafeMutableBufferPointer { buffer -> Int in
            var w = Word(buffer.baseAddress! + start, count: word.count)
            w.run()
            return w.n
        }
        output.removeLast(output.count - start - length)
    }

    /// The stem of `word` as a `String`; for tools and tests, not hot loops.
    public func stem(_ word: String) -> String {
        var bytes: [UInt8] = []
        var copy = word
        copy.withUTF8 { stem($0, appendingTo: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// True when `bytes` holds at least `minimum` characters (UTF-8 lead bytes).
    static func characterCount(_ bytes: UnsafeBufferPointer<UInt8>, atLeast minimum: Int) -> Bool {
        var count = 0
        for b in bytes where b & 0xC0 != 0x80 {
            count += 1
            if count >= minimum { return true }
        }
        return false
    }

    /// Whole words the algorithm treats specially: the replacement (the word itself when invariant).
    static func exception(_ word: UnsafeBufferPointer<UInt8>) -> StaticString? {
        guard word.count <= 6 else { return nil }
        func equals(_ s: StaticString) -> Bool {
            s.utf8CodeUnitCount == word.count && memoryEqual(word.baseAddress!, s.utf8Start, word.count)
        }
        switch word[0] {
        case UInt8(ascii: "s"):
            if equals("skies") { return "sky" }
            if equals("skis") { return "ski" }
            if equals("singly") { return "singl" }
            if equals("sky") { return "sky" }
        case UInt8(ascii: "i"): if equals("idly") { return "idl" }
        case UInt8(ascii: "g"): if equals("gently") { return "gentl" }
        case UInt8(ascii: "u"): if equals("ugly") { return "ugli" }
        case UInt8(ascii: "e"): if equals("early") { return "earli" }
        case UInt8(ascii: "o"): if equals("only") { return "onli" }
        case UInt8(ascii: "n"): if equals("news") { return "news" }
        case UInt8(ascii: "h"): if equals("howe") { return "howe" }
        case UInt8(ascii: "a"):
            if equals("atlas") { return "atlas" }
            if equals("andes") { return "andes" }
        case UInt8(ascii: "c"): if equals("cosmos") { return "cosmos" }
        case UInt8(ascii: "b"): if equals("bias") { return "bias" }
        default: break
        }
        return nil
    }
}

@inline(__always)
private func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    for i in 0..<count where a[i] != b[i] { return false }
    return true
}

private let apostrophe = UInt8(ascii: "'")
private let markedY = UInt8(ascii: "Y")

@inline(__always)
private func isVowel(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"), UInt8(ascii: "y"):
        return true
    default:
        return false
    }
}

/// The word being stemmed: `n` bytes at `w`, with room for one more; `p1` and `p2` start R1 and R2.
private struct Word {
    let w: UnsafeMutablePointer<UInt8>
    var n: Int
    var p1 = 0
    var p2 = 0

    init(_ w: UnsafeMutablePointer<UInt8>, count: Int) {
        self.w = w
        n = count
    }

    mutating func run() {
        prelude()
        markRegions()
        step0()
        step1a()
        step1b()
        step1c()
        step2()
        step3()
        step4()
        step5()
        for i in 0..<n where w[i] == markedY { w[i] = UInt8(ascii: "y") }
    }

    // MARK: Helpers

    @inline(__always)
    func endsWith(_ suffix: StaticString) -> Bool {
        let k = suffix.utf8CodeUnitCount
        return n >= k && memoryEqual(w + (n - k), suffix.utf8Start, k)
    }

    /// True when the bytes `0..<end` are exactly `s`.
    @inline(__always)
    func isExactly(_ s: StaticString, upTo end: Int) -> Bool {
        s.utf8CodeUnitCount == end && memoryEqual(w, s.utf8Start, end)
    }

    func startsWith(_ s: StaticString) -> Bool {
        let k = s.utf8CodeUnitCount
        return n >= k && memoryEqual(w, s.utf8Start, k)
    }

    /// Replaces the last `count` bytes with `replacement`.
    @inline(__always)
    mutating func replaceSuffix(_ count: Int, with replacement: StaticString) {
        let s = n - count
        let k = replacement.utf8CodeUnitCount
        for i in 0..<k { w[s + i] = replacement.utf8Start[i] }
        n = s + k
    }

    /// The start of the character that ends at byte `end`.
    @inline(__always)
    func characterStart(before end: Int) -> Int {
        var j = end - 1
        while j > 0, w[j] & 0xC0 == 0x80 { j -= 1 }
        return j
    }

    /// The end of the character that starts at byte `start`.
    @inline(__always)
    func characterEnd(from start: Int) -> Int {
        var j = start + 1
        while j < n, w[j] & 0xC0 == 0x80 { j += 1 }
        return j
    }

    func containsVowel(_ range: Range<Int>) -> Bool {
        for i in range where isVowel(w[i]) { return true }
        return false
    }

    /// True when the text before `end` ends with a short syllable: a non-vowel, a vowel, then a
    /// non-vowel other than w, x or Y; or a vowel at the start of the word and a non-vowel; or "past".
    func endsWithShortSyllable(_ end: Int) -> Bool {
        guard end >= 2 else { return false }
        let last = characterStart(before: end)
        let c = w[last]
        if isVowel(c) { return false }
        if last >= 1, isVowel(w[last - 1]) {
            let vowel = last - 1
            if vowel == 0 { return true }
            if c != UInt8(ascii: "w"), c != UInt8(ascii: "x"), c != markedY, !isVowel(w[vowel - 1]) { return true }
        }
        return end >= 4 && memoryEqual(w + (end - 4), ("past" as StaticString).utf8Start, 4)
    }

    // MARK: Prelude and regions

    mutating func prelude() {
        if w[0] == apostrophe {
            for i in 1..<n { w[i - 1] = w[i] }
            n -= 1
        }
        guard n > 0 else { return }
        if w[0] == UInt8(ascii: "y") { w[0] = markedY }
        if n > 1 {
            for i in 1..<n where w[i] == UInt8(ascii: "y") && isVowel(w[i - 1]) { w[i] = markedY }
        }
    }

    /// R1 follows the first non-vowel that follows a vowel, except after a few prefixes whose
    /// words would otherwise be conflated with unrelated ones (general/generous, past/paste, ...).
    mutating func markRegions() {
        p1 = exceptionalPrefixLength() ?? regionStart(from: 0)
        p2 = regionStart(from: p1)
    }

    /// The prefixes come from Snowball's description (gener, commun, arsen, past, univers, later) and
    /// its 3.x revision notes (emerg, organ; inter, which keeps intern/internal/international apart).
    func exceptionalPrefixLength() -> Int? {
        switch w[0] {
        case UInt8(ascii: "g"): return startsWith("gener") ? 5 : nil
        case UInt8(ascii: "c"): return startsWith("commun") ? 6 : nil
        case UInt8(ascii: "a"): return startsWith("arsen") ? 5 : nil
        case UInt8(ascii: "p"): return startsWith("past") ? 4 : nil
        case UInt8(ascii: "u"): return startsWith("univers") ? 7 : nil
        case UInt8(ascii: "l"): return startsWith("later") ? 5 : nil
        case UInt8(ascii: "e"): return startsWith("emerg") ? 5 : nil
        case UInt8(ascii: "o"): return startsWith("organ") ? 5 : nil
        case UInt8(ascii: "i"): return startsWith("inter") ? 5 : nil
        default: return nil
        }
    }

    /// The position after the first non-vowel that follows a vowel at or after `from`; `n` if none.
    func regionStart(from: Int) -> Int {
        var i = from
        while i < n, !isVowel(w[i]) { i += 1 }
        while i < n, isVowel(w[i]) { i += 1 }
        return i < n ? characterEnd(from: i) : n
    }

    // MARK: Steps

    /// Possessives: the longest of ', 's and 's'.
    mutating func step0() {
        if endsWith("'s'") {
            n -= 3
        } else if endsWith("'s") {
            n -= 2
        } else if endsWith("'") {
            n -= 1
        }
    }

    /// Plurals.
    mutating func step1a() {
        guard n > 0 else { return }
        if endsWith("sses") {
            n -= 2
        } else if endsWith("ied") || endsWith("ies") {
            // "ties" -> "tie" but "cries" -> "cri": more than one letter before the suffix.
            let before = n - 3
            let twoLetters = before >= 2 && characterStart(before: before) > 0
            n -= twoLetters ? 2 : 1
        } else if endsWith("us") || endsWith("ss") {
            return
        } else if w[n - 1] == UInt8(ascii: "s") {
            // Delete when a vowel comes before the letter just before the s ("gaps", not "gas").
            if n >= 2, containsVowel(0..<(n - 2)) { n -= 1 }
        }
    }

    /// Past tenses, gerunds and their adverbs.
    mutating func step1b() {
        let suffix: Int
        if endsWith("eedly") {
            eed(n - 5)
            return
        } else if endsWith("ingly") {
            suffix = 5
        } else if endsWith("edly") {
            suffix = 4
        } else if endsWith("eed") {
            eed(n - 3)
            return
        } else if endsWith("ing") {
            let s = n - 3
            // "dying" -> "die", "hying" -> "hie": exactly one non-vowel and y before -ing.
            if s >= 2, w[s - 1] == UInt8(ascii: "y"), characterStart(before: s - 1) == 0, !isVowel(w[0]) {
                w[s - 1] = UInt8(ascii: "i")
                w[s] = UInt8(ascii: "e")
                n = s + 1
                return
            }
            // "inning", "outing", "evening"... are not -ing forms of "in", "out", "even".
            if isExactly("inn", upTo: s) || isExactly("out", upTo: s) || isExactly("cann", upTo: s)
                || isExactly("herr", upTo: s) || isExactly("earr", upTo: s) || isExactly("even", upTo: s)
            {
                return
            }
            suffix = 3
        } else if endsWith("ed") {
            suffix = 2
        } else {
            return
        }
        let s = n - suffix
        guard containsVowel(0..<s) else { return }
        n = s
        if endsWith("at") || endsWith("bl") || endsWith("iz") {
            w[n] = UInt8(ascii: "e")
            n += 1
        } else if n >= 2, w[n - 1] == w[n - 2], isUndoublable(w[n - 1]) {
            // Undouble ("hopp" -> "hop"), but not "add", "egg", "off" (a, e or o alone before it).
            let before = n - 2
            let alone = before == 1
                && (w[0] == UInt8(ascii: "a") || w[0] == UInt8(ascii: "e") || w[0] == UInt8(ascii: "o"))
            if !alone { n -= 1 }
        } else if p1 >= n, endsWithShortSyllable(n) {
            w[n] = UInt8(ascii: "e")
            n += 1
        }
    }

    func isUndoublable(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "b"), UInt8(ascii: "d"), UInt8(ascii: "f"), UInt8(ascii: "g"), UInt8(ascii: "m"),
             UInt8(ascii: "n"), UInt8(ascii: "p"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return true
        default:
            return false
        }
    }

    /// -eed and -eedly become -ee in R1, except in "proceed", "exceed" and "succeed".
    mutating func eed(_ s: Int) {
        guard s >= p1 else { return }
        if isExactly("proc", upTo: s) || isExactly("exc", upTo: s) || isExactly("succ", upTo: s) { return }
        n = s + 2
    }

    /// Final y after a non-vowel that is not the first letter becomes i ("cry" -> "cri", "by" stays).
    mutating func step1c() {
        guard n >= 2, w[n - 1] == UInt8(ascii: "y") || w[n - 1] == markedY else { return }
        let before = characterStart(before: n - 1)
        if before > 0, !isVowel(w[before]) { w[n - 1] = UInt8(ascii: "i") }
    }

    /// Derivational suffixes in R1.
    mutating func step2() {
        guard n >= 2 else { return }
        switch w[n - 1] {
        case UInt8(ascii: "l"):
            if endsWith("ational") { r1Replace(7, "ate") } else if endsWith("tional") { r1Replace(6, "tion") }
        case UInt8(ascii: "n"):
            if endsWith("ization") { r1Replace(7, "ize") } else if endsWith("ation") { r1Replace(5, "ate") }
        case UInt8(ascii: "r"):
            if endsWith("izer") { r1Replace(4, "ize") } else if endsWith("ator") { r1Replace(4, "ate") }
        case UInt8(ascii: "m"):
            if endsWith("alism") { r1Replace(5, "al") }
        case UInt8(ascii: "s"):
            if endsWith("fulness") {
                r1Replace(7, "ful")
            } else if endsWith("ousness") {
                r1Replace(7, "ous")
            } else if endsWith("iveness") {
                r1Replace(7, "ive")
            }
        case UInt8(ascii: "t"):
            if endsWith("ogist") { r1Replace(5, "og") }
        case UInt8(ascii: "i"):
            step2I()
        default:
            break
        }
    }

    /// Step 2 suffixes ending in i, longest first.
    mutating func step2I() {
        if endsWith("lessli") {
            r1Replace(6, "less")
        } else if endsWith("biliti") {
            r1Replace(6, "ble")
        } else if endsWith("fulli") {
            r1Replace(5, "ful")
        } else if endsWith("ousli") {
            r1Replace(5, "ous")
        } else if endsWith("entli") {
            r1Replace(5, "ent")
        } else if endsWith("aliti") {
            r1Replace(5, "al")
        } else if endsWith("iviti") {
            r1Replace(5, "ive")
        } else if endsWith("abli") {
            r1Replace(4, "able")
        } else if endsWith("alli") {
            r1Replace(4, "al")
        } else if endsWith("enci") {
            r1Replace(4, "ence")
        } else if endsWith("anci") {
            r1Replace(4, "ance")
        } else if endsWith("bli") {
            r1Replace(3, "ble")
        } else if endsWith("ogi") {
            // "-logi" -> "-log" ("geologi" -> "geolog").
            if n - 3 >= p1, n >= 4, w[n - 4] == UInt8(ascii: "l") { replaceSuffix(3, with: "og") }
        } else if endsWith("li") {
            if n - 2 >= p1, n >= 3, isValidLiEnding(w[n - 3]) { n -= 2 }
        }
    }

    func isValidLiEnding(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "c"), UInt8(ascii: "d"), UInt8(ascii: "e"), UInt8(ascii: "g"), UInt8(ascii: "h"),
             UInt8(ascii: "k"), UInt8(ascii: "m"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return true
        default:
            return false
        }
    }

    @inline(__always)
    mutating func r1Replace(_ count: Int, _ replacement: StaticString) {
        if n - count >= p1 { replaceSuffix(count, with: replacement) }
    }

    /// More derivational suffixes in R1.
    mutating func step3() {
        guard n >= 3 else { return }
        switch w[n - 1] {
        case UInt8(ascii: "l"):
            if endsWith("ational") {
                r1Replace(7, "ate")
            } else if endsWith("tional") {
                r1Replace(6, "tion")
            } else if endsWith("ical") {
                r1Replace(4, "ic")
            } else if endsWith("ful") {
                r1Replace(3, "")
            }
        case UInt8(ascii: "e"):
            if endsWith("alize") {
                r1Replace(5, "al")
            } else if endsWith("icate") {
                r1Replace(5, "ic")
            } else if endsWith("ative") {
                if n - 5 >= p1, n - 5 >= p2 { n -= 5 }
            }
        case UInt8(ascii: "i"):
            if endsWith("iciti") { r1Replace(5, "ic") }
        case UInt8(ascii: "s"):
            if endsWith("ness") { r1Replace(4, "") }
        default:
            break
        }
    }

    /// Suffixes removed in R2.
    mutating func step4() {
        guard n >= 2 else { return }
        let count: Int
        switch w[n - 1] {
        case UInt8(ascii: "l"):
            count = endsWith("al") ? 2 : 0
        case UInt8(ascii: "e"):
            if endsWith("ance") || endsWith("ence") || endsWith("able") || endsWith("ible") {
                count = 4
            } else if endsWith("ate") || endsWith("ive") || endsWith("ize") {
                count = 3
            } else {
                count = 0
            }
        case UInt8(ascii: "r"):
            count = endsWith("er") ? 2 : 0
        case UInt8(ascii: "c"):
            count = endsWith("ic") ? 2 : 0
        case UInt8(ascii: "t"):
            if endsWith("ement") {
                count = 5
            } else if endsWith("ment") {
                count = 4
            } else if endsWith("ent") || endsWith("ant") {
                count = 3
            } else {
                count = 0
            }
        case UInt8(ascii: "m"):
            count = endsWith("ism") ? 3 : 0
        case UInt8(ascii: "i"):
            count = endsWith("iti") ? 3 : 0
        case UInt8(ascii: "s"):
            count = endsWith("ous") ? 3 : 0
        case UInt8(ascii: "n"):
            // -ion only after s or t ("adoption" -> "adopt", but not "champion").
            if endsWith("ion"), n - 3 >= p2, n >= 4, w[n - 4] == UInt8(ascii: "s") || w[n - 4] == UInt8(ascii: "t") {
                n -= 3
            }
            return
        default:
            return
        }
        if count > 0, n - count >= p2 { n -= count }
    }

    /// Final e and ll.
    mutating func step5() {
        guard n >= 1 else { return }
        let s = n - 1
        if w[s] == UInt8(ascii: "e") {
            if s >= p2 || (s >= p1 && !endsWithShortSyllable(s)) { n = s }
        } else if w[s] == UInt8(ascii: "l") {
            if s >= p2, s >= 1, w[s - 1] == UInt8(ascii: "l") { n = s }
        }
    }
}
