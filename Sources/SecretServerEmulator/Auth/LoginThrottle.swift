import Foundation

/// Slows password guessing at the token route: after `limit` failed sign-ins from one address within `window`,
/// that address gets 429 (with Retry-After) until the oldest failure leaves the window. A success clears the
/// address's record.
actor LoginThrottle {
    private let limit: Int
    private let window: TimeInterval
    private let now: @Sendable () -> Date
    private var failures: [String: [Date]] = [:]

    init(limit: Int, window: TimeInterval, now: @escaping @Sendable () -> Date) {
        self.limit = limit
        self.window = window
        self.now = now
    }

    /// Seconds to wait before `address` may try again, or nil when it may try now.
    func retryAfter(_ address: String) -> Int? {
        guard limit > 0 else { return nil }
        let current = now()
        let recent = (failures[address] ?? []).filter { current.timeIntervalSince($0) < window }
        failures[address] = recent.isEmpty ? nil : recent
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return max(1, Int((window - current.timeIntervalSince(oldest)).rounded(.up)))
    }

    func recordFailure(_ address: String) {
        guard limit > 0 else { return }
        failures[address, default: []].append(now())
        // Bound memory: keep only what the window can still count.
        if failures.count > 10_000 { failures = failures.filter { now().timeIntervalSince($0.value.last ?? .distantPast) < window } }
    }

    func recordSuccess(_ address: String) {
        failures[address] = nil
    }
}
