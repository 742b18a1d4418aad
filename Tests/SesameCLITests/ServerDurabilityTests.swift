import Foundation
import GRDB
import SecretServer
import SecretServerModels
import SesameTestSupport
import Synchronization
import Testing

/// `sesame server --dev --database FILE` killed with SIGKILL in the middle of concurrent writes loses nothing it
/// answered, half-writes nothing, and leaves a database that passes SQLite's integrity check.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ServerDurabilityTests {
    static let password = "Durable-Admin-Passw0rd!"

    func client(_ server: SesameProcess.Server) throws -> SecretServerClient {
        try SecretServerClient(
            configuration: .init(
                baseURL: server.baseURL, credentials: .password(username: "admin", password: Self.password),
                timeouts: .init(connect: .seconds(2), request: .seconds(10)), retry: .none
            ))
    }

    @Test func sigkillDuringAThousandConcurrentWritesLosesNothingAnswered() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = directory.file("durable.sqlite")
        let total = 1_000
        let answered = Answered()

        let first = try await SesameProcess.Server.start(arguments: ["--database", database], adminPassword: Self.password)
        let api = try client(first)
        var stub = try await api.secretStub(templateId: 2)
        stub.setValue("durable-user", forItem: "username")
        let template = stub
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<total {
                if index >= 64 { await group.next() }
                group.addTask {
                    // After the kill nothing more is sent (each would wait for the connect timeout).
                    guard !answered.killed.load(ordering: .relaxed) else { return }
                    var secret = template
                    secret.name = "durable-\(index)"
                    secret.setValue("durable-value-\(index)", forItem: "password")
                    secret.setValue(String(repeating: "note \(index) ", count: 50), forItem: "notes")
                    guard let made = try? await api.createSecret(secret) else { return }
                    let count = answered.ids.withLock { ids in
                        ids[made.name] = made.id
                        return ids.count
                    }
                    // Killed mid-run: a good share answered, many more in flight or not yet sent.
                    if count == 300 {
                        answered.killed.store(true, ordering: .relaxed)
                        first.kill()
                    }
                }
            }
        }
        try? await api.shutdown()
        let confirmed = answered.ids.withLock { $0 }
        #expect(first.process.terminationReason == .uncaughtSignal)
        #expect(confirmed.count >= 300 && confirmed.count < total, "\(confirmed.count) answered")

        // SQLite's own check, on the file as the killed process left it (the WAL is recovered on open).
        let queue = try DatabaseQueue(path: database)
        let integrity = try await queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        #expect(integrity == ["ok"])
        let foreignKeys = try await queue.read { try Row.fetchAll($0, sql: "PRAGMA foreign_key_check") }
        #expect(foreignKeys.isEmpty)
        try queue.close()

        let second = try await SesameProcess.Server.start(arguments: ["--database", database], adminPassword: Self.password)
        defer { second.stop() }
        let reader = try client(second)
        do {
            let stored = try await reader.searchSecrets(SecretSearch(text: "durable-")).collect()
            let storedIds = Dictionary(stored.map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
            #expect(stored.count == storedIds.count, "a create was stored twice")
            // Every answered write is there, under the id it was answered with.
            for (name, id) in confirmed { #expect(storedIds[name] == id, "\(name) was answered but is gone") }
            // Every stored secret, answered or not, is whole: every field, values that decrypt to what was sent.
            for summary in stored {
                let secret = try await reader.secret(id: summary.id)
                let index = try #require(Int(secret.name.dropFirst("durable-".count)))
                #expect(secret.item("username")?.itemValue == "durable-user")
                #expect(secret.item("password")?.itemValue == "durable-value-\(index)")
                #expect(secret.item("notes")?.itemValue == String(repeating: "note \(index) ", count: 50))
            }
        } catch {
            try? await reader.shutdown()
            throw error
        }
        try await reader.shutdown()
    }
}

/// Name -> id of every create answered 200, shared by the writing tasks.
private final class Answered: Sendable {
    let ids = Mutex<[String: Int]>([:])
    let killed = Atomic<Bool>(false)
}
