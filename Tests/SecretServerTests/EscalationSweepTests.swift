import Foundation
import GRDB
import Logging
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

/// A user who may only view one folder, view one secret and list another tries every write route the local server
/// serves, on those objects, on its own user, its group and its own permissions: every attempt is refused, and
/// the database (every table but the audit trail) is byte for byte what it was after each attempt.
@Suite(.timeLimit(.minutes(5)))
struct EscalationSweepTests {
    /// Write routes a user with View may call by design; the sweep does not send them. Each says why.
    static let allowedByDesign: [String: String] = [
        "POST /api/v1/oauth-expiration": "signs the caller out (revokes their own token)",
        "POST /api/v1/secret-access-requests": "asks for access; grants nothing until an approver says yes",
        "POST /api/v1/secrets/{id}/check-out": "View is enough to check a secret out, as on the real server",
        "POST /api/v1/secrets/{id}/check-in": "checks in what the caller checked out",
        "POST /api/v1/secrets/{id}/extend-check-out": "extends the caller's own check-out",
        "POST /api/v1/secrets/{id}/restricted": "a read that carries a comment or ticket",
        "POST /api/v1/secrets/{id}/restricted/fields/{slug}": "a read that carries a comment or ticket",
        "POST /api/v1/secret-templates/generate-password/{fieldId}": "generates a password; stores nothing",
    ]

    @Test func viewOnlyUserCannotChangeAnythingThroughAnyWriteRoute() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("sweep.sqlite")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let served = try EmulatorApplication.registeredRoutes(TestEmulator.configuration(), logger: logger)
        let writes = Set(served.compactMap(Self.writeRoute)).subtracting(Self.allowedByDesign.keys).sorted()
        #expect(writes.count > 40, "\(writes)")

