/// One answer's UTF-8 text, borrowed while its extracts are made (no array retained per call), with
/// the byte-level helpers that count its scalars and find an extract's window in it.
struct QuoteText {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Every byte is ASCII, so a byte range holds as many scalars as bytes: most answers are, and
    /// trimming counts scalars for every cut it tries.
    let isASCII: Bool

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.isASCII = UTF8Scan.isASCII(bytes)
    }

    var count: Int { bytes.count }

    /// The Unicode scalars in `range`.
    func scalarCount(_ range: Range<Int>) -> Int {
        isASCII ? range.count : UTF8Scan.scalarCount(UnsafeBufferPointer(rebasing: bytes[range]))
    }

    // MARK: Trimming

    /// The largest window of `range` around the evidence that fits in `limit` scalars (counting the
    /// "…" marks), cut at clause boundaries where possible and otherwise between words.
    /// `scratch` holds the buffers, kept from call to call so that trimming allocates nothing.
    func trimWindow(range: Range<Int>, evidence: [Evidence], limit: Int, scratch: inout TrimScratch) -> Range<Int> {
        let lo = range.lowerBound, hi = range.upperBound
        func cost(_ a: Int, _ b: Int) -> Int {
            scalarCount(a..<b) + (a > lo ? 1 : 0) + (b < hi ? 1 : 0)
        }
        scratch.inside.removeAll(keepingCapacity: true)
        for k in evidence.indices {
            let span = evidence[k].span.range
            if span.lowerBound >= lo, span.upperBound <= hi, !span.isEmpty { scratch.inside.append(span) }
        }
        scratch.inside.sort { $0.lowerBound < $1.lowerBound }
        guard let first = scratch.inside.first else { return range }
        var furthest = first.upperBound
        for span in scratch.inside where span.upperBound > furthest { furthest = span.upperBound }
        // Anchor: all the evidence in the range when it fits, else the first span.
        var anchor = first.lowerBound..<furthest
        anchor = wordStart(anchor.lowerBound, lo)..<wordEnd(anchor.upperBound, hi)
        if cost(anchor.lowerBound, anchor.upperBound) > limit {
            anchor = wordStart(first.lowerBound, lo)..<wordEnd(first.upperBound, hi)
        }
        // Clause level.
        clauses(lo, hi, into: &scratch)
        let starts = scratch.starts, ends = scratch.ends
        var i = starts.lastIndex { $0 <= anchor.lowerBound } ?? 0
        var j = ends.firstIndex { $0 >= anchor.upperBound } ?? (ends.count - 1)
        if j < i { j = i }
        if cost(starts[i], ends[j]) <= limit {
            while true {
                var grew = false
                if j + 1 < ends.count, cost(starts[i], ends[j + 1]) <= limit {
                    j += 1
                    grew = true
                }
                if i > 0, cost(starts[i - 1], ends[j]) <= limit {
                    i -= 1
                    grew = true
                }
                if !grew { break }
            }
            return tidy(starts[i]..<ends[j], lo, hi)
        }
        // Word level, inside the clause(s) around the anchor.
        let clauseLo = starts[i], clauseHi = ends[j]
        var a = anchor.lowerBound, b = anchor.upperBound
        while cost(a, b) > limit {
            let shorter = previousWordEnd(b, a)
            if shorter <= a { break }
            b = shorter
        }
        while true {
            var grew = false
            if b < clauseHi {
                let next = nextWordEnd(b, clauseHi)
                if next > b, cost(a, next) <= limit {
                    b = next
                    grew = true
                }
            }
            if a > clauseLo {
                let previous = previousWordStart(a, clauseLo)
                if previous < a, cost(previous, b) <= limit {
                    a = previous
                    grew = true
                }
            }
            if !grew { break }
        }
        // Do not leave "…" hanging after a word like "the" or "of".
        while b < hi {
            let start = previousWordStart(b, a)
            guard start >= anchor.upperBound, start < b else { break }
            let word = String(decoding: bytes[start..<b], as: UTF8.self).lowercased()
            guard Self.danglingWords.contains(word) else { break }
            b = previousWordEnd(start, a)
        }
        return tidy(a..<b, lo, hi)
    }

    /// Words a trimmed extract should not end on.
    static let danglingWords: Set<String> = [
        "a", "an", "the", "of", "in", "to", "and", "or", "for", "with", "on", "at", "by", "from", "that", "which", "as",
        "is", "are", "was", "were", "be", "but", "into", "their", "its", "our", "my", "your", "this", "these",
    ]

    /// Drops white space and clause punctuation where a "…" will join the cut.
    func tidy(_ window: Range<Int>, _ lo: Int, _ hi: Int) -> Range<Int> {
        var a = window.lowerBound, b = window.upperBound
        if a > lo {
            while a < b, Self.isSpace(bytes[a]) || bytes[a] == UInt8(ascii: ",") || bytes[a] == UInt8(ascii: ";")
                || bytes[a] == UInt8(ascii: ":") { a += 1 }
        }
        if b < hi {
            while b > a, Self.isSpace(bytes[b - 1]) || bytes[b - 1] == UInt8(ascii: ",") || bytes[b - 1] == UInt8(ascii: ";")
                || bytes[b - 1] == UInt8(ascii: ":") || bytes[b - 1] == UInt8(ascii: "-") { b -= 1 }
        }
        return a..<b
    }

    /// Clause starts and ends in `lo..<hi`: cuts after `,` `;` `:` `)` followed by a space, around
    /// spaced dashes (" - ", "–", "—"), and before " (". (`skipping: false` looks at every byte,
    /// for tests.)
    func clauses(_ lo: Int, _ hi: Int, skipping: Bool = true) -> (starts: [Int], ends: [Int]) {
        var scratch = TrimScratch()
        clauses(lo, hi, skipping: skipping, into: &scratch)
        return (scratch.starts, scratch.ends)
    }

    /// `clauses(_:_:skipping:)` into `scratch.starts` and `scratch.ends`, reusing their memory.
    func clauses(_ lo: Int, _ hi: Int, skipping: Bool = true, into scratch: inout TrimScratch) {
        scratch.starts.removeAll(keepingCapacity: true)
        scratch.ends.removeAll(keepingCapacity: true)
        scratch.starts.append(lo)
        // Cuts come in text order, and whether one is kept depends only on those kept before it: they
        // are kept as they are found, without a list of all of them to filter afterwards.
        func cut(_ end: Int, _ start: Int) {
            if end > scratch.starts[scratch.starts.count - 1], start < hi {
                scratch.ends.append(end)
                scratch.starts.append(start)
            }
        }
        func skipSpaces(_ i: Int) -> Int {
            var k = i
            while k < hi, Self.isSpace(bytes[k]) { k += 1 }
            return k
        }
        func backSpaces(_ i: Int) -> Int {
            var k = i
            while k > lo, Self.isSpace(bytes[k - 1]) { k -= 1 }
            return k
        }
        func nextIsSpace(_ i: Int) -> Bool { i + 1 < hi && Self.isSpace(bytes[i + 1]) }
        var i = lo
        // Most bytes are none of the marks: eight at a time are skipped when none can be one, and
        // the switch settles the rest with no look around.
        while i < hi {
            if skipping, i + 8 <= hi,
               !Self.mayHoldClauseMark(UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                i += 8
                continue
            }
            switch bytes[i] {
            case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: ")"):
                if nextIsSpace(i) { cut(i + 1, skipSpaces(i + 1)) }
            case UInt8(ascii: "("):
                if i > lo, Self.isSpace(bytes[i - 1]) { cut(backSpaces(i), i) }
            case UInt8(ascii: "-"):
                if i > lo, Self.isSpace(bytes[i - 1]), nextIsSpace(i) { cut(backSpaces(i), skipSpaces(i + 1)) }
            case 0xE2:
                if i + 2 < hi, bytes[i + 1] == 0x80, bytes[i + 2] == 0x93 || bytes[i + 2] == 0x94 {
                    // En or em dash.
                    cut(backSpaces(i), skipSpaces(i + 3))
                    i += 3
                    continue
                }
            default:
                break
            }
            i += 1
        }
        scratch.ends.append(hi)
    }

    /// Buffers for `trimWindow` and `clauses`: the evidence inside the range, and clause bounds.
    struct TrimScratch {
        var inside: [Range<Int>] = []
        var starts: [Int] = []
        var ends: [Int] = []
    }

    /// Whether any of 8 bytes (as a number) may be a byte `clauses` looks at: `(` `)` `,` `-`
    /// (0x28…0x2D, with `*` `+` too), `:` `;`, or a non-ASCII byte (the dashes' lead byte 0xE2).
    /// For ASCII bytes, adding 0x80 - n to one sets its bit 7 exactly when it is n or more, with
    /// no carry into the next byte.
    static func mayHoldClauseMark(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        let ascii = word & ~high
        let parenToDash = (ascii &+ (0x80 - 0x28) &* ones) & ~(ascii &+ (0x80 - 0x2E) &* ones)
        let colons = (ascii &+ (0x80 - 0x3A) &* ones) & ~(ascii &+ (0x80 - 0x3C) &* ones)
        return (parenToDash | colons | word) & high != 0
    }

    /// `range` without white space at either end.
    func trimmed(_ range: Range<Int>) -> Range<Int> {
        var a = range.lowerBound, b = range.upperBound
        while a < b, Self.isSpace(bytes[a]) { a += 1 }
        while b > a, Self.isSpace(bytes[b - 1]) { b -= 1 }
        return a..<b
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// The start of the word holding byte `i` (or `i` itself at a word start).
    func wordStart(_ i: Int, _ limit: Int) -> Int {
        var k = i
        while k > limit, !Self.isSpace(bytes[k - 1]) { k -= 1 }
        return k
    }

    /// The end of the word holding byte `i - 1` (or `i` itself at a word end).
    func wordEnd(_ i: Int, _ limit: Int) -> Int {
        var k = i
        while k < limit, !Self.isSpace(bytes[k]) { k += 1 }
        return k
    }

    func nextWordEnd(_ from: Int, _ limit: Int) -> Int {
        var i = from
        while i < limit, Self.isSpace(bytes[i]) { i += 1 }
        while i < limit, !Self.isSpace(bytes[i]) { i += 1 }
        return i
    }

    func previousWordStart(_ from: Int, _ limit: Int) -> Int {
        var i = from
        while i > limit, Self.isSpace(bytes[i - 1]) { i -= 1 }
        while i > limit, !Self.isSpace(bytes[i - 1]) { i -= 1 }
        return i
    }

    func previousWordEnd(_ from: Int, _ limit: Int) -> Int {
        var i = from
        while i > limit, !Self.isSpace(bytes[i - 1]) { i -= 1 }
        while i > limit, Self.isSpace(bytes[i - 1]) { i -= 1 }
        return max(i, limit)
    }
}
