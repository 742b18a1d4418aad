import Foundation
import GRDB
import SecretServerModels
import SesameRedaction

/// Restricted access (required comments, check-out), lifecycle actions and the audit trail.
extension SecretsStore {
    /// How a read of a restricted secret is made: the `SecretRestrictedArgs` body, or the shared query options.
    struct AccessOptions: Sendable {
        var comment: String?
        var ticketNumber: String?
        var doubleLockPassword: String?
        var noAutoCheckout = false
        var autoCheckIn = false
        var forceCheckIn = false
        var includeInactive = false
    }

    static let commentRequired = EmulatorAPIError.badRequest(
        "API_ValidateSecretAccessCommentRequired", "The requested Secret requires a comment when viewed."
    )
    static let checkoutRequired = EmulatorAPIError.badRequest(
        "API_ValidateSecretAccessCheckoutRequired", "The requested Secret must be checked out first."
    )

    struct Checkout: Sendable {
        var userId: Int64
        var expires: Date
    }

    /// The check-out of a secret that has not expired yet.
    func activeCheckout(_ db: Database, secretId: Int64) throws -> Checkout? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT userId, expires FROM secret_checkout WHERE secretId = ?"), arguments: [secretId]
            )
        else { return nil }
        let checkout = Checkout(userId: row["userId"], expires: row["expires"])
        return checkout.expires > now() ? checkout : nil
    }

    func checkedOutByOther(_ db: Database, _ checkout: Checkout) throws -> EmulatorAPIError {
        let name = try UserRow.fetchOne(db, key: checkout.userId)?.displayName ?? "another user"
        let minutes = max(1, Int((checkout.expires.timeIntervalSince(now()) / 60).rounded(.up)))
        return .badRequest("API_SecretCheckedOut", "The Secret is checked out by \(name) for \(minutes) more minute(s).")
    }

    func audit(_ secretId: Int64, _ caller: Caller, _ action: String, notes: String? = nil, ticket: String? = nil) {
        audits.record(AuditEntry(secretId: secretId, userId: caller.userId, action: action, notes: notes, ticketNumber: ticket, date: now()))
    }

    /// Reads a secret's values under the one rule (`checkValueAccess`, with View), taking the check-out first when
    /// the secret requires one that is free. `body` makes the answer from the checked row in the same read; records
    /// the view.
    func readValues<Result: Sendable>(
        id: Int64, caller: Caller, options: AccessOptions, _ body: @escaping @Sendable (Database, SecretRow) throws -> Result
    ) async throws -> Result {
        try await verifyDoubleLock(id: id, caller: caller, options: options)
        // nil: the secret requires a check-out the caller does not hold yet, which needs a write first.
        let first = try await databaseRead { db -> Result? in
            let (row, checkout) = try self.checkValueAccess(db, caller, id: id, role: .view, options: options)
            guard case .none = checkout else { return nil }
            return try body(db, row)
        }
        let result: Result
        if let first {
            result = first
        } else {
            try await holdCheckout(id: id, caller: caller, options: options)
            result = try await databaseRead { db in
                let (row, _) = try self.checkValueAccess(db, caller, id: id, role: .view, options: options)
                return try body(db, row)
            }
        }
        if options.autoCheckIn, try await releaseCheckout(id: id, caller: caller) { audit(id, caller, "CHECKIN") }
        audit(id, caller, "VIEW", notes: options.comment, ticket: options.ticketNumber)
        return result
    }

    /// `GET /secrets/{id}`: the secret's model as `readValues` gives it, from the read cache when a snapshot of
    /// it was read for this caller since the last change (values are decrypted on every call either way).
    func readSecretModel(id: Int64, caller: Caller, options: AccessOptions) async throws -> SecretModel {
        let key = ReadCache.SecretKey(userId: caller.userId, secretId: id, includeInactive: options.includeInactive)
        if let snapshot = readCache.secret(key) {
            let model = try secretModel(snapshot)
            audit(id, caller, "VIEW", notes: options.comment, ticket: options.ticketNumber)
            return model
        }
        let generation = readCache.generation
        let snapshot = try await readValues(id: id, caller: caller, options: options) { db, row in
            try self.secretSnapshot(db, row)
        }
        if snapshot.isStable { readCache.store(secret: snapshot, for: key, generation: generation) }
        return try secretModel(snapshot)
    }

    /// Checks that the caller holds at least `role` on a secret, without reading its values.
    func checkSecretAccess(id: Int64, caller: Caller, _ role: SecretRole, includeInactive: Bool = false) async throws {
        _ = try await databaseRead { db in try access.requireSecret(db, caller, id: id, role, includeInactive: includeInactive) }
    }

    /// Takes the check-out of a check-out secret for the caller (under the one rule again, in the write), unless
    /// someone took it meanwhile.
    private func holdCheckout(id: Int64, caller: Caller, options: AccessOptions) async throws {
        let took = try await writer.write { db -> Bool in
            let (row, checkout) = try self.checkValueAccess(db, caller, id: id, role: .view, options: options)
            guard case .take = checkout else { return false }
            try self.takeCheckout(db, caller, row)
            return true
        }
        if took { audit(id, caller, "CHECKOUT") }
    }

    /// Gives back the caller's own check-out (`autoCheckIn`); whether there was one.
    func releaseCheckout(id: Int64, caller: Caller) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM secret_checkout WHERE secretId = ? AND userId = ?", arguments: [id, caller.userId])
            return db.changesCount > 0
        }
    }

    static func interval(_ row: SecretRow) -> Double {
        Double(row.settings.checkOutIntervalMinutes > 0 ? row.settings.checkOutIntervalMinutes : 30)
    }

    func setCheckout(_ db: Database, secretId: Int64, userId: Int64, until: Date) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO secret_checkout(secretId, userId, expires) VALUES (?, ?, ?)",
            arguments: [secretId, userId, until]
        )
    }

    /// Refuses a change while someone else holds the check-out.
    func requireNotCheckedOutByOthers(_ db: Database, _ caller: Caller, secretId: Int64) throws {
        if let checkout = try activeCheckout(db, secretId: secretId), checkout.userId != caller.userId {
            throw try checkedOutByOther(db, checkout)
        }
    }

    /// `POST /secrets/{id}/check-out`: View, and the secret free or already the caller's.
    func checkOut(id: Int64, caller: Caller) async throws {
        let now = self.now()
        try await writer.write { db in
            let row = try access.requireSecret(db, caller, id: id, .view)
            guard row.settings.checkOutEnabled else {
                throw EmulatorAPIError.badRequest("API_CheckoutNotEnabled", "Check-out is not enabled on this Secret.")
            }
            try self.requireNotCheckedOutByOthers(db, caller, secretId: id)
            try self.setCheckout(db, secretId: id, userId: caller.userId, until: now.addingTimeInterval(Self.interval(row) * 60))
        }
        audit(id, caller, "CHECKOUT")
    }

    /// `POST /secrets/{id}/check-in`: the caller's own check-out, or anyone's with `forceCheckIn` as Owner.
    func checkIn(id: Int64, caller: Caller, options: AccessOptions) async throws -> SecretSummary {
        let summary = try await writer.write { db in
            let row = try access.requireSecret(db, caller, id: id, .view)
            if let checkout = try self.activeCheckout(db, secretId: id), checkout.userId != caller.userId {
                guard options.forceCheckIn else { throw try self.checkedOutByOther(db, checkout) }
                _ = try access.requireSecret(db, caller, id: id, .owner)
            }
            try db.execute(sql: "DELETE FROM secret_checkout WHERE secretId = ?", arguments: [id])
            return self.summary(
                row, templateName: try TemplateRow.fetchOne(db, key: row.templateId)?.name ?? "",
                folderPaths: try self.folderIndex(db))
        }
        audit(id, caller, "CHECKIN", notes: options.comment, ticket: options.ticketNumber)
        return summary
    }

    /// `POST /secrets/{id}/extend-check-out`: the caller's own check-out, longer by `minutes`.
    func extendCheckout(id: Int64, minutes: Int, notes: String?, caller: Caller) async throws -> Date {
        guard (1...1440).contains(minutes) else {
            throw EmulatorAPIError.invalid("MinutesToAdd", "MinutesToAdd must be between 1 and 1440.")
        }
        let until = try await writer.write { db -> Date in
            _ = try access.requireSecret(db, caller, id: id, .view)
            guard let checkout = try self.activeCheckout(db, secretId: id), checkout.userId == caller.userId else {
                throw Self.checkoutRequired
            }
            let until = checkout.expires.addingTimeInterval(Double(minutes) * 60)
            try self.setCheckout(db, secretId: id, userId: caller.userId, until: until)
            return until
        }
        audit(id, caller, "CHECKOUTEXTENDED", notes: notes)
        return until
    }

    /// `GET /secrets/{id}/state`: List.
    func state(id: Int64, caller: Caller) async throws -> SecretDetailStateViewModel {
        try await databaseRead { db in
            let row = try access.requireSecret(db, caller, id: id, .list)
            let index = try self.folderIndex(db)
            let role = try access.secretRole(db, caller, row, index: index) ?? .list
            let checkout = try self.activeCheckout(db, secretId: id)
            let mine = checkout?.userId == caller.userId
            let needsCheckout = row.settings.checkOutEnabled && !mine
            let state: String =
                if !row.active { "RequiresUndelete" } else if role < .view { "CannotView" } else if try !access.hasApprovedAccess(db, caller, row) {
                    "RequiresApproval"
                } else if row.settings.requiresComment && needsCheckout { "RequiresCheckoutAndComment" } else if row.settings.requiresComment {
                    "RequiresComment"
                } else if needsCheckout { "RequiresCheckout" } else { "None" }
            return SecretDetailStateViewModel(
                id: Int(id), secretName: row.name, isActive: row.active, isCheckedOut: checkout != nil,
                isCheckedOutByCurrentUser: mine, checkedOutUserId: checkout.map { Int($0.userId) } ?? -1,
                checkedOutUserDisplayName: try checkout.flatMap { try UserRow.fetchOne(db, key: $0.userId)?.displayName },
                checkOutMinutesRemaining: checkout.map { max(0, Int(($0.expires.timeIntervalSince(self.now()) / 60).rounded(.up))) } ?? 0,
                checkOutIntervalMinutes: row.settings.checkOutIntervalMinutes, secretState: state,
                folderId: row.folderId.map { Int($0) } ?? -1, folderName: row.folderId.flatMap { index[$0]?.name },
                inheritPermissions: row.settings.enableInheritPermissions, role: role.name
            )
        }
    }

    /// `GET /secrets/{id}/audits`, newest first: View.
    /// With `actions`, only entries of those actions (compared without regard to case).
    func secretAudits(id: Int64, actions: [String] = [], caller: Caller, skip: Int, take: Int) async throws
        -> (records: [SecretAuditModel], total: Int)
    {
        try await audits.flush()
        return try await databaseRead { db in
            _ = try access.requireSecret(db, caller, id: id, .view)
            var condition = "a.secretId = ?"
            var arguments: StatementArguments = [id]
            if !actions.isEmpty {
                condition += " AND UPPER(a.action) IN (\(Array(repeating: "?", count: actions.count).joined(separator: ", ")))"
                arguments += StatementArguments(actions.map { $0.uppercased() })
            }
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM secret_audit a WHERE \(condition)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.id, a.action, a.notes, a.ticketNumber, a.date, u.userName, u.displayName
                    FROM secret_audit a LEFT JOIN user u ON u.id = a.userId
                    WHERE \(condition) ORDER BY a.id DESC LIMIT ? OFFSET ?
                    """, arguments: arguments + [take, skip])
            let records = rows.map { row in
                SecretAuditModel(
                    id: row["id"], action: row["action"], actionForDisplay: (row["action"] as String).capitalized,
                    notes: row["notes"], ticketNumber: row["ticketNumber"], username: row["userName"],
                    byUserDisplayName: row["displayName"], dateRecorded: WireDate.string(from: row["date"])
                )
            }
            return (records, total)
        }
    }

    /// `PUT /v3/secrets/{id}/activate`: Owner.
    func activateSecret(id: Int64, caller: Caller) async throws {
        try await writer.write { db in
            var row = try access.requireSecret(db, caller, id: id, .owner, includeInactive: true)
            row.active = true
            try row.update(db)
        }
        audit(id, caller, "ACTIVATE")
    }

    /// Changes the settings of a secret under `role` and returns its summary.
    private func changeSettings(
        id: Int64, caller: Caller, role: SecretRole, _ change: @escaping @Sendable (inout SecretRow, Database) throws -> Void
    ) async throws -> SecretSummary {
        try await writer.write { db in
            var row = try access.requireSecret(db, caller, id: id, role)
            try self.requireNotCheckedOutByOthers(db, caller, secretId: id)
            try change(&row, db)
            row.modified = self.now()
            try row.update(db)
            return self.summary(
                row, templateName: try TemplateRow.fetchOne(db, key: row.templateId)?.name ?? "",
                folderPaths: try self.folderIndex(db))
        }
    }

    /// `POST /secrets/{id}/expire`: Edit. The secret counts as expired (0 days until expiration).
    func expireSecret(id: Int64, caller: Caller, options: AccessOptions) async throws -> SecretSummary {
        let summary = try await changeSettings(id: id, caller: caller, role: .edit) { row, _ in row.settings.expired = true }
        audit(id, caller, "EXPIRE", notes: options.comment, ticket: options.ticketNumber)
        return summary
    }

    /// `POST /secrets/{id}/heartbeat`: Edit (it writes the secret's heartbeat status; a caller who may only view
    /// must not change a secret, which the escalation sweep checks). The local server has no machine to reach, so
    /// a heartbeat succeeds.
    func heartbeat(id: Int64, caller: Caller) async throws -> SecretSummary {
        let now = self.now()
        let summary = try await changeSettings(id: id, caller: caller, role: .edit) { row, _ in
            row.settings.lastHeartBeatStatus = "Success"
            row.settings.lastHeartBeatCheck = now
        }
        audit(id, caller, "HEARTBEAT")
        return summary
    }

    /// `POST /secrets/{id}/change-password`: a write of a value, so the one rule with Edit (`writeValues`). Sets the
    /// template's password field to `newPassword`, or to a new one meeting the field's requirement; ends an
    /// expiration.
    func changePassword(id: Int64, newPassword: String?, caller: Caller, options: AccessOptions) async throws -> SecretSummary {
        let now = self.now()
        let summary = try await writeValues(id: id, caller: caller, options: options) { db, row in
            guard let template = try self.template(db, id: row.templateId),
                let field = template.fields.first(where: { $0.isPassword })
            else { throw EmulatorAPIError.badRequest("API_NoPasswordField", "The Secret's template has no password field.") }
            var value = newPassword ?? ""
            if value.isEmpty {
                let requirement =
                    try PasswordRequirementRow.fetchOne(db, key: field.passwordRequirementId ?? Seed.defaultRequirementId)
                    ?? Seed.requirements[0]
                value = PasswordGenerator.generate(requirement: requirement, length: field.generatePasswordLength)
            }
            let sealed = try self.cipher.sealString(value, context: Self.itemContext(secretId: id, fieldId: field.id))
            try db.execute(sql: "UPDATE secret_item SET value = ? WHERE secretId = ? AND fieldId = ?", arguments: [sealed, id, field.id])
            if db.changesCount == 0 {
                var item = SecretItemRow(id: nil, secretId: id, fieldId: field.id, value: sealed, fileAttachmentId: nil)
                try item.insert(db)
            }
            row.settings.lastPasswordChangeAttempt = now
            row.settings.expired = nil
            row.modified = now
            try row.update(db)
            return self.summary(row, templateName: template.row.name, folderPaths: try self.folderIndex(db))
        }
        audit(id, caller, "CHANGEPASSWORD", notes: options.comment, ticket: options.ticketNumber)
        return summary
    }
}

extension SecretsStore.AccessOptions: Redacting {
    var redactedDescription: String {
        "comment: \(comment == nil ? "none" : "given"), ticketNumber: \(ticketNumber ?? "none"), "
            + "doubleLockPassword: \(doubleLockPassword == nil ? "none" : "<redacted>")"
    }
}
