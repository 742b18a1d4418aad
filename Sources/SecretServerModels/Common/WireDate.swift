import Foundation

/// Secret Server's date-time text: no offset (`2024-01-22T08:55:54.657`), with "never" written as
/// `0001-01-01T00:00:00`. Python clients parse it with `%Y-%m-%dT%H:%M:%S` after dropping the
/// fraction, so a `Z` or an offset would break them.
public enum WireDate {
    /// The "never" value.
    public static let never = "0001-01-01T00:00:00"

    /// Formats `date` in UTC with milliseconds and no offset.
    public static func string(from date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = milliseconds.quotientAndRemainder(dividingBy: 1000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second],
            from: Date(timeIntervalSince1970: TimeInterval(seconds.quotient))
        )
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)).\(pad(Int(seconds.remainder), 3))"
    }

    /// Parses the wire format (with or without a fraction, with or without a trailing `Z`), as UTC.
    /// Returns `nil` for "never", `nil` and text that is not a date.
    public static func date(from text: String?) -> Date? {
        guard var text, !text.isEmpty, !text.hasPrefix("0001-01-01") else { return nil }
        if text.hasSuffix("Z") { text.removeLast() }
        let mainAndFraction = text.split(separator: ".", maxSplits: 1)
        let main = mainAndFraction.first.map(String.init) ?? text
        let numbers = main.split(whereSeparator: { $0 == "-" || $0 == "T" || $0 == ":" }).compactMap { Int($0) }
        guard numbers.count == 6 else { return nil }
        var components = DateComponents()
        components.year = numbers[0]
        components.month = numbers[1]
        components.day = numbers[2]
        components.hour = numbers[3]
        components.minute = numbers[4]
        components.second = numbers[5]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let whole = calendar.date(from: components) else { return nil }
        var fraction = 0.0
        if mainAndFraction.count == 2, let value = Double("0." + mainAndFraction[1]) { fraction = value }
        return whole.addingTimeInterval(fraction)
    }
}
