/// A query string read the way Secret Server reads it: keys compare without regard to case, an optional
/// `paging.` prefix is dropped, empty pairs (`&&`) are skipped, and repeated keys make arrays.
struct QueryParameters: Sendable {
    private var values: [String: [String]] = [:]

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawKey = parts.first, !rawKey.isEmpty else { continue }
            var key = Self.decode(rawKey).lowercased()
            if key.hasPrefix("paging.") { key.removeFirst("paging.".count) }
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[key, default: []].append(value)
        }
    }

    /// The most entries a list parameter (`filter.secretIds`, `filter.userIds`, ...) may hold: each becomes an SQL
    /// variable, and SQLite has a limit.
    static let maximumListCount = 1000

    /// The 400 for a list parameter with more than `maximumListCount` entries.
    static func tooMany(_ name: String) -> EmulatorAPIError {
        .invalid(name, "\(name) may hold at most \(maximumListCount) entries.")
    }

    /// The first value of the first of `keys` that is present (case-insensitive).
    func string(_ keys: String...) -> String? {
        for key in keys {
            QueryReadLog.current?.record(key)
            if let value = values[key.lowercased()]?.first { return value }
        }
        return nil
    }

    /// Every value of `key`, for repeated keys and `key[0]`-style arrays.
    func strings(_ key: String) -> [String] {
        let folded = key.lowercased()
        QueryReadLog.current?.record(folded)
        var result = values[folded] ?? []
        for (candidate, list) in values where candidate.hasPrefix(folded + "[") { result += list }
        return result
    }

    /// The first of `keys` as an integer. A value that is present but not a number within `Int32`'s range (the
    /// API's `int32`, as ASP.NET binds it) is an error, so no arithmetic on it can overflow.
    func int(_ keys: String...) throws(EmulatorAPIError) -> Int? {
        for key in keys {
            QueryReadLog.current?.record(key)
            guard let text = values[key.lowercased()]?.first else { continue }
            if text.isEmpty { return nil }
            guard let number = Int32(text).map(Int.init) else {
                throw .invalid(key, "The value '\(text.prefix(40))' is not valid for \(key).")
            }
            return number
        }
        return nil
    }

    /// The first of `keys` as a boolean (`true`/`false`/`1`/`0`, any case).
    func bool(_ keys: String...) throws(EmulatorAPIError) -> Bool? {
        for key in keys {
            QueryReadLog.current?.record(key)
            guard let text = values[key.lowercased()]?.first else { continue }
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            case "": return nil
            default: throw .invalid(key, "The value '\(text.prefix(40))' is not valid for \(key).")
            }
        }
        return nil
    }

    /// The requested page: `skip` (default 0) and `take` (default `defaultTake`); a negative value is an error.
    func paging(defaultTake: Int) throws(EmulatorAPIError) -> (skip: Int, take: Int) {
        let skip = try int("skip") ?? 0
        let take = try int("take") ?? defaultTake
        guard skip >= 0 else { throw .invalid("skip", "skip must not be negative.") }
        guard take >= 0 else { throw .invalid("take", "take must not be negative.") }
        return (skip, take)
    }

    /// Percent-decodes a query component, with `+` as a space. A `%` not followed by two hex digits is kept as
    /// written (with what follows it), as ASP.NET's decoder keeps it.
    static func decode(_ text: Substring) -> String {
        let input = Array(text.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                if index + 2 < input.count, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) {
                    bytes.append(high << 4 | low)
                    index += 3
                    continue
                }
                bytes.append(byte)
            default:
                bytes.append(byte)
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
