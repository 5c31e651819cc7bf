import VerbatimCore
import VerbatimSnowball

/// The loop behind `verbatim stem`: one word per input line, one stem per output line, like
/// Snowball's `stemwords`. It lives here rather than in the CLI so tests can run the same code on
/// the reference vocabulary.
public enum StemLines {
    /// Stems every line of `reader` and hands the output to `write` in blocks of about `blockSize` bytes.
    /// Lines are stemmed as they are (no case folding), with `\r\n` endings accepted.
    public static func run(
        _ reader: ByteStreamReader, stemmer: WordStemmer, blockSize: Int = 1 << 16,
        write: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        var output: [UInt8] = []
        output.reserveCapacity(blockSize + 1024)
        while try reader.nextLine({ word in
            stemmer.stem(word, appendingTo: &output)
            output.append(0x0A)
        }) {
            if output.count >= blockSize {
                try output.withUnsafeBufferPointer { try write($0) }
                output.removeAll(keepingCapacity: true)
            }
        }
        if !output.isEmpty { try output.withUnsafeBufferPointer { try write($0) } }
    }
}
