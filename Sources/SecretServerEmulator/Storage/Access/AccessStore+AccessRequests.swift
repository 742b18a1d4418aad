import Foundation
import GRDB
import SecretServerModels

/// Access requests for secrets that require approval, and the workflow templates that name their approvers.
extension AccessStore {
    static let approvalRequired = EmulatorAPIError.badRequest(
        "API_ValidateSecretAccessApprovalRequired", "The requested Secret requires an approved access request."
    )

    /// Whether the caller may read a secret that requires approval now: an administrator or Owner, or someone with
    /// an approved request whose window covers now.
    func hasApprovedAccess(_ db: Database, _ caller: Caller, _ row: SecretRow) throws -> Bool {
        guard row.settings.requiresApprovalForAccess, let id = row.id else { return true }
        if let role = try secretRole(db, caller, row, index: try secrets.folderIndex(db)), role >= .owner { return true }
        let now = self.now()
        return try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM access_request WHERE secretId = ? AND userId = ? AND status = 'Approved'
                AND startDate <= ? AND expirationDate > ?
                """, arguments: [id, caller.userId, now, now]) ?? 0 > 0
    }

    /// Who may review requests on the secret: administrators, its Owners, and its workflow template's approvers.
    private func mayReview(_ db: Database, _ caller: Caller, _ row: SecretRow, policy: AccessPolicy? = nil) throws -> Bool {
        let role = try policy.map { $0.secretRole(row) } ?? secretRole(db, caller, row, index: try secrets.folderIndex(db))
        if let role, role >= .owner { return true }
        let templateId = row.settings.accessRequestWorkflowMapId
        guard templateId > 0,
            let text = try String.fetchOne(
                db, sql: "SELECT configurationJson FROM workflow_template WHERE id = ? AND active = 1", arguments: [templateId]
            ), let configuration = try? WireCoding.makeDecoder().decode(JSONValue.self, from: Data(text.utf8))
        else { return false }
        let users = configuration["approverUserIds"]?.arrayValue?.compactMap { $0.intValue.map(Int64.init) } ?? []
        let groups = configuration["approverGroupIds"]?.arrayValue?.compactMap { $0.intValue.map(Int64.init) } ?? []
        return users.contains(caller.userId) || !caller.groupIds.isDisjoint(with: groups)
    }

    private func accessModel(_ db: Database, _ row: Row, caller: Caller) throws -> SecretAccessModel {
        let secretId: Int64 = row["secretId"]
        let userId: Int64 = row["userId"]
        let secret = try SecretRow.fetchOne(db, key: secretId)
        let approver = try (row["approverUserId"] as Int64?).flatMap { try UserRow.fetchOne(db, key: $0) }
        let status: String = row["status"]
        let templateId = secret?.settings.accessRequestWorkflowMapId ?? -1
        return SecretAccessModel(
            secretAccessRequestId: row["id"], secretId: Int(secretId), secretName: secret?.name,
            folderId: secret?.folderId.map { Int($0) } ?? -1, requestingUserId: Int(userId),
            requestUsername: try UserRow.fetchOne(db, key: userId)?.userName, status: status, statusDescription: status,
            requestComment: row["requestComment"], responseComment: row["responseComment"], ticketNumber: row["ticketNumber"],
            requestDate: WireDate.string(from: row["requestDate"]), responseDate: (row["responseDate"] as Date?).map(WireDate.string),
            startDate: WireDate.string(from: row["startDate"]), expirationDate: WireDate.string(from: row["expirationDate"]),
            approverDisplayName: approver?.displayName, completed: status != "Pending", hasWorkflow: templateId > 0,
            accessRequestWorkflowMapId: templateId, currentUserRestrictedFromReviewing: userId == caller.userId
        )
    }

    private func history(_ db: Database, requestId: Int64, action: String, caller: Caller, details: String?) throws {
        try db.execute(
            sql: "INSERT INTO access_request_history(requestId, action, userId, details, date) VALUES (?, ?, ?, ?, ?)",
            arguments: [requestId, action, caller.userId, details, now()])
    }

    /// Asks for access to a secret the caller can at least List.
    func createAccessRequest(secretId: Int64, comment: String?, ticketNumber: String?, start: Date?, end: Date?, caller: Caller) async throws
        -> SecretAccessModel
    {
        guard let comment = comment?.trimmingCharacters(in: .whitespaces), !comment.isEmpty else {
            throw EmulatorAPIError.invalid("RequestComment", "Say why you need access: RequestComment is required.")
        }
        let now = self.now()
        return try await writer.write { db in
            let row = try self.requireSecret(db, caller, id: secretId, .list)
            guard row.settings.requiresApprovalForAccess else {
                throw EmulatorAPIError.badRequest("API_ApprovalNotRequired", "This Secret does not require approval.")
            }
            var minutes = 60
            if row.settings.accessRequestWorkflowMapId > 0,
                let configured = try Int.fetchOne(
                    db, sql: "SELECT expirationMinutes FROM workflow_template WHERE id = ?", arguments: [row.settings.accessRequestWorkflowMapId]
                )
            {
                minutes = configured
            }
            let startDate = start ?? now
            let endDate = end ?? startDate.addingTimeInterval(Double(minutes) * 60)
            guard endDate > startDate else { throw EmulatorAPIError.invalid("ExpirationDate", "ExpirationDate must be after StartDate.") }
            try db.execute(
                sql: """
                    INSERT INTO access_request(secretId, userId, status, requestComment, ticketNumber, requestDate, startDate, expirationDate)
                    VALUES (?, ?, 'Pending', ?, ?, ?, ?, ?)
                    """, arguments: [secretId, caller.userId, comment, ticketNumber, now, startDate, endDate])
            let id = db.lastInsertedRowID
            try self.history(db, requestId: id, action: "Created", caller: caller, details: comment)
            return try self.accessModel(db, try Row.fetchOne(db, sql: "SELECT * FROM access_request WHERE id = ?", arguments: [id])!, caller: caller)
        }
    }

    /// Approves, denies or cancels a request. Reviewers approve and deny (never their own request); the requester
    /// cancels their own.
    func reviewAccessRequest(id: Int64, status: String?, comment: String?, start: Date?, end: Date?, caller: Caller) async throws
        -> SecretAccessModel
    {
        let valid = ["Approved", "Denied", "Canceled"]
        guard let status = valid.first(where: { $0.lowercased() == status?.lowercased() }) else {
            throw EmulatorAPIError.invalid("Status", "Status must be Approved, Denied or Canceled.")
        }
        let now = self.now()
        return try await writer.write { db in
            guard let request = try Row.fetchOne(db, sql: "SELECT * FROM access_request WHERE id = ?", arguments: [id]) else {
                throw EmulatorAPIError.accessDenied
            }
            let requester: Int64 = request["userId"]
            let secretId: Int64 = request["secretId"]
            guard let secret = try SecretRow.fetchOne(db, key: secretId) else { throw EmulatorAPIError.accessDenied }
            if status == "Canceled" {
                let reviewer = try self.mayReview(db, caller, secret)
                guard requester == caller.userId || reviewer else { throw EmulatorAPIError.accessDenied }
            } else {
                guard requester != caller.userId, try self.mayReview(db, caller, secret) else { throw EmulatorAPIError.accessDenied }
            }
            guard (request["status"] as String) == "Pending" || status == "Canceled" else {
                throw EmulatorAPIError.badRequest("API_AccessRequestCompleted", "The request was already \(request["status"] as String).")
            }
            try db.execute(
                sql: """
                    UPDATE access_request SET status = ?, responseComment = ?, responseDate = ?, approverUserId = ?,
                    startDate = COALESCE(?, startDate), expirationDate = COALESCE(?, expirationDate) WHERE id = ?
                    """, arguments: [status, comment, now, caller.userId, start, end, id])
            try self.history(db, requestId: id, action: status, caller: caller, details: comment)
            return try self.accessModel(db, try Row.fetchOne(db, sql: "SELECT * FROM access_request WHERE id = ?", arguments: [id])!, caller: caller)
        }
    }

    /// Requests the caller made (`mine`), or those they may review.
    func accessRequests(mine: Bool, status: String?, secretId: Int64?, caller: Caller) async throws -> [SecretAccessModel] {
        try await databaseRead { db in
            var sql = "SELECT * FROM access_request WHERE 1"
            var arguments: StatementArguments = []
            if let secretId {
                _ = try self.requireSecret(db, caller, id: secretId, .list)
                sql += " AND secretId = ?"
                arguments += [secretId]
            }
            if mine {
                sql += " AND userId = ?"
                arguments += [caller.userId]
            }
            if let status, !status.isEmpty {
                sql += " AND status = ? COLLATE NOCASE"
                arguments += [status]
            }
            var result: [SecretAccessModel] = []
            // One policy for every request listed, not a role lookup per row.
            let policy = try AccessPolicy(db, caller: caller, folders: try secrets.folderIndex(db))
            for row in try Row.fetchAll(db, sql: sql + " ORDER BY id DESC", arguments: arguments) {
                let requester: Int64 = row["userId"]
                let secretId: Int64 = row["secretId"]
                guard let secret = try SecretRow.fetchOne(db, key: secretId) else { continue }
                let reviewer = try self.mayReview(db, caller, secret, policy: policy)
                if requester == caller.userId || reviewer {
                    result.append(try self.accessModel(db, row, caller: caller))
                }
            }
            return result
        }
    }

    /// One request: for its requester and those who may review it.
    func accessRequest(id: Int64, caller: Caller) async throws -> SecretAccessModel {
        try await databaseRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM access_request WHERE id = ?", arguments: [id]) else {
                throw EmulatorAPIError.accessDenied
            }
            let requester: Int64 = row["userId"]
            let secretId: Int64 = row["secretId"]
            guard let secret = try SecretRow.fetchOne(db, key: secretId) else { throw EmulatorAPIError.accessDenied }
            let reviewer = try self.mayReview(db, caller, secret)
            guard requester == caller.userId || reviewer else { throw EmulatorAPIError.accessDenied }
            return try self.accessModel(db, row, caller: caller)
        }
    }

    func accessRequestHistory(id: Int64, caller: Caller) async throws -> [SecretAccessRequestHistoryModel] {
        _ = try await accessRequest(id: id, caller: caller)
        return try await databaseRead { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT h.action, h.details, h.date, u.displayName FROM access_request_history h LEFT JOIN user u ON u.id = h.userId
                    WHERE h.requestId = ? ORDER BY h.id
                    """, arguments: [id]
            ).map {
                SecretAccessRequestHistoryModel(
                    action: $0["action"], details: $0["details"], fullName: $0["displayName"],
                    dateRecorded: WireDate.string(from: $0["date"]))
            }
        }
    }

    // MARK: Workflow templates

    private func workflowModel(_ row: Row) -> WorkflowTemplateDetailModel {
        WorkflowTemplateDetailModel(
            workflowTemplateId: row["id"], name: row["name"], description: row["description"], active: row["active"],
            expirationMinutes: row["expirationMinutes"], configurationJson: row["configurationJson"], typeName: "Secret Access Request"
        )
    }

    func workflowTemplates(includeInactive: Bool, caller: Caller) async throws -> [WorkflowTemplateDetailModel] {
        try requireAdmin(caller)
        return try await databaseRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM workflow_template \(includeInactive ? "" : "WHERE active = 1") ORDER BY name COLLATE NOCASE")
                .map(self.workflowModel)
        }
    }

    func workflowTemplate(id: Int64, caller: Caller) async throws -> WorkflowTemplateDetailModel {
        try requireAdmin(caller)
        return try await databaseRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM workflow_template WHERE id = ?", arguments: [id]) else {
                throw EmulatorAPIError.accessDenied
            }
            return self.workflowModel(row)
        }
    }

    /// Creates a workflow template and returns its id (the real route answers a bare integer).
    func createWorkflowTemplate(name: String?, description: String?, expirationMinutes: Int?, configurationJson: String?, caller: Caller)
        async throws -> Int64
    {
        try requireAdmin(caller)
        guard let name = name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw EmulatorAPIError.invalid("Name", "The Name field is required.")
        }
        if let configurationJson, (try? WireCoding.makeDecoder().decode(JSONValue.self, from: Data(configurationJson.utf8))) == nil {
            throw EmulatorAPIError.invalid("ConfigurationJson", "ConfigurationJson must be JSON.")
        }
        return try await writer.write { db in
            try db.requireUnusedName(name, in: "workflow_template", code: "API_DuplicateWorkflowName", what: "workflow template")
            try db.execute(
                sql: "INSERT INTO workflow_template(name, description, active, expirationMinutes, configurationJson) VALUES (?, ?, 1, ?, ?)",
                arguments: [name, description, max(1, expirationMinutes ?? 60), configurationJson])
            return db.lastInsertedRowID
        }
    }
}
