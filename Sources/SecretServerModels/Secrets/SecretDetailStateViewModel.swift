/// What a caller must do to read a secret, and its check-out (`SecretDetailStateViewModel`).
public struct SecretDetailStateViewModel: Codable, Sendable, Hashable {
    public var id: Int
    public var secretName: String
    public var isActive: Bool
    public var isCheckedOut: Bool
    public var isCheckedOutByCurrentUser: Bool
    public var checkedOutUserId: Int
    public var checkedOutUserDisplayName: String?
    public var checkOutMinutesRemaining: Int
    public var checkOutIntervalMinutes: Int
    /// `None`, `RequiresComment`, `RequiresCheckout`, `RequiresCheckoutAndComment`, `CannotView`, `RequiresUndelete`...
    public var secretState: String
    public var folderId: Int
    public var folderName: String?
    public var inheritPermissions: Bool
    /// The caller's role: `List`, `View`, `Edit` or `Owner`.
    public var role: String?

    public init(
        id: Int = 0,
        secretName: String = "",
        isActive: Bool = true,
        isCheckedOut: Bool = false,
        isCheckedOutByCurrentUser: Bool = false,
        checkedOutUserId: Int = -1,
        checkedOutUserDisplayName: String? = nil,
        checkOutMinutesRemaining: Int = 0,
        checkOutIntervalMinutes: Int = -1,
        secretState: String = "None",
        folderId: Int = -1,
        folderName: String? = nil,
        inheritPermissions: Bool = true,
        role: String? = nil
    ) {
        self.id = id
        self.secretName = secretName
        self.isActive = isActive
        self.isCheckedOut = isCheckedOut
        self.isCheckedOutByCurrentUser = isCheckedOutByCurrentUser
        self.checkedOutUserId = checkedOutUserId
        self.checkedOutUserDisplayName = checkedOutUserDisplayName
        self.checkOutMinutesRemaining = checkOutMinutesRemaining
        self.checkOutIntervalMinutes = checkOutIntervalMinutes
        self.secretState = secretState
        self.folderId = folderId
        self.folderName = folderName
        self.inheritPermissions = inheritPermissions
        self.role = role
    }

    enum CodingKeys: String, CodingKey {
        case id, secretName, isActive, isCheckedOut, isCheckedOutByCurrentUser, checkedOutUserId
        case checkedOutUserDisplayName, checkOutMinutesRemaining, checkOutIntervalMinutes, secretState
        case folderId, folderName, inheritPermissions, role
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        secretName = try c.value(.secretName, or: "")
        isActive = try c.value(.isActive, or: true)
        isCheckedOut = try c.value(.isCheckedOut, or: false)
        isCheckedOutByCurrentUser = try c.value(.isCheckedOutByCurrentUser, or: false)
        checkedOutUserId = try c.value(.checkedOutUserId, or: -1)
        checkedOutUserDisplayName = try c.decodeIfPresent(String.self, forKey: .checkedOutUserDisplayName)
        checkOutMinutesRemaining = try c.value(.checkOutMinutesRemaining, or: 0)
        checkOutIntervalMinutes = try c.value(.checkOutIntervalMinutes, or: -1)
        secretState = try c.value(.secretState, or: "None")
        folderId = try c.value(.folderId, or: -1)
        folderName = try c.decodeIfPresent(String.self, forKey: .folderName)
        inheritPermissions = try c.value(.inheritPermissions, or: true)
        role = try c.decodeIfPresent(String.self, forKey: .role)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(secretName, forKey: .secretName)
        try c.encode(isActive, forKey: .isActive)
        try c.encode(isCheckedOut, forKey: .isCheckedOut)
        try c.encode(isCheckedOutByCurrentUser, forKey: .isCheckedOutByCurrentUser)
        try c.encode(checkedOutUserId, forKey: .checkedOutUserId)
        try c.encodeOrNull(checkedOutUserDisplayName, forKey: .checkedOutUserDisplayName)
        try c.encode(checkOutMinutesRemaining, forKey: .checkOutMinutesRemaining)
        try c.encode(checkOutIntervalMinutes, forKey: .checkOutIntervalMinutes)
        try c.encode(secretState, forKey: .secretState)
        try c.encode(folderId, forKey: .folderId)
        try c.encodeOrNull(folderName, forKey: .folderName)
        try c.encode(inheritPermissions, forKey: .inheritPermissions)
        try c.encodeOrNull(role, forKey: .role)
    }
}
