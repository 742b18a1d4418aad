import SesameCLI

// `--version` is answered on the main thread, before anything starts a thread of the global executor; `get` and
// `secret get` run on it too (see `SesameCommand.runAndExit`).
SesameCommand.runAndExit()
