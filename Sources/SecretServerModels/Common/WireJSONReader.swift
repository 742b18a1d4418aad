/// A wire model that can also be read without `JSONDecoder`, straight from the bytes of an answer.
///
/// The hand-written reader exists for the models that clients read thousands of times (a secret and its fields):
/// Foundation's `JSONDecoder` spent a quarter of the client's CPU time on them (Benchmarks/README.md).
public protocol WireJSONDecodable: Decodable {
    /// The model `bytes` (one JSON document) decodes to, or `nil` when the text holds anything the reader does
    /// not handle exactly as `JSONDecoder` would: a fraction or exponent, an escaped key, a duplicate key, a
    /// value of another type, invalid JSON. On `nil` the caller decodes with `JSONDecoder`, which then gives the
    /// same value or the error a user sees, so both ways always agree.
    static func decodeWireJSON(_ bytes: UnsafeRawBufferPointer) -> Self?
}

extension WireJSONDecodable {
    /// Reads one whole document with `read`, or gives `nil` when it is not one the reader handles.
    @inlinable
    static func readWholeDocument(
        _ bytes: UnsafeRawBufferPointer, _ read: (inout WireJSONReader) throws(WireJSONReader.Unsupported) -> Self
    ) -> Self? {
        var reader = WireJSONReader(bytes)
        do {
            let value = try read(&reader)
            try reader.finish()
            return value
        } catch {
            return nil
        }
    }
}

/// A strict pull reader of JSON text for `WireJSONDecodable` models. It accepts a subset of JSON and throws
/// `Unsupported` at anything outside it, so that a model read with it is always the one `JSONDecoder` reads.
public struct WireJSONReader {
    /// The text holds something this reader leaves to `JSONDecoder`.
    public struct Unsupported: Error {
        package init() {}
    }

    /// How deep unknown values may nest before the reader gives up (JSONDecoder's own limit is higher).
    static let maximumDepth = 64

    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline var position = 0
    var depth = 0

