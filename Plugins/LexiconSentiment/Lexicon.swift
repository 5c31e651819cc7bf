import VerbatimCore

/// What a lexicon entry does: carry a valence, or modify the words around it.
public enum LexiconRule: Sendable, Equatable {
    /// An evaluative word: -4 (very negative) … +4 (very positive).
    case valence(Double)
    /// Flips the evaluative words that follow in the same clause ("not", "never", "without");
    /// `alone` is its own valence when it finds nothing to flip ("No, …").
    case negate(alone: Double)
    /// Like `negate`, but only for the word it is hyphenated to ("anti-collaborative").
    case prefixNegate
    /// Scales the next evaluative word by 1 + amount; a negative amount dampens. `alone` is the
    /// word's own valence when nothing follows for it to scale ("damn, late again").
    case boost(Double, alone: Double)
    /// A want of something ("lack of"): flips positive words that follow; alone it is this valence.
    case lack(Double)
    /// An action that removes or blocks what follows ("reduce", "undermine"): flips both ways;
    /// alone it is this valence.
    case reverse(Double)
    /// "but": the clause after it outweighs the one before.
    case contrast
    /// "although": the clause it opens is a concession and weighs less.
    case concede
    /// Prescriptive or hypothetical framing ("should", "would"), with a strength 0…1.
    case advice(Double)

    /// True for rules that modify other words rather than carry a valence of their own.
    public var isModifier: Bool {
        if case .valence = self { return false }
        return true
    }
}

/// One lexicon line, as written.
public struct LexiconEntry: Sendable, Equatable {
    /// The normalised words: one for a word or emoticon, several for an expression.
    public var words: [String]
    /// A prefix entry (`disappoint*`) matches any word starting with `words[0]`.
    public var isPrefix: Bool
    public var rule: LexiconRule
    /// When not empty, the entry counts only directly after one of these words.
    public var after: [String]
    /// Where the entry was written, for messages and traces.
    public var source: SourceLocation

    public init(words: [String], isPrefix: Bool = false, rule: LexiconRule, after: [String] = [],
                source: SourceLocation = SourceLocation(file: "<memory>", line: 0)) {
        self.words = words
        self.isPrefix = isPrefix
        self.rule = rule
        self.after = after
        self.source = source
    }

    /// The key that identifies the entry when lexicons are merged (a later entry replaces it).
    public var key: String {
        if words.count == 1 && !isPrefix { return words[0] }  // Most entries: no joining to do.
        return words.joined(separator: " ") + (isPrefix ? "*" : "")
    }
}

/// 64-bit FNV-1a over bytes: tokens are looked up by their normalised byte slice, with no String.
@inlinable
func fnv1a<C: Collection>(_ bytes: C, seed: UInt64 = fnv1aSeed) -> UInt64 where C.Element == UInt8 {
    var h = seed
    for b in bytes { h = fnv1aStep(h, b) }
    return h
}

@usableFromInline let fnv1aSeed: UInt64 = 0xcbf2_9ce4_8422_2325

