@testable import LexiconSentiment
import Testing
import VerbatimCore
import VerbatimTestSupport

/// `WordFactsMemo` stands in for hashing and looking up every token in `LexiconMatcher.prepare`: what
/// it hands out must be exactly what the lookups give.
@Suite struct LexiconSentimentWordFactsMemoTests {
    static let lexicon: CompiledLexicon = {
        let entries = (try? LexiconParser.load(path: TestPaths.repositoryRoot + "/Corpora/lexicons/verbatim-en.tsv")) ?? []
        return CompiledLexicon(entries)
    }()

    /// The lexicon's own words, their prefixes and elongations, and random letters: words with
    /// entries, prefix entries, expression starts, letter runs and contracted negations.
    func sampleWords() -> [[UInt8]] {
        var random = SplitMix(state: 7)
        var words: [[UInt8]] = []
        for entry in Self.lexicon.entries {
            let word = Array(entry.text.utf8.prefix { $0 != 0x20 && $0 != 0x2A })
            words.append(word)
            words.append(Array(word.prefix(max(1, word.count - 2))))
            words.append(word + [word.last ?? 0x6F, word.last ?? 0x6F])
        }
        words += ["isn't", "n't", "sooo", "good", "red", ":-", ":", "<"].map { Array($0.utf8) }
        words += (0..<2000).map { _ in (0..<(1 + random.below(12))).map { _ in UInt8(97 + random.below(6)) } }
        return words
    }

    @Test func lexiconLoads() {
        #expect(Self.lexicon.entries.count > 1000)
    }

    @Test func punctuationFactsAreWordFactsWithoutTheWordOnlyOnes() {
        for word in sampleWords() {
            word.withUnsafeBufferPointer { b in
                let hash = fnv1a(b)
                let asWord = LexiconMatcher.facts(b, hash: hash, isWord: true, Self.lexicon)
                #expect(asWord.asPunctuation == LexiconMatcher.facts(b, hash: hash, isWord: false, Self.lexicon),
                        "\(String(decoding: word, as: UTF8.self))")
            }
        }
    }

    @Test func wordFactsGivesTheLookupsWhetherOrNotTheMemoKnowsTheWord() {
        var memo = WordFactsMemo()
        for word in sampleWords() + sampleWords() {
            word.withUnsafeBufferPointer { b in
                let known = LexiconMatcher.wordFacts(b, Self.lexicon, memo: &memo)
                #expect(known.hash == fnv1a(b), "\(String(decoding: word, as: UTF8.self))")
                #expect(known.facts == LexiconMatcher.facts(b, hash: fnv1a(b), isWord: true, Self.lexicon),
                        "\(String(decoding: word, as: UTF8.self))")
            }
        }
        #expect(memo.count > 1000)
    }

    /// Inserts and finds `words` in random order, several times over (so that the memo grows, and
    /// with a small capacity also empties), checking each answer against the lookups it replaces.
    func check(capacity: Int, words: [[UInt8]]) {
        var memo = WordFactsMemo(capacity: capacity)
        var random = SplitMix(state: UInt64(capacity))
        var kept: Set<[UInt8]> = []
        for step in 0..<(words.count * 3) {
            let word = words[random.below(words.count)] + (random.below(50) == 0 ? Array(repeating: 0x78, count: 40) : [])
            word.withUnsafeBufferPointer { b in
                let expected = WordFactsMemo.Known(hash: fnv1a(b), facts: LexiconMatcher.facts(b, hash: fnv1a(b), isWord: true, Self.lexicon))
                let found = memo.find(b)
                #expect((found != nil) == kept.contains(word), "step \(step)")
                if let found {
                    #expect(found.hash == expected.hash && found.facts == expected.facts, "step \(step)")
                } else {
                    memo.insert(b, expected)
                    // Empty and overlong keys are not kept; a full memo empties before it keeps one more.
                    if WordFactsMemo.keeps(count: word.count) {
                        if kept.count >= capacity { kept = [] }
                        kept.insert(word)
                    }
                }
            }
            let count = memo.count
            #expect(count == kept.count, "step \(step)")
        }
    }

    @Test func handsOutWhatTheLookupsGive() {
        check(capacity: 1 << 14, words: sampleWords())
    }

    @Test func handsOutWhatTheLookupsGiveWhenKeysStartAtTheSameSlots() {
        // Only words whose probes start at one of three slots of the first table (the top ten bits of
        // their hash): they probe past each other, in runs that cross the table's end and are moved
        // whole when it grows. Every length up to 16 bytes, half of them with the same first eight,
        // so that keys differing only in their high word meet.
        var random = SplitMix(state: 11)
        var words: [[UInt8]] = []
        while words.count < 600 {
            let head = random.below(2) == 0 ? Array("abcdefgh".utf8) : []
            let word = head + (0..<(1 + random.below(16 - head.count))).map { _ in UInt8(97 + random.below(26)) }
            let start = word.withUnsafeBufferPointer { ShortBytes($0).hash >> 54 }
            if start < 2 || start == 1023 { words.append(word) }
        }
        check(capacity: 1 << 14, words: words)
        check(capacity: 100, words: words)
    }

    @Test func handsOutWhatTheLookupsGiveWhenItEmptiesWhenFull() {
        check(capacity: 100, words: sampleWords())
    }

    @Test func aCopyKeepsItsOwnEntries() {
        var memo = WordFactsMemo()
        let known = WordFactsMemo.Known(hash: 1, facts: LexiconMatcher.TokenFacts(exact: 3, isWord: true))
        let good = Array("good".utf8), bad = Array("bad".utf8)
        good.withUnsafeBufferPointer { memo.insert($0, known) }
        var copy = memo
        bad.withUnsafeBufferPointer { copy.insert($0, known) }
        let inOriginal = bad.withUnsafeBufferPointer { memo.find($0) }
        let inCopy = bad.withUnsafeBufferPointer { copy.find($0) }
        let sharedInCopy = good.withUnsafeBufferPointer { copy.find($0) }
        #expect(inOriginal == nil)
        #expect(inCopy?.facts == known.facts)
        #expect(sharedInCopy?.hash == 1)
        #expect(memo.count == 1 && copy.count == 2)
    }
}
