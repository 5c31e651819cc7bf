#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small file helpers on top of POSIX calls: whole-file reads for configs, and atomic writes for
/// outputs (a temporary file in the same folder, renamed into place only when complete).
public enum FileIO {
    public static func readBytes(path: String) throws(VerbatimError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw VerbatimError.io(path: path, message: errnoMessage(hint: "check the path")) }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw VerbatimError.io(path: path, message: errnoMessage(hint: nil))
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

    /// Reads a UTF-8 text file; a leading BOM is dropped and invalid bytes become U+FFFD.
    public static func readText(path: String) throws(VerbatimError) -> String {
        var bytes = try readBytes(path: path)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates `path` and its parents.
    public static func makeDirectory(_ path: String) throws(VerbatimError) {
        if isDirectory(path) { return }
        let parent = directory(of: path)
        if parent != path, parent != ".", parent != "/", !isDirectory(parent) { try makeDirectory(parent) }
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw VerbatimError.io(path: path, message: errnoMessage(hint: "cannot create the output folder"))
        }
    }

    /// The folder part of a path ("." for a bare file name).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    public static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    public static func fileExtension(of path: String) -> String {
        let name = fileName(of: path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    /// Writes `bytes` to `path` atomically.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(VerbatimError) {
        let writer = try AtomicFileWriter(path: path)
        do {
            try writer.write(bytes)
            try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
    }

    public static func writeAtomically(_ text: String, to path: String) throws(VerbatimError) {
        try writeAtomically(Array(text.utf8), to: path)
    }

    static func errnoMessage(hint: String?) -> String {
        let message = String(cString: strerror(errno))
        return hint.map { "\(message) (\($0))" } ?? message
    }
}

/// A buffered writer that creates `path` only when `commit()` is called: until then it writes to a
/// hidden temporary file beside it, which `abort()` (or a failure) removes. Readers of `path` never
/// see a half-written file.
public final class AtomicFileWriter {
    public let path: String
    private let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var done = false
    private static let flushSize = 1 << 20

    public init(path: String) throws(VerbatimError) {
        self.path = path
        let dir = FileIO.directory(of: path)
        temporaryPath = dir + "/." + FileIO.fileName(of: path) + ".tmp-\(getpid())"
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw VerbatimError.io(path: path, message: FileIO.errnoMessage(hint: "cannot create the file")) }
        buffer.reserveCapacity(Self.flushSize)
    }

    deinit { if !done { abort() } }

    public func write(_ bytes: [UInt8]) throws(VerbatimError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { try flush() }
    }

    public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(VerbatimError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { try flush() }
    }

    public func write(_ text: String) throws(VerbatimError) { try write(Array(text.utf8)) }

    private func flush() throws(VerbatimError) {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw VerbatimError.io(path: path, message: FileIO.errnoMessage(hint: "is the disk full?"))
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and renames the file into place.
    public func commit() throws(VerbatimError) {
        try flush()
        fsync(fd)
        close(fd)
        done = true
        if rename(temporaryPath, path) != 0 {
            let message = FileIO.errnoMessage(hint: nil)
            unlink(temporaryPath)
            throw VerbatimError.io(path: path, message: message)
        }
    }

    /// Drops the temporary file; `path` is left as it was.
    public func abort() {
        guard !done else { return }
        done = true
        close(fd)
        unlink(temporaryPath)
    }
}

public enum ProcessEnvironment {
    public static var home: String? { getenv("HOME").map { String(cString: $0) } }
    public static func value(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
    /// The number of online cores.
    public static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}
