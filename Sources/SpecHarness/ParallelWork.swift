// A tiny work queue: run N independent jobs on a fixed number of threads.
//
// Conversion and classification call `wasm-tools` thousands of times; each call is a process, so
// a few concurrent workers divide the wall time. Plain threads rather than Dispatch's pool, whose
// width is the core count: workers here mostly wait for a child process. Results keep input order.

import Foundation
import Synchronization

/// Runs independent jobs on a few threads.
package enum ParallelWork {
    /// Calls `job` for every element of `inputs` on `workers` threads; returns results in input order.
    package static func map<Input: Sendable, Output: Sendable>(
        _ inputs: [Input],
        workers: Int,
        _ job: @escaping @Sendable (Input) -> Output
    ) -> [Output] {
        if inputs.isEmpty { return [] }
        let queue = WorkQueue<Output>(count: inputs.count)
        let workerCount = max(1, min(workers, inputs.count))
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<workerCount {
            let thread = Thread {
                while let index = queue.take() {
                    queue.store(job(inputs[index]), at: index)
                }
                done.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        for _ in 0..<workerCount { done.wait() }
        return queue.results()
    }
}

/// The shared cursor and result slots of one `ParallelWork.map` call.
private final class WorkQueue<Output: Sendable>: Sendable {
    private let state: Mutex<(next: Int, count: Int, results: [Output?])>

    init(count: Int) {
        state = Mutex((0, count, Array(repeating: nil, count: count)))
    }

    func take() -> Int? {
        state.withLock { state in
            guard state.next < state.count else { return nil }
            defer { state.next += 1 }
            return state.next
        }
    }

    func store(_ output: Output, at index: Int) {
        state.withLock { $0.results[index] = output }
    }

    func results() -> [Output] {
        state.withLock { state in state.results.map { $0! } }
    }
}
