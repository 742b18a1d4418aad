import Foundation
import SesameCLI

// `--version` is answered here, on the main thread, before the first `await` starts a thread of the global executor.
if let code = SesameCommand.answerAtOnce() { exit(code) }

/// Runs the command and ends the process on the thread that ran it. Top-level code runs on the main actor, whose
/// queue `dispatch_main` serves from another thread: returning here first would start that thread only to call
/// `exit` on it (strace: one more thread at the end of every command).
@concurrent func runAndExit() async -> Never {
    exit(await SesameCommand.run())
}
await runAndExit()
