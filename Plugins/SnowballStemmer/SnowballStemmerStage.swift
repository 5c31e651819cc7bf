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
                    cache.stemWords(tokens, normalized: normalized, stemmer: stemmer, into: &pool)
                }
            }
            document.stemPool = pool
            document.assigned.insert(.stems)
        }
    }
}

/// A bounded word → stem memo per worker: the stems live in one byte pool beside the memo, and
/// both are emptied together when the memo is full.
struct StemCache {
    private var memo: ByteKeyMemo<(start: Int32, count: Int32)>
    private var stems: [UInt8] = []

    init(capacity: Int) { memo = ByteKeyMemo(capacity: capacity) }

    func lookup(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, appendingTo pool: inout [UInt8]) -> Bool {
        guard let stem = memo.find(word, hash: hash) else { return false }
        stems.withUnsafeBufferPointer { pool.append(contentsOf: UnsafeBufferPointer(rebasing: $0[Int(stem.start)..<Int(stem.start + stem.count)])) }
        return true
    }

    /// Stems every word token, appending each stem to `pool` and pointing the token at it. One
    /// mutating call per document: the memo's arrays stay in place for the whole loop instead of
    /// being retained and released at each word.
    mutating func stemWords(
        _ tokens: UnsafeMutableBufferPointer<Token>, normalized: UnsafeBufferPointer<UInt8>,
        stemmer: WordStemmer, into pool: inout [UInt8]
    ) {
        for i in tokens.indices where tokens[i].kind == .word {
            let word = UnsafeBufferPointer(rebasing: normalized[Int(tokens[i].normalizedStart)..<Int(tokens[i].normalizedEnd)])
            let start = Int32(pool.count)
            let hash = ByteHash.hash(word)
            if !lookup(word, hash: hash, appendingTo: &pool) {
                stemmer.stem(word, appendingTo: &pool)
                pool.withUnsafeBufferPointer { insert(word, hash: hash, stem: UnsafeBufferPointer(rebasing: $0[Int(start)...])) }
            }
            tokens[i].stemStart = start
            tokens[i].stemEnd = Int32(pool.count)
        }
    }

    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, stem: UnsafeBufferPointer<UInt8>) {
        guard memo.capacity > 0 else { return }
        if memo.count >= memo.capacity {
            memo.removeAll()
            stems.removeAll(keepingCapacity: true)
        }
        memo.insert(word, hash: hash, value: (Int32(stems.count), Int32(stem.count)))
        stems.append(contentsOf: stem)
    }
}
