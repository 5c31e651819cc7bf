import VerbatimCore
import VerbatimSnowball

/// Snowball stems of word tokens, from the system libstemmer (Debian `libstemmer-dev`).
///
/// Numbers, punctuation and ideographs keep their normalised form as their stem. Each worker keeps
/// a cache of recent stems, because survey vocabularies are small and the same words recur.
public struct SnowballStemmerStage: Stage {
    public static let descriptor = StageDescriptor(
        name: "snowball-stemmer",
        version: 1,
        summary: "Snowball stemming of word tokens (libstemmer)",
        options: [
            OptionSpec("language", .string, default: .string("english"),
                       help: "a libstemmer language: " + SnowballStemmer.languages.joined(separator: ", ")),
            OptionSpec("cache", .integer(0...10_000_000), default: .integer(50_000),
                       help: "stems remembered per worker (0 turns the cache off)"),
        ],
        requires: [.tokens],
        assigns: [.stems])

    public let language: String
    public let cacheSize: Int

    public init(options: StageOptions, context: StageContext) throws {
        language = options.string("language") ?? "english"
        cacheSize = options.integer("cache") ?? 50_000
        guard SnowballStemmer(language: language) != nil else {
            throw options.invalid("language", "libstemmer has no stemmer for '\(language)'; choose one of: "
                                  + SnowballStemmer.languages.joined(separator: ", "))
        }
    }

    public func makeProcessor() throws -> any StageProcessor {
        Processor(stemmer: SnowballStemmer(language: language)!, cacheSize: cacheSize)
    }

    final class Processor: StageProcessor {
        let stemmer: SnowballStemmer
        let cache: StemCache

        init(stemmer: SnowballStemmer, cacheSize: Int) {
            self.stemmer = stemmer
            cache = StemCache(capacity: cacheSize)
        }

        func process(_ document: inout Document) throws {
            var pool: [UInt8] = []
            pool.reserveCapacity(document.normalizedPool.count)
            var tokens = document.tokens
            document.normalizedPool.withUnsafeBufferPointer { normalized in
                for i in tokens.indices where tokens[i].kind == .word {
                    let word = UnsafeBufferPointer(rebasing: normalized[Int(tokens[i].normalizedStart)..<Int(tokens[i].normalizedEnd)])
                    let start = Int32(pool.count)
                    if !cache.lookup(word, appendingTo: &pool) {
                        stemmer.stem(word, appendingTo: &pool)
                        cache.insert(word, stem: pool[Int(start)...])
                    }
                    tokens[i].stemStart = start
                    tokens[i].stemEnd = Int32(pool.count)
                }
            }
            document.tokens = tokens
            document.stemPool = pool
            document.assigned.insert(.stems)
        }
    }
}

/// A bounded word → stem cache over byte strings. When full it is cleared, which keeps memory
/// bounded and costs little: a survey's vocabulary refills it within a few thousand answers.
final class StemCache {
    private var table: [Key: [UInt8]] = [:]
    private let capacity: Int

    struct Key: Hashable {
        let bytes: [UInt8]
    }

    init(capacity: Int) { self.capacity = capacity }

    func lookup(_ word: UnsafeBufferPointer<UInt8>, appendingTo pool: inout [UInt8]) -> Bool {
        guard capacity > 0, let stem = table[Key(bytes: Array(word))] else { return false }
        pool.append(contentsOf: stem)
        return true
    }

    func insert(_ word: UnsafeBufferPointer<UInt8>, stem: ArraySlice<UInt8>) {
        guard capacity > 0 else { return }
        if table.count >= capacity { table.removeAll(keepingCapacity: true) }
        table[Key(bytes: Array(word))] = Array(stem)
    }
}
