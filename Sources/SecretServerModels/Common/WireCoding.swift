import Foundation

/// The JSON coders both sides use. Keys are sorted so that output is the same from run to run.
public enum WireCoding {
    /// An encoder for wire models.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }

    /// A decoder for wire models.
    public static func makeDecoder() -> JSONDecoder {
        JSONDecoder()
    }
}
