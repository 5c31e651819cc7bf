/// Which stemmer code to use for a language.
public enum StemmerImplementation: String, Sendable, CaseIterable {
    /// The native stemmer where there is one (English), libstemmer otherwise.
    case auto
    /// The native Swift stemmer: the current Snowball English algorithm. English only.
    case native
    /// The system libstemmer (Debian's 2.2.0), for every language it offers.
    case libstemmer
}

/// Why a stemmer could not be made, in words fit for a user.
public struct StemmerError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// A stemmer for one language, native or from libstemmer. Not thread-safe (libstemmer objects are
/// not): one per worker.
public final class WordStemmer {
    public let language: String
    /// The implementation in use: `.native` or `.libstemmer`, never `.auto`.
    public let implementation: StemmerImplementation
    private let native: EnglishStemmer?
    private let library: SnowballStemmer?

    /// The language names the native stemmer answers to (libstemmer's names for its English stemmer).
    public static let nativeLanguages: Set<String> = ["english", "en", "eng"]

    /// The language names accepted in `auto` or `libstemmer` mode.
    public static var languages: [String] { SnowballStemmer.languages }

    public init(language: String, implementation: StemmerImplementation = .auto) throws(StemmerError) {
        self.language = language
        let isEnglish = Self.nativeLanguages.contains(language)
        if implementation == .native && !isEnglish {
            throw StemmerError(message: "the native stemmer covers english only, not '\(language)'; use 'auto' or 'libstemmer'")
        }
        switch (implementation, isEnglish) {
        case (.native, _), (.auto, true):
            self.implementation = .native
            native = EnglishStemmer()
            library = nil
        case (.auto, false), (.libstemmer, _):
            guard let stemmer = SnowballStemmer(language: language) else {
                throw StemmerError(message: "libstemmer has no stemmer for '\(language)'; choose one of: "
                                   + SnowballStemmer.languages.joined(separator: ", "))
            }
            self.implementation = .libstemmer
            native = nil
            library = stemmer
        }
    }

    /// Appends the stem of `word` (UTF-8, expected lower case) to `output`.
    @inline(__always)
    public func stem(_ word: UnsafeBufferPointer<UInt8>, appendingTo output: inout [UInt8]) {
        if let native {
            native.stem(word, appendingTo: &output)
        } else {
            library!.stem(word, appendingTo: &output)
        }
    }

    /// The stem of `word` as a `String`; for tools and tests, not hot loops.
    public func stem(_ word: String) -> String {
        var bytes: [UInt8] = []
        var copy = word
        copy.withUTF8 { stem($0, appendingTo: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
