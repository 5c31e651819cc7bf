#if canImport(Glibc)
import Glibc
#endif
import VerbatimCore

/// Finds the bundled corpus `Corpora/collab2008/`: `$VERBATIM_CORPUS` if set, else from the current
/// folder, else by walking up from the executable (so `.build/release/verbatim` finds the checkout's).
enum BundledCorpus {
    static let relative = "Corpora/collab2008"

    static var directory: String {
        if let dir = ProcessEnvironment.value("VERBATIM_CORPUS") { return dir }
        if FileIO.isDirectory(relative) { return relative }
        var dir = FileIO.directory(of: executablePath)
        for _ in 0..<6 {
            let candidate = dir + "/" + relative
            if FileIO.isDirectory(candidate) { return candidate }
            let parent = FileIO.directory(of: dir)
            if parent == dir { break }
            dir = parent
        }
        return relative
    }

    static func path(_ file: String) -> String { directory + "/" + file }

    static var executablePath: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
