/// Whole-text checks on UTF-8 bytes, eight bytes at a time: writers and quote extracts ask them of
/// every answer.
public enum UTF8Scan {
    /// Whether every byte is ASCII (below 0x80).
    public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var high: UInt64 = 0, i = 0
        while i + 8 <= bytes.count {
            high |= UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < bytes.count {
            high |= UInt64(bytes[i])
            i += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// The Unicode scalars in well-formed UTF-8: every byte but a continuation byte (10xxxxxx)
    /// starts one.
    public static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var continuations = 0, i = 0
        while i + 8 <= bytes.count {
            let w = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // Bit 7 of each byte: set, with bit 6 (shifted up onto it) clear.
            let marks = w & ~(w << 1) & 0x8080_8080_8080_8080
            continuations &+= marks.nonzeroBitCount
            i += 8
        }
        while i < bytes.count {
            if bytes[i] & 0xC0 == 0x80 { continuations += 1 }
            i += 1
        }
        return bytes.count - continuations
    }
}
