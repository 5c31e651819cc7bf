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
            let normalizedPool = document.normalizedPool
            let stemmer = stemmer
            // In place: a copy of the tokens, written back, would copy the whole array.
            document.stemPool = document.tokens.withUnsafeMutableBufferPointer { tokens in
                normalizedPool.withUnsafeBufferPointer { normalized in
                    cache.stemWords(tokens, normalized: normalized) { stemmer.stem($0, appendingTo: &$1) }
                }
            }
            document.wordNumberSpace = cache.space
            document.assigned.insert(.stems)
        }
    }
}
