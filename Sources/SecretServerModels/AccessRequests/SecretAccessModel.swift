/// A request for access to a secret (`SecretAccessModel`).
public struct SecretAccessModel: Codable, Sendable, Hashable {
    public var secretAccessRequestId: Int
    public var secretId: Int
    public var secretName: String?
    public var folderId: Int
    public var requestingUserId: Int
    public var requestUsername: String?
    /// `Pending`, `Approved`, `Denied`, `Canceled` or `Expired`.
    public var status: String
    public var statusDescription: String?
    public var requestComment: String?
    public var responseComment: String?
    public var ticketNumber: String?
    public var requestDate: String?
    public var responseDate: String?
    public var startDate: String?
    public var expirationDate: String?
    public var approverDisplayName: String?
    public var completed: Bool
    public var hasWorkflow: Bool
    public var accessRequestWorkflowMapId: Int
    public var currentUserRestrictedFromReviewing: Bool

    public init(
        secretAccessRequestId: Int = 0,
        secretId: Int = 0,
        secretName: String? = nil,
        folderId: Int = -1,
        requestingUserId: Int = 0,
        requestUsername: String? = nil,
        status: String = "Pending",
        statusDescription: String? = nil,
        requestComment: String? = nil,
        responseComment: String? = nil,
        ticketNumber: String? = nil,
        requestDate: String? = nil,
        responseDate: String? = nil,
        startDate: String? = nil,
        expirationDate: String? = nil,
        approverDisplayName: String? = nil,
        completed: Bool = false,
        hasWorkflow: Bool = false,
        accessRequestWorkflowMapId: Int = -1,
        currentUserRestrictedFromReviewing: Bool = false
    ) {
        self.secretAccessRequestId = secretAccessRequestId
        self.secretId = secretId
        self.secretName = secretName
        self.folderId = folderId
        self.requestingUserId = requestingUserId
        self.requestUsername = requestUsername
        self.status = status
        self.statusDescription = statusDescription
        self.requestComment = requestComment
        self.responseComment = responseComment
        self.ticketNumber = ticketNumber
        self.requestDate = requestDate
        self.responseDate = responseDate
        self.startDate = startDate
        self.expirationDate = expirationDate
        self.approverDisplayName = approverDisplayName
        self.completed = completed
        self.hasWorkflow = hasWorkflow
        self.accessRequestWorkflowMapId = accessRequestWorkflowMapId
        self.currentUserRestrictedFromReviewing = currentUserRestrictedFromReviewing
    }

    enum CodingKeys: String, CodingKey {
        case secretAccessRequestId, secretId, secretName, folderId, requestingUserId, requestUsername
        case status, statusDescription, requestComment, responseComment, ticketNumber, requestDate
        case responseDate, startDate, expirationDate, approverDisplayName, completed, hasWorkflow
        case accessRequestWorkflowMapId, currentUserRestrictedFromReviewing
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        secretAccessRequestId = try c.value(.secretAccessRequestId, or: 0)
        secretId = try c.value(.secretId, or: 0)
        secretName = try c.decodeIfPresent(String.self, forKey: .secretName)
        folderId = try c.value(.folderId, or: -1)
        requestingUserId = try c.value(.requestingUserId, or: 0)
        requestUsername = try c.decodeIfPresent(String.self, forKey: .requestUsername)
        status = try c.value(.status, or: "Pending")
        statusDescription = try c.decodeIfPresent(String.self, forKey: .statusDescription)
        requestComment = try c.decodeIfPresent(String.self, forKey: .requestComment)
        responseComment = try c.decodeIfPresent(String.self, forKey: .responseComment)
        ticketNumber = try c.decodeIfPresent(String.self, forKey: .ticketNumber)
        requestDate = try c.decodeIfPresent(String.self, forKey: .requestDate)
        responseDate = try c.decodeIfPresent(String.self, forKey: .responseDate)
        startDate = try c.decodeIfPresent(String.self, forKey: .startDate)
        expirationDate = try c.decodeIfPresent(String.self, forKey: .expirationDate)
        approverDisplayName = try c.decodeIfPresent(String.self, forKey: .approverDisplayName)
        completed = try c.value(.completed, or: false)
        hasWorkflow = try c.value(.hasWorkflow, or: false)
        accessRequestWorkflowMapId = try c.value(.accessRequestWorkflowMapId, or: -1)
        currentUserRestrictedFromReviewing = try c.value(.currentUserRestrictedFromReviewing, or: false)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(secretAccessRequestId, forKey: .secretAccessRequestId)
        try c.encode(secretId, forKey: .secretId)
        try c.encodeOrNull(secretName, forKey: .secretName)
        try c.encode(folderId, forKey: .folderId)
        try c.encode(requestingUserId, forKey: .requestingUserId)
        try c.encodeOrNull(requestUsername, forKey: .requestUsername)
        try c.encode(status, forKey: .status)
        try c.encodeOrNull(statusDescription, forKey: .statusDescription)
        try c.encodeOrNull(requestComment, forKey: .requestComment)
        try c.encodeOrNull(responseComment, forKey: .responseComment)
        try c.encodeOrNull(ticketNumber, forKey: .ticketNumber)
        try c.encodeOrNull(requestDate, forKey: .requestDate)
        try c.encodeOrNull(responseDate, forKey: .responseDate)
        try c.encodeOrNull(startDate, forKey: .startDate)
        try c.encodeOrNull(expirationDate, forKey: .expirationDate)
        try c.encodeOrNull(approverDisplayName, forKey: .approverDisplayName)
        try c.encode(completed, forKey: .completed)
        try c.encode(hasWorkflow, forKey: .hasWorkflow)
        try c.encode(accessRequestWorkflowMapId, forKey: .accessRequestWorkflowMapId)
        try c.encode(currentUserRestrictedFromReviewing, forKey: .currentUserRestrictedFromReviewing)
    }
}
