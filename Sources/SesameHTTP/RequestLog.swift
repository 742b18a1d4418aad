import Logging

/// The trace line every client writes for an exchange that got an answer: what the caller says the request was
/// (method and path, or service and operation; never headers, a query or a body), the status and the time taken.
package struct RequestLog: Sendable {
    package var logger: Logger
    /// What the request was, in words that hold no secret.
    package var metadata: Logger.Metadata

    package init(logger: Logger, metadata: Logger.Metadata) {
        self.logger = logger
        self.metadata = metadata
    }

    /// Writes the line for an answer with `status` to a request sent at `started`.
    func record(status: Int, since started: ContinuousClock.Instant) {
        var metadata = metadata
        metadata["http.status"] = "\(status)"
        metadata["duration_ms"] = "\((ContinuousClock.now - started).nanoseconds / 1_000_000)"
        logger.trace("request", metadata: metadata)
    }
}
