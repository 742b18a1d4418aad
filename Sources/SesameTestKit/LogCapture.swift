import Logging
import Synchronization

/// Every line logged through the loggers it makes, for tests that search what was logged (for secrets that must
/// not be there, or for a warning that must).
package final class LogCapture: Sendable {
    private let stored = Mutex<[String]>([])

    package init() {}

    /// The lines so far: `level [source] message metadata`.
    package var lines: [String] { stored.withLock { $0 } }

    /// A logger at `level` whose every line lands in this capture.
    package func logger(label: String = "test", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self, logLevel: level) }
        logger.logLevel = level
        return logger
    }

    fileprivate func append(_ line: String) {
        stored.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level

        init(capture: LogCapture, logLevel: Logger.Level) {
            self.capture = capture
            self.logLevel = logLevel
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append("\(event.level) [\(event.source)] \(event.message) \(all)")
        }
    }
}
