import VerbatimCore
import VerbatimSnowball

/// Snowball stems of word tokens.
///
/// English uses the native stemmer (the current Snowball English algorithm, which Debian's
/// libstemmer 2.2.0 predates); every other language uses the system libstemmer (Debian
/// `libstemmer-dev`). Numbers, punctuation and ideographs keep their normalised form as their stem.
/// Each worker keeps a cache of recent stems, because survey vocabularies are small and the same
/// words recur: a lookup costs less than stemming, natively or with libstemmer.
public struct SnowballStemmerStage: Stage {
    public static let descriptor = StageDescriptor(
        name: "snowball-stemmer",
        version: 1,
        summary: "Snowball stemming of word tokens (native English, libstemmer for other languages)",
        options: [
            OptionSpec("language", .string, default: .string("english"),
                       help: "a Snowball language: " + WordStemmer.languages.joined(separator: ", ")),
            OptionSpec("cache", .integer(0...10_000_000), default: .integer(50_000),
                       help: "stems remembered per worker (0 turns the cache off)"),
            OptionSpec("implementation", .choice(StemmerImplementation.allCases.map(\.rawValue)),
                       default: .string(StemmerImplementation.auto.rawValue),
                       help: "auto: native for english, libstemmer for every other language; "
                           + "native: the built-in current Snowball English stemmer (english only); "
                           + "libstemmer: the system libstemmer 2.2.0"),
        ],
        requires: [.tokens],
        assigns: [.stems])

    public let language: String
    public let cacheSize: Int
    public let implementation: StemmerImplementation
    /// What `implementation` resolved to for `language`: `.native` or `.libstemmer`.
    public let resolvedImplementation: StemmerImplementation

    public init(options: StageOptions, context: StageContext) throws {
        language = options.string("language") ?? "english"
        cacheSize = options.integer("cache") ?? 50_000
        implementation = options.string("implementation").flatMap(StemmerImplementation.init(rawValue:)) ?? .auto
        do {
            resolvedImplementation = try WordStemmer(language: language, implementation: implementation).implementation
        } catch {
            // A native request for another language is the implementation's fault, anything else the language's.
            let option = implementation == .native && !WordStemmer.nativeLanguages.contains(language) ? "implementation" : "language"
            throw options.invalid(option, "\(error)")
        }
    }

    public func makeProcessor() throws -> any StageProcessor {
        Processor(stemmer: try WordStemmer(language: language, implementation: implementation), cacheSize: cacheSize)
    }

    final class Processor: StageProcessor {
        let stemmer: WordStemmer
        var cache: StemCache

        init(stemmer: WordStemmer, cacheSize: Int) {
            self.stemmer = stemmer
            cache = StemCache(capacity: cacheSize)
        }

        func process(_ document: inout Document) throws {
            var pool: [UInt8] = []
            pool.reserveCapacity(document.normalizedPool.count)
            let normalizedPool = document.normalizedPool
            // In place: a copy of the tokens, written back, would copy the whole array.
            document.tokens.withUnsafeMutableBufferPointer { tokens in
                normalizedPool.withUnsafeBufferPointer { normalized in
                    for i in tokens.indices where tokens[i].kind == .word {
                        let word = UnsafeBufferPointer(rebasing: normalized[Int(tokens[i].normalizedStart)..<Int(tokens[i].normalizedEnd)])
                        let start = Int32(pool.count)
                        let hash = ByteHash.hash(word)
                        if !cache.lookup(word, hash: hash, appendingTo: &pool) {
                            stemmer.stem(word, appendingTo: &pool)
                            pool.withUnsafeBufferPointer { cache.insert(word, hash: hash, stem: UnsafeBufferPointer(rebasing: $0[Int(start)...])) }
                        }
                        tokens[i].stemStart = start
                        tokens[i].stemEnd = Int32(pool.count)
                    }
                }
            }
            document.stemPool = pool
            document.assigned.insert(.stems)
        }
    }
}

/// A bounded word → stem memo over byte strings, per worker: open addressing over one byte pool,
/// so a lookup hashes the word once and allocates nothing. When full it is cleared, which keeps
/// memory bounded and costs little: a survey's vocabulary refills it within a few thousand answers.
struct StemCache {
    private struct Entry {
        var hash: UInt64
        var start: Int32
        var wordCount: Int32
        var stemCount: Int32
    }
    /// Entry index + 1 per slot (0: empty); at most half full.
    private var slots: [Int32]
    private var entries: [Entry] = []
    /// Each entry's word, then its stem.
    private var bytes: [UInt8] = []
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        slots = [Int32](repeating: 0, count: capacity > 0 ? 1024 : 0)
    }

    func lookup(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, appendingTo pool: inout [UInt8]) -> Bool {
        guard capacity > 0 else { return false }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = Int(slots[i])
            if slot == 0 { return false }
            let e = entries[slot - 1]
            if e.hash == hash, Int(e.wordCount) == word.count {
                let start = Int(e.start)
                let found = bytes.withUnsafeBufferPointer { stored -> Bool in
                    guard word.elementsEqual(UnsafeBufferPointer(rebasing: stored[start..<start + word.count])) else { return false }
                    let stemStart = start + word.count
                    pool.append(contentsOf: UnsafeBufferPointer(rebasing: stored[stemStart..<stemStart + Int(e.stemCount)]))
                    return true
                }
                if found { return true }
            }
            i = (i + 1) & mask
        }
    }

    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, stem: UnsafeBufferPointer<UInt8>) {
        guard capacity > 0 else { return }
        if entries.count >= capacity {
            entries.removeAll(keepingCapacity: true)
            bytes.removeAll(keepingCapacity: true)
            for i in slots.indices { slots[i] = 0 }
        }
        entries.append(Entry(hash: hash, start: Int32(bytes.count), wordCount: Int32(word.count), stemCount: Int32(stem.count)))
        bytes.append(contentsOf: word)
        bytes.append(contentsOf: stem)
        if entries.count * 2 > slots.count {
            slots = [Int32](repeating: 0, count: slots.count * 2)
            for e in entries.indices { place(e) }
        } else {
            place(entries.count - 1)
        }
    }

    private mutating func place(_ e: Int) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: entries[e].hash) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = Int32(e + 1)
    }
}
