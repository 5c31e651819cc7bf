import Testing
import VerbatimCore

/// The per-worker memo behind the stem cache and the sentiment lexicon's word lookups.
@Suite struct ByteKeyMemoTests {
    func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>, UInt64) -> R) -> R {
        var copy = text
        return copy.withUTF8 { body($0, ByteHash.hash($0)) }
    }

    @Test func findsWhatWasKeptAndOnlyThat() {
        var memo = ByteKeyMemo<Int>(capacity: 10_000)
        for k in 0..<3_000 { withBytes("word\(k)") { memo.insert($0, hash: $1, value: k) } }
        #expect(memo.count == 3_000)
        for k in stride(from: 0, to: 3_000, by: 7) { #expect(withBytes("word\(k)") { memo.find($0, hash: $1) } == k) }
        #expect(withBytes("word3000") { memo.find($0, hash: $1) } == nil)
        // Same hash, different bytes: the bytes decide.
        var other = Array("word1".utf8)
        other[0] = UInt8(ascii: "W")
        let hash = withBytes("word1") { $1 }
        #expect(other.withUnsafeBufferPointer { memo.find($0, hash: hash) } == nil)
    }

    @Test func emptiesWhenFullAndKeepsWorking() {
        var memo = ByteKeyMemo<Int>(capacity: 100)
        for k in 0..<250 { withBytes("w\(k)") { memo.insert($0, hash: $1, value: k) } }
        #expect(memo.count == 50)
        #expect(withBytes("w249") { memo.find($0, hash: $1) } == 249)
        #expect(withBytes("w10") { memo.find($0, hash: $1) } == nil)
    }

    @Test func capacityZeroKeepsNothing() {
        var memo = ByteKeyMemo<Int>(capacity: 0)
        withBytes("word") { memo.insert($0, hash: $1, value: 1) }
        #expect(withBytes("word") { memo.find($0, hash: $1) } == nil)
        #expect(memo.count == 0)
    }
}
