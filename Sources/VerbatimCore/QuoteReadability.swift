/// How quotable an extract reads: scored on its UTF-8 bytes, once per distinct window of an answer.
extension QuoteExtractor {
    /// Words that leave a quote leaning on what came before it.
    static let dependentOpeners: Set<String> = [
        "it", "this", "that", "these", "those", "they", "them", "he", "she", "and", "but", "also", "so", "or",
        "which", "as", "then", "however", "though", "although", "because", "yes", "no",
    ]
    /// The same as `wordKey`s (none is longer than 8 letters), sorted for a binary search: the
    /// opening word of every extract is looked up, and this needs neither a `String` nor a hash.
    static let dependentOpenerKeys: [UInt64] = dependentOpeners.map { wordKey(ArraySlice($0.utf8)) }.sorted()

    static func isDependentOpener(_ key: UInt64) -> Bool {
        var lo = 0, hi = dependentOpenerKeys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if dependentOpenerKeys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < dependentOpenerKeys.count && dependentOpenerKeys[lo] == key
    }

    /// 0…1: a quotable length, whole sentences, a capital start and a full stop, no dangling opener;
    /// an extract that is the whole answer stands on its own best.
    public static func readability(body: String, trimmedStart: Bool, trimmedEnd: Bool, wholeAnswer: Bool, limit: Int) -> Double {
        var body = body
        return body.withUTF8 { bytes in
            readability(body: bytes, scalars: UTF8Scan.scalarCount(bytes), trimmedStart: trimmedStart, trimmedEnd: trimmedEnd,
                        wholeAnswer: wholeAnswer)
        }
    }

    /// The same on the extract's UTF-8 bytes and scalar count, without building a `String`.
    static func readability(body: UnsafeBufferPointer<UInt8>, scalars: Int, trimmedStart: Bool, trimmedEnd: Bool,
                            wholeAnswer: Bool) -> Double {
        let length = Double(scalars)
        var score: Double
        switch length {
        case ..<20: score = 0.05
        case ..<50: score = 0.05 + 0.55 * (length - 20) / 30
        case ..<100: score = 0.6 + 0.4 * (length - 50) / 50
        case ...260: score = 1
        default: score = max(0.6, 1 - (length - 260) / 400)
        }
        if trimmedStart { score -= 0.15 }
        if trimmedEnd { score -= 0.15 }
        // ASCII answers the Unicode property without looking it up.
        if let first = firstScalar(body), first.isASCII ? (0x61...0x7A).contains(first.value) : first.properties.isLowercase {
            score -= 0.1
        }
        if !trimmedEnd, let last = lastScalar(body), !isClosing(last) { score -= 0.05 }
        if let opener = openingWordKey(body), isDependentOpener(opener) { score -= 0.15 }
        // Mostly symbols, digits or list marks reads badly; non-ASCII characters count as letters
        // (a cheap stand-in for the Unicode letter property, which is slow to look up).
        if length > 0, Double(letterCount(body)) / length < 0.6 { score -= 0.2 }
        return min(1, max(0, score)) * 0.85 + (wholeAnswer ? 0.15 : 0)
    }

    /// Whether an extract ending on `scalar` ends like a sentence: one of . ! ? " ” ’ ' ) …
    static func isClosing(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2E, 0x21, 0x3F, 0x22, 0x201D, 0x2019, 0x27, 0x29, 0x2026: return true
        default: return false
        }
    }

    /// The ASCII letters and the lead bytes of non-ASCII scalars of 2 bytes or more (≥ 0xC0), 8
    /// bytes at a time: this runs over every candidate window.
    static func letterCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var n = 0, i = 0
        while i + 8 <= bytes.count {
            let w = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let high = w & 0x8080_8080_8080_8080
            // Low 7 bits, lower-cased (A-Z onto a-z), so that adding cannot carry into the next byte.
            let lowered = (w & 0x7F7F_7F7F_7F7F_7F7F) | 0x2020_2020_2020_2020
            let atLeastA = (lowered &+ 0x1F1F_1F1F_1F1F_1F1F) & 0x8080_8080_8080_8080
            let pastZ = (lowered &+ 0x0505_0505_0505_0505) & 0x8080_8080_8080_8080
            let letters = atLeastA & ~pastZ & ~high
            // Bits 7 and 6 both set (bit 6 shifted up onto bit 7).
            let leads = w & (w << 1) & 0x8080_8080_8080_8080
            n &+= (letters | leads).nonzeroBitCount
            i += 8
        }
        while i < bytes.count {
            let b = bytes[i]
            // A-Z or a-z: setting bit 5 maps A-Z onto a-z, and nothing else onto them.
            if (b | 0x20) &- 0x61 < 26 || b >= 0xC0 { n += 1 }
            i += 1
        }
        return n
    }

    /// The `wordKey` of the first word when it is at most 8 ASCII letters (every dependent opener
    /// is): after white space, a run of letters ended by anything but another letter. Nil otherwise.
    static func openingWordKey(_ body: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var i = 0
        while i < body.count, QuoteText.isSpace(body[i]) { i += 1 }
        let start = i
        while i < body.count, (body[i] | 0x20) >= 0x61, (body[i] | 0x20) <= 0x7A { i += 1 }
        guard i > start, i - start <= 8 else { return nil }
        // A non-ASCII letter right after ("itä") makes a longer word that is no opener.
        if i < body.count, body[i] >= 0x80, let next = firstScalar(UnsafeBufferPointer(rebasing: body[i...])),
           next.properties.isAlphabetic { return nil }
        var key: UInt64 = 0
        for k in start..<i { key = key << 8 | UInt64(body[k] | 0x20) }
        return key
    }

    /// Up to 8 ASCII letters, lower-cased, as a number (a byte each).
    static func wordKey(_ letters: ArraySlice<UInt8>) -> UInt64 {
        var key: UInt64 = 0
        for b in letters { key = key << 8 | UInt64(b | 0x20) }
        return key
    }

    static func firstScalar(_ bytes: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        guard let first = bytes.first else { return nil }
        if first < 0x80 { return Unicode.Scalar(first) }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        if case let .scalarValue(s) = decoder.decode(&iterator) { return s }
        return nil
    }

    static func lastScalar(_ bytes: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        var start = bytes.count
        while start > 0 {
            start -= 1
            if bytes[start] & 0xC0 != 0x80 { break }
        }
        return firstScalar(UnsafeBufferPointer(rebasing: bytes[start...]))
    }
}
