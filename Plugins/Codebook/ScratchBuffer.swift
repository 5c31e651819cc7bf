/// A growable array of plain values in a worker's scratch state, emptied and refilled for every
/// document. The matcher appends a few values per word and reads them back in its hot loops; an
/// `Array` there costs a uniqueness check per append, a bounds check per read and a call to empty
/// it, and a struct holding many arrays costs a retain per array when copied. This one is a pointer
/// and two counts, and is noncopyable, so its memory has one owner and is freed with it.
struct ScratchBuffer<Element>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 64) {
        self.capacity = max(1, capacity)
        base = .allocate(capacity: self.capacity)
    }

    /// `count` copies of `value` (for tables indexed by unit).
    init(repeating value: Element, count: Int) {
        self.init(capacity: count)
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    /// Indices are the matcher's own (positions, hit links), checked in debug builds only.
    @inline(__always)
    subscript(i: Int) -> Element {
        get {
            assert(i >= 0 && i < count)
            return base[i]
        }
        set {
            assert(i >= 0 && i < count)
            base[i] = newValue
        }
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    mutating func append(contentsOf elements: UnsafeBufferPointer<Element>) {
        guard let source = elements.baseAddress else { return }
        while count + elements.count > capacity { grow() }
        (base + count).initialize(from: source, count: elements.count)
        count += elements.count
    }

    /// Empties the buffer and keeps its memory.
    @inline(__always)
    mutating func removeAll() {
        base.deinitialize(count: count)
        count = 0
    }

    /// The elements, valid until the buffer next changes.
    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    /// Sorts stably, so the result is exactly the standard library's (whose sort is stable, as
    /// `Array.sort` is): equal elements keep their order. The matcher sorts a few dozen values per
    /// answer, mostly in order already; an insertion sort with the comparison inlined costs a
    /// fraction of a call through the generic sort. Longer buffers go to the standard library.
    @inline(__always)
    mutating func sort(by areInIncreasingOrder: (Element, Element) -> Bool) {
        if count > Self.insertionSortLimit {
            var all = UnsafeMutableBufferPointer(start: base, count: count)
            all.sort(by: areInIncreasingOrder)
            return
        }
        var i = 1
        while i < count {
            let element = base[i]
            var j = i
            // Strictly smaller only: an element moves past no equal one.
            while j > 0, areInIncreasingOrder(element, base[j - 1]) {
                base[j] = base[j - 1]
                j -= 1
            }
            if j != i { base[j] = element }
            i += 1
        }
    }

    /// Above this, insertion sort's quadratic worst case would outweigh its lower constant.
    static var insertionSortLimit: Int { 48 }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }
}
