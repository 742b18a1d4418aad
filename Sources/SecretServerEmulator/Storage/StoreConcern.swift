import Foundation
import GRDB

/// One concern of the local server's data (`SecretsStore`, `AccessStore`, `DirectoryStore`, `AdminStore`): a
/// value over the one `EmulatorDatabase`, with what the database shares and the other concerns at hand.
protocol StoreConcern: Sendable {
    var database: EmulatorDatabase { get }
}

extension StoreConcern {
    var writer: any DatabaseWriter { database.writer }
    var cipher: ValueCipher { database.cipher }
    var hasher: PasswordHasher { database.hasher }
    var now: @Sendable () -> Date { database.now }
    var audits: AuditLog { database.audits }
    var requireTicketNumberWithComment: Bool { database.requireTicketNumberWithComment }
    var doubleLock: DoubleLockGuard { database.doubleLock }
    var readCache: ReadCache { database.readCache }

    /// `EmulatorDatabase.read(_:)`.
    func databaseRead<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(body)
    }

    /// Secrets, their fields and files, folders, templates, metadata and restricted access.
    var secrets: SecretsStore { SecretsStore(database: database) }
    /// Permissions, roles held, access requests and the read check.
    var access: AccessStore { AccessStore(database: database) }
    /// Users, groups and sign-in.
    var directory: DirectoryStore { DirectoryStore(database: database) }
    /// Roles, teams, sites, secret policies, SDK clients, scripts and Platform service users.
    var admin: AdminStore { AdminStore(database: database) }
}
