import Dispatch
import Foundation

/// A command sesame runs and stays beside: standard input shared, standard output and error passed through, with
/// every secret of 4 bytes or more replaced by `*****` when masking (`StreamMasker`).
final class ChildProcess: @unchecked Sendable {
    // Process is not Sendable; it is only started here and then read (pid, status) after `waitUntilExit`.
    private let process: Process
    private let pumped = DispatchGroup()
    /// Whether the command leads a session (and process group) of its own, so `stop` reaches what it started.
    private let ownGroup: Bool

    /// `setsid`, which starts a program as the leader of a new session and process group (util-linux).
    static let setsid = ["/usr/bin/setsid", "/bin/setsid"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Starts `arguments` (looked up in PATH) with exactly `environment`.
    /// - Parameter masking: the secrets to mask in its output; `nil` passes the output through untouched.
    /// - Parameter ownGroup: start it in a process group of its own (with `setsid`, where there is one), so that
    ///   `stop` ends the processes it started too. Such a command has no controlling terminal.
    init(_ arguments: [String], environment: [String: String], masking secrets: [String]?, ownGroup: Bool = false) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // env execs setsid, which (not being a group leader) makes its own session and execs the command: the pid
        // stays the same, and is the new group's id.
        let grouped = ownGroup && Self.setsid != nil
        self.ownGroup = grouped
        process.arguments = ["--"] + (grouped ? [Self.setsid!] : []) + arguments
        process.environment = environment
        process.standardInput = FileHandle.standardInput
        var pipes: [(Pipe, Int32)] = []
        if secrets != nil {
            for destination in [STDOUT_FILENO, STDERR_FILENO] {
                let pipe = Pipe()
                if destination == STDOUT_FILENO { process.standardOutput = pipe } else { process.standardError = pipe }
                pipes.append((pipe, destination))
            }
        }
        do {
            // The command gets the core-file limit the user had; sesame keeps its own off (see ProcessHardening).
            ProcessHardening.restoreForChild()
            defer { ProcessHardening.reapply() }
            try process.run()
        } catch {
            throw CLIError("could not run \(arguments[0]): \(error)", hint: "check the command's name and PATH")
        }
        self.process = process
        let patterns = Array(Set((secrets ?? []).filter { $0.utf8.count >= MaskedChild.minimumLength }.map { Array($0.utf8) }))
            .sorted { $0.count > $1.count }
        for (pipe, destination) in pipes {
            // Our copy of the write end must be closed, or the reads never see the end.
            try? pipe.fileHandleForWriting.close()
            let source = pipe.fileHandleForReading.fileDescriptor
            let masker = StreamMasker(patterns: patterns)
            pumped.enter()
            // Blocking reads on a thread of its own until the command closes the stream.
            Thread.detachNewThread { [pumped] in
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = read(source, &buffer, buffer.count)
                    if count < 0 && errno == EINTR { continue }
                    if count <= 0 { break }
                    writeAll(masker.feed(Array(buffer[0..<count])), to: destination)
                }
                writeAll(masker.finish(), to: destination)
                pumped.leave()
            }
        }
    }

    var pid: pid_t { process.processIdentifier }

    func signal(_ number: Int32) {
        kill(pid, number)
    }

    /// Sends `number` to the command and, when it has a group of its own, to everything in that group.
    func stop(_ number: Int32) {
        kill(ownGroup ? -pid : pid, number)
    }

    /// Blocks until the command has exited and its output is written; its exit status, 128 + the signal when a
    /// signal ended it.
    func waitForExit() -> Int32 {
        process.waitUntilExit()
        pumped.wait()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// `waitForExit` without holding a task's thread.
    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.waitForExit()) }
        }
    }
}

private func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { return }
        offset += written
    }
}
