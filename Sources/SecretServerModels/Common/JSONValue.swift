import Foundation

/// A JSON document read the way Secret Server reads request bodies: object keys match
/// case-insensitively, and scalars convert leniently (`"5804"` reads as an integer,
/// `1` reads as `true`), as Newtonsoft.Json does on the real server.
///
/// Only request bodies are read this way. Responses are written with exact camelCase names.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// A JSON object that keeps its keys as sent and looks them up case-insensitively.
public struct JSONObject: Sendable, Hashable {
    /// The members in the order they were sent.
    public private(set) var members: [(key: String, value: JSONValue)]
    private var index: [String: Int]

    public init(_ members: [(key: String, value: JSONValue)] = []) {
        self.members = []
        self.index = [:]
        for member in members { self[member.key] = member.value }
    }

    /// The value for `key`, compared without regard to case. The last duplicate wins.
    public subscript(key: String) -> JSONValue? {
        get { index[key.lowercased()].map { members[$0].value } }
        set {
            let folded = key.lowercased()
            if let position = index[folded] {
                if let newValue {
                    members[position].value = newValue
                } else {
                    members.remove(at: position)
                    index = [:]
                    for (offset, member) in members.enumerated() { index[member.key.lowercased()] = offset }
                }
            } else if let newValue {
                index[folded] = members.count
                members.append((key, newValue))
            }
        }
    }

    /// Whether the object has `key` at all (even with a `null` value).
    public func contains(_ key: String) -> Bool { index[key.lowercased()] != nil }

    public var keys: [String] { members.map(\.key) }

    /// Equal when both have the same keys (exactly as spelled) with equal values, in any order: JSON objects are
    /// unordered, and decoders do not keep the order of the text.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        return lhs.members.allSatisfy { member in
            guard let position = rhs.index[member.key.lowercased()] else { return false }
            let other = rhs.members[position]
            return other.key == member.key && other.value == member.value
        }
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, as `==` is.
        var combined = 0
        for member in members {
            var one = Hasher()
            one.combine(member.key)
            one.combine(member.value)
            combined ^= one.finalize()
        }
        hasher.combine(members.count)
        hasher.combine(combined)
    }
}

extension JSONValue {
    /// The member `key` of an object (case-insensitive), or `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// Whether this is JSON `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value as an object, or `nil`.
    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The value as an array, or `nil`.
    public var arrayValue: [JSONValue]? {
        if case .array(let array) = self { return array }
        return nil
    }

    /// The value as a string; numbers and booleans are written out as text, as Newtonsoft does.
    public var stringValue: String? {
        switch self {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    /// The value as an integer within the range of the API's `int32` (every id, count and number the Secret
    /// Server API takes is one); a string of digits or a whole double also reads as an integer. A number outside
    /// that range is `nil`, as the real server refuses it, so no arithmetic on a value from outside can overflow.
    public var intValue: Int? {
        let wide: Int64?
        switch self {
        case .int(let number): wide = number
        case .double(let number): wide = Int64(exactly: number)
        case .string(let text): wide = Int64(text.trimmingCharacters(in: .whitespaces))
        case .bool(let flag): wide = flag ? 1 : 0
        default: wide = nil
        }
        guard let wide, let bounded = Int32(exactly: wide) else { return nil }
        return Int(bounded)
    }

    /// The value as a boolean; `"true"`/`"false"` in any case and `0`/`1` also read.
    public var boolValue: Bool? {
        switch self {
        case .bool(let flag): return flag
        case .int(let number): return number != 0
        case .string(let text):
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// The value as a double.
    public var doubleValue: Double? {
        switch self {
        case .int(let number): return Double(number)
        case .double(let number): return number
        case .string(let text): return Double(text)
        default: return nil
        }
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int64.self) {
            self = .int(number)
        } else if let number = try? container.decode(Double.self) {
            self = .double(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            let keyed = try decoder.container(keyedBy: AnyCodingKey.self)
            var object = JSONObject()
            for key in keyed.allKeys {
                object[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key)
            }
            self = .object(object)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .int(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .double(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .array(let array):
            var container = encoder.unkeyedContainer()
            for element in array { try container.encode(element) }
        case .object(let object):
            var container = encoder.container(keyedBy: AnyCodingKey.self)
            for member in object.members {
                try container.encode(member.value, forKey: AnyCodingKey(member.key))
            }
        }
    }
}

/// A coding key made from any string.
public struct AnyCodingKey: CodingKey, Sendable {
    public var stringValue: String
    public var intValue: Int?
    public init(_ string: String) { self.stringValue = string }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }
}
