/// One entry of a secret's audit trail (`SecretAuditModel`).
public struct SecretAuditModel: Codable, Sendable, Hashable {
    public var id: Int
    /// `VIEW`, `EDIT`, `CREATE`, `CHECKOUT`, `CHECKIN`, `EXPIRE`, `HEARTBEAT`, `CHANGEPASSWORD`, `DEACTIVATE`, `ACTIVATE`, `PERMISSIONS`...
    public var action: String
    public var actionForDisplay: String?
    public var notes: String?
    public var ticketNumber: String?
    public var username: String?
    public var byUserDisplayName: String?
    public var dateRecorded: String?
    public var status: String?

    public init(
        id: Int = 0,
        action: String = "",
        actionForDisplay: String? = nil,
        notes: String? = nil,
        ticketNumber: String? = nil,
        username: String? = nil,
        byUserDisplayName: String? = nil,
        dateRecorded: String? = nil,
        status: String? = nil
    ) {
        self.id = id
        self.action = action
        self.actionForDisplay = actionForDisplay
        self.notes = notes
        self.ticketNumber = ticketNumber
        self.username = username
        self.byUserDisplayName = byUserDisplayName
        self.dateRecorded = dateRecorded
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case id, action, actionForDisplay, notes, ticketNumber, username, byUserDisplayName, dateRecorded
        case status
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        action = try c.value(.action, or: "")
        actionForDisplay = try c.decodeIfPresent(String.self, forKey: .actionForDisplay)
        notes = try c.decodeIfPresent(String.self, forKey: .notes)
        ticketNumber = try c.decodeIfPresent(String.self, forKey: .ticketNumber)
        username = try c.decodeIfPresent(String.self, forKey: .username)
        byUserDisplayName = try c.decodeIfPresent(String.self, forKey: .byUserDisplayName)
        dateRecorded = try c.decodeIfPresent(String.self, forKey: .dateRecorded)
        status = try c.decodeIfPresent(String.self, forKey: .status)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(action, forKey: .action)
        try c.encodeOrNull(actionForDisplay, forKey: .actionForDisplay)
        try c.encodeOrNull(notes, forKey: .notes)
        try c.encodeOrNull(ticketNumber, forKey: .ticketNumber)
        try c.encodeOrNull(username, forKey: .username)
        try c.encodeOrNull(byUserDisplayName, forKey: .byUserDisplayName)
        try c.encodeOrNull(dateRecorded, forKey: .dateRecorded)
        try c.encodeOrNull(status, forKey: .status)
    }
}
