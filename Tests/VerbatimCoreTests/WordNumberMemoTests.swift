import Testing
import VerbatimCore

/// The per-number memo that stages keep for the stemmer's word numbers: a value is found only in
/// the space it was kept in, by its own number.
@Suite struct WordNumberMemoTests {
    struct Value: Equatable {
        var a: UInt64
        var b: Int32
    }

    /// `enter`, outside `#expect` (which may not mutate).
    func enter(_ memo: inout WordNumberMemo<Value>, _ space: UInt64) -> Bool { memo.enter(space) }

    @Test func newSpacesAreDistinctAndNeverNone() {
        let spaces = (0..<1000).map { _ in WordNumbering.newSpace() }
        #expect(Set(spaces).count == spaces.count)
        #expect(!spaces.contains(WordNumbering.none))
    }

    @Test func findsWhatItKeepsByNumberThroughGrowth() {
        var memo = WordNumberMemo<Value>()
        #expect(enter(&memo, WordNumbering.newSpace()))
        // Out of order and past several growths; every third number left unset.
        let numbers = (0..<3000).map { Int32(($0 * 7919) % 3000) }.filter { $0 % 3 != 0 }
        for n in numbers { memo.insert(n, Value(a: UInt64(n) * 31, b: -n)) }
        for n in Int32(0)..<3000 {
            let found = memo.find(n)?.pointee
            #expect(found == (n % 3 != 0 ? Value(a: UInt64(n) * 31, b: -n) : nil), "number \(n)")
        }
        #expect(memo.find(-1) == nil)
        #expect(memo.find(1 << 30) == nil)
    }

    @Test func anotherSpaceForgetsEverythingAndTheSameSpaceKeepsIt() {
        var memo = WordNumberMemo<Value>()
        let first = WordNumbering.newSpace(), second = WordNumbering.newSpace()
        #expect(enter(&memo, first))
        memo.insert(5, Value(a: 1, b: 1))
        #expect(enter(&memo, first))
        #expect(memo.find(5)?.pointee == Value(a: 1, b: 1))
        #expect(enter(&memo, second))
        #expect(memo.find(5) == nil)
        memo.insert(5, Value(a: 2, b: 2))
        // Back to the first space: what the second kept is not the first's.
        #expect(enter(&memo, first))
        #expect(memo.find(5) == nil)
        #expect(!enter(&memo, WordNumbering.none))
        #expect(memo.find(5) == nil)
    }

    @Test func negativeNumbersAndNumbersPastTheLimitAreNotKept() {
        var memo = WordNumberMemo<Value>(limit: 100)
        _ = memo.enter(WordNumbering.newSpace())
        memo.insert(-1, Value(a: 1, b: 1))
        memo.insert(100, Value(a: 1, b: 1))
        memo.insert(99, Value(a: 9, b: 9))
        #expect(memo.find(-1) == nil)
        #expect(memo.find(100) == nil)
        #expect(memo.find(99)?.pointee == Value(a: 9, b: 9))
    }

    @Test func copiesDoNotSeeEachOthersWrites() {
        var memo = WordNumberMemo<Value>()
        _ = memo.enter(WordNumbering.newSpace())
        memo.insert(1, Value(a: 1, b: 1))
        var copy = memo
        copy.insert(1, Value(a: 2, b: 2))
        copy.insert(2, Value(a: 3, b: 3))
        memo.insert(3, Value(a: 4, b: 4))
        #expect(memo.find(1)?.pointee == Value(a: 1, b: 1))
        #expect(memo.find(2) == nil)
        #expect(copy.find(1)?.pointee == Value(a: 2, b: 2))
        #expect(copy.find(3) == nil)
    }
}
