internal import CICU
import Synchronization

/// ICU's word-break rules as they apply to ASCII text, for the answers (nearly all, in English
/// surveys) that are ASCII: their words are broken here, several times faster than ICU's iterator
/// walks its state table, with the same boundaries and kinds.
///
/// In ASCII, UAX #29 word breaking comes down to a few classes and the pair rules below, with two
/// changes ICU makes to the standard: "@" is a letter (so e-mail addresses hold together) and ":"
/// is not a mid-letter (so "a:b" breaks). A segment's kind is the status ICU's rule for its last
/// join gives: number for a join onto a digit and for a digit joined to "_", letter for the rest.
///
/// Locales can tailor these rules (Finnish and Swedish join "a:b"; POSIX breaks "a.b"), and a
/// future ICU could change them, so a segmenter uses this only after `agreesWithICU` found every
/// probe broken alike by its own iterator.
enum ASCIIWordBreaks {
    /// Word-break classes of the ASCII bytes; the double quote only matters next to Hebrew letters.
    enum Class {
        static let other: UInt8 = 0, cr: UInt8 = 1, lf: UInt8 = 2, newline: UInt8 = 3, space: UInt8 = 4
        static let letter: UInt8 = 5, digit: UInt8 = 6
        /// "." (MidNumLet) and "'" (Single_Quote): between letters or between digits.
        static let midNumLetQ: UInt8 = 7
        /// "," and ";" (MidNum): between digits.
        static let midNum: UInt8 = 8
        /// "_" (ExtendNumLet).
        static let extendNumLet: UInt8 = 9
        /// Past either end of the text.
        static let edge: UInt8 = 10
    }

