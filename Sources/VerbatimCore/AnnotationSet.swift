/// The annotations a document has been given. Every stage adds to it for every answer, so the
/// built-in annotations are bits of a mask (no hashing, no allocation); others, from custom stages,
/// are kept in a short list.
public struct AnnotationSet: Sendable, Equatable, ExpressibleByArrayLiteral, Sequence {
    private var builtins: UInt8 = 0
    /// Annotations that are not built in, each once, in the order they were added.
    private var others: [Annotation] = []

    public init() {}
    public init(arrayLiteral elements: Annotation...) { formUnion(elements) }
    public init(_ elements: some Sequence<Annotation>) { formUnion(elements) }

    public var isEmpty: Bool { builtins == 0 && others.isEmpty }
    public var count: Int { builtins.nonzeroBitCount + others.count }

    public func contains(_ annotation: Annotation) -> Bool {
        if let bit = annotation.builtinBit { return builtins & (1 << bit) != 0 }
        return others.contains(annotation)
    }

    /// Adds `annotation`; returns whether it was new, like `Set.insert`.
    @discardableResult
    public mutating func insert(_ annotation: Annotation) -> (inserted: Bool, memberAfterInsert: Annotation) {
        if contains(annotation) { return (false, annotation) }
        if let bit = annotation.builtinBit { builtins |= 1 << bit } else { others.append(annotation) }
        return (true, annotation)
    }

    public mutating func formUnion(_ elements: some Sequence<Annotation>) {
        for a in elements { insert(a) }
    }

    public func isSuperset(of elements: some Sequence<Annotation>) -> Bool { elements.allSatisfy(contains) }

    /// The annotations sorted by name, so that listing them is deterministic.
    public func makeIterator() -> IndexingIterator<[Annotation]> {
        let named = Annotation.builtinNames.indices.filter { builtins & (1 << $0) != 0 }
            .map { Annotation(rawValue: Annotation.builtinNames[$0]) }
        return (named + others).sorted().makeIterator()
    }

    public static func == (a: AnnotationSet, b: AnnotationSet) -> Bool {
        a.builtins == b.builtins && Set(a.others) == Set(b.others)
    }
}
