/// What reading or changing a restricted secret needs (`SecretRestrictedArgs`): a comment, a ticket number, the
/// caller's DoubleLock password, and how to treat its check-out. `description` and `dump()` never show the password.
public struct SecretRestrictedArgs: Codable, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var comment: String?
    public var ticketNumber: String?
    public var ticketSystemId: Int?
    /// The caller's DoubleLock password, for a DoubleLocked secret.
    public var doubleLockPassword: String?
    /// Check in a secret someone else has checked out (Owner or administrator).
    public var forceCheckIn: Bool?
    public var includeInactive: Bool?
    /// Do not check the secret out when reading it.
    public var noAutoCheckout: Bool?

    public init(
        comment: String? = nil, ticketNumber: String? = nil, ticketSystemId: Int? = nil, doubleLockPassword: String? = nil,
        forceCheckIn: Bool? = nil, includeInactive: Bool? = nil, noAutoCheckout: Bool? = nil
    ) {
        self.comment = comment
        self.ticketNumber = ticketNumber
        self.ticketSystemId = ticketSystemId
        self.doubleLockPassword = doubleLockPassword
        self.forceCheckIn = forceCheckIn
        self.includeInactive = includeInactive
        self.noAutoCheckout = noAutoCheckout
    }

    public var description: String {
        "SecretRestrictedArgs(comment: \(comment ?? "none"), ticketNumber: \(ticketNumber ?? "none"), "
            + "doubleLockPassword: \(doubleLockPassword == nil ? "none" : "<redacted>"))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["args": description]) }
}

/// `{checkOutEndTime}`: when an extended check-out ends (`SecretCheckOutExtensionResponseModel`).
public struct SecretCheckOutExtensionResponseModel: Codable, Sendable, Hashable {
    public var checkOutEndTime: String
    public init(checkOutEndTime: String) { self.checkOutEndTime = checkOutEndTime }
}

/// `{responseCodes}` (`SecretResponseCodeModel`).
public struct SecretResponseCodeModel: Codable, Sendable, Hashable {
    public var responseCodes: [String]
    public init(responseCodes: [String] = []) { self.responseCodes = responseCodes }
}

/// `{success}` (`ActivateSecretResponseModel`).
public struct ActivateSecretResponseModel: Codable, Sendable, Hashable {
    public var success: Bool
    public init(success: Bool) { self.success = success }
}