    static let classes: [UInt8] = (0..<128).map { byte -> UInt8 in
        switch UInt8(byte) {
        case UInt8(ascii: "\r"): Class.cr
        case UInt8(ascii: "\n"): Class.lf
        case 0x0B, 0x0C: Class.newline
        case UInt8(ascii: " "): Class.space
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "@"): Class.letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Class.digit
        case UInt8(ascii: "."), UInt8(ascii: "'"): Class.midNumLetQ
        case UInt8(ascii: ","), UInt8(ascii: ";"): Class.midNum
        case UInt8(ascii: "_"): Class.extendNumLet
        default: Class.other
        }
    }

    /// What joins two neighbours `a` and `b` (with `before` a and `after` b): nil for a break, else
    /// the kind the join gives the segment (`.none` for CR LF and runs of spaces).
    @inline(__always)
    static func join(_ before: UInt8, _ a: UInt8, _ b: UInt8, _ after: UInt8) -> WordSegmentKind? {
        switch (a, b) {
        case (Class.letter, Class.letter): return .letter                                   // WB5
        case (Class.cr, Class.lf), (Class.space, Class.space): return WordSegmentKind.none  // WB3, WB3d
        case (Class.digit, Class.digit): return .number                                     // WB8
        case (Class.letter, Class.digit): return .number                                    // WB9
        case (Class.digit, Class.letter): return .letter                                    // WB10
        case (Class.letter, Class.midNumLetQ): return after == Class.letter ? .letter : nil // WB6
        case (Class.midNumLetQ, Class.letter): return before == Class.letter ? .letter : nil // WB7
        case (Class.digit, Class.midNumLetQ), (Class.digit, Class.midNum):                  // WB12
            return after == Class.digit ? .number : nil
        case (Class.midNumLetQ, Class.digit), (Class.midNum, Class.digit):                  // WB11
            return before == Class.digit ? .number : nil
        case (Class.letter, Class.extendNumLet), (Class.extendNumLet, Class.extendNumLet),  // WB13a
             (Class.extendNumLet, Class.letter):                                             // WB13b
            return .letter
        case (Class.digit, Class.extendNumLet), (Class.extendNumLet, Class.digit): return .number
        default: return nil                                                                  // WB3a, WB3b, WB999
        }
    }

    /// The kind of a segment of one byte of class `c`.
    @inline(__always)
    static func single(_ c: UInt8) -> WordSegmentKind {
        c == Class.letter ? .letter : c == Class.digit ? .number : .none
    }

    /// `join` for every pair of classes, as one 32-bit entry at `a × classCount + b`: the kind the
    /// join gives (`Joined`, or 0 for a break) in the low byte, then the class the byte after `b`
    /// must have for it (0xFF: any), then the class the byte before `a` must have. Derived from
    /// `join` by trying every neighbour, so `join` stays the one statement of the rules.
    static let joins: [UInt32] = {
        let all = (0...Class.edge).map { $0 }
        var table: [UInt32] = []
        for a in all {
            for b in all {
                let outcomes = all.flatMap { before in all.map { after in (before, after, join(before, a, b, after)) } }
                let kinds = Set(outcomes.compactMap { $0.2.map(Joined.code) })
                precondition(kinds.count <= 1, "a join gives one kind whatever the neighbours")
                guard let kind = kinds.first else {
                    table.append(0)
                    continue
                }
                let joinedAt = outcomes.filter { $0.2 != nil }
                let afters = Set(joinedAt.map(\.1)), befores = Set(joinedAt.map(\.0))
                let needAfter: UInt32 = afters.count == all.count ? 0xFF : UInt32(afters.first!)
                let needBefore: UInt32 = befores.count == all.count ? 0xFF : UInt32(befores.first!)
                precondition(afters.count == all.count || afters.count == 1, "a join needs at most one class after")
                precondition(befores.count == all.count || befores.count == 1, "a join needs at most one class before")
                precondition(joinedAt.count == afters.count * befores.count, "a join's conditions are independent")
                table.append(UInt32(kind) | needAfter << 8 | needBefore << 16)
            }
        }
        return table
    }()

    static let classCount = Int(Class.edge) + 1

    /// A join's kind in the table: nonzero, so that 0 can mean a break.
    enum Joined {
        static func code(_ kind: WordSegmentKind) -> UInt8 { kind.rawValue + 1 }
        static func kind(_ code: UInt32) -> WordSegmentKind { WordSegmentKind(rawValue: UInt8(code - 1))! }
    }

    /// Breaks `text` (ASCII, not empty) into `out`, which has room for `text.count` segments;
    /// returns the number of segments.
    static func segment(_ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<WordBoundary>) -> Int {
        classes.withUnsafeBufferPointer { classes in
            joins.withUnsafeBufferPointer { joins in
                let n = text.count
                var count = 0
                var start = 0
                var before = Class.edge
                var a = classes[Int(text[0] & 0x7F)]
                var kind = single(a)
                var i = 1
                while i < n {
                    let b = classes[Int(text[i] & 0x7F)]
                    // Letters inside a word: most of the text, settled without the table.
                    if a == Class.letter && b == Class.letter {
                        kind = .letter
                    } else {
                        let rule = joins[Int(a) &* classCount &+ Int(b)]
                        var joined = rule & 0xFF != 0
                        if joined, rule & 0xFFFF00 != 0xFFFF00 {
                            let needAfter = UInt8(truncatingIfNeeded: rule >> 8), needBefore = UInt8(truncatingIfNeeded: rule >> 16)
                            if needAfter != 0xFF {
                                joined = i + 1 < n && classes[Int(text[i + 1] & 0x7F)] == needAfter
                            }
                            if needBefore != 0xFF { joined = joined && before == needBefore }
                        }
                        if joined {
                            kind = Joined.kind(rule & 0xFF)
                        } else {
                            out[count] = WordBoundary(start: Int32(start), end: Int32(i), kind: kind)
                            count += 1
                            start = i
                            kind = single(b)
                        }
                    }
                    before = a
                    a = b
                    i += 1
                }
                out[count] = WordBoundary(start: Int32(start), end: Int32(n), kind: kind)
                return count + 1
            }
        }
    }

    /// Whether ICU's word iterator `iterator` breaks a set of probe texts exactly as `segment` does:
    /// strings of up to three of the bytes the rules tell apart, and every ASCII byte alone and
    /// beside letters, digits and "_". Decided once per locale per process (about a millisecond).
    static func agreesWithICU(locale: String, iterator: OpaquePointer) -> Bool {
        if let known = verdicts.withLock({ $0[locale] }) { return known }
        let verdict = agree(probeText(), iterator)
        verdicts.withLock { $0[locale] = verdict }
        return verdict
    }

    private static let verdicts = Mutex<[String: Bool]>([:])

    /// The probes in one text, each after a vertical tab: a newline-class byte that breaks on both
    /// sides and joins nothing (a line feed would join a probe's final CR), so each probe breaks as
    /// it would alone, and one pass of each segmenter checks them all.
    static func probeText() -> [UInt8] {
        let pairs = Array("a1.',;_: \r\n\u{0B}\u{0C}-\t@\"Z9".utf8)
        // One byte per class, and the bytes that ICU or its locales treat apart (":", "@", "\"").
        let triples = Array("a1.',;_: \r\n\u{0B}-@\"".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(4 * triples.count * triples.count * triples.count + 3 * pairs.count * pairs.count + 4_000)
        for x in pairs {
            text += [0x0B, x]
            for y in pairs { text += [0x0B, x, y] }
        }
        for x in triples {
            for y in triples {
                for z in triples { text += [0x0B, x, y, z] }
            }
        }
        for c in UInt8(0)..<128 {
            for (x, y) in [(UInt8(ascii: "a"), UInt8(ascii: "b")), (UInt8(ascii: "1"), UInt8(ascii: "2")),
                           (UInt8(ascii: "_"), UInt8(ascii: "_"))] {
                text += [0x0B, c, 0x0B, x, c, 0x0B, c, y, 0x0B, x, c, y, 0x0B, c, c]
            }
        }
        return text
    }

    /// Whether ICU and `segment` break the ASCII `text` alike, boundaries and kinds.
    static func agree(_ text: [UInt8], _ iterator: OpaquePointer) -> Bool {
        ASCIIProbes.agree(
            text, iterator, collect: { ICUSegmenter.collectWords(of: $0, into: $1, offset: { $0 }) },
            segment: { segment($0, into: $1) })
    }
}
