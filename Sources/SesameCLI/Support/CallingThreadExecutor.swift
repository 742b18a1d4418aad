import Dispatch
import Synchronization

/// A task executor that runs its jobs on the one thread that calls `run()`: the main thread of a command that reads
/// a secret and exits, whose work then starts none of the global executor's threads (for a cached `sesame get`:
/// a worker, libdispatch's manager thread and a second worker, each a clone, a stack and a hand-over between cores).
///
/// Tasks that prefer it (`Task(executorPreference:)`), their child tasks and the default actors they call run here,
/// one job at a time. What does not take the preference (`Task {}` and `Task.detached`, NIO's event loops, and a
/// task resumed after `Task.sleep`, until its next hop) runs where it always does and hands its results back through
/// `enqueue`. A job that blocks holds up every other job of the command: only commands that never wait on this
/// thread for work that would run on it use it (`get` and `secret get`, `SesameCommand.runAndExit`; their blocking
/// waits are a prompt for a password, SQLite's busy wait, and the AWS region lookup, which NIO's threads complete).
final class CallingThreadExecutor: TaskExecutor {
    private let jobs = Mutex<[UnownedJob]>([])
    private let ready = DispatchSemaphore(value: 0)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        ready.signal()
    }

    /// Runs the jobs as they come, for ever: the command ends the process with `exit`.
    func run() -> Never {
        while true {
            ready.wait()
            let job = jobs.withLock { $0.removeFirst() }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
