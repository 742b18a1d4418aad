import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One line typed at a terminal without echo, read key by key with the terminal's signal keys off (`ISIG`), so the
/// reading thread itself sees them: the interrupt key (Ctrl-C) and the quit key (Ctrl-\) put the terminal back and
/// send their signal as the terminal would, taken on this thread, which ends the process as the key would have;
/// the suspend key (Ctrl-Z) stops it and, once it is resumed, asks again. The terminal's line editing keys work as
/// in a line: erase (a whole UTF-8 character), word erase, kill (the whole line), end of input on an empty line.
struct HiddenLine {
    /// The longest answer kept (a terminal's own line holds 4,095 bytes); keys past it are dropped.
    static let limit = 65_536

    private let original: termios
    private let keys: [UInt8]

    init(_ original: termios) {
        self.original = original
        var settings = original
        keys = withUnsafeBytes(of: &settings.c_cc) { Array($0) }
    }

    /// Puts the terminal in the prompt's mode: no echo, no line discipline, no signal or extended keys; a read
    /// returns each key. False when the terminal did not take it (echo may still be on: nothing may be typed).
    @discardableResult
    static func enter(_ original: termios) -> Bool {
        var quiet = quietSettings(original)
        var now = termios()
        var set = tcsetattr(STDIN_FILENO, TCSADRAIN, &quiet)
        while set != 0 && errno == EINTR { set = tcsetattr(STDIN_FILENO, TCSADRAIN, &quiet) }
        return set == 0 && tcgetattr(STDIN_FILENO, &now) == 0 && now.c_lflag & tcflag_t(ECHO) == 0
    }

    /// `original` in the prompt's mode.
    static func quietSettings(_ original: termios) -> termios {
        var quiet = original
        quiet.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        withUnsafeMutableBytes(of: &quiet.c_cc) { keys in
            keys[Int(VMIN)] = 1
            keys[Int(VTIME)] = 0
        }
        return quiet
    }

    /// The byte of a key of the terminal's settings; nil when it is switched off (`_POSIX_VDISABLE`: 0 on Linux,
    /// 0xFF on macOS; neither is ever a byte of UTF-8 text typed at the prompt).
    private func key(_ index: Int32) -> UInt8? {
        let value = keys[Int(index)]
        return value == 0 || value == 0xFF ? nil : value
    }

    /// The signal keys act only when the terminal had them on (`ISIG`); in a terminal put in raw mode they are
    /// bytes of the answer, as they would have been.
    private func signalKey(_ index: Int32) -> UInt8? {
        original.c_lflag & tcflag_t(ISIG) != 0 ? key(index) : nil
    }

    /// Does what the terminal does for a signal key: its settings back, its input dropped (unless `NOFLSH`), the
    /// signal to its foreground process group when that is sesame's (a shell running sesame in a script gets it
    /// too); and takes the signal on this thread at once, so the read cannot go on first. Sesame's own copy of the
    /// group's signal is dropped (the signal is ignored while it is sent), so it arrives once, here. (A thread of
    /// the global executor blocks these signals: its mask is opened for this one while it is raised. `get` and
    /// `secret get` prompt on the main thread, whose mask is open.)
    private func send(_ signal: Int32) {
        var restored = original
        tcsetattr(STDIN_FILENO, TCSADRAIN, &restored)
        if original.c_lflag & tcflag_t(NOFLSH) == 0 { tcflush(STDIN_FILENO, TCIFLUSH) }
        let group = tcgetpgrp(STDIN_FILENO)
        if group > 0, group == getpgrp() {
            var ignore = sigaction()
            #if canImport(Glibc)
                ignore.__sigaction_handler.sa_handler = SIG_IGN
            #else
                ignore.__sigaction_u.__sa_handler = SIG_IGN
            #endif
            var action = sigaction()
            sigaction(signal, &ignore, &action)
            kill(-group, signal)
            sigaction(signal, &action, nil)
        }
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, signal)
        var previous = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &only, &previous)
        raise(signal)
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }

    /// The line, without its end; nil at end of input before anything was typed, or when the terminal fails.
    func read(prompt: String) -> String? {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        // Every byte that held part of the answer is overwritten: the final buffer here, each removed byte as it goes.
        defer { clear(&line) }
        while true {
            var byte: UInt8 = 0
            let count = Foundation.read(STDIN_FILENO, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return nil }
            if count == 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                return String(decoding: line, as: UTF8.self)
            case signalKey(VINTR), signalKey(VQUIT):
                // Dropped before the signal (a quit dumps core where that is on), as the terminal drops its line.
                clear(&line)
                send(byte == key(VINTR) ? SIGINT : SIGQUIT)
                // Still here: the signal is ignored (nohup, a shell's trap ""). What was typed is gone: asked again.
                HiddenLine.enter(original)
                Terminal.writeToStandardError("\n" + prompt)
            case signalKey(VSUSP):
                clear(&line)
                Terminal.writeToStandardError("\n")
                send(SIGTSTP)
                // Resumed: the terminal may have been used meanwhile; the prompt starts over.
                HiddenLine.enter(original)
                Terminal.writeToStandardError(prompt)
            case key(VEOF):
                if line.isEmpty { return nil }
            case key(VERASE), 0x7F, 0x08:
                // A whole character: its UTF-8 continuation bytes, then its first byte.
                while let last = line.last, last & 0xC0 == 0x80 { removeLast(&line) }
                if !line.isEmpty { removeLast(&line) }
            case key(VWERASE):
                // The last word: the blanks before the cursor, then what is not blank.
                while line.last == UInt8(ascii: " ") || line.last == UInt8(ascii: "\t") { removeLast(&line) }
                while let last = line.last, last != UInt8(ascii: " "), last != UInt8(ascii: "\t") { removeLast(&line) }
            case key(VKILL):
                clear(&line)
            default:
                if line.count < Self.limit { line.append(byte) }
            }
        }
    }

    private func removeLast(_ line: inout [UInt8]) {
        line[line.count - 1] = 0
        line.removeLast()
    }

    private func clear(_ line: inout [UInt8]) {
        line.withUnsafeMutableBufferPointer { $0.initialize(repeating: 0) }
        line.removeAll(keepingCapacity: true)
    }
}
