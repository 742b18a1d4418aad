import Dispatch
import Foundation
import Synchronization

/// Passes the signals sesame receives on to the command it runs (`run --mask`, `run --watch`). Created before the
/// command starts, so no signal between the two is lost: one that arrives before the command has a pid is kept and
/// sent when `attach` gives it one.
// Unchecked: `sources` is set once in init and only cancelled afterwards; the state is behind a Mutex.
final class SignalForwarder: @unchecked Sendable {
    /// The signals passed on. SIGINT and SIGQUIT from a terminal reach the command directly (it is in the terminal's
    /// foreground process group), so they are forwarded only when standard input is not a terminal.
    static var forwarded: [Int32] {
        [SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH] + (isatty(STDIN_FILENO) == 1 ? [] : [SIGINT, SIGQUIT])
    }

    /// The command's pid (0 before it has one), signals kept for it, and every signal that arrived.
    private final class State: Sendable {
        let mutex = Mutex<(pid: pid_t, pending: [Int32], received: [Int32])>((0, [], []))
    }

    private let state = State()
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32] = SignalForwarder.forwarded) {
        // Order matters on Linux: SIG_IGN keeps a signal from killing us until libdispatch's registration installs
        // its own handler (which replaces SIG_IGN); ignoring after the registration would silently turn forwarding
        // off, and a signal between ignoring and registering would be lost. So: ignore, create, wait for every
        // registration.
        let registered = DispatchGroup()
        var sources: [any DispatchSourceSignal] = []
        let state = self.state
        for signalNumber in signals {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let pid = state.mutex.withLock { state -> pid_t in
                    state.received.append(signalNumber)
                    if state.pid == 0 { state.pending.append(signalNumber) }
                    return state.pid
                }
                if pid > 0 { kill(pid, signalNumber) }
            }
            registered.enter()
            source.setRegistrationHandler { registered.leave() }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
        // Registration is quick; a source that never registers must not keep the command from starting.
        _ = registered.wait(timeout: .now() + 5)
    }

    /// Sends signals to `pid` from now on (and the ones that arrived while there was no command). 0 holds them.
    /// From a terminal, sesame ignores Ctrl-C and Ctrl-\\ from here on: they are the command's to handle, and sesame
    /// waits for its status. (Only after the command has started: an ignored signal would be inherited.)
    func attach(_ pid: pid_t) {
        if isatty(STDIN_FILENO) == 1 {
            signal(SIGINT, SIG_IGN)
            signal(SIGQUIT, SIG_IGN)
        }
        let pending = state.mutex.withLock { state -> [Int32] in
            state.pid = pid
            defer { state.pending.removeAll() }
            return state.pending
        }
        for signalNumber in pending where pid > 0 { kill(pid, signalNumber) }
    }

    /// Whether one of `signals` has arrived since sesame started.
    func hasReceived(any signals: Set<Int32>) -> Bool {
        state.mutex.withLock { $0.received.contains(where: signals.contains) }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
