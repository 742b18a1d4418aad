import Foundation
import Synchronization

/// Runs the built `sesame` binary as a process, as a user would.
package enum SesameProcess {
    /// What a finished process left.
    package struct Result: Sendable {
        package var status: Int32
        package var stdout: String
        package var stderr: String
    }

    /// Makes a write to a pipe whose reader has gone fail (EPIPE) instead of ending the test process. Done at the
    /// first use of any helper, so every test runs under the same rule (and every process started with
    /// Foundation's `Process`, which inherits it, too; `SpawnedProcess` gives its children the default back).
    static func ignoreBrokenPipes() {
        _ = brokenPipesIgnored
    }

    private static let brokenPipesIgnored: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// The `sesame` binary: `$SESAME_BIN`, else `.build/debug/sesame` of this package.
    package static func binary(filePath: String = #filePath) throws -> String {
        ignoreBrokenPipes()
        if let path = ProcessInfo.processInfo.environment["SESAME_BIN"], !path.isEmpty { return path }
        var url = URL(fileURLWithPath: filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent(".build/debug/sesame").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw SesameProcessError("the sesame binary was not found; run swift build first, or set SESAME_BIN")
    }

    /// Runs `sesame arguments...` to the end. `environment` replaces the process environment (PATH and HOME
    /// are kept); `input` is written to its standard input.
    package static func run(
        _ arguments: [String], environment: [String: String] = [:], input: String? = nil, timeout: TimeInterval = 120
    ) throws -> Result {
        try runTool(try binary(), arguments, environment: environment, input: input, timeout: timeout)
    }

    /// Runs another program (a Debian tool the test needs) the same way.
    package static func runTool(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil, timeout: TimeInterval = 120
    ) throws -> Result {
        let started = try Started(executable, arguments, environment: environment, input: input)
        guard started.process.waitForExit(timeout: timeout) else {
            started.process.kill()
            throw started.timedOut(timeout)
        }
        return started.result()
    }

    /// Runs `sesame arguments...` to the end without holding a thread while it runs: the test's task is suspended
    /// until the process exits or `timeout` seconds pass (then the process is killed and the call throws). Swift
    /// chooses this overload where the call can `await` (an async function, a closure that awaits); in a
    /// synchronous closure (`onOwnThread`) the blocking one runs, on a thread of its own.
    package static func run(
        _ arguments: [String], environment: [String: String] = [:], input: String? = nil, timeout: TimeInterval = 120
    ) async throws -> Result {
        try await runTool(try binary(), arguments, environment: environment, input: input, timeout: timeout)
    }

    /// Runs another program to the end, suspended (not blocked) until it exits or `timeout` seconds pass. When the
    /// test is cancelled (its time limit) the process is killed too.
    package static func runTool(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil, timeout: TimeInterval = 120
    ) async throws -> Result {
        let started = try Started(executable, arguments, environment: environment, input: input)
        let exited = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = await onThreadOfItsOwn { started.process.waitForExit() }
                return true
            }
            group.addTask {
                try await Task.sleep(for: .seconds(timeout))
                return false
            }
            let first = try? await group.next()
            // Past the deadline, or the test cancelled: the kill ends the wait above too.
            if first != true { started.process.kill() }
            group.cancelAll()
            try Task.checkCancellation()
            return first == true
        }
        guard exited else { throw started.timedOut(timeout) }
        return await onThreadOfItsOwn { started.result() }
    }

    /// A process started with its standard streams on pipes, its input written and closed.
    private struct Started {
        let process: SpawnedProcess
        let executable: String
        let arguments: [String]

        init(_ executable: String, _ arguments: [String], environment: [String: String], input: String?) throws {
            self.executable = executable
            self.arguments = arguments
            var env = [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp",
            ]
            env.merge(environment) { $1 }
            process = try SpawnedProcess(executable, arguments, environment: env, input: input)
        }

        /// What the exited process left. Its output is read to the end, or for five seconds at most when something
        /// it started still holds its output open; then what it left behind in its group is killed.
        func result() -> Result {
            let grace = Date().addingTimeInterval(5)
            let stdout = process.output.wait(until: grace)
            let stderr = process.errors.wait(until: grace)
            if !process.output.isDone || !process.errors.isDone { process.killGroup() }
            return Result(status: process.status(), stdout: stdout, stderr: stderr)
        }

        func timedOut(_ timeout: TimeInterval) -> SesameProcessError {
            SesameProcessError("\((executable as NSString).lastPathComponent) \(arguments.first ?? "") did not finish in \(Int(timeout)) s")
        }
    }

    /// A `sesame server --dev` process on a free port, stopped by `stop()`. It is ready when the server writes its
    /// `--ready-file` (JSON: the URLs and the port), not when its banner reads a certain way; its output goes to
    /// files, so waiting never blocks on a pipe and the deadline always holds.
    package final class Server: @unchecked Sendable {
        package let process: Process
        package let baseURL: String
        /// The Platform front door's URL (`nil` when it is off).
        package let platformURL: String?
        /// What the server printed when it started.
        package let banner: String
        /// The port the server listened on.
        package let port: Int
        /// The CA that signed the server's certificate (with `--tls`), as its ready file names it.
        package let caFile: String?
        private let directory: TemporaryDirectory
        /// Holds the port once the server has stopped, for as long as this object lives (see `PortReservation`).
        private let stoppedPort = Mutex<PortReservation?>(nil)

        /// What `--ready-file` holds.
        struct Ready: Decodable {
            var url: String
            var platformURL: String?
            var port: Int
            var caFile: String?
        }

        /// Starts the server with `arguments` after `server --dev --port 0`, and waits (up to `timeout` seconds) for
        /// its ready file.
        package init(
            arguments: [String] = [], adminPassword: String, environment: [String: String] = [:], timeout: TimeInterval = 60
        ) throws {
            let directory = try TemporaryDirectory()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try SesameProcess.binary())
            let readyFile = directory.file("ready.json")
            // Every CLI process signs in anew: the cheapest hash keeps a suite of them from starving the machine.
            process.arguments =
                [
                    "server", "--dev", "--port", "0", "--log-level", "warning", "--password-hash-cost", "10",
                    "--ready-file", readyFile,
                ] + arguments
            var env = [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "SESAME_ADMIN_PASSWORD": adminPassword,
            ]
            env.merge(environment) { $1 }
            process.environment = env
            FileManager.default.createFile(atPath: directory.file("stdout"), contents: nil)
            FileManager.default.createFile(atPath: directory.file("stderr"), contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: directory.file("stdout"))
            process.standardError = FileHandle(forWritingAtPath: directory.file("stderr"))
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let output = { (try? String(contentsOfFile: directory.file("stdout"), encoding: .utf8)) ?? "" }
            let errors = { (try? String(contentsOfFile: directory.file("stderr"), encoding: .utf8)) ?? "" }
            let deadline = Date().addingTimeInterval(timeout)
            var ready: Ready?
            while ready == nil {
                if let data = FileManager.default.contents(atPath: readyFile) { ready = try? JSONDecoder().decode(Ready.self, from: data) }
                if ready != nil { break }
                guard Date() < deadline, process.isRunning else {
                    if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
                    process.waitUntilExit()
                    directory.remove()
                    throw SesameProcessError("sesame server did not become ready in \(Int(timeout)) s: \(output()) \(errors())")
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
            self.process = process
            self.directory = directory
            self.baseURL = ready!.url
            self.platformURL = ready!.platformURL
            self.port = ready!.port
            self.caFile = ready!.caFile
            self.banner = output()
        }

        /// Starts the server as `init` does, without holding the caller's thread while it starts: the wait runs on a
        /// thread of its own. Async tests use this: on two cores, two tests waiting in `init` hold both of the
        /// threads every other async test runs on (a run of a few milliseconds took 20 s in a full CI run).
        package static func start(
            arguments: [String] = [], adminPassword: String, environment: [String: String] = [:], timeout: TimeInterval = 60
        ) async throws -> Server {
            try await onThreadOfItsOwn {
                Swift.Result { try Server(arguments: arguments, adminPassword: adminPassword, environment: environment, timeout: timeout) }
            }.get()
        }

        /// Sends SIGTERM and waits for the process to end (the server stops gracefully); after `timeout` seconds,
        /// SIGKILL. Its port stays reserved while this object lives, so the server is really gone for the test: no
        /// other test's server takes the port over.
        package func stop(timeout: TimeInterval = 30) {
            if process.isRunning { process.terminate() }
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            stopped()
        }

        /// Sends SIGKILL and waits (its output files go too; its port stays reserved, as `stop()` keeps it).
        package func kill() {
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            stopped()
        }

        private func stopped() {
            stoppedPort.withLock { reservation in
                guard reservation == nil else { return }
                reservation = PortReservation(port: port)
                // Taken already (another listener won the moment after the exit): the test goes on unprotected, as
                // before; said, so a later surprise can be traced.
                if reservation == nil { FileHandle.standardError.write(Data("note: port \(port) of a stopped server could not be kept\n".utf8)) }
            }
            directory.remove()
        }
    }
}