        try await TestEmulator.withClient(TestEmulator.configuration(storage: .file(path: path))) { admin, server in
            // The objects: a folder the user may view (and its secrets), a secret it may only list, its group, a
            // second user, metadata, a team and an SDK rule.
            let viewer = try await admin.createUser(NewUser(userName: "viewer", password: "viewer-Passw0rd"))
            let other = try await admin.createUser(NewUser(userName: "other", password: "other-Passw0rd"))
            let group = try await admin.createGroup(name: "viewers")
            try await admin.addGroupMember(groupId: group.id, userId: viewer.id)
            let folder = try await admin.createFolders(path: "\\Viewable")
            let folderGrant = try await admin.grant(.view, onFolder: folder.id, secrets: .view, to: .group(group.id))
            var stub = try await admin.secretStub(templateId: 2, folderId: folder.id)
            stub.name = "viewable"
            stub.setValue("u", forItem: "username")
            stub.setValue("Sweep-Secret-1", forItem: "password")
            let viewable = try await admin.createSecret(stub)
            stub.name = "listed"
            stub.folderId = -1
            let listed = try await admin.createSecret(stub)
            let listGrant = try await admin.grant(.list, onSecret: listed.id, to: .user(viewer.id))
            let viewGrant = try await admin.grant(.view, onSecret: viewable.id, to: .user(viewer.id))
            let metadata = try await admin.setMetadata(on: .secret, id: viewable.id, section: "Ops", field: "owner", value: .string("db team"))
            let team = try await admin.createTeam(name: "ops")
            let rule = try await admin.createSdkClientRule(name: "ci", userId: other.id)

            var configuration = TestEmulator.clientConfiguration(server, retry: .none)
            configuration.credentials = .password(username: "viewer", password: "viewer-Passw0rd")
            try await SecretServerClient.withClient(configuration: configuration) { user in
                // The user's own view of the secret is the base of the bodies it sends (a save of what it sees).
                let seen = try await user.send(method: "GET", path: "/v1/secrets/\(viewable.id)").json()
                let passwordField = viewable.item("password")?.fieldId ?? 0
                let database = try DatabasePool(path: path, configuration: Self.readOnly)
                var before = try await Self.snapshot(database)

                var substitutions: [String: [String]] = [
                    "secrets": ["\(viewable.id)", "\(listed.id)"], "folders": ["\(folder.id)"],
                    "users": ["\(viewer.id)", "\(other.id)"], "groups": ["\(group.id)"],
                    "secret-permissions": ["\(viewGrant.id)", "\(listGrant.id)"], "folder-permissions": ["\(folderGrant.id)"],
                    "teams": ["\(team.teamId)"], "sdk-client-rules": ["\(rule.id)"], "sdk-client-accounts": ["1"],
                    "roles": ["1", "2"], "secret-policy": ["1"], "userscripts": ["1"],
                ]
                substitutions["metadata"] = ["secret/\(viewable.id)"]
                var attempts = 0
                var denied = 0
                for route in writes {
                    for url in Self.urls(
                        for: route, substitutions: substitutions, userId: viewer.id, groupId: group.id,
                        fieldId: passwordField, dataId: metadata.metadataItemDataId)
                    {
                        let method = String(route.split(separator: " ")[0])
                        let body = Self.escalatingBody(
                            seen: seen, viewerId: viewer.id, groupId: group.id, secretId: viewable.id,
                            folderId: folder.id, dataId: metadata.metadataItemDataId)
                        attempts += 1
                        do {
                            let answer = try await user.send(method: method, path: url, body: body)
                            Issue.record("\(method) \(url) was answered \(answer.status): \(String(decoding: answer.body.prefix(200), as: UTF8.self))")
                        } catch let error as SecretServerError {
                            #expect((400..<500).contains(error.status ?? 0), "\(method) \(url): \(error)")
                            if error.errorCode == "API_AccessDenied" { denied += 1 }
                        }
                        let after = try await Self.snapshot(database)
                        if after != before {
                            let changed = after.keys.filter { after[$0] != before[$0] }.sorted()
                            Issue.record("\(method) \(url) changed \(changed)")
                            before = after
                        }
                    }
                }
                try database.close()
                #expect(attempts > writes.count)
                // Most refusals are the permission check itself, not a complaint about the body.
                #expect(denied * 10 >= attempts * 8, "only \(denied) of \(attempts) attempts were refused as access denied")
                // And the secret still reads as the admin wrote it.
                #expect(try await admin.secret(id: viewable.id).item("password")?.itemValue == "Sweep-Secret-1")
            }
        }
    }

    static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }

    /// `POST /api/v1/folders/{id}` for a served write route under `/api`, or `nil`.
    static func writeRoute(_ line: String) -> String? {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["POST", "PUT", "PATCH", "DELETE"].contains(parts[0].uppercased()),
            parts[1].hasPrefix("/api/")
        else { return nil }
        let path = parts[1].split(separator: "/").map { segment -> String in
            if segment.hasPrefix(":") { return "{\(segment.dropFirst())}" }
            return String(segment)
        }.joined(separator: "/")
        return "\(parts[0].uppercased()) /\(path)"
    }

    /// The concrete paths (below `/api`) the sweep sends for `route`: every id of the objects it names.
    static func urls(
        for route: String, substitutions: [String: [String]], userId: Int, groupId: Int, fieldId: Int,
        dataId: Int
    ) -> [String] {
        let path = String(route.split(separator: " ")[1].dropFirst("/api".count))
        let segments = path.split(separator: "/").map(String.init)
        var results = [""]
        for (index, segment) in segments.enumerated() {
            var choices = [segment]
            if segment.hasPrefix("{") {
                let previous = index > 0 ? segments[index - 1] : ""
                switch segment {
                case "{userId}": choices = ["\(userId)"]
                case "{slug}": choices = ["password"]
                case "{fieldId}": choices = ["\(fieldId)"]
                case "{dataId}": choices = ["\(dataId)"]
                case "{itemType}": choices = ["secret"]
                case "{itemId}": choices = substitutions["secrets"] ?? ["1"]
                case "{scriptId}": choices = ["1"]
                default: choices = substitutions[previous] ?? ["1"]
                }
                if previous == "groups", segment == "{id}" { choices = ["\(groupId)"] }
            }
            results = results.flatMap { prefix in choices.map { prefix + "/" + $0 } }
        }
        return results
    }

    /// One body that asks for as much as possible at once: the secret as the user sees it, renamed and with new
    /// values, plus every field the other write routes read (owner roles, the user itself, admin flags).
    static func escalatingBody(seen: JSONValue, viewerId: Int, groupId: Int, secretId: Int, folderId: Int, dataId: Int) -> Data {
        var object = seen.objectValue ?? JSONObject([])
        var items = seen["items"]?.arrayValue ?? []
        for index in items.indices {
            if var item = items[index].objectValue {
                item["itemValue"] = .string("escalated")
                items[index] = .object(item)
            }
        }
        let extras: [(String, JSONValue)] = [
            ("items", .array(items)), ("name", .string("escalated")), ("folderName", .string("escalated")),
            ("parentFolderId", .int(-1)), ("folderId", .int(Int64(folderId))), ("secretId", .int(Int64(secretId))),
            ("secretTemplateId", .int(2)), ("userId", .int(Int64(viewerId))), ("groupId", .int(Int64(groupId))),
            ("userName", .string("escalated")), ("password", .string("Escalated-Passw0rd1")),
            ("displayName", .string("Escalated")), ("enabled", .bool(true)), ("isLockedOut", .bool(false)),
            ("isApplicationAccount", .bool(false)), ("value", .string("escalated")), ("newPassword", .string("Escalated-Passw0rd1")),
            ("secretAccessRoleName", .string("Owner")), ("folderAccessRoleName", .string("Owner")),
            ("roleIds", .array([.int(1), .int(2)])), ("roleId", .int(1)), ("userIds", .array([.int(Int64(viewerId))])),
            ("groupIds", .array([.int(Int64(groupId))])), ("status", .string("Approved")), ("active", .bool(true)),
            ("secretPolicyId", .int(1)), ("inheritPermissions", .bool(false)),
            ("metadataFieldSectionName", .string("Ops")), ("metadataFieldName", .string("owner")),
            ("fieldDataType", .string("String")), ("valueString", .string("escalated")),
            ("requireOnboardingKey", .bool(false)), ("script", .string("escalated")),
            ("metadataItemDataId", .int(Int64(dataId))), ("clientId", .string("6F1D3A52-9C1B-4D47-8E0F-2A4B5C6D7E8F")),
            (
                "data",
                .object(
                    JSONObject([
                        ("name", .object(JSONObject([("dirty", .bool(true)), ("value", .string("escalated"))]))),
                        ("active", .object(JSONObject([("dirty", .bool(true)), ("value", .bool(true))]))),
                        ("enabled", .object(JSONObject([("dirty", .bool(true)), ("value", .bool(true))]))),
                        ("valueString", .string("escalated")), ("metadataFieldSectionName", .string("Ops")),
                        ("metadataFieldName", .string("owner")), ("fieldDataType", .string("String")),
                    ]))
            ),
        ]
        for (key, value) in extras { object[key] = value }
        return (try? WireCoding.makeEncoder().encode(JSONValue.object(object))) ?? Data("{}".utf8)
    }

    /// Every row of every table but the audit trail, as text, by table.
    static func snapshot(_ database: DatabasePool) async throws -> [String: String] {
        try await database.read { db in
            let tables = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                    AND name NOT LIKE '%audit%' ORDER BY name
                    """)
            var result: [String: String] = [:]
            for table in tables {
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY rowid")
                result[table] = rows.map(\.description).joined(separator: "\n")
            }
            return result
        }
    }
}
