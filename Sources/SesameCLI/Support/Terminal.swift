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
    /// the prompt appears is neither echoed nor lost.
    static func readHidden(prompt: String) -> String? {
        var original = termios()
        let haveTerminal = tcgetattr(STDIN_FILENO, &original) == 0
        if haveTerminal {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSADRAIN, &silent)
        }
        defer {
            if haveTerminal {
                tcsetattr(STDIN_FILENO, TCSADRAIN, &original)
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
