import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Terminal input: whether one is attached, and reading without echo.
enum Terminal {
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 }
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Prompts on standard error and reads a line from standard input with echo off.
    ///
    /// Echo goes off before the prompt is shown, and without flushing input, so an answer typed as soon as
    /// the prompt appears is neither echoed nor lost. Echo comes back however the prompt ends: an answer, end of
    /// input, or a signal (Ctrl-C, Ctrl-\, a hang-up or TERM), after which the signal does what it would have done.
    ///
    /// On a terminal the line is read key by key (`HiddenLine`), so the terminal's interrupt and quit keys are seen
    /// by the reading thread itself, which raises their signal: with the terminal sending the signal, another thread
    /// could take it while this one read the Enter typed after Ctrl-C as an empty answer and went on.
    static func readHidden(prompt: String) -> String? {
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else {
            writeToStandardError(prompt)
            return readLine(strippingNewline: true)
        }
        EchoGuard.arm(original)
        defer {
            // Settings back before the handlers go (a signal meanwhile finds them restored), and again after (a
            // continue signal meanwhile put the prompt's back).
            tcsetattr(STDIN_FILENO, TCSADRAIN, &original)
            EchoGuard.disarm()
            tcsetattr(STDIN_FILENO, TCSADRAIN, &original)
            writeToStandardError("\n")
        }
        guard HiddenLine.enter(original) else {
            writeToStandardError("the terminal's echo could not be turned off; not asking for a secret")
            return nil
        }
        writeToStandardError(prompt)
        return HiddenLine(original).read(prompt: prompt)
    }

    /// Writes `text` to standard error, whatever becomes of it: a prompt to a closed or full standard error must not
    /// end sesame with the terminal's echo off (FileHandle's write traps on a failure).
    static func writeToStandardError(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The most standard input sesame reads (a template, a body): more is refused, not read into memory.
    static let inputLimit = 16 << 20
    /// The most a secret value read from standard input or a file may hold (Secret Server, Secrets Manager and
    /// Parameter Store all take far less).
    static let valueLimit = 4 << 20
    /// The most a file field's upload, or a request body, may hold.
    static let fileLimit = 64 << 20
    /// The most an export file may hold when it is imported.
    static let exportLimit = 1 << 30

    /// Reads all of standard input, without one trailing newline; at most `limit` bytes, and UTF-8 text only
    /// (use a file option for bytes).
    static func readAllStandardInput(limit: Int = inputLimit) throws -> String {
        let data = try readStandardInput(limit: limit)
        guard var text = String(data: data, encoding: .utf8) else {
            throw CLIError("standard input is not UTF-8 text", hint: "give bytes with a file option (--file PATH or SLUG=@FILE)")
        }
        // "\r\n" is one Character in Swift, so one removeLast drops either line ending.
        if text.hasSuffix("\n") || text.hasSuffix("\r\n") { text.removeLast() }
        return text
    }

    /// A secret value: on a terminal asked for twice without echo, else read from standard input (up to
    /// `valueLimit`). Empty only when `allowEmpty` (a field being cleared).
    static func readValue(_ what: String, allowEmpty: Bool = false) throws -> String {
        let value: String
        if isInteractive {
            let first = readHidden(prompt: "\(what): ") ?? ""
            guard readHidden(prompt: "Again: ") == first else { throw CLIError("the two entries differ", hint: "run the command again") }
            value = first
        } else {
            value = try readAllStandardInput(limit: valueLimit)
        }
        guard !value.isEmpty || allowEmpty else {
            throw CLIError("no value on standard input for \(what)", hint: "pipe it in (printf '%s' \"$VALUE\" | sesame ...), or use a file or --generate")
        }
        return value
    }

    /// Standard input's bytes, at most `limit`.
    static func readStandardInput(limit: Int = inputLimit) throws -> Data {
        try readBounded(FileHandle.standardInput, limit: limit, what: "standard input")
    }

    /// A file's bytes, at most `limit`; an error naming the file when it cannot be read or is larger.
    static func readFile(_ path: String, limit: Int = valueLimit) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CLIError("cannot read the file '\(path)'", hint: "check the path and its permissions")
        }
        defer { try? handle.close() }
        return try readBounded(handle, limit: limit, what: "the file '\(path)'")
    }

    private static func readBounded(_ handle: FileHandle, limit: Int, what: String) throws -> Data {
        var data = Data()
        while data.count <= limit {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: min(65536, limit + 1 - data.count))
            } catch {
                throw CLIError("cannot read \(what): \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { return data }
            data.append(chunk)
        }
        throw CLIError("\(what) holds more than \(limit >> 20) MiB, more than sesame reads", hint: "check that it is the right input")
    }
}

/// Restores the terminal's settings when a signal ends a hidden prompt: the handler puts the saved settings back
/// (tcsetattr is async-signal-safe), restores the signal's default action and raises it again.
private enum EchoGuard {
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var previous: [Int32: sigaction] = [:]
    /// SIGPIPE and SIGALRM too (a prompt written to a pipe whose reader has gone; an alarm set by a wrapper).
    static let signals: [Int32] = [SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE, SIGALRM]

    /// The prompt's settings, put back when sesame is continued after a stop it did not ask for (a shell that
    /// restores its own settings meanwhile would otherwise echo the rest of the answer).
    nonisolated(unsafe) static var quiet = termios()

    static func arm(_ settings: termios) {
        saved = settings
        quiet = HiddenLine.quietSettings(settings)
        var onContinue = sigaction()
        #if canImport(Glibc)
            onContinue.__sigaction_handler.sa_handler = { _ in tcsetattr(STDIN_FILENO, TCSADRAIN, &EchoGuard.quiet) }
        #else
            onContinue.__sigaction_u.__sa_handler = { _ in tcsetattr(STDIN_FILENO, TCSADRAIN, &EchoGuard.quiet) }
        #endif
        sigemptyset(&onContinue.sa_mask)
        // Calls it interrupts (a read, the prompt's own tcsetattr) go on: the thread it lands on may be the prompt's.
        onContinue.sa_flags = SA_RESTART
        var oldContinue = sigaction()
        sigaction(SIGCONT, &onContinue, &oldContinue)
        previous[SIGCONT] = oldContinue
        for number in signals {
            // A signal ignored by whoever started sesame (nohup, a shell's trap "") stays ignored.
            var current = sigaction()
            sigaction(number, nil, &current)
            #if canImport(Glibc)
                let ignored = unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
            #else
                let ignored = unsafeBitCast(current.__sigaction_u.__sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
            #endif
            if ignored { continue }
            var action = sigaction()
            #if canImport(Glibc)
                action.__sigaction_handler.sa_handler = { signal in
                    tcsetattr(STDIN_FILENO, TCSADRAIN, &EchoGuard.saved)
                    Glibc.signal(signal, SIG_DFL)
                    raise(signal)
                }
            #else
                action.__sigaction_u.__sa_handler = { signal in
                    tcsetattr(STDIN_FILENO, TCSADRAIN, &EchoGuard.saved)
                    Darwin.signal(signal, SIG_DFL)
                    raise(signal)
                }
            #endif
            sigemptyset(&action.sa_mask)
            var old = sigaction()
            sigaction(number, &action, &old)
            previous[number] = old
        }
    }

    static func disarm() {
        for (number, old) in previous {
            var restored = old
            sigaction(number, &restored, nil)
        }
        previous = [:]
    }
}
