/// When and how requests are tried again: at most `maxAttempts` in all, after an exponential backoff with full
/// jitter (a random delay up to `baseDelay · 2^(attempt-2)`, at most `maxDelay`), and within `deadline` when there
/// is one. Which failures may go again is `RetryState`'s to decide; this says how often and how long to wait.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included. 1 turns retries off.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// The longest one request may take in all: its attempts and the waits between them. Each exchange it sends has
    /// its timeout cut to the time left, and a retry whose wait would end past it is not made: the last attempt's
    /// error is thrown. Work other requests share (a token renewal, the server-kind probe) runs to its own timeouts.
    /// Nil (the default), zero or less: only `maxAttempts` and each exchange's own timeout bound a request.
    public var deadline: Duration?

    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(5), deadline: Duration? = nil) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.deadline = deadline.flatMap { $0 > .zero ? $0 : nil }
    }

    /// No retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The longest delay before attempt `attempt` (2 for the first retry): `baseDelay · 2^(attempt-2)`, capped at
    /// `maxDelay`.
    public func ceiling(beforeAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 2, 0), 20)
        return min(baseDelay * (1 << exponent), maxDelay)
    }

    /// The delay before attempt `attempt`: a random duration up to `ceiling(beforeAttempt:)` (full jitter), or the
    /// server's `Retry-After` when it sent one (capped at `maxDelay`).
    public func delay(
        beforeAttempt attempt: Int, retryAfter: Duration? = nil,
        random: (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) }
    ) -> Duration {
        if let retryAfter { return min(max(retryAfter, .zero), maxDelay) }
        let nanoseconds = ceiling(beforeAttempt: attempt).nanoseconds
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(random(0...nanoseconds))
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating): the range the jitter picks from.
    package var nanoseconds: Int64 {
        let (seconds, overflow) = components.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return components.seconds < 0 ? .min : .max }
        let (total, overflowTotal) = seconds.addingReportingOverflow(components.attoseconds / 1_000_000_000)
        return overflowTotal ? (seconds < 0 ? .min : .max) : total
    }
}
