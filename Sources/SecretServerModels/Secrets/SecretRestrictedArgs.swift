/// What reading or changing a restricted secret needs (`SecretRestrictedArgs`): a comment, a ticket number,
/// and how to treat its check-out.
public struct SecretRestrictedArgs: Codable, Sendable, Hashable {
    public var comment: String?
    public var ticketNumber: String?
    public var ticketSystemId: Int?
    /// Check in a secret someone else has checked out (Owner or administrator).
    public var forceCheckIn: Bool?
    public var includeInactive: Bool?
    /// Do not check the secret out when reading it.
    public var noAutoCheckout: Bool?

    public init(
        comment: String? = nil, ticketNumber: String? = nil, ticketSystemId: Int? = nil, forceCheckIn: Bool? = nil,
        includeInactive: Bool? = nil, noAutoCheckout: Bool? = nil
    ) {
        self.comment = comment
        self.ticketNumber = ticketNumber
        self.ticketSystemId = ticketSystemId
        self.forceCheckIn = forceCheckIn
        self.includeInactive = includeInactive
        self.noAutoCheckout = noAutoCheckout
    }
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
