/// UTF-8 text staged as UTF-16 for ICU's break iterators, with a map back to byte offsets.
///
/// ICU reads UTF-16 in place, but reads UTF-8 through a UText that converts it chunk by chunk,
/// which costs about a quarter of the break iterators' time. Converting once per text is cheaper.
/// ASCII text (most survey answers) widens byte for byte, and its offsets need no map.
struct UTF16Text: ~Copyable {
    private(set) var units: UnsafeMutablePointer<UInt16>
    /// The UTF-8 offset of each UTF-16 unit, and of the end; filled only when the text is not ASCII.
    private(set) var byteOffsets: UnsafeMutablePointer<Int32>
    /// The staged text narrowed back to one byte per unit (`narrowed(standIn:)`).
    private var narrow: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The UTF-16 length of the staged text.
    private(set) var count = 0
    /// Whether the staged text is ASCII, so that UTF-16 and UTF-8 offsets are the same.
    private(set) var isASCII = true

    init() {
        capacity = 256
        units = .allocate(capacity: capacity)
        byteOffsets = .allocate(capacity: capacity + 1)
        narrow = .allocate(capacity: capacity)
    }

    deinit {
        units.deallocate()
        byteOffsets.deallocate()
        narrow.deallocate()
    }

    /// Stages `text`. Returns false, staging nothing, when `text` is not well-formed UTF-8: ICU's
    /// own UTF-8 reader then handles it, so ill-formed bytes are replaced exactly as ICU does.
    mutating func stage(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        // UTF-16 never needs more units than UTF-8 has bytes.
        if text.count > capacity {
            units.deallocate()
            byteOffsets.deallocate()
            narrow.deallocate()
            capacity = max(text.count, capacity * 2)
            units = .allocate(capacity: capacity)
            byteOffsets = .allocate(capacity: capacity + 1)
            narrow = .allocate(capacity: capacity)
        }
        guard let base = text.baseAddress else {
            count = 0
            isASCII = true
            return true
        }
        if Self.isASCII(text) {
            for i in 0..<text.count { units[i] = UInt16(base[i]) }
            count = text.count
            isASCII = true
            return true
        }
        isASCII = false
        guard let n = Self.decode(base, text.count, units: units, byteOffsets: byteOffsets) else { return false }
        count = n
        return true
    }

    /// The staged text with one byte per unit: ASCII units as they are, every other unit as
    /// `standIn` gives it; nil when `standIn` gives nil for one. Its offsets are the units' own, so
    /// `byteOffsets` maps them to the text's bytes. Valid until the next `stage`.
    mutating func narrowed(standIn: (UInt16) -> UInt8?) -> UnsafeBufferPointer<UInt8>? {
        for k in 0..<count {
            let unit = units[k]
            if unit < 0x80 {
                narrow[k] = UInt8(unit)
            } else if let byte = standIn(unit) {
                narrow[k] = byte
            } else {
                return nil
            }
        }
        return UnsafeBufferPointer(start: narrow, count: count)
    }

    /// Whether every byte is below 0x80, eight at a time. The twin of VerbatimCore's
    /// `UTF8Scan.isASCII`: this leaf module cannot import VerbatimCore, whose Foundation brings a
    /// second ICU that clashes with the system one.
    static func isASCII(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = text.baseAddress else { return true }
        var high: UInt64 = 0, i = 0
        while i + 8 <= text.count {
            high |= UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < text.count {
            high |= UInt64(base[i])
            i += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Decodes well-formed UTF-8 (Unicode's table 3-7) into UTF-16 units, recording each unit's byte
    /// offset; nil at the first ill-formed sequence.
    static func decode(
        _ bytes: UnsafePointer<UInt8>, _ count: Int,
        units: UnsafeMutablePointer<UInt16>, byteOffsets: UnsafeMutablePointer<Int32>
    ) -> Int? {
        var i = 0, n = 0
        @inline(__always) func trail(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> UInt32? {
            guard k < count, bytes[k] >= low, bytes[k] <= high else { return nil }
            return UInt32(bytes[k] & 0x3F)
        }
        while i < count {
            let lead = bytes[i]
            let scalar: UInt32, length: Int
            switch lead {
            case 0x00...0x7F:
                scalar = UInt32(lead)
                length = 1
            case 0xC2...0xDF:
                guard let t1 = trail(i + 1) else { return nil }
                scalar = UInt32(lead & 0x1F) << 6 | t1
                length = 2
            case 0xE0...0xEF:
                let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80, high: UInt8 = lead == 0xED ? 0x9F : 0xBF
                guard let t1 = trail(i + 1, low, high), let t2 = trail(i + 2) else { return nil }
                scalar = UInt32(lead & 0x0F) << 12 | t1 << 6 | t2
                length = 3
            case 0xF0...0xF4:
                let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80, high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
                guard let t1 = trail(i + 1, low, high), let t2 = trail(i + 2), let t3 = trail(i + 3) else { return nil }
                scalar = UInt32(lead & 0x07) << 18 | t1 << 12 | t2 << 6 | t3
                length = 4
            default:
                return nil
            }
            if scalar < 0x10000 {
                units[n] = UInt16(scalar)
                byteOffsets[n] = Int32(i)
                n += 1
            } else {
                let v = scalar - 0x10000
                units[n] = UInt16(0xD800 | v >> 10)
                units[n + 1] = UInt16(0xDC00 | v & 0x3FF)
                // No boundary falls inside a surrogate pair; both halves map to the scalar's start.
                byteOffsets[n] = Int32(i)
                byteOffsets[n + 1] = Int32(i)
                n += 2
            }
            i += length
        }
        byteOffsets[n] = Int32(count)
        return n
    }
}
