/// A bounded memo from byte strings (a word's bytes) to small values, for one worker: open
/// addressing over one pool of key bytes, so a lookup with a precomputed hash allocates nothing.
/// It is emptied when full, which bounds memory and costs little: a survey's vocabulary refills it
/// within a few thousand answers.
public struct ByteKeyMemo<Value> {
    @usableFromInline struct Entry {
        @usableFromInline var hash: UInt64
        @usableFromInline var keyStart: Int32
        @usableFromInline var keyCount: Int32
        @usableFromInline var value: Value
        @inlinable init(hash: UInt64, keyStart: Int32, keyCount: Int32, value: Value) {
            self.hash = hash
            self.keyStart = keyStart
            self.keyCount = keyCount
            self.value = value
        }
    }
    /// Entry index + 1 per slot (0: empty); at most half full.
    @usableFromInline var slots: [Int32]
    @usableFromInline var entries: [Entry] = []
    @usableFromInline var keys: [UInt8] = []
    public let capacity: Int

    /// `capacity` 0 turns the memo off: nothing is found or kept.
    public init(capacity: Int) {
        self.capacity = max(0, capacity)
        slots = [Int32](repeating: 0, count: capacity > 0 ? 1024 : 1)
    }

    public var count: Int { entries.count }

    @inlinable
    public func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Value? {
        guard capacity > 0 else { return nil }
        return slots.withUnsafeBufferPointer { slots in
            keys.withUnsafeBufferPointer { stored in
                let mask = slots.count - 1
                var i = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let slot = Int(slots[i])
                    if slot == 0 { return nil }
                    let e = entries[slot - 1]
                    if e.hash == hash, Int(e.keyCount) == key.count,
                       ByteHash.equal(key, UnsafeBufferPointer(rebasing: stored[Int(e.keyStart)..<Int(e.keyStart) + key.count])) {
                        return e.value
                    }
                    i = (i + 1) & mask
                }
            }
        }
    }

    /// Keeps `value` for `key` (not already present), emptying the memo first when it is full.
    public mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, value: Value) {
        guard capacity > 0 else { return }
        if entries.count >= capacity { removeAll() }
        entries.append(Entry(hash: hash, keyStart: Int32(keys.count), keyCount: Int32(key.count), value: value))
        keys.append(contentsOf: key)
        if entries.count * 2 > slots.count {
            slots = [Int32](repeating: 0, count: slots.count * 2)
            for e in entries.indices { place(e) }
        } else {
            place(entries.count - 1)
        }
    }

    public mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        for i in slots.indices { slots[i] = 0 }
    }

    private mutating func place(_ e: Int) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: entries[e].hash) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = Int32(e + 1)
    }
}
