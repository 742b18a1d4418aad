import AWSSecrets
import ArgumentParser
import SecretServer
import Sesame

/// The exit codes of `sesame`. 0, 1 and 2 follow Vault's CLI; the others say what kind of failure.
public enum ExitStatus: Int32, Sendable {
    /// Success.
    case ok = 0
    /// A local or usage error: bad arguments, a missing setting, a file that cannot be read.
    case local = 1
    /// The server answered with an error not covered below, or a 5xx.
    case server = 2
    /// Sign-in failed: wrong credentials, expired or refused token.
    case authentication = 3
    /// The server refused access (Secret Server also says this for an id that does not exist).
    case accessDenied = 4
    /// What was asked for does not exist (a path, a field, a template name).
    case notFound = 5
    /// The server could not be reached, or did not answer in time.
    case unreachable = 6
}

/// An error of the command line: what was wrong, what to do, and the exit status.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var hint: String?
    var exitCode: ExitStatus

    init(_ message: String, hint: String? = nil, exitCode: ExitStatus = .local) {
        self.message = message
        self.hint = hint
        self.exitCode = exitCode
    }

    init(_ error: SecretServerError) {
        switch error.code {
        case .authenticationFailed:
            self.init("\(error)", hint: "check SESAME_USERNAME, SESAME_PASSWORD (and SESAME_DOMAIN), or the token", exitCode: .authentication)
        case .accessDenied:
            self.init("\(error)", hint: "the object does not exist, or this user may not see it", exitCode: .accessDenied)
        case .notFound:
            self.init("\(error)", hint: "check the id, path or name", exitCode: .notFound)
        case .transport, .timeout:
            self.init("\(error)", hint: "check SESAME_URL and that the server is up", exitCode: .unreachable)
        case .invalidConfiguration, .invalidArgument:
            self.init("\(error)", exitCode: .local)
        default:
            self.init("\(error)", exitCode: .server)
        }
    }

    init(_ error: SesameError) {
        if let underlying = error.underlying as? SecretServerError {
            self.init(underlying)
            message = "\(error)"
            return
        }
        switch error.code {
        case .notFound, .keyPathNotFound:
            self.init("\(error)", hint: "check the reference: its path, field or key", exitCode: .notFound)
        case .accessDenied:
            self.init("\(error)", hint: "these credentials may not read it", exitCode: .accessDenied)
        case .authenticationFailed:
            self.init("\(error)", hint: "check the credentials for this provider", exitCode: .authentication)
        case .unavailable:
            self.init("\(error)", hint: "check the endpoint and that the service is up", exitCode: .unreachable)
        case .invalidReference:
            self.init("\(error)", hint: "a reference looks like tss://12/password, aws-sm://name#key or aws-ps:///path", exitCode: .local)
        case .invalidConfiguration, .noProvider, .cache, .invalidValue, .unsupported:
            self.init("\(error)", exitCode: .local)
        default:
            self.init("\(error)", exitCode: .server)
        }
    }

    /// The error as a `sesame` error, when it is one of ours.
    static func mapping(_ error: any Error) -> CLIError? {
        if let error = error as? CLIError { return error }
        if let error = error as? SecretServerError { return CLIError(error) }
        if let error = error as? SesameError { return CLIError(error) }
        if let error = error as? AWSError, let wrapped = SesameError.wrapping(error) as? SesameError { return CLIError(wrapped) }
        return nil
    }

    var description: String { message }

    var rendered: String {
        var text = "error: \(message)"
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}
