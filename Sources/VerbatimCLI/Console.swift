#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered writes to standard output and error. The C `stdout` global is not concurrency-safe in
/// Swift 6, so output goes through the file descriptors.
enum Console {
    static func out(_ text: String) { write(1, text) }
    static func err(_ text: String) { write(2, text) }

    static func out(bytes: UnsafeBufferPointer<UInt8>) { writeAll(1, bytes) }

    private static func write(_ fd: Int32, _ text: String) {
        var copy = text
        copy.withUTF8 { writeAll(fd, $0) }
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            p += n
            left -= n
        }
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }
}
