import VerbatimCore
import VerbatimSnowball

/// Snowball stems of word tokens.
///
/// English uses the native stemmer (the current Snowball English algorithm, which Debian's
/// libstemmer 2.2.0 predates); every other language uses the system libstemmer (Debian
/// `libstemmer-dev`). Numbers, punctuation and ideographs keep their normalised form as their stem.
/// With libstemmer each worker keeps a cache of recent stems, because survey vocabularies are small
/// and the same words recur.
public struct SnowballStemmerStage: Stage {
    public static let descriptor = StageDescriptor(
        name: "snowball-stemmer",
        version: 1,
        summary: "Snowball stemming of word tokens (native English, libstemmer for other languages)",
        options: [
            OptionSpec("language", .string, default: .string("english"),
                       help: "a Snowball language: " + WordStemmer.languages.joined(separator: ", ")),
            OptionSpec("cache", .integer(0...10_000_000), default: .integer(50_000),
                       help: "libstemmer stems remembered per worker (0 turns the cache off; "
                           + "the native stemmer is faster than a lookup and needs none)"),
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
        let stemmer = try WordStemmer(language: language, implementation: implementation)
        // The native stemmer works in place in the output buffer and is cheaper than a cache lookup,
        // which copies the word to hash it, so the cache only serves libstemmer.
        return Processor(stemmer: stemmer, cacheSize: stemmer.implementation == .native ? 0 : cacheSize)
    }

    final class Processor: StageProcessor {
        let stemmer: WordStemmer
        let cache: StemCache

        init(stemmer: WordStemmer, cacheSize: Int) {
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
