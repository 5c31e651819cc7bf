#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file (or standard input) in large chunks and hands out lines without copying them,
/// so memory stays bounded by the chunk size plus the longest line.
public final class ByteStreamReader {
    public let path: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    /// Bytes consumed before `buffer[0]`, for offsets in messages.
    public private(set) var consumed = 0
    /// The input's size in bytes when it is a regular file (not standard input or a pipe), for
    /// progress; nil when it is not known ahead.
    public let size: Int?
    /// Bytes handed out so far.
    public var position: Int { consumed + start }

    /// Opens `path`; "-" reads standard input.
    public init(path: String, chunkSize: Int = 1 << 20) throws(VerbatimError) {
        self.path = path
        if path == "-" {
            fd = 0
            ownsDescriptor = false
            size = Self.regularFileSize(fd)
        } else {
            fd = open(path, O_RDONLY)
            guard fd >= 0 else {
                throw VerbatimError.io(path: path, message: FileIO.errnoMessage(hint: "check the input path"))
            }
            if FileIO.isDirectory(path) {
                close(fd)
                throw VerbatimError.io(path: path, message: "is a folder, not an input file")
            }
            ownsDescriptor = true
            size = Self.regularFileSize(fd)
        }
        buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    private static func regularFileSize(_ fd: Int32) -> Int? {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    deinit { if ownsDescriptor { close(fd) } }

    /// Fills the buffer so that at least one more byte is available; false at end of input.
    private func fill() throws(VerbatimError) -> Bool {
        if eof { return false }
        if start > 0 {
            // Move the unread tail to the front.
            let tail = end - start
            buffer.withUnsafeMutableBytes { raw in
                if tail > 0 { memmove(raw.baseAddress!, raw.baseAddress! + start, tail) }
            }
            consumed += start
            start = 0
            end = tail
        }
        if end == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + end, $0.count - end) }
            if n < 0 {
                if errno == EINTR { continue }
                throw VerbatimError.io(path: path, message: FileIO.errnoMessage(hint: nil))
            }
            if n == 0 {
                eof = true
                return false
            }
            end += n
            return true
        }
    }

    /// Calls `body` with the next line (without its `\n` or `\r\n`); returns false at end of input.
    public func nextLine(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Bool {
        var scanFrom = start
        while true {
            let found: Int? = buffer.withUnsafeBufferPointer { b in
                guard scanFrom < end else { return nil }
                let p = memchr(b.baseAddress! + scanFrom, 0x0A, end - scanFrom)
                return p.map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - b.baseAddress! }
            }
            if let nl = found {
                var lineEnd = nl
                if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let lineStart = start
                start = nl + 1
                try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[lineStart..<lineEnd])) }
                return true
            }
            let scanned = end - start
            if try !fill() {
                guard start < end else { return false }
                var lineEnd = end
                if buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let lineStart = start
                start = end
                try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[lineStart..<lineEnd])) }
                return true
            }
            scanFrom = start + scanned
        }
    }

    /// The next byte, or nil at end of input (for the CSV state machine).
    @inline(__always)
    public func nextByte() throws(VerbatimError) -> UInt8? {
        if start == end, try !fill() { return nil }
        let b = buffer[start]
        start += 1
        return b
    }

    /// Peeks at the next byte without consuming it.
    public func peekByte() throws(VerbatimError) -> UInt8? {
        if start == end, try !fill() { return nil }
        return buffer[start]
    }
}