extension SesameProcess {
    /// A `sesame` process left running (`run --watch`, `inject --watch`): its output goes to files, read any time.
    package final class Background: @unchecked Sendable {
        package let process: Process
        private let directory: TemporaryDirectory

        package init(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try SesameProcess.binary())
            process.arguments = arguments
            if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
            var env = [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp",
            ]
            env.merge(environment) { $1 }
            process.environment = env
            self.directory = try TemporaryDirectory()
            FileManager.default.createFile(atPath: self.directory.file("stdout"), contents: nil)
            FileManager.default.createFile(atPath: self.directory.file("stderr"), contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: self.directory.file("stdout"))
            process.standardError = FileHandle(forWritingAtPath: self.directory.file("stderr"))
            process.standardInput = FileHandle.nullDevice
            try process.run()
            self.process = process
        }

        package var stdout: String { (try? String(contentsOfFile: directory.file("stdout"), encoding: .utf8)) ?? "" }
        package var stderr: String { (try? String(contentsOfFile: directory.file("stderr"), encoding: .utf8)) ?? "" }

        package func signal(_ number: Int32) {
            if process.isRunning { kill(process.processIdentifier, number) }
        }

        /// Waits up to `timeout` for the process to end; its status, or nil when it is still running.
        package func waitForExit(timeout: TimeInterval = 30) -> Int32? {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning {
                if Date() > deadline { return nil }
                Thread.sleep(forTimeInterval: 0.02)
            }
            return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        }

        /// Ends the process (SIGKILL) if it still runs, and removes its output files.
        package func stop() {
            signal(SIGKILL)
            process.waitUntilExit()
            directory.remove()
        }
    }

    /// Waits up to `timeout` seconds for `condition`; whether it became true.
    package static func eventually(timeout: TimeInterval = 30, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }
}
