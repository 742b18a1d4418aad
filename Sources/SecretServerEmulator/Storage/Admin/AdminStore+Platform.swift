import Foundation
import GRDB

/// Delinea Platform service users: the client id and secret the Platform front door's `xpmplatform` token route
/// takes, each signing in as a Secret Server user (its tokens are that user's on the Secret Server API).
extension AdminStore {
    /// The Secret Server user the seeded Platform service user maps to.
    static let platformServiceUserName = "platform-service"

    /// Makes sure the Platform service user `clientId` exists, mapped to the `platform-service` user (an ordinary
    /// user with the User role, made when missing: it reaches what is shared with it, as any user). With `secret`, its secret becomes that; a new client without one gets a
    /// generated secret, which is returned (it is stored hashed and cannot be shown again).
    func ensurePlatformClient(_ db: Database, clientId: String, secret: String?, now: Date) throws -> String? {
        let existing = try Row.fetchOne(db, sql: "SELECT userId FROM platform_client WHERE clientId = ?", arguments: [clientId])
        if existing != nil {
            if let secret {
                try db.execute(sql: "UPDATE platform_client SET secretHash = ? WHERE clientId = ?", arguments: [Self.secretHash(secret), clientId])
            }
            return nil
        }
        let userId: Int64
        if let found = try Int64.fetchOne(db, sql: "SELECT id FROM user WHERE userName = ? AND domain IS NULL", arguments: [Self.platformServiceUserName]) {
            userId = found
        } else {
            // It signs in only through the Platform: its password hash is random bytes, which no password hashes to.
            var user = UserRow(
                id: nil, userName: Self.platformServiceUserName, displayName: "Platform service user", domain: nil, emailAddress: nil,
                passwordHash: Data(Self.randomSecret().utf8), passwordSalt: hasher.makeSalt(), enabled: true, isAdmin: false,
                created: now, lastLogin: nil, loginFailures: 0, isApplicationAccount: true
            )
            try user.insert(db)
            userId = user.id ?? 0
            try db.execute(
                sql: "INSERT INTO role_assignment(roleId, userId) SELECT id, ? FROM role WHERE name = 'User'",
                arguments: [userId])
        }
        let chosen = secret ?? Self.randomSecret()
        try db.execute(
            sql: "INSERT INTO platform_client(clientId, userId, secretHash, created) VALUES (?, ?, ?, ?)",
            arguments: [clientId, userId, Self.secretHash(chosen), now]
        )
        return secret == nil ? chosen : nil
    }

    /// The user a Platform service user signs in as, or `nil` when the client is unknown, its secret wrong, or its
    /// user disabled or locked out.
    func authenticatePlatformClient(clientId: String, secret: String) async throws -> Int64? {
        try await databaseRead { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT userId, secretHash FROM platform_client WHERE clientId = ?", arguments: [clientId]
                )
            else { return nil }
            guard (row["secretHash"] as Data) == Self.secretHash(secret) else { return nil }
            let userId: Int64 = row["userId"]
            guard let user = try UserRow.fetchOne(db, key: userId), user.enabled, !user.isLockedOut else { return nil }
            return userId
        }
    }
}
