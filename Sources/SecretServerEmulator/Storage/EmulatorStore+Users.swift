import Foundation
import GRDB

extension EmulatorStore {
    /// Why a login failed.
    enum LoginFailure: Error {
        case badCredentials
        case disabled
        case lockedOut
    }

    /// Checks a username/password (and domain), recording the login or the failure.
    /// After `lockAfter` failures in a row the user is locked out (0: never).
    func authenticate(userName: String, password: String, domain: String?, lockAfter: Int = 0) async throws -> Result<UserRow, LoginFailure> {
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
        let valid = hasher.verify(password, hash: user.passwordHash, salt: user.passwordSalt)
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
                if lockAfter > 0, try !self.isLastActiveAdministrator(db, userId: id) {
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

    /// Whether `userId` is an administrator and no other enabled, unlocked administrator exists.
    func isLastActiveAdministrator(_ db: Database, userId: Int64) throws -> Bool {
        func isAdministrator(_ user: UserRow) throws -> Bool {
            guard let id = user.id else { return false }
            return try user.isAdmin || holdsAdministratorRole(db, userId: id)
        }
        guard let user = try UserRow.fetchOne(db, key: userId), try isAdministrator(user) else { return false }
        let others = try UserRow.filter(Column("id") != userId).filter(Column("enabled") == true).filter(Column("isLockedOut") == false)
            .fetchAll(db)
        return try !others.contains { try isAdministrator($0) }
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
            return try self.caller(db, userId: userId, isAdmin: try self.holdsAdministratorRole(db, userId: userId))
        }
        readCache.store(caller: caller, generation: generation)
        return caller
    }

    func user(id: Int64) async throws -> UserRow? {
        try await databaseRead { db in try UserRow.fetchOne(db, key: id) }
    }
}
