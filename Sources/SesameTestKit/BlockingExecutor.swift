import Foundation
import Synchronization

/// Runs blocking work (processes waited for, files polled) on threads of its own, without holding one of the few
/// threads Swift's concurrency runs every async test on: on two cores, tests that block those threads starve the
/// others' network I/O into timeouts. The work stays in the test's task (a task executor preference), so `#expect`
/// and `Issue.record` in it count for the test.
package func onOwnThread<Value: Sendable>(_ body: () throws -> Value) async throws -> Value {
    try await withTaskExecutorPreference(BlockingExecutor.shared) { try body() }
}

/// A task executor on libdispatch threads, which may block (dispatch adds threads when they do).
final class BlockingExecutor: TaskExecutor {
    static let shared = BlockingExecutor()
    private let queue = DispatchQueue(label: "sesame.tests.blocking", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Runs blocking `body` on a new thread and suspends until it is done: neither Swift's cooperative threads nor
/// libdispatch's global ones (which Swift's executor runs on, and which do not grow for blocked work) are held.
func onThreadOfItsOwn<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async -> Value {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: body()) }
    }
}
