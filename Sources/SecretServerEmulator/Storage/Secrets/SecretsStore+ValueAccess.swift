import Foundation
import GRDB
import SecretServerModels

/// The one rule for a secret's values. Every route that answers values (a read, or a write whose answer shows them)
/// or changes them goes through `checkValueAccess`, so no route can skip a restriction that another applies.
extension SecretsStore {
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
        let row = try access.requireSecret(db, caller, id: id, role, includeInactive: options.includeInactive)
        let settings = row.settings
        guard try access.hasApprovedAccess(db, caller, row) else { throw AccessStore.approvalRequired }
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

    static func doubleLockTooManyAttempts(_ minutes: Int) -> EmulatorAPIError {
        doubleLockError(
            "API_DoubleLockPasswordTooManyAttempts", "Too many wrong DoubleLock passwords; try again in \(minutes) minute(s)."
        )
    }

    /// The caller's DoubleLock password against the one they set: a lookup when `verifyDoubleLock` checked it
    /// before the transaction began, the slow hash otherwise.
    private func checkDoubleLock(_ db: Database, _ caller: Caller, password: String?) throws {
        guard let password, !password.isEmpty else { throw Self.doubleLockPasswordRequired }
        guard let stored = try Row.fetchOne(db, sql: "SELECT hash, salt FROM double_lock_password WHERE userId = ?", arguments: [caller.userId])
        else { throw Self.doubleLockPasswordNotSet }
        let hash: Data = stored["hash"]
        if let minutes = doubleLock.lockedFor(userId: caller.userId) { throw Self.doubleLockTooManyAttempts(minutes) }
        if doubleLock.isVerified(userId: caller.userId, storedHash: hash, password: password) { return }
        if let minutes = doubleLock.begin(userId: caller.userId) { throw Self.doubleLockTooManyAttempts(minutes) }
        guard hasher.verify(password, hash: hash, salt: stored["salt"]) else { throw Self.doubleLockPasswordInvalid }
        doubleLock.rememberVerified(userId: caller.userId, storedHash: hash, password: password)
    }

    /// Checks the caller's DoubleLock password for secret `id` before a read or write begins, so the slow hash runs
    /// outside any transaction (the check inside is then a lookup), and counts wrong ones. Does nothing for a secret
    /// that is not DoubleLocked, or a request that sent no password (the rule refuses it then).
    func verifyDoubleLock(id: Int64, caller: Caller, options: AccessOptions) async throws {
        guard let password = options.doubleLockPassword, !password.isEmpty else { return }
        let stored = try await databaseRead { db -> (hash: Data, salt: Data)? in
            // Someone who may not read the secret learns nothing of its DoubleLock here, and spends no hash on it.
            let row = try access.requireSecret(db, caller, id: id, .view)
            guard row.settings.isDoubleLock,
                let stored = try Row.fetchOne(db, sql: "SELECT hash, salt FROM double_lock_password WHERE userId = ?", arguments: [caller.userId])
            else { return nil }
            return (stored["hash"], stored["salt"])
        }
        guard let stored else { return }
        // Past too many wrong ones, even a right (or earlier verified) password waits.
        if let minutes = doubleLock.lockedFor(userId: caller.userId) { throw Self.doubleLockTooManyAttempts(minutes) }
        if doubleLock.isVerified(userId: caller.userId, storedHash: stored.hash, password: password) { return }
        if let minutes = doubleLock.begin(userId: caller.userId) { throw Self.doubleLockTooManyAttempts(minutes) }
        guard hasher.verify(password, hash: stored.hash, salt: stored.salt) else { throw Self.doubleLockPasswordInvalid }
        doubleLock.rememberVerified(userId: caller.userId, storedHash: stored.hash, password: password)
    }

    /// `PUT /users/doublelock-password`: sets the caller's own DoubleLock password. Once one is set, changing it
    /// needs the current one (`currentPassword`): a stolen session must not be able to replace it and read every
    /// DoubleLocked secret. (The real API's body has only `password`; `currentPassword` is the emulator's own.)
    func setDoubleLockPassword(_ password: String, current: String?, caller: Caller) async throws {
        guard !password.isEmpty else { throw EmulatorAPIError.invalid("Password", "The DoubleLock password must not be empty.") }
        let existing = try await databaseRead { db in
            try Row.fetchOne(db, sql: "SELECT hash, salt FROM double_lock_password WHERE userId = ?", arguments: [caller.userId])
                .map { (hash: $0["hash"] as Data, salt: $0["salt"] as Data) }
        }
        if let existing {
            let invalid = Self.doubleLockError(
                "API_DoubleLockPasswordInvalid", "To change your DoubleLock password, send the current one as currentPassword."
            )
            guard let current else {
                if let minutes = doubleLock.lockedFor(userId: caller.userId) { throw Self.doubleLockTooManyAttempts(minutes) }
                throw invalid
            }
            if let minutes = doubleLock.begin(userId: caller.userId) { throw Self.doubleLockTooManyAttempts(minutes) }
            guard hasher.verify(current, hash: existing.hash, salt: existing.salt) else { throw invalid }
            doubleLock.succeeded(userId: caller.userId)
        }
        let salt = hasher.makeSalt()
        let hash = try hasher.hash(password, salt: salt)
        try await writer.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO double_lock_password(userId, hash, salt) VALUES (?, ?, ?)",
                arguments: [caller.userId, hash, salt]
            )
        }
    }

    /// Writes a secret's values under the one rule with Edit: the DoubleLock password checked first, then the rule
    /// in the write's transaction, the check-out taken when the secret needs one (and given back afterwards with
    /// `autoCheckIn`). `body` changes `row` (saved by the caller's own code) and makes the answer.
    func writeValues<Result: Sendable>(
        id: Int64, caller: Caller, options: AccessOptions, _ body: @escaping @Sendable (Database, inout SecretRow) throws -> Result
    ) async throws -> Result {
        try await verifyDoubleLock(id: id, caller: caller, options: options)
        let (result, tookCheckout) = try await writer.write { db -> (Result, Bool) in
            var (row, checkout) = try self.checkValueAccess(db, caller, id: id, role: .edit, options: options)
            var took = false
            if case .take = checkout {
                try self.takeCheckout(db, caller, row)
                took = true
            }
            return (try body(db, &row), took)
        }
        if tookCheckout { audit(id, caller, "CHECKOUT") }
        if options.autoCheckIn, try await releaseCheckout(id: id, caller: caller) { audit(id, caller, "CHECKIN") }
        return result
    }

    /// Takes the check-out inside a write that `checkValueAccess` said needs one.
    func takeCheckout(_ db: Database, _ caller: Caller, _ row: SecretRow) throws {
        guard let id = row.id else { return }
        try setCheckout(db, secretId: id, userId: caller.userId, until: now().addingTimeInterval(Self.interval(row) * 60))
    }

    /// Whether `body` changes a setting only an Owner may change: any of the secret's settings (the restrictions
    /// that gate reading, check-out and its password change, approval, DoubleLock, inheritance of permissions, the
    /// policy, launcher, proxy, session recording and SSH command rules, password changing) or `active`
    /// (deactivating and restoring are Owner-only, as DELETE and activate are). Edit changes the name, folder, site
    /// and field values. A body that repeats the stored values changes nothing (typed clients send every field).
    static func changesOwnerSettings(_ body: JSONObject, of row: SecretRow) -> Bool {
        if let active = body["active"]?.boolValue, active != row.active { return true }
        var changed = row.settings
        changed.apply(body)
        return changed != row.settings
    }
}
