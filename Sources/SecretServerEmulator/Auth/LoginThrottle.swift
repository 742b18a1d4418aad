import Foundation

/// Slows password guessing at the token route: at most `limit` failed sign-ins from one address within `window`;
/// past it the address gets 429 (with Retry-After) until the oldest failure leaves the window.
///
/// An attempt counts from the moment it starts, before its password is checked (the slow part), and stops counting
/// only when it succeeds: a burst of parallel guesses cannot slip through while the first ones are still hashing,
/// and one success does not wipe the address's record of failures (which would let a user with a valid password of
/// their own reset it between guesses at another's).
actor LoginThrottle {
    /// One attempt in progress.
    struct Ticket: Sendable {
        let address: String
        let started: Date
    }

    private let limit: Int
    private let window: TimeInterval
    private let now: @Sendable () -> Date
    private var attempts: [String: [Date]] = [:]

    init(limit: Int, window: TimeInterval, now: @escaping @Sendable () -> Date) {
        self.limit = limit
        self.window = window
        self.now = now
    }

    /// Starts an attempt from `address`: a ticket, or the seconds to wait when the address is over its limit.
    func begin(_ address: String) -> Result<Ticket, RetryAfter> {
        let current = now()
        guard limit > 0 else { return .success(Ticket(address: address, started: current)) }
        let recent = (attempts[address] ?? []).filter { current.timeIntervalSince($0) < window }
        if recent.count >= limit, let oldest = recent.first {
            attempts[address] = recent
            return .failure(RetryAfter(seconds: max(1, Int((window - current.timeIntervalSince(oldest)).rounded(.up)))))
        }
        attempts[address] = recent + [current]
        // Bound memory: keep only what the window can still count.
        if attempts.count > 10_000 { attempts = attempts.filter { current.timeIntervalSince($0.value.last ?? .distantPast) < window } }
        return .success(Ticket(address: address, started: current))
    }

    /// The attempt succeeded: it stops counting against its address.
    func succeeded(_ ticket: Ticket) {
        guard var list = attempts[ticket.address], let index = list.firstIndex(of: ticket.started) else { return }
        list.remove(at: index)
        attempts[ticket.address] = list.isEmpty ? nil : list
    }

    /// How long an address over its limit waits.
    struct RetryAfter: Error, Sendable {
        var seconds: Int
    }
}
