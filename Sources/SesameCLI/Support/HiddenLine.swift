import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One line typed at a terminal without echo, read key by key with the terminal's signal keys off (`ISIG`), so the
/// reading thread itself sees them: the interrupt key (Ctrl-C) and the quit key (Ctrl-\) put the terminal back and
/// send their signal as the terminal would, taken on this thread, which ends the process as the key would have;
/// the suspend key (Ctrl-Z) stops it and, once it is resumed, asks again. The line editing keys of the terminal's settings work as they do in a
/// line: erase (a whole UTF-8 character), word erase, kill (the whole line), end of input on an empty line.
struct HiddenLine {
    private let original: termios
    private let keys: [UInt8]

    init(_ original: termios) {
        self.original = original
        var settings = original
        keys = withUnsafeBytes(of: &settings.c_cc) { Array($0) }
    }

    /// Puts the terminal in the prompt's mode: no echo, no line discipline, no signal keys; a read returns each key.
    static func enter(_ original: termios) {
        var quiet = original
        quiet.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG)
        withUnsafeMutableBytes(of: &quiet.c_cc) { keys in
            keys[Int(VMIN)] = 1
            keys[Int(VTIME)] = 0
        }
        tcsetattr(STDIN_FILENO, TCSADRAIN, &quiet)
    }

    private func key(_ index: Int32) -> UInt8? {
        let value = keys[Int(index)]
        // _POSIX_VDISABLE: the key is switched off.
        return value == 0 ? nil : value
    }

    /// Does what the terminal does for a signal key: its settings back, its input dropped (unless `NOFLSH`), the
    /// signal to its foreground process group (a shell running sesame in a script gets it too); and takes the
    /// signal on this thread at once, so the read cannot go on first. (A thread of Swift's executor blocks these
    /// signals: its mask is opened for this one while it is raised.)
    private func send(_ signal: Int32) {
        var restored = original
        tcsetattr(STDIN_FILENO, TCSADRAIN, &restored)
        if original.c_lflag & tcflag_t(NOFLSH) == 0 { tcflush(STDIN_FILENO, TCIFLUSH) }
        let group = tcgetpgrp(STDIN_FILENO)
        kill(group > 0 ? -group : 0, signal)
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, signal)
        var previous = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &only, &previous)
        raise(signal)
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }

    /// The line, without its end; nil at end of input before anything was typed.
    func read(prompt: String) -> String? {
        var line: [UInt8] = []
        defer { line.withUnsafeMutableBufferPointer { $0.initialize(repeating: 0) } }
        while true {
            var byte: UInt8 = 0
            let count = Foundation.read(STDIN_FILENO, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                return String(decoding: line, as: UTF8.self)
            case key(VINTR), key(VQUIT):
                send(byte == key(VINTR) ? SIGINT : SIGQUIT)
                // Still here: the signal is ignored (nohup, a shell's trap ""). The line is dropped, as the terminal
                // drops it, and the prompt goes on.
                HiddenLine.enter(original)
                line.withUnsafeMutableBufferPointer { $0.initialize(repeating: 0) }
                line.removeAll()
            case key(VSUSP):
                FileHandle.standardError.write(Data("\n".utf8))
                send(SIGTSTP)
                // Resumed: the terminal may have been used meanwhile; the prompt starts over.
                HiddenLine.enter(original)
                line.withUnsafeMutableBufferPointer { $0.initialize(repeating: 0) }
                line.removeAll()
                FileHandle.standardError.write(Data(prompt.utf8))
            case key(VEOF):
                if line.isEmpty { return nil }
            case key(VERASE), 0x7F, 0x08:
                // A whole character: its UTF-8 continuation bytes, then its first byte.
                while let last = line.last, last & 0xC0 == 0x80 { line.removeLast() }
                if !line.isEmpty { line.removeLast() }
            case key(VWERASE):
                // The last word: the blanks before the cursor, then what is not blank.
                while line.last == UInt8(ascii: " ") || line.last == UInt8(ascii: "\t") { line.removeLast() }
                while let last = line.last, last != UInt8(ascii: " "), last != UInt8(ascii: "\t") { line.removeLast() }
            case key(VKILL):
                line.withUnsafeMutableBufferPointer { $0.initialize(repeating: 0) }
                line.removeAll()
            default:
                line.append(byte)
            }
        }
    }
}
