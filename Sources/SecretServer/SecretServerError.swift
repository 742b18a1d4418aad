import SesameHTTP

/// Every error the Secret Server client throws. It carries what went wrong, the HTTP status and the
/// server's `errorCode` and `message` when there was an answer, and the request's method and path
/// (never its query string, body, token or any secret value).
public struct SecretServerError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of failure. New kinds may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case accessDenied, notFound, authenticationFailed, badRequest, rateLimited, serverError
            case transport, timeout, invalidResponse, invalidConfiguration, invalidArgument
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// 400 `API_AccessDenied`: no permission, or (as the real server also says) no such object.
        public static let accessDenied = Code(.accessDenied)
        /// 404, or a lookup that found nothing.
        public static let notFound = Code(.notFound)
        /// The credentials or the token were refused (401, 403 on an expired token, an OAuth error).
        public static let authenticationFailed = Code(.authenticationFailed)
        /// Any other 4xx: the request was wrong.
        public static let badRequest = Code(.badRequest)
        /// 429, or Delinea's 403 rate-limit answer.
        public static let rateLimited = Code(.rateLimited)
        /// 5xx.
        public static let serverError = Code(.serverError)
        /// The connection failed or dropped.
        public static let transport = Code(.transport)
        /// No answer within the timeout.
        public static let timeout = Code(.timeout)
        /// An answer that is not what the route returns (HTML, truncated JSON, wrong types).
        public static let invalidResponse = Code(.invalidResponse)
        /// The client's configuration cannot work (bad URL, unreadable CA file).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// An argument of the call is invalid; nothing was sent.
        public static let invalidArgument = Code(.invalidArgument)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// The HTTP status, when the server answered.
    public var status: Int?
    /// The server's `errorCode` (`API_AccessDenied`, `API_RequiredFieldMissing`, ...), when it sent one.
    public var errorCode: String?
    /// What went wrong, in words: the server's message, or the client's own.
    public var message: String
    /// The HTTP method of the request.
    public var method: String?
    /// The path of the request, without the query string.
    public var path: String?
    /// Whether trying again may help (false after the connect timeout, which already includes retries).
    var retriable = true

    /// Whether the server may have acted on the request although the caller got no answer it can use: a connection
    /// lost after sending, no answer in time, 500/502/503/504, or an HTML page with a 2xx status. A create that
    /// failed like this is checked before it is sent again.
    var mayHaveTakenEffect: Bool {
        switch code {
        case .transport, .timeout: return retriable
        case .invalidResponse: return status.map { (200..<300).contains($0) } ?? false
        default: return [500, 502, 503, 504].contains(status ?? 0)
        }
    }

    public init(
        code: Code, message: String, status: Int? = nil, errorCode: String? = nil, method: String? = nil,
        path: String? = nil
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.errorCode = errorCode
        self.method = method
        self.path = path
    }

    public var description: String {
        var text = "Secret Server error (\(code))"
        if let status { text += " HTTP \(status)" }
        if let errorCode { text += " \(errorCode)" }
        text += ": \(message)"
        if let method, let path { text += " [\(method) \(path)]" }
        return text
    }

    public var debugDescription: String { description }
}

extension SecretServerError {
    /// The error for an exchange that got no answer (`ExchangeFailure`, SesameHTTP's classification), with what to
    /// do about it; `retriable` is false when nothing was sent (trying again will not help).
    init(_ failure: ExchangeFailure, method: String, path: String, maximumSize: Int) {
        let code: Code
        let message: String
        switch failure.kind {
        case .connect:
            // The connection pool already kept trying to connect for the whole connect timeout.
            (code, message) = (.transport, "could not connect to the server (\(failure.reason))")
        case .tls:
            (code, message) = (
                .transport,
                "the TLS connection was refused (\(failure.reason)): trust the server's CA with caFile "
                    + "(--ca-file, SESAME_CA_FILE), and use the host name its certificate names"
            )
        case .proxy:
            (code, message) = (.transport, failure.reason)
        case .timeout:
            (code, message) = (.timeout, "no answer in time (\(failure.reason))")
        case .tooLarge:
            (code, message) = (.invalidResponse, "the answer is larger than \(maximumSize) bytes, the client's limit (maximumResponseSize)")
        case .interrupted:
            (code, message) = (.transport, failure.reason)
        case .invalidRequest:
            (code, message) = (.invalidArgument, "the request could not be sent (\(failure.reason))")
        }
        self.init(code: code, message: message, method: method, path: path)
        retriable = !failure.nothingSent
    }
}
