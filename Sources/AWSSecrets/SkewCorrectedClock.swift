import Foundation
import Synchronization

/// The time requests are signed with: the configured clock plus the offset learnt from AWS when it refused a
/// request for clock skew (`RequestTimeTooSkewed`, `Signature expired`), as the AWS SDKs correct it.
final class SkewCorrectedClock: Sendable {
    private let base: @Sendable () -> Date
    private let offset = Mutex<TimeInterval>(0)

    init(now: @escaping @Sendable () -> Date) {
        self.base = now
    }

    func now() -> Date { base().addingTimeInterval(offset.withLock { $0 }) }

    /// The largest correction taken: a clock a day off is broken, and an answer claiming more is not believed.
    static let maximumOffset: TimeInterval = 86_400

    /// Takes AWS's time as the truth from now on; returns the offset in seconds, or nil when it is beyond
    /// `maximumOffset` (nothing changes then).
    @discardableResult
    func correct(serverTime: Date) -> TimeInterval? {
        let difference = serverTime.timeIntervalSince(base())
        guard abs(difference) <= Self.maximumOffset else { return nil }
        offset.withLock { $0 = difference }
        return difference
    }

    /// An HTTP `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`).
    static func parseHTTPDate(_ text: String?) -> Date? {
        guard let text else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
