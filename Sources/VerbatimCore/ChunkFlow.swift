import Dispatch
import Synchronization

/// The hand-over between the thread that reads and consumes and the worker threads: chunks go in
/// numbered 0, 1, 2, …; workers take them in that order, one at a time, and leave each result in
/// the slot of its number, from which the reader takes the results back in the same order.
///
/// There are no rounds: a worker that finishes a chunk takes the next one at once, so no worker waits
/// for the slowest chunk of a round, and the reader works ahead as long as fewer than `window`
/// chunks are out. Memory is bounded by `window` chunks, in or out, plus those given back.
///
/// A result the reader is done with goes back to the worker that made it (`giveBack`), which frees
/// it when it next takes a chunk: memory is then freed by the thread that allocated it, which spares
/// the allocator's cross-thread path (a lock on the other thread's arena for each block).
final class ChunkFlow<Input: Sendable, Output: Sendable>: Sendable {
    /// Chunks handed in and not yet taken back; the slots are indexed by number modulo `window`.
    let window: Int
    private struct State {
        var inputs: [Input?]
        var outputs: [Output?]
        /// Chunks handed in so far, and the number of the next one a worker takes.
        var submitted = 0
        var taken = 0
        var closed = false
        /// Per worker, results given back for it to free.
        var givenBack: [[Output]]
    }
    // The slots live under the lock: workers and the reader touch them a few times per chunk of
    // many documents, so the lock costs nothing, and it makes every hand-over visibly ordered.
    private let state: Mutex<State>
    /// Signalled once per chunk handed in, and once per worker at the end.
    private let work = DispatchSemaphore(value: 0)
    /// Signalled once per result left in its slot.
    private let done = DispatchSemaphore(value: 0)
    private let workerCount: Int

    init(window: Int, workers: Int) {
        self.window = max(1, window)
        workerCount = workers
        state = Mutex(State(inputs: Array(repeating: nil, count: self.window),
                            outputs: Array(repeating: nil, count: self.window),
                            givenBack: Array(repeating: [], count: max(1, workers))))
    }

    /// Hands in the next chunk; the caller keeps fewer than `window` chunks not yet taken back.
    func submit(_ input: Input) {
        state.withLock { s in
            precondition(!s.closed && s.submitted - s.taken < window, "a chunk flow holds at most `window` chunks")
            s.inputs[s.submitted % window] = input
            s.submitted += 1
        }
        work.signal()
    }

    /// Worker side: the next chunk and its number; nil once the flow is closed and drained. First
    /// frees, on this thread, what was given back to `worker`.
    func take(worker: Int) -> (number: Int, input: Input)? {
        var spent = state.withLock { s in
            var spent: [Output] = []
            swap(&spent, &s.givenBack[worker])
            return spent
        }
        spent.removeAll()
        work.wait()
        return state.withLock { s in
            guard s.taken < s.submitted else { return nil }
            let number = s.taken
            s.taken += 1
            let input = s.inputs[number % window].take()!
            return (number, input)
        }
    }

    /// Worker side: the result of chunk `number`.
    func finish(_ number: Int, _ output: Output) {
        state.withLock { $0.outputs[number % window] = output }
        done.signal()
    }

    /// Reader side: hands a result it is done with back to `worker`, which made it, to free.
    func giveBack(_ output: Output, to worker: Int) {
        state.withLock { $0.givenBack[worker].append(output) }
    }

    /// Reader side: the result of chunk `number`, if it is ready.
    func result(_ number: Int) -> Output? {
        state.withLock { $0.outputs[number % window].take() }
    }

    /// Reader side: the result of chunk `number`, waiting for it.
    func waitForResult(_ number: Int) -> Output {
        while true {
            if let output = result(number) { return output }
            // Each result signals once; a signal for another chunk only makes this look again.
            done.wait()
        }
    }

    /// No more chunks: each worker takes what is left and then stops. With `discardingPending`,
    /// chunks no worker has taken yet are dropped (the run is ending on an error).
    func close(discardingPending: Bool = false) {
        let wasClosed = state.withLock { s in
            defer { s.closed = true }
            if discardingPending {
                while s.taken < s.submitted {
                    s.inputs[s.taken % window] = nil
                    s.taken += 1
                }
            }
            return s.closed
        }
        if !wasClosed { for _ in 0..<workerCount { work.signal() } }
    }
}
