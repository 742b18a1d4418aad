import SecretServer
import SecretServerModels
import SesameCore

/// What reading a restricted Secret Server secret takes: a comment (and a ticket number) for the audit trail, a
/// check-out held for the read (and given back after it, also when the read fails), and the reader's DoubleLock
/// password, asked for only when the server says it needs one. A reference's options
/// (`tss://12/password?comment=INC-1&check-out=true`) override the provider's defaults.
public struct SecretAccess: Sendable {
    public var comment: String?
    public var ticketNumber: String?
    public var ticketSystemId: Int?
    /// Check the secret out before the read and in after it.
    public var checkOut: Bool
    /// Whether a read may check out a secret that requires check-out on its own, as the server does unless told
    /// not to (`noAutoCheckout`). Off (the default), a read without `checkOut` fails with what it needs instead of
    /// leaving the secret checked out; on, such a value is marked restricted, so it never reaches a disk cache.
    public var automaticCheckOut: Bool
    /// The DoubleLock password, called once when the server answers that the secret needs one (a hidden prompt, an
    /// environment variable); `nil` when there is none to give.
    public var doubleLockPassword: (@Sendable () -> String?)?

    public init(
        comment: String? = nil, ticketNumber: String? = nil, ticketSystemId: Int? = nil, checkOut: Bool = false,
        automaticCheckOut: Bool = false, doubleLockPassword: (@Sendable () -> String?)? = nil
    ) {
        self.automaticCheckOut = automaticCheckOut
        self.comment = comment
        self.ticketNumber = ticketNumber
        self.ticketSystemId = ticketSystemId
        self.checkOut = checkOut
        self.doubleLockPassword = doubleLockPassword
    }

    /// The reference options that set these, as `tss://` takes them.
    public static let referenceOptions = SecretReference.accessOptions

    /// These defaults with `reference`'s options applied.
    public func applying(_ reference: SecretReference) -> SecretAccess {
        var access = self
        if let comment = reference.options["comment"] { access.comment = comment }
        if let ticket = reference.options["ticket-number"] { access.ticketNumber = ticket }
        if let system = reference.options["ticket-system"].flatMap(Int.init) { access.ticketSystemId = system }
        if let checkOut = reference.options["check-out"] { access.checkOut = ["true", "1", "yes"].contains(checkOut.lowercased()) }
        return access
    }

    /// Whether a read must use the restricted routes (it carries something the plain ones cannot).
    public var isRestricted: Bool { comment != nil || ticketNumber != nil || ticketSystemId != nil }

    /// The body of the restricted routes.
    public func arguments(doubleLockPassword password: String? = nil) -> SecretRestrictedArgs {
        SecretRestrictedArgs(
            comment: comment, ticketNumber: ticketNumber, ticketSystemId: ticketSystemId, doubleLockPassword: password,
            noAutoCheckout: automaticCheckOut ? nil : true
        )
    }

    /// The server's code for a check-out asked of a secret that has none: such a secret is read without one.
    public static let checkOutNotEnabled = "API_CheckoutNotEnabled"

    /// The server's codes for a DoubleLock password that is missing.
    public static let doubleLockCodes: Set<String> = ["API_DoubleLockPasswordRequired"]

    /// Whether a value read with these options got past a restriction (a comment, ticket, check-out or DoubleLock
    /// password): such a value is kept in memory for the process at most, never in the disk cache, where a later
    /// read would get it without them.
    public func unlocksRestriction(doubleLockPassword: String?) -> Bool {
        // An automatic check-out may have happened on the server's side: counted as one.
        isRestricted || checkOut || automaticCheckOut || doubleLockPassword != nil
    }

    /// Whether an error code says a restriction stopped the read (a comment, ticket, approval, check-out or
    /// DoubleLock is needed), as opposed to a field or secret that is not there.
    public static func isRestriction(_ code: String?) -> Bool {
        guard let code else { return false }
        return code.hasPrefix("API_ValidateSecretAccess") || code.hasPrefix("API_DoubleLock") || code == "API_SecretCheckedOut"
    }
}
