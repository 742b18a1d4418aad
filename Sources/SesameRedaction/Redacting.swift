/// A type that holds a secret, a key, a token or a password, and so never shows its content: `description`,
/// `debugDescription`, string interpolation and `dump()` show only `redactedDescription`.
///
/// ```swift
/// extension AWSSession: Redacting {
///     public var redactedDescription: String { "region: \(region), principal: \(principal), credentials: <redacted>" }
/// }
/// ```
/// A new type that holds such a thing conforms, and joins the list the redaction test checks.
public protocol Redacting: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// What may be shown of it: its parts that are not secret, with `<redacted>` for the others.
    var redactedDescription: String { get }
}

extension Redacting {
    public var description: String { "\(Self.self)(\(redactedDescription))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redactedDescription], displayStyle: .struct) }
}
