import Foundation

/// `sesame run --watch`: runs a command, reads its secrets again every period, and when one changed stops the
/// command (its stop signal, then SIGKILL after the grace period) and starts it again with the new values. The
/// command ending by itself ends sesame, with its status; signals sesame receives are passed on.
struct WatchedChild {
    var arguments: [String]
    var period: Duration
    var stopSignal: Int32
    var grace: Duration
    /// Whether the command's output is masked (`--mask`).
    var mask: Bool
    /// The command's environment for a set of secret values (variable name → value).
    var environment: @Sendable ([String: String]) -> [String: String]
    /// Reads the secrets again.
    var resolve: @Sendable () async throws -> [String: String]
    /// Where notes go (standard error): never a value, only that one changed or could not be read.
    var note: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("sesame: \($0)\n".utf8)) }

    private enum Event: Sendable {
        case exited
        case changed([String: String])
    }

    /// Runs until the command ends by itself (or a stop signal sesame was sent ends it); its exit status.
    func run(initial: [String: String]) async throws -> Int32 {
        let forwarder = SignalForwarder()
        defer { forwarder.cancel() }
        var current = initial
        // Every value the command has been given: an old one may still be in what it prints.
        var seen = Set(initial.values)
        while true {
            let child = try ChildProcess(arguments, environment: environment(current), masking: mask ? Array(seen) : nil)
            forwarder.attach(child.pid)
            let exited = Task { await child.exitStatus() }
            let (events, continuation) = AsyncStream.makeStream(of: Event.self)
            let waiter = Task {
                _ = await exited.value
                continuation.yield(.exited)
            }
            let poller = Task { [current, period, resolve, note] in
                while !Task.isCancelled {
                    do {
                        try await Task.sleep(for: period)
                    } catch {
                        return
                    }
                    do {
                        let fresh = try await resolve()
                        if fresh != current {
                            continuation.yield(.changed(fresh))
                            return
                        }
                    } catch is CancellationError {
                        return
                    } catch {
                        let reason = (CLIError.mapping(error) ?? CLIError("\(error)")).message
                        note("could not read the secrets again (\(reason)); the command keeps running with the values it has")
                    }
                }
            }
            var event: Event = .exited
            for await first in events {
                event = first
                break
            }
            poller.cancel()
            waiter.cancel()
            switch event {
            case .exited:
                return await exited.value
            case .changed(let fresh):
                let changed = fresh.keys.filter { fresh[$0] != current[$0] }.sorted()
                note("\(changed.joined(separator: ", ")) changed; restarting \(arguments[0])")
                forwarder.attach(0)  // signals sent meanwhile wait for the new command
                child.signal(stopSignal)
                let killer = Task { [grace] in
                    try await Task.sleep(for: grace)
                    child.signal(SIGKILL)
                }
                let status = await exited.value
                killer.cancel()
                // Asked to stop meanwhile: the old command has, and no new one starts.
                if forwarder.hasReceived(any: [SIGTERM, SIGINT, SIGQUIT]) { return status }
                current = fresh
                seen.formUnion(fresh.values)
            }
        }
    }

    /// A signal by name (`TERM`, `SIGHUP`, `usr1`) or number.
    static func signalNumber(_ text: String) -> Int32? {
        if let number = Int32(text), (1...64).contains(number) { return number }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        let names: [String: Int32] = [
            "HUP": SIGHUP, "INT": SIGINT, "QUIT": SIGQUIT, "KILL": SIGKILL, "USR1": SIGUSR1, "USR2": SIGUSR2, "TERM": SIGTERM,
            "WINCH": SIGWINCH, "CONT": SIGCONT, "STOP": SIGSTOP,
        ]
        return names[name]
    }
}
