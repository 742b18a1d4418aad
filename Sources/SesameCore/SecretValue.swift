import Foundation

/// A secret as read: text or bytes, kept as the provider gave it (a JSON `"123"` stays the text `123`, never
/// a number), plus where it came from. `description` and `dump()` never show the value.
public struct SecretValue: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public enum Content: Sendable, Hashable {
        case text(String)
        case bytes([UInt8])
    }

    public var content: Content
    public var metadata: Metadata

    public init(_ content: Content, metadata: Metadata = Metadata()) {
        self.content = content
        self.metadata = metadata
    }

    public init(text: String, metadata: Metadata = Metadata()) {
        self.init(.text(text), metadata: metadata)
    }

    public init(bytes: [UInt8], metadata: Metadata = Metadata()) {
        self.init(.bytes(bytes), metadata: metadata)
    }

    /// The value as text: the text itself, or the bytes read as UTF-8 (nil when they are not UTF-8).
    public var text: String? {
        switch content {
        case .text(let text): return text
        case .bytes(let bytes): return String(validating: bytes, as: UTF8.self)
        }
    }

    /// The value as bytes (text as UTF-8).
    public var bytes: [UInt8] {
        switch content {
        case .text(let text): return Array(text.utf8)
        case .bytes(let bytes): return bytes
        }
    }

    /// The value parsed as JSON (strings stay strings, numbers stay numbers).
    public func json() throws -> SecretJSON {
        guard let text else {
            throw SesameError(code: .invalidValue, message: "the value is binary, not JSON text")
        }
        return try SecretJSON.parse(text)
    }

    /// Where a value came from and how fresh it is.
    public struct Metadata: Sendable, Hashable {
        /// Who answered.
        public enum Source: String, Sendable, Hashable {
            /// The provider, just now.
            case provider
            /// The memory cache, within its time to live.
            case memoryCache
            /// The encrypted disk cache, within its time to live.
            case diskCache
            /// A cache, past its time to live, because the provider failed (`cacheThenServerAllowExpired`).
            case expiredCache
        }
        public var source: Source
        /// When the provider produced the value.
        public var fetchedAt: Date?
        /// The provider's version (SSM version, Secrets Manager version id), when it has one.
        public var version: String?
        /// Why an expired value was served (the provider's error, without any value).
        public var staleReason: String?
        /// Read past a restriction (a comment, ticket, check-out or DoubleLock password): caches keep it in memory
        /// at most, never on disk, where a later read would get it without what the restriction asks.
        public var restricted = false

        public init(source: Source = .provider, fetchedAt: Date? = nil, version: String? = nil, staleReason: String? = nil) {
            self.source = source
            self.fetchedAt = fetchedAt
            self.version = version
            self.staleReason = staleReason
        }

        /// Whether the value is past its time to live.
        public var isStale: Bool { source == .expiredCache }
    }

    public var description: String {
        let kind: String
        switch content {
        case .text(let text): kind = "text, \(text.utf8.count) bytes"
        case .bytes(let bytes): kind = "bytes, \(bytes.count)"
        }
        return "SecretValue(<redacted>, \(kind), source: \(metadata.source.rawValue))"
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["value": description]) }
}
