/// A JSON document read without changing types: strings stay strings (`"123"` is text, not a number),
/// numbers keep their literal text (`1.50` stays `1.50`), object members keep their order.
public indirect enum SecretJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number, as written.
    case number(String)
    case string(String)
    case array([SecretJSON])
    case object([Member])

    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: SecretJSON
    }

    /// The member `key` of an object (the last one, if repeated).
    public subscript(key: String) -> SecretJSON? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// The element at `index` of an array.
    public subscript(index: Int) -> SecretJSON? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// What `keyPath` names, or nil.
    public func value(at keyPath: JSONKeyPath) -> SecretJSON? {
        var current = self
        for component in keyPath.components {
            switch component {
            case .key(let key):
                guard let next = current[key] else { return nil }
                current = next
            case .index(let index):
                guard let next = current[index] else { return nil }
                current = next
            }
        }
        return current
    }

    /// This document with `value` at `keyPath`, the rest kept as it was: an existing member is replaced in place,
    /// a missing one appended to its object (objects on the way are created when missing). An index must name an
    /// element that exists.
    public func setting(_ value: SecretJSON, at keyPath: JSONKeyPath) throws -> SecretJSON {
        try Self.set(value, in: self, components: keyPath.components[...], keyPath: keyPath)
    }

    private static func set(
        _ value: SecretJSON, in document: SecretJSON, components: ArraySlice<JSONKeyPath.Component>, keyPath: JSONKeyPath
    ) throws -> SecretJSON {
        guard let first = components.first else { return value }
        let rest = components.dropFirst()
        switch (first, document) {
        case (.key(let key), .object(var members)):
            if let position = members.lastIndex(where: { $0.key == key }) {
                members[position].value = try set(value, in: members[position].value, components: rest, keyPath: keyPath)
            } else {
                members.append(Member(key: key, value: try set(value, in: .object([]), components: rest, keyPath: keyPath)))
            }
            return .object(members)
        case (.key(let key), .null):
            return .object([Member(key: key, value: try set(value, in: .object([]), components: rest, keyPath: keyPath))])
        case (.index(let index), .array(var elements)) where elements.indices.contains(index):
            elements[index] = try set(value, in: elements[index], components: rest, keyPath: keyPath)
            return .array(elements)
        default:
            throw SesameError(
                code: .keyPathNotFound,
                message: "'\(keyPath)' cannot be set: the document has no place for it (a key of a non-object, or an index past the end)"
            )
        }
    }

    /// The value as a secret's text: a string's content, a number or boolean as written, an object or array as
    /// compact JSON; nil for `null`.
    public var secretText: String? {
        switch self {
        case .null: return nil
        case .bool(let value): return value ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return text
        case .array, .object: return jsonText
        }
    }

    /// Compact JSON text.
    public var jsonText: String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let text): output += text
        case .string(let text): Self.writeString(text, to: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                Self.writeString(member.key, to: &output)
                output += ":"
                member.value.write(to: &output)
            }
            output += "}"
        }
    }

    private static func writeString(_ text: String, to output: inout String) {
        output += quoted(text)
    }

    /// `text` as a JSON string literal. Besides what JSON requires, DEL, the C1 controls, U+2028, U+2029 and U+FEFF
    /// are escaped too, so the literal is also a YAML double-quoted scalar and safe to paste into JavaScript.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _
            where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || scalar == "\u{2028}" || scalar == "\u{2029}" || scalar == "\u{FEFF}":
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    // MARK: Parsing

    /// Parses `text` (RFC 8259; nesting up to 512 levels).
    public static func parse(_ text: String) throws -> SecretJSON {
        var parser = Parser(bytes: Array(text.utf8))
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    struct Parser {
        let bytes: [UInt8]
        var index = 0

        func error(_ message: String) -> SesameError {
            // The offset only: the text around it may be secret.
            SesameError(code: .invalidValue, message: "the value is not valid JSON: \(message) (at byte \(index))")
        }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func parseValue(depth: Int) throws -> SecretJSON {
            guard depth < 512 else { throw error("nested too deeply") }
            guard index < bytes.count else { throw error("unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [Member] = []
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                while true {
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                    let key = try parseString()
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                    index += 1
                    skipWhitespace()
                    members.append(Member(key: key, value: try parseValue(depth: depth + 1)))
                    skipWhitespace()
                    guard index < bytes.count else { throw error("unexpected end in an object") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                    throw error("expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                index += 1
                var elements: [SecretJSON] = []
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
                while true {
                    skipWhitespace()
                    elements.append(try parseValue(depth: depth + 1))
                    skipWhitespace()
                    guard index < bytes.count else { throw error("unexpected end in an array") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
                    throw error("expected ',' or ']'")
                }
            case UInt8(ascii: "\""):
                return .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                return .null
            default:
                return .number(try parseNumber())
            }
        }

        mutating func expectLiteral(_ literal: String) throws {
            let expected = Array(literal.utf8)
            guard bytes.count - index >= expected.count, Array(bytes[index..<(index + expected.count)]) == expected else {
                throw error("unexpected character")
            }
            index += expected.count
        }

        mutating func parseNumber() throws -> String {
            let start = index
            func digits() -> Int {
                let from = index
                while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                return index - from
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            let integerStart = index
            let integerDigits = digits()
            guard integerDigits > 0 else { index = start; throw error("unexpected character") }
            if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") { throw error("a number has a leading zero") }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw error("expected digits after '.'") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw error("expected digits in the exponent") }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func parseString() throws -> String {
            index += 1  // the opening quote
            var scalars = String.UnicodeScalarView()
            var runStart = index
            func flushRun(_ end: Int) throws {
                guard runStart < end else { return }
                guard let run = String(validating: bytes[runStart..<end], as: UTF8.self) else { throw error("a string is not UTF-8") }
                scalars.append(contentsOf: run.unicodeScalars)
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    try flushRun(index)
                    index += 1
                    return String(scalars)
                }
                if byte < 0x20 { throw error("a control character inside a string") }
                if byte == UInt8(ascii: "\\") {
                    try flushRun(index)
                    index += 1
                    guard index < bytes.count else { break }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800...0xDBFF).contains(code) {
                            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                                throw error("a lone surrogate in a \\u escape")
                            }
                            index += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw error("a lone surrogate in a \\u escape") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw error("an invalid \\u escape") }
                        scalars.append(scalar)
                    default:
                        throw error("an invalid escape")
                    }
                    runStart = index
                    continue
                }
                index += 1
            }
            throw error("a string is not closed")
        }

        mutating func hex4() throws -> UInt32 {
            guard bytes.count - index >= 4 else { throw error("a \\u escape needs four hex digits") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = Character(Unicode.Scalar(bytes[index])).hexDigitValue else {
                    throw error("a \\u escape needs four hex digits")
                }
                value = value * 16 + UInt32(digit)
                index += 1
            }
            return value
        }
    }
}

extension SecretJSON: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The shape only (`object, 3 members`), never the content: the document is a secret.
    public var description: String {
        switch self {
        case .null: return "SecretJSON(null)"
        case .bool: return "SecretJSON(bool, <redacted>)"
        case .number: return "SecretJSON(number, <redacted>)"
        case .string: return "SecretJSON(string, <redacted>)"
        case .array(let elements): return "SecretJSON(array, \(elements.count) elements, <redacted>)"
        case .object(let members): return "SecretJSON(object, \(members.count) members, <redacted>)"
        }
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["json": description]) }
}
