import ArgumentParser
import SnowballStemmer
import VerbatimCore
import VerbatimSnowball

/// `verbatim stem`: like Snowball's `stemwords`, one word per line in, one stem per line out.
struct StemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stem",
        abstract: "Stem words read one per line from standard input (like Snowball's stemwords).",
        discussion: """
            English uses the built-in stemmer, which follows the current Snowball English algorithm; \
            other languages use the system libstemmer (2.2.0). Words are stemmed as given: pass them \
            in lower case.
            """)

    @Option(help: "The Snowball language (english, french, german, ...).")
    var language: String = "english"

    @Option(help: "auto (native for english, libstemmer otherwise), native (english only) or libstemmer.")
    var implementation: String = StemmerImplementation.auto.rawValue

    func validate() throws {
        _ = try makeStemmer()
    }

    private func makeStemmer() throws -> WordStemmer {
        guard let choice = StemmerImplementation(rawValue: implementation) else {
            throw ValidationError("unknown implementation '\(implementation)'; choose one of: "
                                  + StemmerImplementation.allCases.map(\.rawValue).joined(separator: ", "))
        }
        do {
            return try WordStemmer(language: language, implementation: choice)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        try StemLines.run(ByteStreamReader(path: "-"), stemmer: makeStemmer()) { Console.out(bytes: $0) }
    }
}
