import Foundation

/// Time that tests move by hand, as both a wall clock (for the local server) and a monotonic instant (for the
/// client), so that token lifetimes are tested without sleeping.
public final class ManualTime: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: Duration = .zero
    private let baseDate = Date()
    private let baseInstant = ContinuousClock.now

    public init() {}

    public var date: Date {
        lock.withLock { baseDate.addingTimeInterval(Double(offset.components.seconds) + Double(offset.components.attoseconds) / 1e18) }
    }

    public var instant: ContinuousClock.Instant { lock.withLock { baseInstant + offset } }

    public func advance(by duration: Duration) {
        lock.withLock { offset += duration }
    }
}
