/// Writes JSON into a byte buffer with a fixed key order and number format, so the same document
/// always gives the same bytes (the determinism contract of `coded.jsonl`).
///
/// The buffer is raw memory owned by the writer, not an `Array`: `coded.jsonl` is written a few bytes
/// per call, dozens of calls per answer, and an array's uniqueness and capacity checks on every append
/// cost more than the bytes. Each write reserves its worst case once, then stores without checks. The
/// writer is noncopyable because it owns that memory.
public struct JSONWriter: ~Copyable {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    public private(set) var count = 0
    /// Whether the innermost open container has no element yet, and the same for the containers
    /// around it (innermost last). Kept apart so that `prefix`, called for every value, reads a field.
    private var isFirst = false
    /// The enclosing containers' flags as bits (container at depth d in bit d - 1): an array
    /// here cost a uniqueness check on every open and close. Past 64 levels they spill into `deeper`.
    private var enclosingIsFirst: UInt64 = 0
    private var deeper: [Bool] = []
    private var depth = 0
    private var afterKey = false

    public init(reservingCapacity: Int = 256) {
        capacity = max(16, reservingCapacity)
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// A copy of the bytes written so far.
    public var bytes: [UInt8] { withBytes { Array($0) } }

    /// Calls `body` with the bytes written so far, without copying them.
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage, count: count))
    }

    public mutating func reset() {
        count = 0
        isFirst = false
        enclosingIsFirst = 0
        deeper.removeAll(keepingCapacity: true)
        depth = 0
        afterKey = false
    }

    // MARK: Raw output

    /// Makes room for `n` more bytes.
    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if capacity - count < n { grow(toFit: n) }
    }

    @inline(never)
    private mutating func grow(toFit n: Int) {
        var newCapacity = capacity * 2
        while newCapacity - count < n { newCapacity *= 2 }
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.update(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }

    /// Stores a byte; the caller reserved room for it.
    @inline(__always)
    private mutating func store(_ b: UInt8) {
        storage[count] = b
        count += 1
    }

    /// Stores bytes; the caller reserved room for them. Up to 16 bytes (keys, labels, most words) are
    /// copied with two loads that may overlap, rather than a call to `memcpy`.
    @inline(__always)
    private mutating func store(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        let n = bytes.count, source = UnsafeRawPointer(base), target = UnsafeMutableRawPointer(storage + count)
        switch n {
        case 8...16:
            target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), toByteOffset: n - 8, as: UInt64.self)
        case 4..<8:
            target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self), toByteOffset: n - 4, as: UInt32.self)
        case 0..<4:
            for i in 0..<n { storage[count + i] = base[i] }
        default:
            (storage + count).update(from: base, count: n)
        }
        count += n
    }

    private mutating func append(_ b: UInt8) {
        reserve(1)
        store(b)
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        store(bytes)
    }

    private mutating func append(_ s: StaticString) { s.withUTF8Buffer { append($0) } }

    // MARK: Structure

    /// Writes the comma that separates this element from the previous one, if any.
    @inline(__always)
    private mutating func prefix() {
        if afterKey {
            afterKey = false
            return
        }
        if depth > 0 {
            if !isFirst { append(UInt8(ascii: ",")) }
            isFirst = false
        }
    }

    private mutating func open(_ bracket: UInt8) {
        prefix()
        append(bracket)
        if depth > 64 {
            deeper.append(isFirst)
        } else if depth > 0 {
            let bit: UInt64 = 1 << UInt64(depth - 1)
            enclosingIsFirst = isFirst ? enclosingIsFirst | bit : enclosingIsFirst & ~bit
        }
        depth += 1
        isFirst = true
    }

    private mutating func close(_ bracket: UInt8) {
        precondition(depth > 0, "JSONWriter: closing a container that is not open")
        depth -= 1
        if depth > 64 {
            isFirst = deeper.removeLast()
        } else if depth > 0 {
            isFirst = enclosingIsFirst & (1 << UInt64(depth - 1)) != 0
        }
        append(bracket)
    }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Writes `"key":`; the next call writes its value.
    public mutating func key(_ key: String) {
        string(key)
        endKey()
    }

    /// `key(_:)` for a key written in the source: no `String` to unpack, and nothing to escape
    /// (checked in debug builds). Record writers call it for every key of every line.
    public mutating func key(literal key: StaticString) {
        storeLiteral(key, colon: true)
        afterKey = true
    }

    /// The colon after a key, whose value comes next without a comma.
    private mutating func endKey() {
        append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// `string(_:)` for a value written in the source (an enum's label, say).
    public mutating func string(literal s: StaticString) { storeLiteral(s, colon: false) }

    /// A literal quoted, after its comma and before its colon if asked, in one reservation.
    @inline(__always)
    private mutating func storeLiteral(_ s: StaticString, colon: Bool) {
        // A literal of one scalar may be kept as the scalar itself, with no bytes to point at.
        guard s.hasPointerRepresentation else {
            prefix()
            s.withUTF8Buffer { append(UInt8(ascii: "\"")); append($0); append(UInt8(ascii: "\"")) }
            if colon { append(UInt8(ascii: ":")) }
            return
        }
        let text = UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)
        assert(!text.contains(where: Self.needsEscape), "\(s) needs escaping")
        reserve(text.count + 4)
        if afterKey {
            afterKey = false
        } else if depth > 0 {
            if !isFirst { store(UInt8(ascii: ",")) }
            isFirst = false
        }
        store(UInt8(ascii: "\""))
        store(text)
        store(UInt8(ascii: "\""))
        if colon { store(UInt8(ascii: ":")) }
    }

    public mutating func string(_ s: String) { prefix(); appendString(s) }
    public mutating func string(utf8 s: UnsafeBufferPointer<UInt8>) { prefix(); appendString(utf8: s) }
    public mutating func number(_ d: Double) { prefix(); appendNumber(d) }
    public mutating func integer(_ n: Int) { prefix(); appendInteger(n) }
    public mutating func bool(_ b: Bool) { prefix(); append(b ? "true" : "false") }
    public mutating func null() { prefix(); append("null") }
    /// Writes pre-encoded JSON as a value.
    public mutating func raw(_ json: [UInt8]) { prefix(); json.withUnsafeBufferPointer { append($0) } }
    /// Appends a raw byte outside any container (a newline between JSON Lines records).
    public mutating func newline() { append(0x0A) }

    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case let .bool(b): bool(b)
        case let .number(d): number(d)
        case let .numberText(t): prefix(); appendUTF8(of: t)
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

    // MARK: Scalars

    private mutating func appendUTF8(of s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }

    private mutating func appendInteger(_ n: Int) {
        reserve(20)
        if n < 0 { store(UInt8(ascii: "-")) }
        storeDigits(of: n.magnitude)
    }

    /// Stores the decimal digits of `magnitude` (at most 20); the caller reserved room.
    @inline(__always)
    private mutating func storeDigits(of magnitude: UInt) {
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        var value = magnitude
        var i = count + digits - 1
        repeat {
            storage[i] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
            i -= 1
        } while value > 0
        count += digits
    }

    /// `scaled` / 10⁴ in plain notation without trailing zeros, e.g. 12500 → "1.25", -5 → "-0.0005".
    private mutating func appendFixed4(_ scaled: Int) {
        reserve(26)
        if scaled < 0 { store(UInt8(ascii: "-")) }  // 0 has no sign: -0.00004 is "0"
        let magnitude = scaled.magnitude
        storeDigits(of: magnitude / 10000)
        var fraction = magnitude % 10000
        guard fraction != 0 else { return }
        store(UInt8(ascii: "."))
        var places = 4
        while fraction % 10 == 0 {
            fraction /= 10
            places -= 1
        }
        var divisor: UInt = 1
        for _ in 1..<places { divisor *= 10 }
        while divisor > 0 {
            store(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }

    /// `format`, written as bytes. Scores (below 10¹¹, so that 10⁴ × the number fits an `Int`) are
    /// written digit by digit, without a `String`.
    private mutating func appendNumber(_ d: Double) {
        guard d.isFinite else { return append("null") }
        // Beyond 1e15 a Double has no useful decimals, and past Int's range `Int(d)` would trap:
        // write its shortest digits in plain notation instead.
        if abs(d) >= 1e15 { return appendUTF8(of: Self.plainNotation(String(d))) }
        if d == d.rounded() { return appendInteger(Int(d)) }
        if abs(d) < 1e11 { return appendFixed4(Int((d * 10000).rounded())) }
        let scaled = (d * 10000).rounded() / 10000
        if scaled == scaled.rounded() { return appendInteger(Int(scaled)) }
        appendUTF8(of: Self.plainNotation(String(scaled)))
    }

    private mutating func appendString(_ s: String) {
        // Native strings (all the pipeline makes) are read in place; others are copied once.
        if let done: Void = s.utf8.withContiguousStorageIfAvailable({ appendString(utf8: $0) }) { return done }
        var copy = s
        copy.withUTF8 { appendString(utf8: $0) }
    }

    /// Writes `s` as a JSON string: quoted, with control bytes, `"`, `\\` and DEL escaped.
    private mutating func appendString(utf8 s: UnsafeBufferPointer<UInt8>) {
        // The worst case is every byte escaped as \u00XX.
        reserve(6 * s.count + 2)
        store(UInt8(ascii: "\""))
        // Lower-case hex digit of a nibble, without a lookup table allocated per call.
        func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
        // Runs of bytes that need no escaping are copied in one go.
        var runStart = 0
        var i = 0
        while i < s.count {
            // Most text needs no escaping: skip it eight bytes at a time, and a tail of fewer than
            // eight with one load that ends at the last byte (re-reading bytes already passed).
            if i + 8 <= s.count {
                if !Self.mayNeedEscape(UnsafeRawPointer(s.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
            } else if s.count >= 8,
                      !Self.mayNeedEscape(UnsafeRawPointer(s.baseAddress! + s.count - 8).loadUnaligned(as: UInt64.self)) {
                i = s.count
                break
            }
            let b = s[i]
            i += 1
            if !Self.needsEscape(b) { continue }
            if runStart < i - 1 { store(UnsafeBufferPointer(rebasing: s[runStart..<(i - 1)])) }
            runStart = i
            store(0x5C)
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): store(b)
            case 0x0A: store(UInt8(ascii: "n"))
            case 0x0D: store(UInt8(ascii: "r"))
            case 0x09: store(UInt8(ascii: "t"))
            default:
                store(UInt8(ascii: "u")); store(0x30); store(0x30)
                store(hex(b >> 4)); store(hex(b & 0xF))
            }
        }
        if runStart < s.count { store(UnsafeBufferPointer(rebasing: s[runStart...])) }
        store(UInt8(ascii: "\""))
    }

    /// `s` as a quoted, escaped JSON string.
    public static func quoted(utf8 s: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var w = JSONWriter(reservingCapacity: s.count + 2)
        w.appendString(utf8: s)
        return w.bytes
    }

    /// Numbers: integers without a fraction, others with up to 4 decimals (scores), no exponent.
    public static func format(_ d: Double) -> String {
        var w = JSONWriter(reservingCapacity: 32)
        w.appendNumber(d)
        return w.withBytes { String(decoding: $0, as: UTF8.self) }
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

    /// Control bytes, `"`, `\\` and DEL are written escaped; every other byte as it is.
    @inline(__always)
    static func needsEscape(_ b: UInt8) -> Bool { b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F }

    /// Whether any of the eight bytes in `word` is a control byte, `"`, `\\` or DEL: the classic
    /// "has a byte less than n" and "has a zero byte" bit tricks, exact as a yes/no answer.
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // The four tests are or-ed before the one branch: text that needs escaping is rare.
        func zeroBytes(_ v: UInt64) -> UInt64 { (v &- ones) & ~v }
        let control = (word &- ones &* 0x20) & ~word
        let marks = control | zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
            | zeroBytes(word ^ (ones &* 0x7F))
        return marks & highs != 0
    }
}
