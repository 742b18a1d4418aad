import Foundation
import SesameCLI

// `--version` is answered here, on the main thread, before the first `await` starts a thread of the global executor.
if let code = SesameCommand.answerAtOnce() { exit(code) }
exit(await SesameCommand.run())
