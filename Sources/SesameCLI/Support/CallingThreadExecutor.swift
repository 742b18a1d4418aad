import Dispatch
import Synchronization

/// A task executor that runs its jobs on the one thread that calls `run()`: the main thread of a command that reads
/// a secret and exits, whose work then starts none of the global executor's threads (for a cached `sesame get`:
/// a worker, libdispatch's manager thread and a second worker, each a clone, a stack and a hand-over between cores).
///
/// Tasks that prefer it (`Task(executorPreference:)`), their child tasks and the default actors they call run here,
/// one job at a time. What does not take the preference (`Task.detached`, NIO's event loops) runs where it always
/// does and hands its results back through `enqueue`. A job that blocks holds up every other job of the command, so
/// only commands whose waits are all `await`s use it (`SesameCommand.runsOnTheCallingThread`).
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
