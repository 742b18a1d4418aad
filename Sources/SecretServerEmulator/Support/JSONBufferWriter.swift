import NIOCore

/// Writes JSON tokens the way the wire encoder writes them, for the hot answers (`SecretModelJSON`,
/// `SummaryPageJSON`) that skip `JSONEncoder`, whose intermediate tree cost a quarter of the server's time on
/// them. Commas between the members of an object are its business.
///
/// Tokens go to a local byte array and reach the `ByteBuffer` in one copy: appending many small pieces to the
/// buffer directly (a uniqueness and capacity check each) was most of the time of writing a search page.
struct JSONBufferWriter {
    private var base: ByteBuffer
    private var bytes: [UInt8] = []
    /// Whether the next key follows a member of the same object. Every value ends with this set (`key` sets it
    /// for scalars, `close` for objects), and `open` clears it for the new object's first key.
    private var needsComma = false

    init(buffer: ByteBuffer, expectedSize: Int = 1024) {
        base = buffer
        bytes.reserveCapacity(expectedSize)
    }

    /// The buffer given at the start with everything written appended.
    var buffer: ByteBuffer {
        var buffer = base
        buffer.writeBytes(bytes)
        return buffer
    }

    mutating func open() {
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func close() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func key(_ name: StaticString) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = true
    }

    /// Writes `elements` as a JSON array, each by `element`.
    mutating func array<Elements: Sequence>(_ elements: Elements, _ element: (Elements.Element, inout JSONBufferWriter) -> Void) {
        raw("[")
        var first = true
        for item in elements {
            if !first { raw(",") }
            first = false
            element(item, &self)
        }
        raw("]")
    }

    /// Writes `elements` as a JSON array of strings (`[]` when empty), or `null` when `nil`.
    mutating func strings(_ elements: [String]?) {
        guard let elements else { return raw("null") }
        array(elements) { item, w in w.string(item) }
    }

    mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func int(_ value: Int?) {
        guard let value else { raw("null"); return }
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`... or `\u00XX`; `/` as it is
    /// (the wire encoder does not escape slashes either).
    mutating func string(_ value: String?) {
        guard var text = value else { raw("null"); return }
        bytes.append(UInt8(ascii: "\""))
        text.withUTF8 { utf8 in
            guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                case 0..<0x20:
                    raw("\\u00")
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0x0F)])
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
