import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

/// The secret search filters the spec lists: field search (`searchField`, `searchFieldSlug`, `isExactMatch`;
/// password fields never searched), `extendedFields`, ids, shares, roles, check-outs, restrictions, and the
/// filters the local server cannot honour refused with a 400 that names them, never ignored.
@Suite(.timeLimit(.minutes(5)))
struct SecretSearchFilterTests {
    func ids(_ client: SecretServerClient, _ query: [(String, String)]) async throws -> [Int] {
        let page = try await client.send(method: "GET", path: "/v1/secrets", query: query + [("take", "100")]).json()
        return (page["records"]?.arrayValue ?? []).compactMap { $0["id"]?.intValue }.sorted()
    }

    func make(
        _ client: SecretServerClient, template: Int, name: String, values: [String: String],
        settings: (inout SecretModel) -> Void = { _ in }
    ) async throws -> Int {
        var stub = try await client.secretStub(templateId: template)
        stub.name = name
        for (slug, value) in values { stub.setValue(value, forItem: slug) }
        settings(&stub)
        return try await client.createSecret(stub).id
    }

    @Test func fieldSearchesAndTheOtherFilters() async throws {
        try await TestEmulator.withClient { admin, server in
            let web1 = try await make(admin, template: 6007, name: "srv-a", values: ["machine": "web01", "username": "deploy", "notes": "rack 4"])
            let web2 = try await make(admin, template: 6007, name: "srv-b", values: ["machine": "web02", "username": "root"])
            let db = try await make(admin, template: 6007, name: "srv-c", values: ["machine": "db01", "username": "deploy"])
            let named = try await make(admin, template: 2, name: "db01 backup", values: ["username": "u", "password": "needle-in-password"]) {
                $0.requiresComment = true
            }

            #expect(try await ids(admin, [("filter.searchField", "Machine"), ("filter.searchText", "web")]) == [web1, web2])
            #expect(try await ids(admin, [("filter.searchField", "machine"), ("filter.searchText", "WEB01"), ("filter.isExactMatch", "true")]) == [web1])
            #expect(try await ids(admin, [("filter.searchFieldSlug", "username"), ("filter.searchText", "root")]) == [web2])
            // Password fields are never searched.
            #expect(try await ids(admin, [("filter.searchFieldSlug", "password"), ("filter.searchText", "needle")]).isEmpty)
            // extendedFields: the name, or any of the fields named.
            #expect(
                try await ids(admin, [("filter.extendedFields", "Machine"), ("filter.extendedFields", "Notes"), ("filter.searchText", "db01")])
                    == [db, named])
            #expect(try await ids(admin, [("filter.extFieldsCombined", "Notes"), ("filter.searchText", "rack")]) == [web1])
            // A secret that asks a comment to be read is not searched by value (only its name counts).
            #expect(try await ids(admin, [("filter.searchFieldSlug", "username"), ("filter.searchText", "u"), ("filter.isExactMatch", "true")]).isEmpty)
            #expect(try await ids(admin, [("filter.secretIds", "\(web1)"), ("filter.secretIds", "\(db)")]) == [web1, db])
            #expect(try await ids(admin, [("filter.includeRestricted", "false")]) == [web1, web2, db])
            #expect(try await ids(admin, [("filter.hasLauncher", "true")]).isEmpty)
            // The total agrees with the rows.
            let total = try await admin.send(
                method: "GET", path: "/v1/secrets/search-total",
                query: [("filter.searchField", "Machine"), ("filter.searchText", "web")]
            ).json()
            #expect(total.intValue == 2 || total["total"]?.intValue == 2, "\(total)")

            // Shares and roles, as another user sees them.
            let readerId = try await admin.createUser(NewUser(userName: "reader", password: "reader-Passw0rd")).id
            _ = try await admin.grant(.view, onSecret: web2, to: .user(readerId))
            let reader = try SecretServerClient(
                configuration: .init(
                    baseURL: server.baseURL, credentials: .password(username: "reader", password: "reader-Passw0rd"), retry: .none
                ))
            _ = try await admin.grant(.list, onSecret: web1, to: .user(readerId))
            do {
                // Values are searched only where the reader could read them: View on web02, List alone on web01.
                #expect(try await ids(reader, [("filter.searchField", "Machine"), ("filter.searchText", "web")]) == [web2])
                #expect(try await ids(reader, [("filter.onlySharedWithMe", "true")]) == [web1, web2])
                #expect(try await ids(reader, [("filter.permissionRequired", "Edit")]).isEmpty)
                #expect(try await ids(reader, [("filter.permissionRequired", "View")]) == [web2])
                #expect(try await ids(reader, [("filter.permissionRequired", "List")]) == [web1, web2])
            } catch {
                try? await reader.shutdown()
                throw error
            }
            try await reader.shutdown()
            #expect(try await ids(admin, [("filter.onlySharedWithMe", "true")]).isEmpty)

            // Check-outs.
            var checkOut = try await admin.secret(id: db)
            checkOut.checkOutEnabled = true
            _ = try await admin.updateSecret(checkOut)
            try await admin.checkOut(secretId: db)
            #expect(try await ids(admin, [("filter.onlyCheckedOutSecrets", "true")]) == [db])
            #expect(try await ids(admin, [("filter.onlySecretsCheckedOutByUser", "true")]) == [db])

            // Refused, never ignored.
            for (name, value) in [
                ("filter.scope", "Recent"), ("filter.recentMinDateTime", "2026-01-01T00:00:00"), ("filter.passwordTypeIds", "1"),
                ("filter.extendedTypeId", "3"),
            ] {
                await #expect { _ = try await ids(admin, [(name, value)]) } throws: { error in
                    guard let error = error as? SecretServerError else { return false }
                    return error.errorCode == "API_FilterNotSupported" && error.message.contains(name)
                }
            }
            #expect(try await ids(admin, [("filter.scope", "All")]).count == 4)
            await #expect(throws: SecretServerError.self) { _ = try await ids(admin, [("filter.permissionRequired", "Root")]) }
        }
    }
}
