import Foundation
import Synchronization
import Testing

@testable import SesameCLI

@Suite(.timeLimit(.minutes(1))) struct CallingThreadExecutorTests {
    /// A task that prefers the executor runs on the thread that runs it: at its start, after work finished on another
    /// thread resumes it (as NIO's event loops resume a request's continuation), after a detached task's value, and
    /// in its child tasks. (The thread runs the executor for ever, as `sesame` does until it exits: one parked
    /// thread for the rest of the test process.)
    @Test func everyJobRunsOnTheExecutorsThread() async throws {
        let executor = CallingThreadExecutor()
        let runner = Mutex<UInt?>(nil)
        Thread.detachNewThread {
            runner.withLock { $0 = UInt(pthread_self()) }
            executor.run()
        }
        let seen: [UInt] = await Task(executorPreference: executor) {
            var seen = [UInt(pthread_self())]
            await withCheckedContinuation { (resumed: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread {
                    usleep(10_000)
                    resumed.resume()
                }
            }
            seen.append(UInt(pthread_self()))
            let elsewhere = await Task.detached { UInt(pthread_self()) }.value
            seen.append(UInt(pthread_self()))
            async let child = UInt(pthread_self())
            seen.append(await child)
            #expect(elsewhere != seen[0], "a detached task does not take the preference")
            return seen
        }.value
        let thread = try #require(runner.withLock { $0 })
        #expect(seen.count == 4 && seen.allSatisfy { $0 == thread }, "ran on \(seen), the executor's thread is \(thread)")
    }
}
