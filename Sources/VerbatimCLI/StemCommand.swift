import ArgumentParser
import VerbatimCore
import VerbatimSnowball

/// `verbatim stem`: like Snowball's `stemwords`, one word per line in, one stem per line out.
struct StemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stem",
        abstract: "Stem words read one per line from standard input (like Snowball's stemwords).")

    @Option(help: "The libstemmer language.")
    var language: String = "english"

    func validate() throws {
        guard SnowballStemmer(language: language) != nil else {
            throw ValidationError("no stemmer for '\(language)'; available: \(SnowballStemmer.languages.joined(separator: ", "))")
        }
    }

    func run() throws {
        let stemmer = SnowballStemmer(language: language)!
        let reader = try ByteStreamReader(path: "-")
        var output: [UInt8] = []
        output.reserveCapacity(1 << 16)
        while try reader.nextLine({ word in
            stemmer.stem(word, appendingTo: &output)
            output.append(0x0A)
        }) {
            if output.count > 1 << 16 {
                output.withUnsafeBufferPointer { Console.out(bytes: $0) }
                output.removeAll(keepingCapacity: true)
            }
        }
        output.withUnsafeBufferPointer { Console.out(bytes: $0) }
    }
}
