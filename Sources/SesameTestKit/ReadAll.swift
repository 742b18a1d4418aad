import Foundation
import Synchronization

/// Reads a pipe to its end on a thread of its own; what it has read so far can be taken at any time.
final class ReadAll: @unchecked Sendable {
    private let data = Mutex(Data())
    private let finished = Mutex(false)
    private let done = DispatchSemaphore(value: 0)

    /// Reads `descriptor` (and closes it at its end).
    init(descriptor: Int32) {
        Thread.detachNewThread { [self] in
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    data.withLock { $0.append(contentsOf: chunk[0..<count]) }
                } else if count == 0 || errno != EINTR {
                    break
                }
            }
            close(descriptor)
            finished.withLock { $0 = true }
            done.signal()
        }
    }

    /// Whether the pipe has ended.
    var isDone: Bool { finished.withLock { $0 } }

    /// Everything, once the pipe ends, or what came before `deadline` when something the process started still
    /// holds the pipe open.
    func wait(until deadline: Date = .distantFuture) -> String {
        if done.wait(timeout: deadline == .distantFuture ? .distantFuture : .now() + max(0, deadline.timeIntervalSinceNow)) == .success {
            done.signal()  // for the next call
        }
        return String(decoding: data.withLock { $0 }, as: UTF8.self)
    }
}
