/// AWS credentials. `description` and `dump()` never show the secret key or the session token.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    public var accessKeyId: String
    public var secretAccessKey: String
    /// Present for temporary credentials (STS).
    public var sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    public var description: String {
        "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>\(sessionToken == nil ? "" : ", sessionToken: <redacted>"))"
    }

    public var customMirror: Mirror { Mirror(self, children: ["credentials": description]) }
}
