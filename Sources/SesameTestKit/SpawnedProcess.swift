import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A program started with `posix_spawn`, its standard streams on pipes, in a process group of its own.
///
/// Not Foundation's `Process`: on Linux its exit is seen only once every process holding the descriptors it gave the
/// child has gone, so a child that leaves a daemon behind (`sh -c 'server & echo started'`) looked as if it were
/// still running until the daemon ended (measured: 8 s for a `sleep 8` left behind). Here the exit is `waitpid`'s,
/// the child starts with default signal handlers (the test runner's ignored SIGTERM and SIGINT are not inherited)
/// and an empty signal mask, and a kill reaches the whole group.
final class SpawnedProcess: @unchecked Sendable {
    let pid: pid_t
    let output: ReadAll
    let errors: ReadAll
    private let exit = Mutex<Int32?>(nil)

    /// Starts `executable` (a path) with `arguments` and exactly `environment`, writes `input` to its standard
    /// input and closes it.
    init(_ executable: String, _ arguments: [String], environment: [String: String], input: String?) throws {
        var stdin: [Int32] = [-1, -1]
        var stdout: [Int32] = [-1, -1]
        var stderr: [Int32] = [-1, -1]
        // Close-on-exec from the start: tests run side by side, and a process another test starts meanwhile must
        // not inherit these pipes (it would hold this one's output open).
        for index in 0..<3 {
            let made = index == 0 ? pipeClosedOnExec(&stdin) : index == 1 ? pipeClosedOnExec(&stdout) : pipeClosedOnExec(&stderr)
            guard made == 0 else { throw SesameProcessError("pipe2 failed: \(String(cString: strerror(errno)))") }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The copies on 0, 1 and 2 stay open across exec; the originals (close-on-exec) do not.
        posix_spawn_file_actions_adddup2(&actions, stdin[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdout[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderr[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        for descriptor in [stdin[0], stdout[1], stderr[1]] { close(descriptor) }
        guard spawned == 0 else {
            for descriptor in [stdin[1], stdout[0], stderr[0]] { close(descriptor) }
            throw SesameProcessError("could not start \(executable): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        // Read before writing: a large input and a full output pipe would otherwise wait for each other.
        output = ReadAll(descriptor: stdout[0])
        errors = ReadAll(descriptor: stderr[0])
        if let input {
            let writer = FileHandle(fileDescriptor: stdin[1], closeOnDealloc: false)
            // A child that does not read its input and exits makes the write fail (EPIPE): not this call's error.
            signal(SIGPIPE, SIG_IGN)
            try? writer.write(contentsOf: Data(input.utf8))
        }
        close(stdin[1])
    }

    /// The exit status (the code, or the signal's number when a signal ended it) once the process has exited;
    /// `nil` while it runs. Reaps it.
    var status: Int32? {
        exit.withLock { known in
            if let known { return known }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
            known = Self.decoded(raw)
            return known
        }
    }

    /// Blocks until the process exits; its status.
    func waitForExit() -> Int32 {
        while true {
            if let status { return status }
            var raw: Int32 = 0
            let waited = waitpid(pid, &raw, 0)
            if waited == pid {
                let decoded = Self.decoded(raw)
                exit.withLock { $0 = decoded }
                return decoded
            }
            if waited == -1 && errno != EINTR { return status ?? -1 }
        }
    }

    /// SIGKILL to the process and its group (what it started in passing goes too), then waits for it.
    func kill() {
        if status == nil {
            Glibc.kill(-pid, SIGKILL)
            Glibc.kill(pid, SIGKILL)
        }
        _ = waitForExit()
    }

    private static func decoded(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : signal
    }
}

/// glibc's `pipe2(fds, O_CLOEXEC)`, which Swift's Glibc module does not declare (it is behind `_GNU_SOURCE`).
@_silgen_name("pipe2")
private func pipe2(_ descriptors: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

private func pipeClosedOnExec(_ descriptors: inout [Int32]) -> Int32 {
    descriptors.withUnsafeMutableBufferPointer { pipe2($0.baseAddress!, O_CLOEXEC) }
}
