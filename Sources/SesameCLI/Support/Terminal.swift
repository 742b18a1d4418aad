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
    static func readHidden(prompt: String) -> String? {
        var original = termios()
        let haveTerminal = tcgetattr(STDIN_FILENO, &original) == 0
        if haveTerminal {
            EchoGuard.arm(original)
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSADRAIN, &silent)
        }
        defer {
            if haveTerminal {
                tcsetattr(STDIN_FILENO, TCSADRAIN, &original)
                EchoGuard.disarm()
                FileHandle.standardError.write(Data("\n".utf8))
            }
        }
        FileHandle.standardError.write(Data(prompt.utf8))
        return readLine(strippingNewline: true)
    }

    /// Reads all of standard input, without one trailing newline.
    static func readAllStandardInput() -> String {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        var text = String(decoding: data, as: UTF8.self)
        // "\r\n" is one Character in Swift, so one removeLast drops either line ending.
        if text.hasSuffix("\n") || text.hasSuffix("\r\n") { text.removeLast() }
        return text
    }
}

/// Restores the terminal's settings when a signal ends a hidden prompt: the handler puts the saved settings back
/// (tcsetattr is async-signal-safe), restores the signal's default action and raises it again.
private enum EchoGuard {
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var previous: [Int32: sigaction] = [:]
    static let signals: [Int32] = [SIGINT, SIGQUIT, SIGTERM, SIGHUP]

    static func arm(_ settings: termios) {
        saved = settings
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
