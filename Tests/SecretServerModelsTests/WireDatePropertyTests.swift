import Foundation
import PropertyBased
import SecretServerModels
import Testing

/// `WireDate.string(from:)` formats with arithmetic; Foundation's calendar is the reference it must agree with.
@Suite(.timeLimit(.minutes(5)))
struct WireDatePropertyTests {
    static func reference(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")!
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS"
        // The formatter rounds to the millisecond; the wire format truncates.
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        return formatter.string(from: Date(timeIntervalSince1970: milliseconds / 1000))
    }

    /// Dates from 1583 (the Gregorian calendar's first full year, where Foundation stops switching to Julian) to
    /// 9999, with random milliseconds.
    static let dates = Generator<Date, Shrink.None<Date>> { rng in
        let seconds = Double(Int64.random(in: -12_212_553_600...253_402_300_799, using: &rng))
        return Date(timeIntervalSince1970: seconds + Double(Int.random(in: 0...999, using: &rng)) / 1000)
    }

    @Test func agreesWithFoundation() async {
        await propertyCheck(count: 3_000, input: Self.dates) { date in
            #expect(WireDate.string(from: date) == Self.reference(date))
        }
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000"), (-0.5, "1969-12-31T23:59:59.500"), (-86_400.25, "1969-12-30T23:59:59.750"),
        (951_782_400.5, "2000-02-29T00:00:00.500"),
        (1_706_000_000.657, "2024-01-23T08:53:20.657"), (4_107_542_399.999, "2100-02-28T23:59:59.999"),
    ])
    func knownDates(seconds: Double, text: String) {
        #expect(WireDate.string(from: Date(timeIntervalSince1970: seconds)) == text)
        #expect(WireDate.date(from: text).map { WireDate.string(from: $0) } == text)
    }
}
