@testable import LexiconSentiment
import Testing
import VerbatimCore
import VerbatimTestSupport

/// The lookup helpers behind the sentiment matcher: each is a shortcut that must agree with the
/// plain computation it replaces.
@Suite struct LexiconSentimentInternalsTests {
    func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// The plain definition: some byte repeats three or more times in a row.
    func naiveRunOfThree(_ bytes: [UInt8]) -> Bool {
        var run = 0
        var previous: UInt8?
        for b in bytes {
            run = b == previous ? run + 1 : 1
            if run >= 3 { return true }
            previous = b
        }
        return false
    }

    @Test func runOfThreeAgreesWithThePlainDefinitionOnEveryShortWord() {
        // Every word of up to 7 letters over a three-letter alphabet: all run shapes and positions.
        let letters: [UInt8] = [0x61, 0x62, 0x63]
        var words: [[UInt8]] = [[]]
        var longest: [[UInt8]] = [[]]
        for _ in 0..<7 {
            longest = longest.flatMap { word -> [[UInt8]] in letters.map { word + [$0] } }
            words += longest
        }
        for w in words {
            let fast = w.withUnsafeBufferPointer { LexiconMatcher.hasRunOfThree($0) }
            #expect(fast == naiveRunOfThree(w), "\(String(decoding: w, as: UTF8.self))")
        }
        #expect(withBytes("sooo") { LexiconMatcher.hasRunOfThree($0) })
        #expect(withBytes("abbbc") { LexiconMatcher.hasRunOfThree($0) })
        #expect(!withBytes("aabbaabb") { LexiconMatcher.hasRunOfThree($0) })
        #expect(withBytes("1000") { LexiconMatcher.hasRunOfThree($0) })
    }

    @Test func leadFilterPassesEveryWordThatStartsWithAKey() {
        var filter = LeadFilter()
        let keys = ["x", "ab", "frustrat", "woohoo", "héé", ":-"]
        for k in keys { filter.insert(Array(k.utf8)) }
        for word in ["x", "xylophone", "ab", "abc", "frustrated", "frustrat", "woohooo", "héééé", ":-(", ":-"] {
            #expect(withBytes(word) { filter.mayLead($0) }, "\(word)")
        }
    }

    @Test func leadFilterRejectsWordsWhoseFirstTwoBytesStartNoKey() {
        var filter = LeadFilter()
        for k in ["x", "ab", "frustrat", "woohoo"] { filter.insert(Array(k.utf8)) }
        // The first two bytes are tested exactly, so these are certain: no false positives to allow for.
        for word in ["", "a", "b", "fa", "fun", "wow", "good", "bad", "ba", "f", "w", "zebra"] {
            #expect(!withBytes(word) { filter.mayLead($0) }, "\(word)")
        }
        #expect(!withBytes("fr") { filter.mayLead($0) }, "a two-byte word cannot start with a longer key")
        #expect(!LeadFilter().mayLead(UnsafeBufferPointer(start: nil, count: 0)))
    }

