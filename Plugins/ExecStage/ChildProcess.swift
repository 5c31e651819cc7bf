#if canImport(Glibc)
import Glibc
#endif
import VerbatimCore

/// A child process with pipes to its standard input, output and error, driven by `poll` from the
/// calling thread: requests are written while answers are read, so a whole batch is pipelined
/// without extra threads, and a silent child is detected by a deadline rather than a blocked read.
final class ChildProcess {
    enum Failure: Error, Equatable {
        /// The child closed its output or exited; `status` is its exit status or signal description.
        case exited(status: String)
        /// Nothing arrived before the deadline.
        case timedOut
        case spawn(String)
    }

    let pid: pid_t
    private var stdinFD: Int32
    private var stdoutFD: Int32
    private var stderrFD: Int32
    private var pendingOutput: [UInt8] = []
    private var outputOffset = 0
    private var inputBuffer: [UInt8] = []
    private var inputStart = 0
    private var stdoutClosed = false
    /// The last few KiB the child wrote to standard error, for error messages.
    private(set) var stderrTail: [UInt8] = []
    private var reaped = false
    private var exitDescription: String?

    init(arguments: [String], directory: String) throws(Failure) {
        guard let program = arguments.first else { throw .spawn("empty command") }
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw .spawn(String(cString: strerror(errno)))
        }
        // The child gets only its three standard descriptors; no other pipe end leaks into it.
        for fd in inPipe + outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        // Run in `directory` through the shell's `cd`, since posix_spawn has no portable chdir action;
        // the arguments are passed as positional parameters, never interpreted by the shell.
        let argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory.isEmpty ? "." : directory] + arguments
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, "/bin/sh", &actions, nil, &cArgs, environ)
        close(inPipe[0])
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw .spawn("cannot start '\(program)': \(String(cString: strerror(rc)))")
        }
        pid = child
        stdinFD = inPipe[1]
        stdoutFD = outPipe[0]
        stderrFD = errPipe[0]
        for fd in [stdinFD, stdoutFD, stderrFD] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit { terminate() }

    /// Queues bytes for the child's standard input (written as it can take them).
    func send(_ bytes: [UInt8]) {
        if outputOffset > 0 && outputOffset == pendingOutput.count {
            pendingOutput.removeAll(keepingCapacity: true)
            outputOffset = 0
        }
        pendingOutput.append(contentsOf: bytes)
    }

    /// Closes the child's standard input once everything queued is written.
    func closeInput(deadline: Double) throws(Failure) {
        while outputOffset < pendingOutput.count {
            try pump(deadline: deadline, wantLine: false)
        }
        if stdinFD >= 0 {
            close(stdinFD)
            stdinFD = -1
        }
    }

    /// Returns the next line of the child's standard output (without the newline), writing queued
    /// input meanwhile. Throws `.timedOut` if no line arrives within `timeout` seconds of progress.
    func readLine(timeout: Double) throws(Failure) -> [UInt8] {
        var deadline = Clock.now() + timeout
        while true {
            if let nl = inputBuffer[inputStart...].firstIndex(of: 0x0A) {
                let line = Array(inputBuffer[inputStart..<nl])
                inputStart = nl + 1
                if inputStart > 1 << 16 {
                    inputBuffer.removeFirst(inputStart)
                    inputStart = 0
                }
                return line
            }
            if stdoutClosed { throw .exited(status: waitForExit()) }
            let before = inputBuffer.count
            try pump(deadline: deadline, wantLine: true)
            if inputBuffer.count > before { deadline = Clock.now() + timeout }
        }
    }

    /// One round of poll: write what the child will take, read what it has written.
    private func pump(deadline: Double, wantLine: Bool) throws(Failure) {
        var fds: [pollfd] = []
        let writing = stdinFD >= 0 && outputOffset < pendingOutput.count
        if writing { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
        if !stdoutClosed { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
        if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
        let remaining = deadline - Clock.now()
        if remaining <= 0 { throw .timedOut }
        let n = poll(&fds, nfds_t(fds.count), Int32(min(remaining, 3600) * 1000) + 1)
        if n < 0 {
            if errno == EINTR { return }
            throw .exited(status: "poll failed: \(String(cString: strerror(errno)))")
        }
        if n == 0 { throw .timedOut }
        for p in fds where p.revents != 0 {
            if p.fd == stdinFD {
                if p.revents & Int16(POLLERR | POLLHUP) != 0 {
                    // The child stopped reading; what it wrote may still explain why.
                    close(stdinFD)
                    stdinFD = -1
                    pendingOutput.removeAll()
                    outputOffset = 0
                    continue
                }
                let written = pendingOutput.withUnsafeBytes { raw in
                    write(stdinFD, raw.baseAddress! + outputOffset, raw.count - outputOffset)
                }
                if written > 0 { outputOffset += written }
            } else if p.fd == stdoutFD {
                if !readAvailable(stdoutFD, into: &inputBuffer) { stdoutClosed = true }
            } else if p.fd == stderrFD {
                if !readAvailable(stderrFD, into: &stderrTail) {
                    close(stderrFD)
                    stderrFD = -1
                }
                if stderrTail.count > 8192 { stderrTail.removeFirst(stderrTail.count - 4096) }
            }
        }
    }

    /// Reads what is available; false at end of file.
    private func readAvailable(_ fd: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
                if n < chunk.count { return true }
                continue
            }
            if n == 0 { return false }
            return errno == EAGAIN || errno == EINTR
        }
    }

    /// Waits (briefly) for the child to exit and describes how it ended.
    @discardableResult
    func waitForExit(grace: Double = 2) -> String {
        if let exitDescription { return exitDescription }
        var status: Int32 = 0
        let deadline = Clock.now() + grace
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 { exitDescription = "unknown status"; reaped = true; return exitDescription! }
            if Clock.now() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            usleep(2000)
        }
        reaped = true
        let signal = status & 0x7F
        let description = signal == 0 ? "exit status \((status >> 8) & 0xFF)" : "killed by signal \(signal)"
        exitDescription = description
        return description
    }

    /// Ends the child at once (used after a timeout or protocol error, and on deinit).
    func terminate() {
        if stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
        if !reaped {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            reaped = true
        }
        if stderrFD >= 0 { close(stderrFD); stderrFD = -1 }
        if stdoutFD >= 0 { close(stdoutFD); stdoutFD = -1 }
        stdoutClosed = true
    }

    /// The end of what the child wrote on standard error, as text.
    var stderrText: String {
        let text = String(decoding: stderrTail, as: UTF8.self)
        let lines = text.split(separator: "\n").suffix(5)
        return lines.joined(separator: "\n")
    }
}

enum Clock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
