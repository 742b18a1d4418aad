import Dispatch
import Foundation
import Synchronization

/// Runs a command with its standard output and error passed through a filter that replaces secret values
/// with `*****`, forwards signals to it, and returns its exit status (128 + the signal when a signal ended it).
enum MaskedChild {
    static let replacement = Array("*****".utf8)
    /// Shorter values are not masked: masking every "a" or "12" would garble the output.
    static let minimumLength = 4

    static func run(_ arguments: [String], environment: [String: String], secrets: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--"] + arguments
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.standardInput

        let patterns = Array(Set(secrets.filter { $0.utf8.count >= minimumLength }.map { Array($0.utf8) }))
            .sorted { $0.count > $1.count }
        let finished = DispatchGroup()
        // Each stream is read with blocking reads on its own thread until the child closes it.
        let streams = [(output.fileHandleForReading.fileDescriptor, STDOUT_FILENO), (errors.fileHandleForReading.fileDescriptor, STDERR_FILENO)]
        let forwarded: [Int32] = [SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH]
            + (isatty(STDIN_FILENO) == 1 ? [] : [SIGINT, SIGQUIT])  // from a terminal, the child gets these itself
        var sources: [any DispatchSourceSignal] = []
        // Signal sources first, and registered before the child exists. Order matters on Linux: SIG_IGN keeps a
        // signal from killing us until libdispatch's registration installs its own handler (which replaces
        // SIG_IGN); ignoring after the registration would silently turn forwarding off, and a signal between
        // ignoring and registering would be lost. So: ignore, create, wait for every registration, then start.
        // A signal after registration but before the child has a pid is kept and sent once it has one.
        let child = Mutex<(pid: pid_t, pending: [Int32])>((0, []))
        let registered = DispatchGroup()
        for signalNumber in forwarded {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let pid = child.withLock { state -> pid_t in
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
        // Registration is quick; a source that never registers must not keep the command from starting.
        _ = registered.wait(timeout: .now() + 5)
        do {
            // The child gets the core-file limit the user had; sesame keeps its own off (see ProcessHardening).
            ProcessHardening.restoreForChild()
            defer { ProcessHardening.reapply() }
            try process.run()
        } catch {
            for source in sources { source.cancel() }
            throw CLIError("could not run \(arguments[0]): \(error)", hint: "check the command's name and PATH")
        }
        let pid = process.processIdentifier
        let pending = child.withLock { state -> [Int32] in
            state.pid = pid
            defer { state.pending.removeAll() }
            return state.pending
        }
        for signalNumber in pending { kill(pid, signalNumber) }
        // Our copies of the pipes' write ends must be closed, or the reads never see the end.
        try? output.fileHandleForWriting.close()
        try? errors.fileHandleForWriting.close()
        for (source, destination) in streams {
            let masker = StreamMasker(patterns: patterns)
            finished.enter()
            Thread.detachNewThread {
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = read(source, &buffer, buffer.count)
                    if count < 0 && errno == EINTR { continue }
                    if count <= 0 { break }
                    writeAll(masker.feed(Array(buffer[0..<count])), to: destination)
                }
                writeAll(masker.finish(), to: destination)
                finished.leave()
            }
        }
        if isatty(STDIN_FILENO) == 1 {
            signal(SIGINT, SIG_IGN)  // the terminal's Ctrl-C is the child's to handle; we wait for its status
            signal(SIGQUIT, SIG_IGN)
        }
        process.waitUntilExit()
        finished.wait()
        for source in sources { source.cancel() }
        switch process.terminationReason {
        case .uncaughtSignal: return 128 + process.terminationStatus
        default: return process.terminationStatus
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

/// Replaces secrets in a byte stream that arrives in chunks. Bytes that could be the start of a secret split
/// across chunks are held back until the next chunk (or the end) decides.
final class StreamMasker: Sendable {
    private let patterns: [[UInt8]]
    private let pending = Mutex<[UInt8]>([])

    init(patterns: [[UInt8]]) {
        self.patterns = patterns
    }

    /// What can be written after `chunk`.
    func feed(_ chunk: [UInt8]) -> [UInt8] {
        pending.withLock { pending in
            let data = pending + chunk
            let (masked, held) = Self.mask(data, patterns: patterns, final: false)
            pending = held
            return masked
        }
    }

    /// The rest, at the end of the stream.
    func finish() -> [UInt8] {
        pending.withLock { pending in
            let (masked, _) = Self.mask(pending, patterns: patterns, final: true)
            pending = []
            return masked
        }
    }

    static func mask(_ data: [UInt8], patterns: [[UInt8]], final: Bool) -> (output: [UInt8], held: [UInt8]) {
        guard !patterns.isEmpty else { return (data, []) }
        var output: [UInt8] = []
        output.reserveCapacity(data.count)
        var index = 0
        scan: while index < data.count {
            for pattern in patterns where data[index] == pattern[0] {
                let available = data.count - index
                if available >= pattern.count {
                    if data[index..<(index + pattern.count)].elementsEqual(pattern) {
                        output += MaskedChild.replacement
                        index += pattern.count
                        continue scan
                    }
                } else if !final, data[index...].elementsEqual(pattern[..<available]) {
                    // Could be a secret cut by the chunk boundary: keep it for the next chunk.
                    return (output, Array(data[index...]))
                }
            }
            output.append(data[index])
            index += 1
        }
        return (output, [])
    }
}
