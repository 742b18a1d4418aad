import Foundation
import GRDB
import SecretServerModels

/// The one rule for a secret's values. Every route that answers values (a read, or a write whose answer shows them)
/// or changes them goes through `checkValueAccess`, so no route can skip a restriction that another applies.
extension EmulatorStore {
    /// What a restricted secret asks of a request; `AccessOptions` carries what the request sent.
    enum CheckoutNeed: Sendable {
        /// Not a check-out secret, or the caller holds its check-out.
        case none
        /// A check-out secret that nobody holds: the caller must take it first (automatically, unless
        /// `noAutoCheckout`).
        case take
    }

    static func doubleLockError(_ code: String, _ message: String) -> EmulatorAPIError {
        .badRequest(code, message)
    }

    static let doubleLockPasswordRequired = doubleLockError(
        "API_DoubleLockPasswordRequired", "The requested Secret is DoubleLocked: send your DoubleLock password (doubleLockPassword)."
    )
    static let doubleLockPasswordNotSet = doubleLockError(
        "API_DoubleLockPasswordNotSet", "You have no DoubleLock password yet: set one with PUT /api/v1/users/doublelock-password."
    )
    static let doubleLockPasswordInvalid = doubleLockError("API_DoubleLockPasswordInvalid", "The DoubleLock password is not valid.")
    static let ticketNumberRequired = EmulatorAPIError.badRequest(
        "API_ValidateSecretAccessTicketNumberRequired", "The requested Secret requires a ticket number when viewed (ticketNumber)."
    )

    /// Checks, in the real server's order, that `caller` may use the values of secret `id` with `role` (View to
    /// read, Edit to change): the secret is there (and active, unless `includeInactive`), the caller holds the
    /// role, an approved access request when it requires approval, a comment (and a ticket number where the
    /// server requires one) when it requires a comment, the caller's DoubleLock password when it is
    /// DoubleLocked, and the check-out when it requires check-out, which is returned as `.take` when free.
    func checkValueAccess(
        _ db: Database, _ caller: Caller, id: Int64, role: SecretRole, options: AccessOptions
    ) throws -> (row: SecretRow, checkout: CheckoutNeed) {
        let row = try requireSecret(db, caller, id: id, role, includeInactive: options.includeInactive)
        let settings = row.settings
        guard try hasApprovedAccess(db, caller, row) else { throw Self.approvalRequired }
        if settings.requiresComment {
            if (options.comment ?? "").trimmingCharacters(in: .whitespaces).isEmpty { throw Self.commentRequired }
            if requireTicketNumberWithComment, (options.ticketNumber ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw Self.ticketNumberRequired
            }
        }
        if settings.isDoubleLock { try checkDoubleLock(db, caller, password: options.doubleLockPassword) }
        guard settings.checkOutEnabled else { return (row, .none) }
        if let checkout = try activeCheckout(db, secretId: id) {
            guard checkout.userId == caller.userId else { throw try checkedOutByOther(db, checkout) }
            return (row, .none)
        }
        guard !options.noAutoCheckout else { throw Self.checkoutRequired }
        return (row, .take)
    }

    /// The caller's DoubleLock password against the one they set.
    private func checkDoubleLock(_ db: Database, _ caller: Caller, password: String?) throws {
        guard let password, !password.isEmpty else { throw Self.doubleLockPasswordRequired }
        guard let stored = try Row.fetchOne(db, sql: "SELECT hash, salt FROM double_lock_password WHERE userId = ?", arguments: [caller.userId])
        else { throw Self.doubleLockPasswordNotSet }
        guard hasher.verify(password, hash: stored["hash"], salt: stored["salt"]) else { throw Self.doubleLockPasswordInvalid }
    }

    /// `PUT /users/doublelock-password`: sets the caller's own DoubleLock password.
    func setDoubleLockPassword(_ password: String, caller: Caller) async throws {
        guard !password.isEmpty else { throw EmulatorAPIError.invalid("Password", "The DoubleLock password must not be empty.") }
        let salt = hasher.makeSalt()
        let hash = try hasher.hash(password, salt: salt)
        try await writer.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO double_lock_password(userId, hash, salt) VALUES (?, ?, ?)",
                arguments: [caller.userId, hash, salt]
            )
        }
    }

    /// Takes the check-out inside a write that `checkValueAccess` said needs one.
    func takeCheckout(_ db: Database, _ caller: Caller, _ row: SecretRow) throws {
        guard let id = row.id else { return }
        try setCheckout(db, secretId: id, userId: caller.userId, until: now().addingTimeInterval(Self.interval(row) * 60))
    }

    /// Whether `body` changes a setting only an Owner may change (the real server's Security and Sharing tabs):
    /// the restrictions that gate reading, inheritance of permissions, the policy that can impose restrictions,
    /// and `active` (deactivating and restoring are Owner-only, as DELETE and activate are). A body that repeats
    /// the stored values changes nothing (typed clients send every field).
    static func changesOwnerSettings(_ body: JSONObject, of row: SecretRow) -> Bool {
        var changed = row.settings
        changed.apply(body)
        let before = row.settings
        if let active = body["active"]?.boolValue, active != row.active { return true }
        return changed.requiresComment != before.requiresComment || changed.checkOutEnabled != before.checkOutEnabled
            || changed.checkOutIntervalMinutes != before.checkOutIntervalMinutes
            || changed.requiresApprovalForAccess != before.requiresApprovalForAccess || changed.isDoubleLock != before.isDoubleLock
            || changed.doubleLockId != before.doubleLockId || changed.enableInheritPermissions != before.enableInheritPermissions
            || changed.accessRequestWorkflowMapId != before.accessRequestWorkflowMapId || changed.secretPolicyId != before.secretPolicyId
            || changed.enableInheritSecretPolicy != before.enableInheritSecretPolicy
    }
}