    @usableFromInline
    package init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    // MARK: Structure

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// The next byte that is not whitespace, not consumed.
    @inline(__always)
    mutating func peek() throws(Unsupported) -> UInt8 {
        skipWhitespace()
        guard position < bytes.count else { throw Unsupported() }
        return bytes[position]
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(Unsupported) {
        guard try peek() == byte else { throw Unsupported() }
        position += 1
    }

    /// Only whitespace may follow the document.
    @usableFromInline
    package mutating func finish() throws(Unsupported) {
        skipWhitespace()
        guard position == bytes.count else { throw Unsupported() }
    }

    /// Reads an object; `member` is called with each key (its raw UTF-8, no escapes) and must read the value.
    package mutating func readObject(
        _ member: (inout WireJSONReader, UnsafeRawBufferPointer) throws(Unsupported) -> Void
    ) throws(Unsupported) {
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            let key = try readKey()
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
            switch try peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return
            default: throw Unsupported()
            }
        }
    }

    /// Reads an array; `element` must read each element.
    mutating func readArray(_ element: (inout WireJSONReader) throws(Unsupported) -> Void) throws(Unsupported) {
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            try element(&self)
            switch try peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return
            default: throw Unsupported()
            }
        }
    }

    /// A key's raw bytes. Keys with escapes are left to `JSONDecoder`.
    mutating func readKey() throws(Unsupported) -> UnsafeRawBufferPointer {
        try expect(UInt8(ascii: "\""))
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let key = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
                position += 1
                return key
            }
            guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { throw Unsupported() }
            position += 1
        }
        throw Unsupported()
    }

    // MARK: Values

    /// Consumes a `null` when one comes next.
    package mutating func readNull() throws(Unsupported) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    mutating func readBool() throws(Unsupported) -> Bool {
        switch try peek() {
        case UInt8(ascii: "t"):
            try literal("true")
            return true
        case UInt8(ascii: "f"):
            try literal("false")
            return false
        default: throw Unsupported()
        }
    }

    private mutating func literal(_ word: StaticString) throws(Unsupported) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw Unsupported() }
        for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] { throw Unsupported() }
        position += count
    }

    /// An integer written as one (`-?(0|[1-9][0-9]*)`); fractions and exponents are left to `JSONDecoder`.
    mutating func readInt() throws(Unsupported) -> Int {
        var negative = false
        if try peek() == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        let start = position
        var magnitude: UInt64 = 0
        while position < bytes.count, case let digit = bytes[position], digit >= 0x30, digit <= 0x39 {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit - 0x30))
            guard !overflow1, !overflow2 else { throw Unsupported() }
            magnitude = sum
            position += 1
        }
        let digits = position - start
        guard digits > 0, !(digits > 1 && bytes[start] == 0x30) else { throw Unsupported() }
        if position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): throw Unsupported()
            default: break
            }
        }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { throw Unsupported() }
            return magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int.max) else { throw Unsupported() }
        return Int(magnitude)
    }

    /// A number as `Double` reads its text (`JSONDecoder` reads the same text to the same value): JSON's grammar,
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, checked here.
    package mutating func readDouble() throws(Unsupported) -> Double {
        _ = try peek()
        let start = position
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        func digits() throws(Unsupported) -> Int {
            let first = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            guard position > first else { throw Unsupported() }
            return position - first
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integer = position
        guard try digits() == 1 || bytes[integer] != 0x30 else { throw Unsupported() }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            _ = try digits()
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            _ = try digits()
        }
        guard let value = Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)), value.isFinite
        else { throw Unsupported() }
        return value
    }

    /// A string, with its escapes read; invalid UTF-8 and lone surrogates are left to `JSONDecoder`.
    package mutating func readString() throws(Unsupported) -> String {
        try expect(UInt8(ascii: "\""))
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
                position += 1
                guard let string = String(validating: text, as: UTF8.self) else { throw Unsupported() }
                return string
            }
            if byte == UInt8(ascii: "\\") { return try readEscapedString(from: start) }
            guard byte >= 0x20 else { throw Unsupported() }
            position += 1
        }
        throw Unsupported()
    }

    private mutating func readEscapedString(from start: Int) throws(Unsupported) -> String {
        var text: [UInt8] = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let string = String(validating: text, as: UTF8.self) else { throw Unsupported() }
                return string
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw Unsupported() }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escape)
                case UInt8(ascii: "b"): text.append(0x08)
                case UInt8(ascii: "f"): text.append(0x0C)
                case UInt8(ascii: "n"): text.append(0x0A)
                case UInt8(ascii: "r"): text.append(0x0D)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        try literal("\\u")
                        let low = try readHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw Unsupported() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw Unsupported() }
                    text.append(contentsOf: UTF8.encode(unicode)!)
                default: throw Unsupported()
                }
            default:
                guard byte >= 0x20 else { throw Unsupported() }
                text.append(byte)
            }
        }
        throw Unsupported()
    }

    private mutating func readHex4() throws(Unsupported) -> UInt32 {
        guard position + 4 <= bytes.count else { throw Unsupported() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            position += 1
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw Unsupported()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// A key the model does not have: invalid UTF-8 or a duplicate in it would make `JSONDecoder` refuse the whole
    /// document, so both are left to it.
    static func checkUnknownKey(_ key: UnsafeRawBufferPointer, seen: inout Set<[UInt8]>) throws(Unsupported) {
        guard String(validating: key, as: UTF8.self) != nil, seen.insert(Array(key)).inserted else { throw Unsupported() }
    }

    /// Reads past any value (of a key the model does not have), checking that it is valid JSON.
    package mutating func skipValue() throws(Unsupported) {
        switch try peek() {
        case UInt8(ascii: "{"):
            depth += 1
            guard depth <= Self.maximumDepth else { throw Unsupported() }
            var keys = Set<[UInt8]>()
            try readObject { reader, key throws(Unsupported) in
                try Self.checkUnknownKey(key, seen: &keys)
                try reader.skipValue()
            }
            depth -= 1
        case UInt8(ascii: "["):
            depth += 1
            guard depth <= Self.maximumDepth else { throw Unsupported() }
            try readArray { reader throws(Unsupported) in try reader.skipValue() }
            depth -= 1
        case UInt8(ascii: "\""): _ = try readString()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try readBool()
        case UInt8(ascii: "n"): _ = try readNull()
        default: _ = try readInt()
        }
    }
}

/// The keys of a model, found by their raw bytes without making a `String` of each key read.
struct WireKeyTable<Key: RawRepresentable & CaseIterable & Sendable>: Sendable where Key.RawValue == String {
    private let byLength: [[(bytes: [UInt8], key: Key, bit: UInt64)]]

    init() {
        var byLength: [[(bytes: [UInt8], key: Key, bit: UInt64)]] = []
        for (offset, key) in Key.allCases.enumerated() {
            precondition(offset < 64, "a WireKeyTable holds at most 64 keys")
            let bytes = Array(key.rawValue.utf8)
            while byLength.count <= bytes.count { byLength.append([]) }
            byLength[bytes.count].append((bytes, key, 1 << UInt64(offset)))
        }
        self.byLength = byLength
    }

    /// The key spelled exactly as `bytes`, with its bit for duplicate checks.
    func key(_ bytes: UnsafeRawBufferPointer) -> (key: Key, bit: UInt64)? {
        guard bytes.count < byLength.count else { return nil }
        for candidate in byLength[bytes.count] where candidate.bytes.elementsEqual(bytes) {
            return (candidate.key, candidate.bit)
        }
        return nil
    }
}

extension WireJSONReader {
    /// Reads an object whose known keys `table` lists, each at most once: `member` reads the value of a known
    /// key; unknown keys are skipped (checked for duplicates and valid UTF-8 as `JSONDecoder` does).
    mutating func readObject<Key>(
        _ table: WireKeyTable<Key>, _ member: (inout WireJSONReader, Key) throws(Unsupported) -> Void
    ) throws(Unsupported) {
        var seen: UInt64 = 0
        var unknown: Set<[UInt8]> = []
        try readObject { reader, bytes throws(Unsupported) in
            if let (key, bit) = table.key(bytes) {
                guard seen & bit == 0 else { throw Unsupported() }
                seen |= bit
                try member(&reader, key)
            } else {
                try Self.checkUnknownKey(bytes, seen: &unknown)
                try reader.skipValue()
            }
        }
    }

    /// An array of strings (`null` elements are left to `JSONDecoder`).
    mutating func readStringArray() throws(Unsupported) -> [String] {
        var strings: [String] = []
        try readArray { reader throws(Unsupported) in strings.append(try reader.readString()) }
        return strings
    }

    /// `nil` for `null`, else the value `read` reads.
    mutating func readOptional<T>(_ read: (inout WireJSONReader) throws(Unsupported) -> T) throws(Unsupported) -> T? {
        try readNull() ? nil : try read(&self)
    }
}
