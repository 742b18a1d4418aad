import Foundation
import SecretServerModels

/// What a list route was asked for: the page (`skip`, `take`) and the order (the first `sortBy` entry), read the
/// same way on every list route.
struct ListRequest: Sendable {
    var skip: Int
    var take: Int
    /// `sortBy[0].name`, when given: a property of the records, compared without regard to case.
    var sortName: String?
    /// `sortBy[0].direction` is `Desc`.
    var descending: Bool

    /// The first `take` records after `skip` of `all`, ordered as asked: by the record property `sortName`
    /// (numbers as numbers, text without regard to case, ties in their original order), else as given.
    /// A `sortName` that is no property of the records is an error naming it.
    func page<Record: Codable & Sendable>(_ all: [Record]) throws -> Page<Record> {
        var ordered = all
        if let sortName, !all.isEmpty {
            let encoder = WireCoding.makeEncoder()
            let keys = try all.map { record -> JSONValue? in
                let json = try WireCoding.makeDecoder().decode(JSONValue.self, from: encoder.encode(record))
                return json.objectValue?[sortName]
            }
            guard keys.contains(where: { $0 != nil }) else {
                throw EmulatorAPIError.invalid("sortBy[0].name", "These records have no property '\(sortName.prefix(40))' to sort by.")
            }
            let indices = all.indices.sorted { left, right in
                let order = Self.compare(keys[left], keys[right])
                if order == .orderedSame { return left < right }
                return descending ? order == .orderedDescending : order == .orderedAscending
            }
            ordered = indices.map { all[$0] }
        }
        let records = Array(ordered.dropFirst(skip).prefix(take))
        return Page(
            records: records, skip: skip, take: take, total: all.count,
            sortBy: sortName.map { [Sort(name: $0, direction: descending ? "Desc" : "Asc")] } ?? [])
    }

    /// Missing and null first, then booleans, numbers and text (text without regard to case).
    static func compare(_ left: JSONValue?, _ right: JSONValue?) -> ComparisonResult {
        func rank(_ value: JSONValue?) -> Int {
            switch value {
            case nil, .null?: return 0
            case .bool?: return 1
            case .int?, .double?: return 2
            default: return 3
            }
        }
        let (a, b) = (rank(left), rank(right))
        if a != b { return a < b ? .orderedAscending : .orderedDescending }
        switch (left, right) {
        case (.bool(let x)?, .bool(let y)?): return x == y ? .orderedSame : (!x ? .orderedAscending : .orderedDescending)
        case (let x?, let y?) where a == 2:
            let (u, v) = (x.doubleValue ?? 0, y.doubleValue ?? 0)
            return u == v ? .orderedSame : (u < v ? .orderedAscending : .orderedDescending)
        case (let x?, let y?) where a == 3:
            return (x.stringValue ?? "\(x)").caseInsensitiveCompare(y.stringValue ?? "\(y)")
        default: return .orderedSame
        }
    }
}

extension QueryParameters {
    /// The page and order of a list route: `skip` and `take` as `paging`, `sortBy[0].name`, `sortBy[0].direction`
    /// (`Asc`, `Desc` or `None`) and `sortBy[0].priority` (a number: with one sort key it changes nothing).
    func list(defaultTake: Int) throws(EmulatorAPIError) -> ListRequest {
        let (skip, take) = try paging(defaultTake: defaultTake)
        let direction = string("sortBy[0].direction")?.lowercased() ?? ""
        guard ["", "asc", "desc", "none"].contains(direction) else {
            throw .invalid("sortBy[0].direction", "sortBy[0].direction must be Asc, Desc or None.")
        }
        _ = try int("sortBy[0].priority")
        let name = string("sortBy[0].name").flatMap { $0.isEmpty ? nil : $0 }
        return ListRequest(skip: skip, take: take, sortName: name, descending: direction == "desc")
    }
}

extension JSONValue {
    /// Whether any of `properties` (compared without regard to case) holds text containing `text`, without
    /// regard to case; every record matches an empty or missing `text`.
    func matches(_ text: String?, in properties: [String]) -> Bool {
        guard let text, !text.isEmpty else { return true }
        guard let object = objectValue else { return false }
        return properties.contains { object[$0]?.stringValue?.localizedCaseInsensitiveContains(text) ?? false }
    }
}

extension ListRequest {
    /// `skip` and `take`, for a route whose store pages in its own order (QueryContract refuses other orders).
    var window: (skip: Int, take: Int) { (skip, take) }
}
