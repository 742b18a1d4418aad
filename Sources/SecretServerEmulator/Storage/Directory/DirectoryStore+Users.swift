import Foundation
import GRDB

extension DirectoryStore {
    /// Why a login failed.
    enum LoginFailure: Error {
        case badCredentials
        case disabled
        case lockedOut
    }

    /// Checks a username/password (and domain), recording the login or the failure.
    ///
    /// After `lockAfter` failures in a row the user is locked out (0: never).
    /// - Parameter secondFactor: checks the user's second factor (the two-factor mode's code) once the password is
    ///   right; a refusal counts as a failed sign-in, towards the lockout, like a wrong password.
    func authenticate(
        userName: String, password: String, domain: String?, lockAfter: Int = 0, secondFactor: (UserRow) -> Bool = { _ in true }
    ) async throws -> Result<UserRow, LoginFailure> {
        let normalizedDomain = domain.flatMap { $0.isEmpty ? nil : $0 }
        let candidate = try await databaseRead { db in
            try UserRow
                .filter(Column("userName") == userName)
                .filter(Column("domain") == normalizedDomain)
                .fetchOne(db)
        }
        guard let user = candidate, let id = user.id else {
            // Spend the same time as a real check, so timing does not tell which names exist.
            _ = hasher.verify(password, hash: Data(count: 32), salt: hasher.makeSalt())
            return .failure(.badCredentials)
        }
        // The second factor only once the password is right: a code says nothing about a wrong password.
        let valid = hasher.verify(password, hash: user.passwordHash, salt: user.passwordSalt) && secondFactor(user)
        let now = self.now()
        try await writer.write { db in
            if valid {
                // A locked-out user's right password does not count as a login.
                if !user.isLockedOut {
                    try db.execute(sql: "UPDATE user SET lastLogin = ?, loginFailures = 0 WHERE id = ?", arguments: [now, id])
                }
            } else {
                try db.execute(sql: "UPDATE user SET loginFailures = loginFailures + 1 WHERE id = ?", arguments: [id])
                // Anyone can send wrong passwords for any name, so a lockout of the last administrator who can sign
                // in would lock everyone out of administering the server: that one is only slowed by the
                // per-address throttle.
                // (Looked at only when this failure reaches the limit.)
                if lockAfter > 0, user.loginFailures + 1 >= lockAfter, try !self.isLastActiveAdministrator(db, userId: id) {
                    try db.execute(
                        sql: "UPDATE user SET isLockedOut = 1 WHERE id = ? AND loginFailures >= ?", arguments: [id, lockAfter]
                    )
                }
            }
        }
        guard valid else { return .failure(.badCredentials) }
        guard user.enabled else { return .failure(.disabled) }
        guard !user.isLockedOut else { return .failure(.lockedOut) }
        return .success(user)
    }

    /// Whether `userId` is an administrator and no other enabled, unlocked administrator exists (by the flag or the
    /// Administrator role, also through an enabled group), in one query for the others.
    func isLastActiveAdministrator(_ db: Database, userId: Int64) throws -> Bool {
        guard let user = try UserRow.fetchOne(db, key: userId), try user.isAdmin || access.holdsAdministratorRole(db, userId: userId) else {
            return false
        }
        let others =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM user u WHERE u.id != ? AND u.enabled = 1 AND u.isLockedOut = 0 AND (u.isAdmin = 1 OR EXISTS (
                        SELECT 1 FROM role_assignment a JOIN role r ON r.id = a.roleId
                        WHERE r.name = 'Administrator' AND r.isSystem = 1 AND r.enabled = 1
                        AND (a.userId = u.id OR a.groupId IN (SELECT m.groupId FROM group_member m JOIN "group" g ON g.id = m.groupId
                                                              WHERE m.userId = u.id AND g.enabled = 1))))
                    """, arguments: [userId]) ?? 0
        return others == 0
    }

    /// The caller behind a live token; a disabled or locked-out user's token stops working at once (any write
    /// empties the read cache).
    func caller(userId: Int64) async throws -> Caller {
        if let cached = readCache.caller(userId: userId) { return cached }
        let generation = readCache.generation
        let caller = try await databaseRead { db in
            guard let user = try UserRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM user WHERE id = ?"), arguments: [userId]),
                user.enabled, !user.isLockedOut
            else {
                throw EmulatorAPIError.expiredToken
            }
            if user.isAdmin { return Caller(userId: userId, isAdmin: true) }
            return try access.caller(db, userId: userId, isAdmin: try access.holdsAdministratorRole(db, userId: userId))
        }
        readCache.store(caller: caller, generation: generation)
        return caller
    }

    func user(id: Int64) async throws -> UserRow? {
        try await databaseRead { db in try UserRow.fetchOne(db, key: id) }
    }

    /// Sets a user's password (hashing it). A reset also ends a lockout: the failures were against the old one.
    func setPassword(_ db: Database, userId: Int64, password: String) throws {
        let salt = hasher.makeSalt()
        let hash = try hasher.hash(password, salt: salt)
        try db.execute(
            sql: "UPDATE user SET passwordHash = ?, passwordSalt = ?, loginFailures = 0, isLockedOut = 0 WHERE id = ?",
            arguments: [hash, salt, userId]
        )
    }
}
