import Logging

/// The trace line every client writes for an exchange that got an answer: what the caller says the request was
/// (method and path, or service and operation; never headers, a query or a body), the status and the time taken.
package struct RequestLog: Sendable {
    package var logger: Logger
    /// The client the line is from (its module: `SecretServer`, `AWSSecrets`), as if it had logged it itself.
    package var source: String
    /// What the request was, in words that hold no secret.
    package var metadata: Logger.Metadata

    package init(logger: Logger, source: String, metadata: Logger.Metadata) {
        self.logger = logger
        self.source = source
        self.metadata = metadata
    }

    /// The log for a request when `logger` writes trace lines, else nil: the metadata is not even made.
    package static func whenTracing(logger: Logger, source: String, metadata: @autoclosure () -> Logger.Metadata) -> RequestLog? {
        logger.logLevel <= .trace ? RequestLog(logger: logger, source: source, metadata: metadata()) : nil
    }

    /// Writes the line for an answer with `status` to a request sent at `started`.
    func record(status: Int, since started: ContinuousClock.Instant) {
        var metadata = metadata
        metadata["http.status"] = "\(status)"
        metadata["duration_ms"] = "\((ContinuousClock.now - started).nanoseconds / 1_000_000)"
        logger.trace("request", metadata: metadata, source: source)
    }
}
