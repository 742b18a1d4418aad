import AWSSecrets
import SecretServer
import SesameCore

/// Provider errors in the provider-neutral kinds.
enum ProviderErrors {
    static func map(_ error: any Error, reference: SecretReference?) -> any Error {
        switch error {
        case let error as SesameError:
            return error
        case let error as AWSError:
            let code: SesameError.Code
            switch error.code {
            case .notFound: code = .notFound
            case .accessDenied: code = .accessDenied
            case .expiredToken, .signatureMismatch, .invalidCredentials, .noCredentials: code = .authenticationFailed
            case .throttling, .serviceError, .transport, .timeout, .invalidResponse: code = .unavailable
            case .invalidConfiguration: code = .invalidConfiguration
            default: code = .providerError
            }
            return SesameError(code: code, message: error.message, reference: reference, underlying: error)
        case let error as SecretServerError:
            let code: SesameError.Code
            switch error.code {
            case .notFound: code = .notFound
            case .accessDenied: code = .accessDenied
            case .authenticationFailed: code = .authenticationFailed
            case .rateLimited, .serverError, .transport, .timeout, .invalidResponse: code = .unavailable
            case .invalidConfiguration: code = .invalidConfiguration
            default: code = .providerError
            }
            return SesameError(code: code, message: error.message, reference: reference, underlying: error)
        case is CancellationError:
            return error
        default:
            return SesameError(code: .providerError, message: "\(error)", reference: reference, underlying: error)
        }
    }

    /// Runs `body`, mapping what it throws.
    static func mapping<T>(_ reference: SecretReference, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw map(error, reference: reference)
        }
    }
}

extension SesameError {
    /// `error` in Sesame's kinds: AWS and Secret Server errors mapped (not found, access denied, unavailable...),
    /// a `SesameError` as is, anything else as `.providerError`. Cancellation stays cancellation.
    public static func wrapping(_ error: any Error, reference: SecretReference? = nil) -> any Error {
        ProviderErrors.map(error, reference: reference)
    }
}
