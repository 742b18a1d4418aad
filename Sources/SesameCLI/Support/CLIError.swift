import AWSSecrets
import ArgumentParser
import SecretServer
import Sesame

/// The exit codes of `sesame`. 0, 1 and 2 follow Vault's CLI; the others say what kind of failure.
package enum ExitStatus: Int32, Sendable {
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
    /// The secret is restricted and the read did not carry what it needs (a comment, a ticket number, the
    /// check-out, an approved request, the DoubleLock password): the message names it and the flag that gives it.
    case restricted = 7
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
        if let restriction = Self.restriction(error) {
            self.init("\(error)", hint: restriction, exitCode: .restricted)
            return
        }
        switch error.code {
        case .authenticationFailed:
            self.init(
                "\(error)",
                hint: "check SESAME_USERNAME, SESAME_PASSWORD (and SESAME_DOMAIN), or the token; an account with two-factor sign-in needs "
                    + "its current code too (SESAME_OTP, or sesame login --otp)",
                exitCode: .authentication
            )
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

    /// What a restricted secret needs and the flag that gives it, when `error` says a restriction stopped a read.
    static func restriction(_ error: SecretServerError) -> String? {
        guard let code = error.errorCode, SecretAccess.isRestriction(code) else { return nil }
        switch code {
        case "API_ValidateSecretAccessCommentRequired":
            return "the secret requires a comment: pass --comment TEXT (or set SESAME_COMMENT, or add ?comment=TEXT to the reference)"
        case "API_ValidateSecretAccessTicketNumberRequired":
            return "the secret requires a ticket number: pass --ticket-number N (and --ticket-system ID), or ?ticket-number=N"
        case "API_ValidateSecretAccessApprovalRequired":
            return "the secret requires an approved access request: ask with sesame access request ID --comment TEXT"
        case "API_ValidateSecretAccessCheckoutRequired":
            return "the secret requires a check-out: pass --check-out (or ?check-out=true)"
        case "API_SecretCheckedOut":
            return "someone else holds the secret's check-out: try again when they check it in"
        case "API_DoubleLockPasswordNotSet":
            return "set your DoubleLock password first (PUT /api/v1/users/doublelock-password with sesame api)"
        case "API_DoubleLockPasswordTooManyAttempts":
            return "too many wrong DoubleLock passwords: wait, then try again"
        case "API_DoubleLockPasswordInvalid":
            return "the DoubleLock password is not the right one: check SESAME_DOUBLE_LOCK_PASSWORD or what was typed (wrong ones are counted)"
        default:
            return "the secret is DoubleLocked: set SESAME_DOUBLE_LOCK_PASSWORD, or run on a terminal to be asked for it"
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
