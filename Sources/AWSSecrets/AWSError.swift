import SesameHTTP

/// Every error the AWS clients throw: what went wrong, the service and operation, and AWS's own error
/// code and message when AWS answered. Never a secret value, a key or a token.
public struct AWSError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of failure. New kinds may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case throttling, notFound, accessDenied, expiredToken, signatureMismatch, invalidCredentials
            case alreadyExists, badRequest, serviceError, transport, timeout, invalidResponse
            case invalidConfiguration, noCredentials
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Too many requests (`ThrottlingException`, `Throttling`, `TooManyUpdates`, HTTP 429).
        public static let throttling = Code(.throttling)
        /// `ResourceNotFoundException`, `ParameterNotFound`, `ParameterVersionNotFound`.
        public static let notFound = Code(.notFound)
        /// `AccessDeniedException`, `AccessDenied`: the identity may not do this.
        public static let accessDenied = Code(.accessDenied)
        /// `ExpiredTokenException`, `ExpiredToken`: temporary credentials ran out.
        public static let expiredToken = Code(.expiredToken)
        /// `SignatureDoesNotMatch`, `IncompleteSignature`: the request's signature was refused.
        public static let signatureMismatch = Code(.signatureMismatch)
        /// `UnrecognizedClientException`, `InvalidClientTokenId`: AWS does not know the access key.
        public static let invalidCredentials = Code(.invalidCredentials)
        /// `ResourceExistsException`, `ParameterAlreadyExists`.
        public static let alreadyExists = Code(.alreadyExists)
        /// Any other 4xx answer: the request was wrong.
        public static let badRequest = Code(.badRequest)
        /// 5xx.
        public static let serviceError = Code(.serviceError)
        /// The connection failed or dropped.
        public static let transport = Code(.transport)
        /// No answer within the timeout.
        public static let timeout = Code(.timeout)
        /// An answer that could not be read.
        public static let invalidResponse = Code(.invalidResponse)
        /// The configuration cannot work (no region, a bad endpoint, an unreadable profile).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// No source of credentials had any.
        public static let noCredentials = Code(.noCredentials)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// What went wrong, in words.
    public var message: String
    /// The service (`ssm`, `secretsmanager`, `sts`).
    public var service: String?
    /// The operation (`GetParameter`, ...).
    public var operation: String?
    /// The HTTP status, when AWS answered.
    public var status: Int?
    /// AWS's error code (`ParameterNotFound`, `ThrottlingException`, ...), when it sent one.
    public var awsCode: String?
    /// AWS's request id, for support cases.
    public var requestId: String?

    public init(
        code: Code, message: String, service: String? = nil, operation: String? = nil, status: Int? = nil,
        awsCode: String? = nil, requestId: String? = nil
    ) {
        self.code = code
        self.message = message
        self.service = service
        self.operation = operation
        self.status = status
        self.awsCode = awsCode
        self.requestId = requestId
    }

    /// Whether sending the same request again may succeed.
    public var isRetriable: Bool {
        [.throttling, .serviceError, .transport, .timeout].contains(code)
    }

    public var description: String {
        var text = "AWS error (\(code))"
        if let service, let operation { text += " \(service) \(operation)" }
        if let status { text += " HTTP \(status)" }
        if let awsCode { text += " \(awsCode)" }
        text += ": \(message)"
        if let requestId { text += " [request \(requestId)]" }
        return text
    }

    public var debugDescription: String { description }

    /// Maps AWS's error code (the part after `#` in `__type`, or `<Code>` in XML) and the HTTP status to a kind.
    static func code(forAWSCode awsCode: String?, status: Int) -> Code {
        switch awsCode ?? "" {
        case "ThrottlingException", "Throttling", "TooManyRequestsException", "TooManyUpdates",
            "RequestLimitExceeded", "ThrottledException", "ProvisionedThroughputExceededException":
            return .throttling
        case "ResourceNotFoundException", "ParameterNotFound", "ParameterVersionNotFound", "NoSuchEntity":
            return .notFound
        case "AccessDeniedException", "AccessDenied", "NotAuthorized":
            return .accessDenied
        case "ExpiredTokenException", "ExpiredToken", "RequestExpired":
            return .expiredToken
        case "SignatureDoesNotMatch", "IncompleteSignature", "InvalidSignatureException":
            return .signatureMismatch
        case "UnrecognizedClientException", "InvalidClientTokenId", "MissingAuthenticationToken":
            return .invalidCredentials
        case "ResourceExistsException", "ParameterAlreadyExists", "EntityAlreadyExists":
            return .alreadyExists
        default:
            switch status {
            case 429: return .throttling
            case 403: return .accessDenied
            case 404: return .notFound
            case 500...: return .serviceError
            default: return .badRequest
            }
        }
    }
}

extension AWSError {
    /// The error for an exchange with `url` that got no answer (`ExchangeFailure`, SesameHTTP's classification).
    init(_ failure: ExchangeFailure, url: String, service: String, operation: String) {
        let code: Code
        let message: String
        switch failure.kind {
        case .connect:
            (code, message) = (.transport, "could not connect to \(url) (\(failure.reason))")
        case .tls:
            (code, message) = (
                .transport,
                "the TLS connection to \(url) was refused (\(failure.reason)): trust its CA with AWS_CA_BUNDLE or the profile's ca_bundle"
            )
        case .proxy:
            (code, message) = (.transport, failure.reason)
        case .timeout:
            (code, message) = (.timeout, "no answer in time (\(failure.reason))")
        case .tooLarge:
            (code, message) = (.invalidResponse, "the answer is larger than \(AWSTransport.maximumResponseSize) bytes")
        case .interrupted:
            (code, message) = (.transport, "could not reach \(url) (\(failure.reason))")
        case .invalidRequest:
            (code, message) = (.invalidConfiguration, "the request to \(url) could not be sent (\(failure.reason))")
        }
        self.init(code: code, message: message, service: service, operation: operation)
    }
}
