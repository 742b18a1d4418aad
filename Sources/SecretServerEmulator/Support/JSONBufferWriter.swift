import NIOCore

/// Appends JSON tokens straight to a `ByteBuffer`, the way the wire encoder writes them; commas between the
/// members of an object are its business. The hot answers (`SecretModelJSON`, `SummaryPageJSON`) use it instead
/// of `JSONEncoder`, whose intermediate tree cost a quarter of the server's time on them.
struct JSONBufferWriter {
    var buffer: ByteBuffer
    private var first = [true]

    init(buffer: ByteBuffer) { self.buffer = buffer }

    mutating func open() {
        buffer.writeInteger(UInt8(ascii: "{"))
        first.append(true)
    }

    mutating func close() {
        buffer.writeInteger(UInt8(ascii: "}"))
        first.removeLast()
    }

    mutating func key(_ name: StaticString) {
        if first[first.count - 1] { first[first.count - 1] = false } else { buffer.writeInteger(UInt8(ascii: ",")) }
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeStaticString("\":")
    }

    mutating func raw(_ text: StaticString) { buffer.writeStaticString(text) }

    mutating func int(_ value: Int?) {
        guard let value else { buffer.writeStaticString("null"); return }
        buffer.writeString(String(value))
    }

    mutating func bool(_ value: Bool) {
        buffer.writeStaticString(value ? "true" : "false")
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`... or `\u00XX`; `/` as it is
    /// (the wire encoder does not escape slashes either).
    mutating func string(_ value: String?) {
        guard let value else { buffer.writeStaticString("null"); return }
        buffer.writeInteger(UInt8(ascii: "\""))
        let utf8 = value.utf8
        let needsEscaping = utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        } ?? true
        if !needsEscaping {
            buffer.writeString(value)
        } else {
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case 0x0A: buffer.writeStaticString("\\n")
                case 0x0D: buffer.writeStaticString("\\r")
                case 0x09: buffer.writeStaticString("\\t")
                case 0x08: buffer.writeStaticString("\\b")
                case 0x0C: buffer.writeStaticString("\\f")
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(hex[Int(byte >> 4)])
                    buffer.writeInteger(hex[Int(byte & 0x0F)])
                default: buffer.writeInteger(byte)
                }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
