import Synchronization

/// Word numbers let the stages after the stemmer remember what they work out per word in a plain
/// array instead of a hash table of their own.
///
/// The stemmer's memo already looks up every word token by its normalised bytes. It numbers the
/// words it keeps, 0, 1, 2, … in the order it first meets them, and writes each token's number to
/// `Token.wordNumber`. The numbers belong to one memo of one worker, and they restart when that
/// memo is emptied, so each numbering gets a `space` of its own (`Document.wordNumberSpace`).
///
/// A number stands for the token's normalised form and stem together: two tokens with the same
/// number in the same space have the same normalised bytes and the same stem. A stage that changes
/// either after the stemmer must set `Document.wordNumberSpace` to `WordNumbering.none`.
public enum WordNumbering {
    /// No numbering: `Token.wordNumber` means nothing.
    public static let none: UInt64 = 0

    private static let lastSpace = Atomic<UInt64>(0)

    /// A space that no other numbering in this process uses.
    public static func newSpace() -> UInt64 { lastSpace.add(1, ordering: .relaxed).newValue }
}

/// What a stage keeps per word number, for one worker: the value of word `n` of the current space
/// is slot `n` of an array, so a hit reads one small slot and hashes nothing. Numbers come in
/// order of first use, so the frequent words have small numbers and share a few cache lines.
///
/// Entering a document of another space forgets every value at once: each slot carries the stamp
/// of the space it was written in. Copies share the slots until one of them writes.
public struct WordNumberMemo<Value: BitwiseCopyable> {
    // Slot layout: the stamp (UInt32) at 0, the value after it at `valueOffset`.
    @inlinable static var valueOffset: Int {
        let a = MemoryLayout<Value>.alignment
        return (MemoryLayout<UInt32>.size + a - 1) / a * a
    }
    @inlinable static var stride: Int {
        let a = max(MemoryLayout<Value>.alignment, MemoryLayout<UInt32>.alignment)
        return (valueOffset + MemoryLayout<Value>.size + a - 1) / a * a
    }

    @usableFromInline var storage: ZeroedSlots
    /// `storage.base` and its slot count, kept here so that a lookup reads no class field.
    @usableFromInline var base: UnsafeMutableRawPointer
    @usableFromInline var capacity = 0
    /// The stamp of the current space's slots; never 0, which marks a slot never written.
    @usableFromInline var stamp: UInt32 = 1
    /// The space of the values kept.
    public private(set) var space = WordNumbering.none
    /// Numbers from this one on are not kept (a bound on memory, far above a survey's vocabulary).
    public let limit: Int

    public init(limit: Int = 1 << 20) {
        self.limit = max(0, limit)
        storage = ZeroedSlots(byteCount: 0)
        base = storage.base
    }

    /// Starts a document whose tokens are numbered in `space`, forgetting every value when the
    /// space is not the current one. Returns whether the numbers can be used.
    @inlinable @inline(__always)
    public mutating func enter(_ space: UInt64) -> Bool {
        if space != self.space { forget(space) }
        return space != WordNumbering.none
    }

    @usableFromInline
    mutating func forget(_ space: UInt64) {
        self.space = space
        if stamp == .max {
            // Every stamp ever written is forgotten: start again from empty slots.
            replaceStorage(capacity: capacity, keeping: false)
            stamp = 0
        }
        stamp += 1
    }

    /// The value of word `number` of the current space, if kept, in place: valid until the memo
    /// next changes.
    @inlinable @inline(__always)
    public func find(_ number: Int32) -> UnsafePointer<Value>? {
        let i = Int(number)
        guard i >= 0 && i < capacity else { return nil }
        let slot = UnsafeRawPointer(base + i &* Self.stride)
        guard slot.load(as: UInt32.self) == stamp else { return nil }
        return (slot + Self.valueOffset).assumingMemoryBound(to: Value.self)
    }

    /// Keeps `value` for word `number` of the current space (a negative number, or one from
    /// `limit` on, is not kept).
    @inlinable
    public mutating func insert(_ number: Int32, _ value: Value) {
        let i = Int(number)
        guard i >= 0 && i < limit else { return }
        if i >= capacity {
            var size = max(256, capacity)
            while size <= i { size *= 2 }
            replaceStorage(capacity: min(size, limit), keeping: true)
        } else if !isKnownUniquelyReferenced(&storage) {
            replaceStorage(capacity: capacity, keeping: true)
        }
        let slot = base + i &* Self.stride
        slot.storeBytes(of: stamp, as: UInt32.self)
        slot.storeBytes(of: value, toByteOffset: Self.valueOffset, as: Value.self)
    }

    @usableFromInline
    mutating func replaceStorage(capacity size: Int, keeping: Bool) {
        let bigger = ZeroedSlots(byteCount: size * Self.stride)
        if keeping { bigger.base.copyMemory(from: base, byteCount: min(capacity, size) * Self.stride) }
        storage = bigger
        base = bigger.base
        capacity = size
    }
}
