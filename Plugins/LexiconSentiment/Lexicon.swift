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
    public var key: String { words.joined(separator: " ") + (isPrefix ? "*" : "") }
}

/// 64-bit FNV-1a over bytes: tokens are looked up by their normalised byte slice, with no String.
@inlinable
func fnv1a<C: Collection>(_ bytes: C, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 where C.Element == UInt8 {
    var h = seed
    for b in bytes {
        h ^= UInt64(b)
        h &*= 0x0000_0100_0000_01B3
    }
    return h
}

/// An open-addressing table from 64-bit hashes to entry indices; built once, then read-only.
struct HashIndex: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private let mask: Int

    init(capacityFor count: Int) {
        var size = 16
        while size < count * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// 0 marks an empty slot, so a zero hash is moved to 1.
    @inline(__always) private static func slotKey(_ h: UInt64) -> UInt64 { h == 0 ? 1 : h }

    mutating func insert(_ hash: UInt64, _ value: Int32) {
        let key = Self.slotKey(hash)
        var i = Int(truncatingIfNeeded: key) & mask
        while keys[i] != 0 && keys[i] != key { i = (i + 1) & mask }
        keys[i] = key
        values[i] = value
    }

    @inline(__always) func find(_ hash: UInt64) -> Int32? {
        let key = Self.slotKey(hash)
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == 0 { return nil }
            i = (i + 1) & mask
        }
    }
}

/// A lexicon compiled for lookup: immutable and shared by every worker thread.
///
/// Single words and emoticons are found by the hash of their normalised bytes (verified against the
/// stored bytes), prefixes by the hashes of a token's leading bytes, and expressions by their first
/// word, then word-hash by word-hash.
public final class CompiledLexicon: Sendable {
    public struct Compiled: Sendable {
        public let rule: LexiconRule
        /// Hash of each word (one for words, prefixes and emoticons).
        let wordHashes: [UInt64]
        /// Hashes of the words the entry must follow (empty = anywhere).
        let after: [UInt64]
        public let text: String
        public let source: SourceLocation
    }

    public let entries: [Compiled]
    // The fields the matcher reads per token, apart from `entries`: reading an entry copies (and
    // retains) its arrays and strings.
    /// Per entry: its rule.
    let rules: [LexiconRule]
    /// Per entry: whether it has an `after` list.
    let hasAfter: [Bool]
    /// Per entry: the bytes of its single-word key in `keyPool`, for verifying a hash hit.
    private let keySpans: [Range<Int32>]
    private let keyPool: [UInt8]
    private let exact: HashIndex
    private let prefixes: HashIndex
    /// First-word hash → indices into `phraseLists`.
    private let phraseStarts: HashIndex
    /// Expressions grouped by first word, longest first.
    let phraseLists: [[Int32]]
    let minPrefix: Int, maxPrefix: Int
    /// Counts, for `verbatim stages`-style summaries and tests.
    public let valenceCount: Int, modifierCount: Int

    public init(_ list: [LexiconEntry]) {
        var compiled: [Compiled] = []
        var spans: [Range<Int32>] = []
        var pool: [UInt8] = []
        var singles: [(UInt64, Int32)] = [], prefixList: [(UInt64, Int32)] = []
        var phrases: [UInt64: [Int32]] = [:]
        var minP = Int.max, maxP = 0
        for e in list {
            let index = Int32(compiled.count)
            let hashes = e.words.map { fnv1a(Array($0.utf8)) }
            let start = Int32(pool.count)
            if e.words.count == 1 { pool.append(contentsOf: e.words[0].utf8) }
            compiled.append(Compiled(rule: e.rule, wordHashes: hashes, after: e.after.map { fnv1a(Array($0.utf8)) },
                                     text: e.key, source: e.source))
            spans.append(start..<Int32(pool.count))
            if e.words.count > 1 {
                phrases[hashes[0], default: []].append(index)
            } else if e.isPrefix {
                prefixList.append((hashes[0], index))
                minP = min(minP, e.words[0].utf8.count)
                maxP = max(maxP, e.words[0].utf8.count)
            } else {
                singles.append((hashes[0], index))
            }
        }
        var exact = HashIndex(capacityFor: singles.count)
        for (h, i) in singles { exact.insert(h, i) }
        var prefixIndex = HashIndex(capacityFor: prefixList.count)
        for (h, i) in prefixList { prefixIndex.insert(h, i) }
        var starts = HashIndex(capacityFor: phrases.count)
        var lists: [[Int32]] = []
        for (h, members) in phrases.sorted(by: { $0.key < $1.key }) {
            starts.insert(h, Int32(lists.count))
            lists.append(members.sorted { compiled[Int($0)].wordHashes.count > compiled[Int($1)].wordHashes.count })
        }
        entries = compiled
        rules = compiled.map(\.rule)
        hasAfter = compiled.map { !$0.after.isEmpty }
        keySpans = spans
        keyPool = pool
        self.exact = exact
        prefixes = prefixIndex
        phraseStarts = starts
        phraseLists = lists
        minPrefix = minP == Int.max ? 0 : minP
        maxPrefix = maxP
        valenceCount = list.filter { !$0.rule.isModifier }.count
        modifierCount = list.count - valenceCount
    }

    /// The single-word (or emoticon) entry for exactly these bytes.
    @inline(__always) func exactEntry(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32? {
        guard let i = exact.find(hash) else { return nil }
        return verify(i, bytes) ? i : nil
    }

    /// The longest prefix entry that `bytes` starts with.
    func prefixEntry(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard maxPrefix > 0, bytes.count >= minPrefix else { return nil }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var best: Int32?
        let limit = min(bytes.count, maxPrefix)
        for n in 0..<limit {
            h ^= UInt64(bytes[n])
            h &*= 0x0000_0100_0000_01B3
            if n + 1 >= minPrefix, let i = prefixes.find(h),
               verify(i, UnsafeBufferPointer(rebasing: bytes[0..<(n + 1)])) {
                best = i
            }
        }
        return best
    }

    /// The expressions that start with a word of this hash, longest first.
    @inline(__always) func phrases(startingWith hash: UInt64) -> [Int32]? {
        phraseStarts.find(hash).map { phraseLists[Int($0)] }
    }

    private func verify(_ i: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let span = keySpans[Int(i)]
        let n = span.count
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
