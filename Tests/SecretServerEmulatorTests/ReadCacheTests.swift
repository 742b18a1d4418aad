import Foundation
import GRDB
import Logging
import Testing

@testable import SecretServerEmulator

/// What empties the server's read cache: every change a cached caller or secret could show, and nothing else.
@Suite(.timeLimit(.minutes(5))) struct ReadCacheTests {
    static func store() throws -> EmulatorStore {
        let configuration = EmulatorConfiguration(adminPassword: "Admin-Pass-123", passwordHashCost: 4)
        return try EmulatorStore.open(configuration, logger: Logger(label: "test")).store
    }

    @Test func signingInKeepsTheCache() async throws {
        let store = try Self.store()
        _ = try await store.directory.caller(userId: Seed.adminId)
        let generation = store.readCache.generation
        let signedIn = try await store.directory.authenticate(userName: "admin", password: "Admin-Pass-123", domain: nil)
        #expect((try? signedIn.get()) != nil)
        _ = try await store.directory.authenticate(userName: "admin", password: "wrong", domain: nil)
        #expect(store.readCache.generation == generation)
        #expect(store.readCache.caller(userId: Seed.adminId) != nil)
    }

    @Test func otherChangesToUsersEmptyIt() async throws {
        let store = try Self.store()
        for change in [
            "UPDATE user SET enabled = 0 WHERE id = 2", "UPDATE user SET isLockedOut = 1 WHERE id = 2",
            "UPDATE user SET lastLogin = NULL, isAdmin = 0 WHERE id = 2",
        ] {
            _ = try? await store.directory.caller(userId: Seed.adminId)
            let generation = store.readCache.generation
            try await store.writer.write { db in try db.execute(sql: change) }
            #expect(store.readCache.generation != generation, "\(change)")
            #expect(store.readCache.caller(userId: Seed.adminId) == nil, "\(change)")
            try await store.writer.write { db in
                try db.execute(sql: "UPDATE user SET enabled = 1, isLockedOut = 0, isAdmin = 1 WHERE id = 2")
            }
        }
    }
}
