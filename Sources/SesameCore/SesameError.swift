/// Every error of the provider-neutral layer: what went wrong, for which reference, and the provider's own
/// error underneath. Never a secret value.
public struct SesameError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of failure. New kinds may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case notFound, accessDenied, authenticationFailed, unavailable, invalidReference, invalidValue
            case keyPathNotFound, unsupported, noProvider, invalidConfiguration, cache, providerError
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No such secret, field, parameter or variable.
        public static let notFound = Code(.notFound)
        /// The provider refused access.
        public static let accessDenied = Code(.accessDenied)
        /// The provider refused the credentials.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The provider could not be reached or failed (timeouts, 5xx, throttling after retries).
        public static let unavailable = Code(.unavailable)
        /// The reference is malformed.
        public static let invalidReference = Code(.invalidReference)
        /// The value is not what was asked for (not JSON, binary where text was needed).
        public static let invalidValue = Code(.invalidValue)
        /// The JSON key path names nothing in the value.
        public static let keyPathNotFound = Code(.keyPathNotFound)
        /// The provider cannot do this (list environment variables, update a file field with text).
        public static let unsupported = Code(.unsupported)
        /// No provider is configured for the reference's scheme.
        public static let noProvider = Code(.noProvider)
        /// The configuration cannot work.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The disk cache failed (unreadable file, wrong key).
        public static let cache = Code(.cache)
        /// Any other provider error.
        public static let providerError = Code(.providerError)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The reference, in canonical form (references are locators, not secrets).
    public var reference: String?
    /// The provider's error.
    public var underlying: (any Error)?

    public init(code: Code, message: String, reference: SecretReference? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.reference = reference?.canonical
        self.underlying = underlying
    }

    public var description: String {
        var text = "Sesame error (\(code))"
        if let reference { text += " for \(reference)" }
        text += ": \(message)"
        if let underlying { text += " [\(underlying)]" }
        return text
    }

    public var debugDescription: String { description }

    /// Whether a cache may answer instead (the provider is down, not saying no).
    public var isAvailabilityFailure: Bool { code == .unavailable }
}
