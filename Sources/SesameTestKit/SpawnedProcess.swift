import Foundation
import Synchronization

/// A program started with `posix_spawn`, its standard streams on pipes, in a process group of its own.
///
/// Not Foundation's `Process`: on Linux its exit is seen only once every process holding the descriptors it gave the
/// child has gone, so a child that leaves a daemon behind (`sh -c 'server & echo started'`) looked as if it were
/// still running until the daemon ended (measured: 8 s for a `sleep 8` left behind). Here the exit is `waitid`'s;
/// the child starts with default signal handlers (the test runner's ignored SIGTERM and SIGINT are not inherited)
/// and an empty signal mask. The child is reaped only once its result is taken, so until then its pid, and its
/// process group's id, cannot be given to another process: a kill never reaches anyone else.
final class SpawnedProcess: @unchecked Sendable {
    let pid: pid_t
    let output: ReadAll
    let errors: ReadAll
    private let exited = Signal()
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable` (a path) with `arguments` and exactly `environment`; `input` is written to its standard
    /// input (on a thread of its own, so a child that does not read cannot block the caller), which is then closed.
    init(_ executable: String, _ arguments: [String], environment: [String: String], input: String?) throws {
        SesameProcess.ignoreBrokenPipes()
        var descriptors: [Int32] = []
        // Close-on-exec from the start: tests run side by side, and a process another test starts meanwhile must
        // not inherit these pipes (it would hold this one's output open).
        for _ in 0..<3 {
            var pair: [Int32] = [-1, -1]
            guard pipeClosedOnExec(&pair) == 0 else {
                let reason = String(cString: strerror(errno))
                descriptors.forEach { close($0) }
                throw SesameProcessError("could not make a pipe: \(reason)")
            }
            descriptors += pair
        }
        let (stdinRead, stdinWrite, stdoutRead, stdoutWrite, stderrRead, stderrWrite) =
            (descriptors[0], descriptors[1], descriptors[2], descriptors[3], descriptors[4], descriptors[5])
        #if os(Linux)
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #else
            var actions: posix_spawn_file_actions_t?
            var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The copies on 0, 1 and 2 stay open across exec; the originals (close-on-exec) do not, and neither does
        // any other descriptor this process has open: one another thread opened without close-on-exec (Foundation's
        // atomic file writes do) would otherwise stay open in the child, and a script written that way could not be
        // run while the child lives ("Text file busy", seen in a full run).
        posix_spawn_file_actions_adddup2(&actions, stdinRead, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutWrite, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrWrite, 2)
        #if os(Linux)
            _ = posix_spawn_file_actions_addclosefrom(&actions, 3)
        #endif
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
        #if os(Linux)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))
        #else
            posix_spawnattr_setflags(
                &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_CLOEXEC_DEFAULT))
        #endif

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        for descriptor in [stdinRead, stdoutWrite, stderrWrite] { close(descriptor) }
        guard spawned == 0 else {
            for descriptor in [stdinWrite, stdoutRead, stderrRead] { close(descriptor) }
            throw SesameProcessError("could not start \(executable): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        output = ReadAll(descriptor: stdoutRead)
        errors = ReadAll(descriptor: stderrRead)
        let bytes = Array((input ?? "").utf8)
        Thread.detachNewThread {
            var written = 0
            while written < bytes.count {
                // A child that exits without reading makes the write fail (EPIPE, SIGPIPE being ignored): done.
                let count = bytes[written...].withUnsafeBytes { write(stdinWrite, $0.baseAddress, $0.count) }
                if count > 0 { written += count } else if count < 0 && errno != EINTR { break }
            }
            close(stdinWrite)
        }
        // Waits for the exit without reaping it (WNOWAIT): the pid stays the child's until `status` takes it.
        Thread.detachNewThread { [exited, pid] in
            while true {
                var info = siginfo_t()
                let waited = waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT)
                // ECHILD: already reaped by the system (SIGCHLD ignored); the exit is all there is to know.
                if waited == 0 || errno != EINTR { break }
            }
            exited.fire()
        }
    }

    /// Whether the process has exited.
    var hasExited: Bool { exited.hasFired }

    /// Blocks until the process exits, or `timeout` seconds pass; whether it exited.
    @discardableResult
    func waitForExit(timeout: TimeInterval = .infinity) -> Bool {
        exited.wait(timeout: timeout)
    }

    /// The exit status (the code, or 128 plus the signal's number when a signal ended it, as a shell reports it: a
    /// crash is never mistaken for an exit code; -1 when the system reaped it),
    /// once it has exited. Reaps it: from here on its pid may be another process's.
    func status() -> Int32 {
        waitForExit()
        return reaped.withLock { known in
            if let known { return known }
            var raw: Int32 = 0
            var waited: pid_t
            repeat { waited = waitpid(pid, &raw, 0) } while waited == -1 && errno == EINTR
            let signal = raw & 0x7f
            let status = waited != pid ? -1 : signal == 0 ? (raw >> 8) & 0xff : 128 + signal
            known = status
            return status
        }
    }

    /// SIGKILL to the process's group (what it started in passing goes too) and to the process, unless it has been
    /// reaped; then waits for its exit and reaps it.
    func kill() {
        reaped.withLock { known in
            guard known == nil else { return }
            sendSignal(-pid, SIGKILL)
            sendSignal(pid, SIGKILL)
        }
        _ = status()
    }

    /// SIGKILL to what the process left running in its group, unless it has been reaped.
    func killGroup() {
        reaped.withLock { known in
            if known == nil { sendSignal(-pid, SIGKILL) }
        }
    }
}

/// A one-time event any number of threads can wait for.
final class Signal: @unchecked Sendable {
    private let fired = Mutex(false)
    private let semaphore = DispatchSemaphore(value: 0)

    var hasFired: Bool { fired.withLock { $0 } }

    func fire() {
        fired.withLock { $0 = true }
        semaphore.signal()
    }

    /// Whether it fired within `timeout` seconds.
    func wait(timeout: TimeInterval = .infinity) -> Bool {
        if hasFired { return true }
        let deadline: DispatchTime = timeout == .infinity ? .distantFuture : .now() + max(0, timeout)
        guard semaphore.wait(timeout: deadline) == .success else { return hasFired }
        semaphore.signal()  // for the next one waiting
        return true
    }
}

private func sendSignal(_ pid: pid_t, _ signal: Int32) {
    _ = kill(pid, signal)
}

#if os(Linux)
    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does not
    /// declare: every descriptor from `lowest` up is closed in the child.
    @_silgen_name("posix_spawn_file_actions_addclosefrom_np")
    private func posix_spawn_file_actions_addclosefrom(
        _ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32
    ) -> Int32

    /// glibc's `pipe2(fds, O_CLOEXEC)`, which Swift's Glibc module does not declare (it is behind `_GNU_SOURCE`).
    @_silgen_name("pipe2")
    private func pipe2(_ descriptors: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

    private func pipeClosedOnExec(_ descriptors: inout [Int32]) -> Int32 {
        descriptors.withUnsafeMutableBufferPointer { pipe2($0.baseAddress!, O_CLOEXEC) }
    }
#else
    /// No `pipe2` here: `pipe`, then close-on-exec (a process started between the two may inherit the pipe).
    private func pipeClosedOnExec(_ descriptors: inout [Int32]) -> Int32 {
        guard pipe(&descriptors) == 0 else { return -1 }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return 0
    }
#endif
