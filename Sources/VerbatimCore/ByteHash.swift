/// A fast 64-bit hash of a byte string, 8 bytes at a time (a byte-at-a-time hash costs one
/// multiply per byte, in series), with a final mixing step so that every bit of the result depends
/// on every byte. Not for security: only for tables whose keys are not chosen by an adversary.
public enum ByteHash {
    @inlinable @inline(__always)
    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> UInt64 {
        var h = seed ^ (UInt64(bytes.count) &* 0xFF51_AFD7_ED55_8CCD)
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            var i = 0
            let n = bytes.count
            while i + 8 <= n {
                h = mix(h, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            if i < n { h = mix(h, tail(raw, from: i, to: n)) }
        }
        return finish(h)
    }

    /// Whether two byte strings are equal.
    @inlinable @inline(__always)
    public static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let pa = a.baseAddress else { return true }
        return equal(pa, b.baseAddress, count: a.count)
    }

    /// Whether the `n` bytes at `a` and `b` are equal (`b` may be nil when `n` is 0). Words and
    /// stems are short, so this is one or two loads, not a loop: the last load of each size
    /// overlaps the one before it instead of reading byte by byte.
    @inlinable @inline(__always)
    public static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>?, count n: Int) -> Bool {
        guard n > 0, let b else { return true }
        let pa = UnsafeRawPointer(a), pb = UnsafeRawPointer(b)
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                if pa.loadUnaligned(fromByteOffset: i, as: UInt64.self) != pb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                i += 8
            }
            return pa.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == pb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        if n >= 4 {
            return pa.loadUnaligned(as: UInt32.self) == pb.loadUnaligned(as: UInt32.self)
                && pa.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == pb.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        if n >= 2 {
            return pa.loadUnaligned(as: UInt16.self) == pb.loadUnaligned(as: UInt16.self)
                && pa.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self) == pb.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self)
        }
        return a[0] == b[0]
    }

    /// Bytes `i..<n` (1 to 8 of them) as a little-endian number, read in two overlapping loads rather
    /// than a byte at a time (most words and stems are that short): the bytes both loads hold land
    /// on the same bits.
    @inlinable @inline(__always)
    public static func tail(_ raw: UnsafeRawPointer, from i: Int, to n: Int) -> UInt64 {
        let r = n - i
        if r >= 4 {
            return UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
                | UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))) << (8 * UInt64(r - 4))
        }
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        return UInt64(bytes[i]) | UInt64(bytes[i + r / 2]) << (8 * UInt64(r / 2)) | UInt64(bytes[n - 1]) << (8 * UInt64(r - 1))
    }

    /// Folds 8 bytes (as a number) into the state.
    @inlinable @inline(__always)
    static func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let m = (h ^ word) &* 0xC4CE_B9FE_1A85_EC53
        return m ^ (m >> 29)
    }

    /// The final mixing step.
    @inlinable @inline(__always)
    static func finish(_ h: UInt64) -> UInt64 {
        var h = h
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}
