/// The JSON body of a Secret Server error: `BadRequestResponse` (`errorCode`, `message`,
/// `messageDetail`, `modelState`), `AuthenticationFailedResponse` (`message`) and the OAuth error
/// of the token route (`error`, `error_description`), read as one shape.
public struct APIErrorBody: Codable, Sendable, Hashable {
    public var errorCode: String?
    public var message: String?
    public var messageDetail: String?
    public var modelState: [String: [String]]?
    /// The OAuth error of `/oauth2/token`.
    public var error: String?
    public var errorDescription: String?

    public init(
        errorCode: String? = nil,
        message: String? = nil,
        messageDetail: String? = nil,
        modelState: [String: [String]]? = nil,
        error: String? = nil,
        errorDescription: String? = nil
    ) {
        self.errorCode = errorCode
        self.message = message
        self.messageDetail = messageDetail
        self.modelState = modelState
        self.error = error
        self.errorDescription = errorDescription
    }

    enum CodingKeys: String, CodingKey {
        case errorCode, message, messageDetail, modelState, error
        case errorDescription = "error_description"
    }
}
