import Foundation

/// Secret Server's date-time text: no offset (`2024-01-22T08:55:54.657`), with "never" written as
/// `0001-01-01T00:00:00`. Python clients parse it with `%Y-%m-%dT%H:%M:%S` after dropping the
/// fraction, so a `Z` or an offset would break them.
public enum WireDate {
    /// The "never" value.
    public static let never = "0001-01-01T00:00:00"

    /// Formats `date` in UTC with milliseconds and no offset.
    ///
    /// Plain arithmetic (days to a proleptic Gregorian date, as in Howard Hinnant's `civil_from_days`): a search
    /// page formats a date for each of its 500 rows, and `Calendar` took most of the time of building one.
    public static func string(from date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let (seconds, millisecond) = floorDivision(milliseconds, 1000)
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let shifted = days + 719_468
        let era = floorDivision(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var text = ""
        text.reserveCapacity(23)
        func append(_ value: Int64, _ width: Int) {
            let digits = String(value)
            if digits.utf8.count < width { text += String(repeating: "0", count: width - digits.utf8.count) }
            text += digits
        }
        append(year, 4); text += "-"; append(month, 2); text += "-"; append(day, 2); text += "T"
        append(secondOfDay / 3_600, 2); text += ":"; append(secondOfDay % 3_600 / 60, 2); text += ":"
        append(secondOfDay % 60, 2); text += "."; append(millisecond, 3)
        return text
    }

    /// Quotient rounded down and a remainder that is never negative.
    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// Parses the wire format (with or without a fraction, with or without a trailing `Z`), as UTC.
    ///
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
