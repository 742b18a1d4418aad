import Crypto
import Foundation
import GRDB
import SecretServerModels

/// SDK client onboarding: rules with onboarding keys, accounts with client secrets, and their sign-in.
extension AdminStore {
    static let onboardingKeyContext = "sdk-client-rule-onboarding-key"

    /// The client secret's hash. Client secrets are long random strings, so a fast hash is enough.
    static func secretHash(_ secret: String) -> Data { Data(SHA256.hash(data: Data(secret.utf8))) }

    static func randomSecret(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    private func ruleModel(_ db: Database, _ row: Row) throws -> SdkClientRuleModel {
        let userId: Int64 = row["userId"]
        return SdkClientRuleModel(
            id: row["id"], name: row["name"], details: row["details"], requireOnboardingKey: row["requireOnboardingKey"],
            userId: Int(userId), userDisplayName: try UserRow.fetchOne(db, key: userId)?.displayName
        )
    }

    func sdkClientRules(caller: Caller) async throws -> [SdkClientRuleModel] {
        try access.requireAdmin(caller)
        return try await databaseRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sdk_client_rule ORDER BY name COLLATE NOCASE").map { try self.ruleModel(db, $0) }
        }
    }

    func sdkClientRule(id: Int64, caller: Caller) async throws -> SdkClientRuleModel {
        try access.requireAdmin(caller)
        return try await databaseRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sdk_client_rule WHERE id = ?", arguments: [id]) else {
                throw EmulatorAPIError.accessDenied
            }
            return try self.ruleModel(db, row)
        }
    }

    /// Creates a rule with a new onboarding key: administrators only.
    func createSdkClientRule(name: String?, details: String?, requireOnboardingKey: Bool?, userId: Int64?, caller: Caller) async throws
        -> SdkClientRuleModel
    {
        try access.requireAdmin(caller)
        guard let name = name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw EmulatorAPIError.invalid("Name", "The Name field is required.")
        }
        guard let userId else { throw EmulatorAPIError.invalid("UserId", "The UserId field is required (the application user accounts act as).") }
        let sealedKey = try cipher.sealString(Self.randomSecret(), context: Self.onboardingKeyContext)
        return try await writer.write { db in
            guard try UserRow.fetchOne(db, key: userId) != nil else { throw EmulatorAPIError.accessDenied }
            try db.requireUnusedName(name, in: "sdk_client_rule", code: "API_DuplicateSdkClientRule", what: "rule")
            try db.execute(
                sql: "INSERT INTO sdk_client_rule(name, details, requireOnboardingKey, userId, onboardingKey) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, details, requireOnboardingKey ?? true, userId, sealedKey]
            )
            let row = try Row.fetchOne(db, sql: "SELECT * FROM sdk_client_rule WHERE id = ?", arguments: [db.lastInsertedRowID])!
            return try self.ruleModel(db, row)
        }
    }

    func deleteSdkClientRule(id: Int64, caller: Caller) async throws {
        try access.requireAdmin(caller)
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM sdk_client_rule WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { throw EmulatorAPIError.accessDenied }
        }
    }

    /// A rule's onboarding key: administrators only.
    func onboardingKey(ruleId: Int64, caller: Caller) async throws -> String {
        try access.requireAdmin(caller)
        return try await databaseRead { db in
            guard let sealed = try Data.fetchOne(db, sql: "SELECT onboardingKey FROM sdk_client_rule WHERE id = ?", arguments: [ruleId]) else {
                throw EmulatorAPIError.accessDenied
            }
            return try self.cipher.openString(sealed, context: Self.onboardingKeyContext)
        }
    }

    /// Onboards an SDK client (no sign-in needed): the rule by name, and its key when it requires one. Returns the
    /// account with its client secret, which is kept only as a hash.
    func onboardSdkClient(clientId: String?, name: String?, details: String?, ruleName: String?, onboardingKey: String?, ipAddress: String?)
        async throws -> SdkClientAccountModel
    {
        guard let clientId = clientId?.trimmingCharacters(in: .whitespaces), UUID(uuidString: clientId) != nil else {
            throw EmulatorAPIError.invalid("ClientId", "ClientId must be a UUID.")
        }
        let secret = Self.randomSecret()
        let now = self.now()
        return try await writer.write { db in
            guard let ruleName, let rule = try Row.fetchOne(db, sql: "SELECT * FROM sdk_client_rule WHERE name = ?", arguments: [ruleName])
            else { throw EmulatorAPIError.accessDenied }
            if rule["requireOnboardingKey"] as Bool {
                let key = try self.cipher.openString(rule["onboardingKey"], context: Self.onboardingKeyContext)
                guard let onboardingKey, Self.secretHash(onboardingKey) == Self.secretHash(key) else { throw EmulatorAPIError.accessDenied }
            }
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sdk_client_account WHERE clientId = ?", arguments: [clientId]) ?? 0 > 0 {
                throw EmulatorAPIError.badRequest("API_DuplicateSdkClient", "That client id is already onboarded.")
            }
            let userId: Int64 = rule["userId"]
            let accountName = name.flatMap { $0.isEmpty ? nil : $0 } ?? clientId
            try db.execute(
                sql: "INSERT INTO sdk_client_account(clientId, name, details, userId, secretHash, revoked, ipAddress, created) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                arguments: [clientId.lowercased(), accountName, details, userId, Self.secretHash(secret), ipAddress, now]
            )
            return SdkClientAccountModel(
                id: Int(db.lastInsertedRowID), clientId: clientId.lowercased(), clientSecret: secret, name: accountName, details: details,
                userId: Int(userId), userDisplayName: try UserRow.fetchOne(db, key: userId)?.displayName, ipAddress: ipAddress
            )
        }
    }

    func sdkClientAccounts(caller: Caller) async throws -> [SdkClientAccountModel] {
        try access.requireAdmin(caller)
        return try await databaseRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sdk_client_account WHERE revoked = 0 ORDER BY id").map { row in
                let userId: Int64 = row["userId"]
                return SdkClientAccountModel(
                    id: row["id"], clientId: row["clientId"], name: row["name"], details: row["details"], userId: Int(userId),
                    userDisplayName: try UserRow.fetchOne(db, key: userId)?.displayName, ipAddress: row["ipAddress"]
                )
            }
        }
    }

    /// Revokes an SDK client account (administrators): its client secret stops working at once. Returns its client
    /// id, whose issued tokens the caller ends.
    func revokeSdkClient(id: Int64, caller: Caller) async throws -> String {
        try access.requireAdmin(caller)
        return try await writer.write { db in
            try db.execute(sql: "UPDATE sdk_client_account SET revoked = 1 WHERE id = ? AND revoked = 0", arguments: [id])
            guard db.changesCount > 0,
                let clientId = try String.fetchOne(db, sql: "SELECT clientId FROM sdk_client_account WHERE id = ?", arguments: [id])
            else { throw EmulatorAPIError.accessDenied }
            return clientId
        }
    }

    /// The user an SDK client signs in as (`client_id = sdk-client-<clientId>`), or `nil`.
    func authenticateSdkClient(clientId: String, secret: String) async throws -> Int64? {
        try await databaseRead { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT userId, secretHash FROM sdk_client_account WHERE clientId = ? AND revoked = 0", arguments: [clientId.lowercased()]
                )
            else { return nil }
            guard (row["secretHash"] as Data) == Self.secretHash(secret) else { return nil }
            let userId: Int64 = row["userId"]
            guard let user = try UserRow.fetchOne(db, key: userId), user.enabled, !user.isLockedOut else { return nil }
            return userId
        }
    }
}
