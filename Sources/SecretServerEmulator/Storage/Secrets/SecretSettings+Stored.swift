import Foundation
import GRDB
import Synchronization

extension SecretSettings {
    /// Decoded settings by their stored JSON text. Most secrets share a handful of distinct settings, and
    /// decoding one with `JSONDecoder` cost more than the rest of reading its row; the text decides the value,
    /// so a decoded one can be kept for as long as the process runs.
    private static let decoded = Mutex<[String: SecretSettings]>([:])

    /// Distinct texts kept at most; past it the memo starts over.
    static let memoCapacity = 1_024

    /// The settings stored in a `secret.settings` column, as GRDB's Codable record decoding reads them (the
    /// JSON text its `databaseJSONDecoder` writes and reads).
    static func stored(_ value: DatabaseValue) throws -> SecretSettings {
        let text: String
        switch value.storage {
        case .string(let string): text = string
        case .blob(let data): text = String(decoding: data, as: UTF8.self)
        default:
            throw DatabaseDecodingError(message: "secret.settings holds \(value), not JSON text")
        }
        if let settings = decoded.withLock({ $0[text] }) { return settings }
        let settings = try SecretRow.databaseJSONDecoder(for: "settings").decode(SecretSettings.self, from: Data(text.utf8))
        decoded.withLock { memo in
            if memo.count >= memoCapacity { memo.removeAll(keepingCapacity: true) }
            memo[text] = settings
        }
        return settings
    }
}

/// A stored value that does not read as what its column should hold.
struct DatabaseDecodingError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
