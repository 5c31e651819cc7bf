/// 0 to 16 bytes held in two machine words, zero padded, with the count kept by the caller: a short
/// word or stem compares, hashes and copies in a few instructions instead of a loop over its bytes.
/// Nearly every word of a survey answer is this short.
public struct ShortBytes: Equatable, BitwiseCopyable {
    public static var maxCount: Int { 16 }
    /// Bytes 0..<8 and 8..<16, little-endian, zero beyond the count.
    public var low: UInt64
    public var high: UInt64

    /// Packs `bytes` (at most `maxCount`), reading only inside them: overlapping loads rather than
    /// a byte at a time, the bytes both loads hold landing on the same bits.
    @inlinable @inline(__always)
    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        assert(n <= Self.maxCount)
        guard n > 0, let base = bytes.baseAddress else {
            low = 0
            high = 0
            return
        }
        let raw = UnsafeRawPointer(base)
        if n > 8 {
            low = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            // Bytes 8..<n are the top n - 8 bytes of the last eight.
            high = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &>> UInt64(8 * (16 - n))
        } else {
            low = ByteHash.tail(raw, from: 0, to: n)
            high = 0
        }
    }

    /// Written out so that callers in other modules inline it.
    @inlinable @inline(__always)
    public static func == (a: ShortBytes, b: ShortBytes) -> Bool { a.low == b.low && a.high == b.high }

    @inlinable @inline(__always)
    public init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// Writes all 16 bytes at `target` (the padding too): the caller keeps only the count it wants.
    @inlinable @inline(__always)
    public func store(to target: UnsafeMutableRawPointer) {
        target.storeBytes(of: low.littleEndian, as: UInt64.self)
        target.storeBytes(of: high.littleEndian, toByteOffset: 8, as: UInt64.self)
    }

    /// For a table indexed by the hash's top bits, which a multiplication makes depend on every bit
    /// below them.
    @inlinable @inline(__always)
    public var hash: UInt64 { (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F) }
}
