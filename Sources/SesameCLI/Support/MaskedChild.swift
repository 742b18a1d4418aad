import Foundation
import Synchronization

/// Runs a command with its standard output and error passed through a filter that replaces secret values
/// with `*****`, forwards signals to it, and returns its exit status (128 + the signal when a signal ended it).
enum MaskedChild {
    static let replacement = Array("*****".utf8)
    /// Shorter values are not masked: masking every "a" or "12" would garble the output.
    static let minimumLength = 4

    static func run(_ arguments: [String], environment: [String: String], secrets: [String]) throws -> Int32 {
        // Signal sources first, registered before the command exists (see SignalForwarder).
        let forwarder = SignalForwarder()
        defer { forwarder.cancel() }
        let child = try ChildProcess(arguments, environment: environment, masking: secrets)
        forwarder.attach(child.pid)
        return child.waitForExit()
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
