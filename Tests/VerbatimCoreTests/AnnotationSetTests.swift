import Testing
@testable import VerbatimCore

/// The set of annotations each document carries: built-ins as bits, custom keys in a list, and
/// both behaving as one set.
@Suite struct AnnotationSetTests {
    static let builtins: [Annotation] = [.tokens, .sentences, .stems, .codes, .sentiment, .themeSentiment, .text]

    @Test func everyBuiltinHasItsOwnBitAndCustomKeysHaveNone() {
        let bits = Self.builtins.compactMap(\.builtinBit)
        #expect(bits.count == Self.builtins.count)
        #expect(Set(bits).count == bits.count)
        #expect(Annotation("non_answer").builtinBit == nil)
        // Built from its name at run time, a built-in still finds its bit.
        #expect(Annotation(rawValue: String(["s", "t", "e", "m", "s"])).builtinBit == Annotation.stems.builtinBit)
    }

    @Test func insertReportsWhetherTheKeyWasNew() {
        var set: AnnotationSet = []
        #expect(set.isEmpty)
        #expect(set.insert(.codes).inserted)
        #expect(!set.insert(.codes).inserted)
        #expect(set.insert("non_answer").inserted)
        #expect(!set.insert("non_answer").inserted)
        #expect(set.count == 2)
    }

    @Test func containsOnlyWhatWasAdded() {
        for (k, added) in Self.builtins.enumerated() {
            let set: AnnotationSet = [added, "custom"]
            for (j, other) in Self.builtins.enumerated() { #expect(set.contains(other) == (j == k), "\(added) \(other)") }
            #expect(set.contains("custom"))
            #expect(!set.contains("other"))
        }
    }

    @Test func iteratesSortedByNameAndComparesAsASet() {
        let a: AnnotationSet = ["zeta", .tokens, "alpha", .codes]
        #expect(a.map(\.rawValue) == ["alpha", "codes", "tokens", "zeta"])
        let b: AnnotationSet = [.codes, "alpha", .tokens, "zeta"]
        #expect(a == b)
        #expect(a != [.codes, .tokens, "alpha"])
        #expect(a.isSuperset(of: [.codes, "zeta"]))
        #expect(!a.isSuperset(of: [.codes, .stems]))
    }
}
