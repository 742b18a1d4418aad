import Foundation

/// The JSON coders both sides use. Responses keep property order as declared, like the real server.
public enum WireCoding {
    /// An encoder for wire models.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    /// A decoder for wire models.
    public static func makeDecoder() -> JSONDecoder {
        JSONDecoder()
    }
}