/// One byte more of an FNV-1a hash, for hashing a token's prefixes one length after another.
@inlinable @inline(__always)
func fnv1aStep(_ h: UInt64, _ b: UInt8) -> UInt64 { (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }

/// A lexicon compiled for lookup: immutable and shared by every worker thread.
///
/// Single words and emoticons are found by the hash of their normalised bytes (verified against the
/// stored bytes), prefixes by the hashes of a token's leading bytes, and expressions by their first
/// two words, then word-hash by word-hash.
public final class CompiledLexicon: Sendable {
    public struct Compiled: Sendable {
        public let rule: LexiconRule
        /// Hash of each word (one for words, prefixes and emoticons).
        let wordHashes: [UInt64]
        public let text: String
        public let source: SourceLocation
    }

    /// What the matcher reads per entry, as plain values: reading a `Compiled` copies (and retains)
    /// its arrays and strings, so the hot path uses these ranges into shared pools instead.
    struct Shape: Sendable {
        let rule: LexiconRule
        /// The entry's word hashes in `hashPool`.
        let words: Range<Int32>
        /// The hashes of its `after` words in `hashPool` (empty = anywhere).
        let after: Range<Int32>
        /// The bytes of its single-word key in `keyPool`, for verifying a hash hit.
        let key: Range<Int32>
    }

    public let entries: [Compiled]
    let shapes: [Shape]
    let hashPool: [UInt64]
    private let keyPool: [UInt8]
    /// Single words and emoticons, and which words start an expression.
    private let words: WordTable
    /// The leading parts of the single-word keys, for emoticon runs of several tokens.
    private let keyStarts: KeyStartFilter
    private let prefixes: HashIndex
    private let prefixLeads: LeadFilter
    /// `pairKey` of the first two words → index into `phraseGroups`.
    private let phraseStarts: HashIndex
    /// Expressions grouped by their first two words, longest first: ranges of `phraseMembers`.
    let phraseGroups: [Range<Int32>]
    let phraseMembers: [Int32]
    let minPrefix: Int, maxPrefix: Int
    /// Counts, for `verbatim stages`-style summaries and tests.
    public let valenceCount: Int, modifierCount: Int

    public init(_ list: [LexiconEntry]) {
        var compiled: [Compiled] = []
        var shapes: [Shape] = []
        var hashPool: [UInt64] = []
        var pool: [UInt8] = []
        var singles: [(UInt64, Int32)] = [], prefixList: [(UInt64, Int32)] = []
        var phrases: [UInt64: [Int32]] = [:]
        var phraseFirsts: [UInt64] = []
        var minP = Int.max, maxP = 0
        func append(_ hashes: [UInt64]) -> Range<Int32> {
            let start = Int32(hashPool.count)
            hashPool.append(contentsOf: hashes)
            return start..<Int32(hashPool.count)
        }
        compiled.reserveCapacity(list.count)
        shapes.reserveCapacity(list.count)
        singles.reserveCapacity(list.count)
        var valences = 0
        for e in list {
            let index = Int32(compiled.count)
            let hashes = e.words.map { fnv1a($0.utf8) }
            let after = e.after.map { fnv1a($0.utf8) }
            if !e.rule.isModifier { valences += 1 }
            let start = Int32(pool.count)
            if e.words.count == 1 { pool.append(contentsOf: e.words[0].utf8) }
            compiled.append(Compiled(rule: e.rule, wordHashes: hashes, text: e.key, source: e.source))
            shapes.append(Shape(rule: e.rule, words: append(hashes), after: append(after), key: start..<Int32(pool.count)))
            if e.words.count > 1 {
                phrases[Self.pairKey(hashes[0], hashes[1]), default: []].append(index)
                phraseFirsts.append(hashes[0])
            } else if e.isPrefix {
                prefixList.append((hashes[0], index))
                minP = min(minP, e.words[0].utf8.count)
                maxP = max(maxP, e.words[0].utf8.count)
            } else {
                singles.append((hashes[0], index))
            }
        }
        var prefixIndex = HashIndex(capacityFor: prefixList.count)
        var leads = LeadFilter()
        for (h, i) in prefixList {
            prefixIndex.insert(h, i)
            leads.insert(Array(list[Int(i)].words[0].utf8))
        }
        var starts = HashIndex(capacityFor: phrases.count)
        var groups: [Range<Int32>] = [], members: [Int32] = []
        for (h, group) in phrases.sorted(by: { $0.key < $1.key }) {
            starts.insert(h, Int32(groups.count))
            let start = Int32(members.count)
            members += group.sorted { compiled[Int($0)].wordHashes.count > compiled[Int($1)].wordHashes.count }
            groups.append(start..<Int32(members.count))
        }
        entries = compiled
        self.shapes = shapes
        self.hashPool = hashPool
        keyPool = pool
        words = WordTable(singles: singles, phraseFirsts: phraseFirsts)
        keyStarts = KeyStartFilter(keys: singles.map { shapes[Int($0.1)].key }.map { pool[Int($0.lowerBound)..<Int($0.upperBound)] })
        prefixes = prefixIndex
        prefixLeads = leads
        phraseStarts = starts
        phraseGroups = groups
        phraseMembers = members
        minPrefix = minP == Int.max ? 0 : minP
        maxPrefix = maxP
        valenceCount = valences
        modifierCount = list.count - valenceCount
    }

    /// The single-word (or emoticon) entry for exactly these bytes.
    @inline(__always) func exactEntry(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32? {
        guard let slot = words.find(hash), slot.entry >= 0, verify(slot.entry, bytes) else { return nil }
        return slot.entry
    }

    /// What the word table holds for a token of these bytes: its verified entry (or -1), and whether an
    /// expression may start with it.
    @inline(__always) func lookUpWord(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> WordTable.Slot {
        guard var slot = words.find(hash) else { return WordTable.Slot(entry: -1, startsPhrase: false) }
        if slot.entry >= 0, !verify(slot.entry, bytes) { slot.entry = -1 }
        return slot
    }

    /// False when no single-word key starts with the bytes whose FNV-1a hash is `hash`.
    @inline(__always) func mayBeginKey(_ hash: UInt64) -> Bool { keyStarts.mayBegin(hash) }

    /// False when `bytes` cannot start with any prefix entry: a cheap test before `prefixEntry`.
    @inline(__always) func mayStartWithPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { prefixLeads.mayLead(bytes) }

    /// The longest prefix entry that `bytes` starts with.
    func prefixEntry(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard maxPrefix > 0, bytes.count >= minPrefix else { return nil }
        var h = fnv1aSeed
        var best: Int32?
        let limit = min(bytes.count, maxPrefix)
        for n in 0..<limit {
            h = fnv1aStep(h, bytes[n])
            if n + 1 >= minPrefix, let i = prefixes.find(h),
               verify(i, UnsafeBufferPointer(rebasing: bytes[0..<(n + 1)])) {
                best = i
            }
        }
        return best
    }

    /// Expressions are looked up by their first two words, not the first alone: many tokens start
    /// some expression ("not", "the"), but few are followed by the second word of one. Keys that
    /// collide only share a group; the matcher compares every word hash anyway.
    @inline(__always) static func pairKey(_ first: UInt64, _ second: UInt64) -> UInt64 {
        first ^ (second &* 0x9E37_79B9_7F4A_7C15)
    }

    /// The expressions that may start with words of these hashes, longest first (a range of `phraseMembers`).
    @inline(__always) func phrases(startingWith first: UInt64, then second: UInt64) -> Range<Int>? {
        guard let g = phraseStarts.find(Self.pairKey(first, second)) else { return nil }
        let r = phraseGroups[Int(g)]
        return Int(r.lowerBound)..<Int(r.upperBound)
    }

    func verify(_ i: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let span = shapes[Int(i)].key
        let n = Int(span.upperBound - span.lowerBound)  // `Range<Int32>.count` is a generic call here
        guard n == bytes.count else { return false }
        return keyPool.withUnsafeBufferPointer { pool in
            var k = 0
            while k < n {
                if pool[Int(span.lowerBound) + k] != bytes[k] { return false }
                k += 1
            }
            return true
        }
    }
}
