// Leaf wrapper around the Snowball C stemmers (Debian's libstemmer-dev).
internal import CStemmer

/// A Snowball stemmer for one language. Not thread-safe: one per worker.
public final class SnowballStemmer {
    private let stemmer: OpaquePointer
    public let language: String

    /// The languages this libstemmer build offers (for example `english`, `french`, `german`).
    public static var languages: [String] {
        var result: [String] = []
        guard var cursor = sb_stemmer_list() else { return result }
        while let name = cursor.pointee {
            result.append(String(cString: name))
            cursor += 1
        }
        return result
    }

    /// Returns `nil` when libstemmer has no stemmer for `language`.
    public init?(language: String) {
        guard let s = sb_stemmer_new(language, "UTF_8") else { return nil }
        stemmer = s
        self.language = language
    }

    deinit { sb_stemmer_delete(stemmer) }

    /// Appends the stem of `word` (UTF-8, expected lower case) to `output`.
    public func stem(_ word: UnsafeBufferPointer<UInt8>, appendingTo output: inout [UInt8]) {
        guard let base = word.baseAddress, word.count > 0 else { return }
        guard let result = sb_stemmer_stem(stemmer, base, Int32(word.count)) else {
            // Only fails on allocation failure; fall back to the word itself.
            output.append(contentsOf: word)
            return
        }
        let length = Int(sb_stemmer_length(stemmer))
        output.append(contentsOf: UnsafeBufferPointer(start: result, count: length))
    }

    /// The stem of `word` as a `String`; for tools, not hot loops.
    public func stem(_ word: String) -> String {
        var bytes: [UInt8] = []
        var copy = word
        copy.withUTF8 { stem($0, appendingTo: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
