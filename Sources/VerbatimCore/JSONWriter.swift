/// Writes JSON into a byte buffer with a fixed key order and number format, so the same document
/// always gives the same bytes (the determinism contract of `coded.jsonl`).
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// One entry per open container: true until its first element is written.
    private var isFirst: [Bool] = []
    private var afterKey = false

    public init(reservingCapacity: Int = 256) { bytes.reserveCapacity(reservingCapacity) }

    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        isFirst.removeAll(keepingCapacity: true)
        afterKey = false
    }

    /// Writes the comma that separates this element from the previous one, if any.
    private mutating func prefix() {
        if afterKey {
            afterKey = false
            return
        }
        if let first = isFirst.last {
            if !first { bytes.append(UInt8(ascii: ",")) }
            isFirst[isFirst.count - 1] = false
        }
    }

    public mutating func beginObject() { prefix(); bytes.append(UInt8(ascii: "{")); isFirst.append(true) }
    public mutating func endObject() { isFirst.removeLast(); bytes.append(UInt8(ascii: "}")) }
    public mutating func beginArray() { prefix(); bytes.append(UInt8(ascii: "[")); isFirst.append(true) }
    public mutating func endArray() { isFirst.removeLast(); bytes.append(UInt8(ascii: "]")) }

    /// Writes `"key":`; the next call writes its value.
    public mutating func key(_ key: String) {
        prefix()
        Self.appendString(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// `key(_:)` for a key written in the source: no `String` to unpack, and nothing to escape
    /// (checked in debug builds). Record writers call it for every key of every line.
    public mutating func key(literal key: StaticString) {
        prefix()
        appendLiteral(key)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// `string(_:)` for a value written in the source (an enum's label, say).
    public mutating func string(literal s: StaticString) { prefix(); appendLiteral(s) }

    private mutating func appendLiteral(_ s: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        s.withUTF8Buffer { text in
            assert(!text.contains(where: Self.needsEscape), "\(s) needs escaping")
            bytes.append(contentsOf: text)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func string(_ s: String) { prefix(); Self.appendString(s, to: &bytes) }
    public mutating func string(utf8 s: UnsafeBufferPointer<UInt8>) { prefix(); Self.appendString(utf8: s, to: &bytes) }
    public mutating func number(_ d: Double) { prefix(); Self.appendNumber(d, to: &bytes) }
    public mutating func integer(_ n: Int) { prefix(); Self.appendInteger(n, to: &bytes) }

    static func appendInteger(_ n: Int, to out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = n.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// `scaled` / 10⁴ in plain notation without trailing zeros, e.g. 12500 → "1.25", -5 → "-0.0005".
    static func appendFixed4(_ scaled: Int, to out: inout [UInt8]) {
        if scaled < 0 { out.append(UInt8(ascii: "-")) }  // 0 has no sign: -0.00004 is "0"
        let magnitude = Int(scaled.magnitude)
        appendInteger(magnitude / 10000, to: &out)
        var fraction = magnitude % 10000
        guard fraction != 0 else { return }
        out.append(UInt8(ascii: "."))
        var places = 4
        while fraction % 10 == 0 {
            fraction /= 10
            places -= 1
        }
        var divisor = 1
        for _ in 1..<places { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }
    public mutating func bool(_ b: Bool) { prefix(); bytes.append(contentsOf: (b ? "true" : "false").utf8) }
    public mutating func null() { prefix(); bytes.append(contentsOf: "null".utf8) }
    /// Writes pre-encoded JSON as a value.
    public mutating func raw(_ json: [UInt8]) { prefix(); bytes.append(contentsOf: json) }
    /// Appends a raw byte outside any container (a newline between JSON Lines records).
    public mutating func newline() { bytes.append(0x0A) }

    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case let .bool(b): bool(b)
        case let .number(d): number(d)
        case let .numberText(t): prefix(); bytes.append(contentsOf: t.utf8)
        case let .string(s): string(s)
        case let .array(items):
            beginArray()
            for item in items { value(item) }
            endArray()
        case let .object(members):
            beginObject()
            for m in members {
                key(m.key)
                value(m.value)
            }
            endObject()
        }
    }

    /// Numbers: integers without a fraction, others with up to 4 decimals (scores), no exponent.
    public static func format(_ d: Double) -> String {
        var out: [UInt8] = []
        appendNumber(d, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `format`, appended as bytes. Scores (below 10¹¹, so that 10⁴ × the number fits an `Int`) are
    /// written digit by digit, without a `String`.
    static func appendNumber(_ d: Double, to out: inout [UInt8]) {
        guard d.isFinite else { return out.append(contentsOf: "null".utf8) }
        // Beyond 1e15 a Double has no useful decimals, and past Int's range `Int(d)` would trap:
        // write its shortest digits in plain notation instead.
        if abs(d) >= 1e15 { return out.append(contentsOf: plainNotation(String(d)).utf8) }
        if d == d.rounded() { return appendInteger(Int(d), to: &out) }
        if abs(d) < 1e11 { return appendFixed4(Int((d * 10000).rounded()), to: &out) }
        let scaled = (d * 10000).rounded() / 10000
        if scaled == scaled.rounded() { return appendInteger(Int(scaled), to: &out) }
        out.append(contentsOf: plainNotation(String(scaled)).utf8)
    }

    /// Rewrites Swift's shortest decimal form ("1.5e+20", "-2.5e-05", "0.25", "12.0") without an
    /// exponent and without a ".0" tail.
    static func plainNotation(_ s: String) -> String {
        var text = Substring(s)
        var sign = ""
        if text.first == "-" {
            sign = "-"
            text = text.dropFirst()
        }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        var point = parts[0].count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        } else if point > digits.count {
            digits += String(repeating: "0", count: point - digits.count)
        }
        var whole = String(digits.prefix(point))
        var fraction = String(digits.dropFirst(point))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        while whole.count > 1, whole.hasPrefix("0") { whole.removeFirst() }
        if whole == "0", fraction.isEmpty { return "0" }
        return sign + whole + (fraction.isEmpty ? "" : "." + fraction)
    }

    public static func appendString(_ s: String, to out: inout [UInt8]) {
        var copy = s
        copy.withUTF8 { appendString(utf8: $0, to: &out) }
    }

    public static func appendString(utf8 s: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Lower-case hex digit of a nibble, without a lookup table allocated per call.
        func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
        // Runs of bytes that need no escaping are copied in one append.
        var runStart = 0
        var i = 0
        while i < s.count {
            // Most text needs no escaping: skip it eight bytes at a time.
            if i + 8 <= s.count, !mayNeedEscape(UnsafeRawPointer(s.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                i += 8
                continue
            }
            let b = s[i]
            i += 1
            if !needsEscape(b) { continue }
            if runStart < i - 1 { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart..<(i - 1)])) }
            runStart = i
            switch b {
            case UInt8(ascii: "\""): out.append(0x5C); out.append(b)
            case UInt8(ascii: "\\"): out.append(0x5C); out.append(b)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            default:
                out.append(0x5C); out.append(UInt8(ascii: "u")); out.append(0x30); out.append(0x30)
                out.append(hex(b >> 4)); out.append(hex(b & 0xF))
            }
        }
        if runStart < s.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart...])) }
        out.append(UInt8(ascii: "\""))
    }

    /// Control bytes, `"`, `\\` and DEL are written escaped; every other byte as it is.
    @inline(__always)
    static func needsEscape(_ b: UInt8) -> Bool { b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F }

    /// Whether any of the eight bytes in `word` is a control byte, `"`, `\\` or DEL: the classic
    /// "has a byte less than n" and "has a zero byte" bit tricks, exact as a yes/no answer.
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        let control = (word &- ones &* 0x20) & ~word & highs != 0
        return control || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
            || hasZeroByte(word ^ (ones &* 0x7F))
    }
}
