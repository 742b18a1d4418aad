import Foundation

/// Time that tests move by hand, as both a wall clock (for the local server) and a monotonic instant (for the
/// client), so that token lifetimes are tested without sleeping.
package final class ManualTime: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: Duration = .zero
    private let baseDate = Date()
    private let baseInstant = ContinuousClock.now

    package init() {}

    package var date: Date {
        lock.withLock { baseDate.addingTimeInterval(offset / .seconds(1)) }
    }

    package var instant: ContinuousClock.Instant { lock.withLock { baseInstant + offset } }

    package func advance(by duration: Duration) {
        lock.withLock { offset += duration }
    }
}