    @Test func hashIndexFindsWhatWasInsertedAndNothingElse() {
        var index = HashIndex(capacityFor: 40)
        // Hashes that share their low bits probe past each other; 0 is stored as 1 internally.
        let hashes: [UInt64] = (0..<20).map { UInt64($0) << 40 | 7 } + [0, 1, .max]
        for (k, h) in hashes.enumerated() { index.insert(h, Int32(k)) }
        for (k, h) in hashes.enumerated() where h > 1 { #expect(index.find(h) == Int32(k)) }
        #expect(index.find(0) == 21 && index.find(1) == 21, "0 and 1 share a slot key: the later insert wins")
        #expect(index.find(UInt64(21) << 40 | 7) == nil)
        #expect(index.find(12_345) == nil)
    }

    @Test func wordTableKeepsEntriesAndExpressionStartsOfAHash() {
        let table = WordTable(singles: [(10, 3), (20, 4), (10, 5)], phraseFirsts: [20, 30, 30])
        #expect(table.find(10) == WordTable.Slot(entry: 5, startsPhrase: false), "a later entry replaces an earlier one")
        #expect(table.find(20) == WordTable.Slot(entry: 4, startsPhrase: true))
        #expect(table.find(30) == WordTable.Slot(entry: -1, startsPhrase: true))
        #expect(table.find(40) == nil)
    }

    @Test func tokenFactsSayWhatMatchWillNeed() throws {
        let lexicon = CompiledLexicon([
            LexiconEntry(words: ["good"], rule: .valence(2)),
            LexiconEntry(words: ["red", "tape"], rule: .valence(-2)),
            LexiconEntry(words: ["frustrat"], isPrefix: true, rule: .valence(-2)),
            LexiconEntry(words: [":-)"], rule: .valence(2)),
        ])
        func facts(_ text: String, isWord: Bool = true) -> LexiconMatcher.TokenFacts {
            withBytes(text) { LexiconMatcher.facts($0, hash: fnv1a($0), isWord: isWord, lexicon) }
        }
        typealias Facts = LexiconMatcher.TokenFacts
        let good = try #require(lexicon.entries.firstIndex { $0.text == "good" })
        let smiley = try #require(lexicon.entries.firstIndex { $0.text == ":-)" })
        #expect(facts("good") == Facts(exact: Int32(good), isWord: true))
        #expect(facts(":-)", isWord: false) == Facts(exact: Int32(smiley)))
        #expect(facts("red") == Facts(isWord: true, startsPhrase: true))
        #expect(facts("frustrating") == Facts(isWord: true, mayExtend: true))
        #expect(facts("gooood") == Facts(isWord: true, mayExtend: true), "a letter run may squeeze to an entry")
        #expect(facts("meeting") == Facts(isWord: true))
        #expect(facts("meeting").isInert)
        #expect(!facts(",", isWord: false).isInert, "punctuation always goes to match")
        for inert in [facts("good"), facts("red"), facts("frustrating")] { #expect(!inert.isInert) }
        #expect(facts("isn't") == Facts(isWord: true, isContractedNegation: true))
        #expect(facts("isn't").isInert && !facts("isn't").isPlainWord, "the scorer still reads it as a negator")
        #expect(facts("meeting").isPlainWord && !facts("good").isPlainWord && !facts("red").isPlainWord)
        #expect(!facts("n't").isContractedNegation, "a negator needs a word before its n't")
        var touching = facts("meeting")
        touching.mayStartEmoticon = true
        #expect(!touching.isInert, "it may start an emoticon run")
        touching.mayStartEmoticon = false
        #expect(touching == facts("meeting"), "each flag clears on its own")
    }

    @Test func keyStartFilterPassesEveryLeadingPartOfEveryKey() {
        let keys = [":-)", "<3", "good", "😀"].map { Array($0.utf8) }
        let filter = KeyStartFilter(keys: keys)
        for key in keys {
            for n in 1...key.count {
                // Hashed in two pieces, as the matcher does for two adjacent tokens.
                let head = fnv1a(key[0..<n / 2])
                #expect(filter.mayBegin(fnv1a(key[n / 2..<n], seed: head)), "\(key[0..<n])")
            }
        }
        // Sparse bits: most other texts are ruled out (a few may pass by hash).
        let others = (0..<200).map { fnv1a(Array("word\($0),".utf8)) }
        #expect(others.filter { filter.mayBegin($0) }.count < 40)
    }

    @Test func matcherFindsEmoticonsSpelledByAdjacentTokens() throws {
        let harness = try StageHarness(yaml: "version: 1\nstages: [icu-tokenizer, lexicon-sentiment]")
        for text in ["The launch went fine :-)", "fun:)", "Thanks <3.", "Great team ❤️"] {
            let score = try #require(harness.run(text).sentiment).score
            #expect(score > 0.2, "\(text)")
        }
        #expect(try #require(harness.run("It failed :-(").sentiment).score < 0)
    }

    @Test func evidenceOverlapsAClauseOnlyWhenTheSpansShareABytes() {
        let clause = Clause(sentence: 0, start: 10, end: 20)
        func overlaps(_ spans: [(Int32, Int32)]) -> Bool {
            SentimentCombiner.overlaps(spans.map { Evidence(span: ByteSpan(start: $0.0, end: $0.1), rule: "r") }, clause)
        }
        #expect(overlaps([(0, 5), (15, 25)]))
        #expect(overlaps([(19, 30)]))
        #expect(overlaps([(0, 11)]))
        #expect(!overlaps([(0, 10), (20, 30)]), "touching is not overlapping")
        #expect(!overlaps([]))
    }
}
