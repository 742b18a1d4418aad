import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

/// One access rule for a secret's values, whatever route asks for them: every route that answers values or writes
/// them is walked with a user who lacks each condition (a comment, a ticket number, an approved request, the
/// check-out, the DoubleLock password); each refuses with the condition's error, shows no value, and changes
/// nothing. With the condition met, the same routes answer. Edit cannot switch a restriction off.
@Suite(.timeLimit(.minutes(5)), .serialized)
struct ValueAccessRuleTests {
    static let value = "Guarded-Value-77"

    /// A condition a secret can ask for, how to set it up, what its refusal says, and what meets it.
    struct Condition: CustomStringConvertible, Sendable {
        var name: String
        var settings: @Sendable (inout SecretModel) -> Void
        var errorCode: String
        /// What a request that meets the condition sends (as SecretRestrictedArgs / query).
        var meets: [String: JSONValue]
        var description: String { name }
    }

    static let conditions: [Condition] = [
        Condition(
            name: "comment", settings: { $0.requiresComment = true }, errorCode: "API_ValidateSecretAccessCommentRequired",
            meets: ["comment": "INC-1", "ticketNumber": "T-1"]),
        Condition(
            name: "ticket", settings: { $0.requiresComment = true }, errorCode: "API_ValidateSecretAccessTicketNumberRequired",
            meets: ["comment": "INC-1", "ticketNumber": "T-1"]),
        Condition(
            name: "approval", settings: { $0.requiresApprovalForAccess = true }, errorCode: "API_ValidateSecretAccessApprovalRequired",
            meets: [:]),
        Condition(name: "check-out", settings: { $0.checkOutEnabled = true }, errorCode: "API_SecretCheckedOut", meets: [:]),
        Condition(
            name: "double lock", settings: { $0.isDoubleLock = true }, errorCode: "API_DoubleLockPasswordRequired",
            meets: ["doubleLockPassword": "Bob-DoubleLock-1"]),
    ]

    /// A route that answers or writes values: how to call it with `args` (the restricted options a request sends).
    struct Route: CustomStringConvertible {
        var method: String
        var path: String
        /// The body, made from the secret as read by its owner and the options sent.
        var body: (SecretModel, [String: JSONValue]) throws -> Data?
        var writes: Bool
        /// Whether the route carries the restricted options as query options (GET, and a multipart upload): then a
        /// ticket number or DoubleLock password cannot be sent, only `autoComment`.
        var optionsInQuery = false
        var contentType = "application/json"
        var description: String { "\(method) \(path)" }
    }

    static func routes(_ id: Int) -> [Route] {
        func object(_ members: [String: JSONValue]) throws -> Data {
            try WireCoding.makeEncoder().encode(JSONValue.object(JSONObject(members.map { ($0.key, $0.value) })))
        }
        func saved(_ secret: SecretModel, _ args: [String: JSONValue], path: String = "items") throws -> Data {
            var json = try WireCoding.makeDecoder().decode(JSONValue.self, from: try WireCoding.makeEncoder().encode(secret)).objectValue!
            for (key, value) in args { json[key] = value }
            json["items"] = .array([.object(JSONObject([("slug", "notes"), ("itemValue", "changed by the rule test")]))])
            return try WireCoding.makeEncoder().encode(JSONValue.object(json))
        }
        return [
            Route(method: "GET", path: "/v1/secrets/\(id)", body: { _, _ in nil }, writes: false, optionsInQuery: true),
            Route(method: "GET", path: "/v2/secrets/\(id)", body: { _, _ in nil }, writes: false, optionsInQuery: true),
            Route(method: "POST", path: "/v1/secrets/\(id)/restricted", body: { _, args in try object(args) }, writes: false),
            Route(method: "GET", path: "/v1/secrets/\(id)/fields/password", body: { _, _ in nil }, writes: false, optionsInQuery: true),
            Route(method: "POST", path: "/v1/secrets/\(id)/restricted/fields/password", body: { _, args in try object(args) }, writes: false),
            Route(method: "PUT", path: "/v1/secrets/\(id)", body: { secret, args in try saved(secret, args) }, writes: true),
            Route(method: "PUT", path: "/v1/secrets/\(id)/restricted", body: { secret, args in try saved(secret, args) }, writes: true),
            Route(
                method: "PUT", path: "/v1/secrets/\(id)/fields/notes",
                body: { _, args in
                    try object(args.merging(["value": "changed by the rule test"]) { $1 })
                }, writes: true),
            Route(
                method: "POST", path: "/v1/secrets/\(id)/change-password",
                body: { _, args in
                    try object(args.merging(["newPassword": "Changed-By-The-Rule-Test-1"]) { $1 })
                }, writes: true),
            Route(
                method: "PUT", path: "/v1/secrets/\(id)/fields/private-key",
                body: { _, _ in
                    Data("--rule\r\nContent-Disposition: form-data; name=\"file\"; filename=\"id_rsa\"\r\n\r\nchanged\r\n--rule--\r\n".utf8)
                }, writes: true, optionsInQuery: true, contentType: "multipart/form-data; boundary=rule"),
            Route(
                method: "PATCH", path: "/v1/secrets/\(id)/general",
                body: { _, args in
                    try object(
                        args.merging([
                            "data": .object(
                                JSONObject([
                                    (
                                        "secretFields",
                                        .array([
                                            .object(
                                                JSONObject([
                                                    ("slug", "notes"), ("dirty", true), ("value", "changed by the rule test"),
                                                ]))
                                        ])
                                    )
                                ]))
                        ]) { $1 })
                }, writes: true),
        ]
    }

    func client(_ server: EmulatorServer, _ name: String) throws -> SecretServerClient {
        try SecretServerClient(
            configuration: .init(
                baseURL: server.baseURL, credentials: .password(username: name, password: "\(name)-Passw0rd"), retry: .none
            ))
    }

    /// Sends `route` as `client` with `args`; the answer's status and text (an error's code as text).
    func call(_ client: SecretServerClient, _ route: Route, _ secret: SecretModel, _ args: [String: JSONValue]) async throws -> (Int, String) {
        var query: [(String, String)] = []
        // These routes carry the restricted options as the query options the real server reads.
        if route.optionsInQuery, let comment = args["comment"]?.stringValue { query.append(("autoComment", comment)) }
        do {
            let answer = try await client.send(
                method: route.method, path: route.path, query: query, body: try route.body(secret, args), contentType: route.contentType
            )
            return (answer.status, String(decoding: answer.body, as: UTF8.self))
        } catch let error as SecretServerError {
            return (error.status ?? 0, "\(error.errorCode ?? "") \(error.message)")
        }
    }

    @Test(arguments: conditions)
    func everyValueRouteAppliesTheCondition(_ condition: Condition) async throws {
        var configuration = TestEmulator.configuration()
        configuration.requireTicketNumberWithComment = condition.name == "ticket"
        try await TestEmulator.withClient(configuration) { admin, server in
            // Unix Account (SSH): text fields and a file field (private-key) for the multipart upload.
            var stub = try await admin.secretStub(templateId: 6007)
            stub.name = "guarded " + condition.name
            stub.setValue("host", forItem: "machine")
            stub.setValue("u", forItem: "username")
            stub.setValue(Self.value, forItem: "password")
            stub.setValue("original notes", forItem: "notes")
            condition.settings(&stub)
            let secret = try await admin.createSecret(stub)
            let bob = try await admin.createUser(NewUser(userName: "bob", password: "bob-Passw0rd"))
            _ = try await admin.grant(.edit, onSecret: secret.id, to: .user(bob.id))
            let asBob = try client(server, "bob")
            defer { Task { try? await asBob.shutdown() } }
            _ = try await asBob.send(method: "PUT", path: "/v1/users/doublelock-password", body: Data(#"{"password": "Bob-DoubleLock-1"}"#.utf8))
            if condition.name == "check-out" { try await admin.checkOut(secretId: secret.id) }
            var lacking: [String: JSONValue] = [:]
            if condition.name == "ticket" { lacking["comment"] = "a comment without a ticket" }

            for route in Self.routes(secret.id) {
                let (status, text) = try await call(asBob, route, secret, lacking)
                #expect(status == 400, "\(route) without the \(condition): \(status) \(text)")
                #expect(text.contains(condition.errorCode), "\(route) without the \(condition): \(text)")
                #expect(!text.contains(Self.value), "\(route) showed the value without the \(condition)")
            }
            _ = try await admin.send(method: "PUT", path: "/v1/users/doublelock-password", body: Data(#"{"password": "Admin-DoubleLock-1"}"#.utf8))
            let unchanged = try await admin.secret(
                id: secret.id, access: SecretRestrictedArgs(comment: "check", ticketNumber: "T", doubleLockPassword: "Admin-DoubleLock-1")
            )
            #expect(unchanged.item("notes")?.itemValue == "original notes", "a refused write changed the secret")
            #expect(unchanged.item("password")?.itemValue == Self.value, "a refused password change changed the secret")

            // Met, the same routes answer (a check-out held by another user cannot be met: freed instead).
            if condition.name == "check-out" { _ = try await admin.checkIn(secretId: secret.id) }
            if condition.name == "approval" {
                let request = try await asBob.requestAccess(secretId: secret.id, comment: "need it")
                _ = try await admin.decideAccessRequest(id: request.secretAccessRequestId, .approve)
            }
            // A GET carries no ticket number or DoubleLock password (only the autoComment query option): those are
            // met through the routes with a body.
            let metThroughQuery = condition.name != "double lock" && condition.name != "ticket"
            for route in Self.routes(secret.id) where metThroughQuery || !route.optionsInQuery {
                let (status, text) = try await call(asBob, route, secret, condition.meets)
                #expect(status == 200, "\(route) with the \(condition) met: \(status) \(text)")
                if !route.writes { #expect(text.contains(Self.value), "\(route) with the \(condition) met did not answer the value") }
            }
        }
    }

    /// Edit changes values, never what guards them: the restrictions, inheritance and `active` need Owner, also
    /// through PUT and PATCH; a body that repeats them unchanged (as typed clients send) is fine.
    @Test func editCannotSwitchARestrictionOff() async throws {
        try await TestEmulator.withClient { admin, server in
            var stub = try await admin.secretStub(templateId: 2)
            stub.name = "commented"
            stub.setValue("u", forItem: "username")
            stub.setValue(Self.value, forItem: "password")
            stub.requiresComment = true
            let secret = try await admin.createSecret(stub)
            let eve = try await admin.createUser(NewUser(userName: "eve", password: "eve-Passw0rd"))
            _ = try await admin.grant(.edit, onSecret: secret.id, to: .user(eve.id))
            let asEve = try client(server, "eve")
            defer { Task { try? await asEve.shutdown() } }
            let read = try await asEve.secret(id: secret.id, access: SecretRestrictedArgs(comment: "to edit"))
            for (key, value) in [
                ("requiresComment", JSONValue.bool(false)), ("checkOutEnabled", true), ("isDoubleLock", true),
                ("requiresApprovalForAccess", true), ("enableInheritPermissions", false), ("active", false),
                ("accessRequestWorkflowMapId", 5), ("sessionRecordingEnabled", true), ("proxyEnabled", true),
                ("restrictSshCommands", true), ("checkOutChangePasswordEnabled", true), ("autoChangeEnabled", true),
            ] {
                var body = try WireCoding.makeDecoder().decode(JSONValue.self, from: try WireCoding.makeEncoder().encode(read)).objectValue!
                body[key] = value
                body["comment"] = "switching it off"
                let refused = await #expect(throws: SecretServerError.self) {
                    try await asEve.send(method: "PUT", path: "/v1/secrets/\(secret.id)", body: try WireCoding.makeEncoder().encode(JSONValue.object(body)))
                }
                #expect(refused?.errorCode == "API_AccessDenied", "\(key): \(refused?.message ?? "accepted")")
            }
            let deactivate = await #expect(throws: SecretServerError.self) {
                try await asEve.send(
                    method: "PATCH", path: "/v1/secrets/\(secret.id)/general",
                    body: Data(#"{"data": {"active": {"dirty": true, "value": false}}}"#.utf8))
            }
            #expect(deactivate?.errorCode == "API_AccessDenied")
            let after = try await admin.secret(id: secret.id, access: SecretRestrictedArgs(comment: "check"))
            #expect(after.requiresComment && after.active && after.enableInheritPermissions)
            // The whole secret sent back unchanged, with a comment, saves.
            var same = try WireCoding.makeDecoder().decode(JSONValue.self, from: try WireCoding.makeEncoder().encode(read)).objectValue!
            same["comment"] = "an edit"
            let saved = try await asEve.send(method: "PUT", path: "/v1/secrets/\(secret.id)", body: try WireCoding.makeEncoder().encode(JSONValue.object(same)))
            #expect(saved.status == 200)
            // The Owner may switch it off.
            var off = same
            off["requiresComment"] = false
            let owner = try await admin.send(method: "PUT", path: "/v1/secrets/\(secret.id)", body: try WireCoding.makeEncoder().encode(JSONValue.object(off)))
            #expect(owner.status == 200)
            #expect(try await asEve.secret(id: secret.id).item("password")?.itemValue == Self.value)
        }
    }

    /// A stolen session cannot replace the DoubleLock password (changing it needs the current one), and wrong
    /// DoubleLock passwords are counted: after five, even the right one waits.
    @Test func doubleLockPasswordsResistAStolenSession() async throws {
        try await TestEmulator.withClient { admin, server in
            var stub = try await admin.secretStub(templateId: 2)
            stub.name = "double locked"
            stub.setValue("u", forItem: "username")
            stub.setValue(Self.value, forItem: "password")
            stub.isDoubleLock = true
            let secret = try await admin.createSecret(stub)
            func set(_ body: String) async throws -> String? {
                do {
                    _ = try await admin.send(method: "PUT", path: "/v1/users/doublelock-password", body: Data(body.utf8))
                    return nil
                } catch let error as SecretServerError { return error.errorCode }
            }
            #expect(try await set(#"{"password": "First-DoubleLock-1"}"#) == nil)
            #expect(try await set(#"{"password": "Attacker-Choice-1"}"#) == "API_DoubleLockPasswordInvalid")
            #expect(try await set(#"{"password": "Attacker-Choice-1", "currentPassword": "wrong"}"#) == "API_DoubleLockPasswordInvalid")
            #expect(try await set(#"{"password": "Second-DoubleLock-2", "currentPassword": "First-DoubleLock-1"}"#) == nil)
            func read(_ password: String) async throws -> String? {
                do {
                    _ = try await admin.secret(id: secret.id, access: SecretRestrictedArgs(doubleLockPassword: password))
                    return nil
                } catch let error as SecretServerError { return error.errorCode }
            }
            #expect(try await read("Second-DoubleLock-2") == nil)
            for guess in 0..<5 { #expect(try await read("guess-\(guess)") == "API_DoubleLockPasswordInvalid") }
            #expect(try await read("Second-DoubleLock-2") == "API_DoubleLockPasswordTooManyAttempts")
        }
    }

    /// Guesses sent at once are counted as they start, not when their hash is done: no more than the limit get an
    /// answer about the password. Someone who may not read the secret learns nothing about its DoubleLock.
    @Test func parallelDoubleLockGuessesGetNoMoreThanTheLimit() async throws {
        // A real hash cost, so that the guesses are hashing at the same time (counted after the hash, all would pass).
        var configuration = TestEmulator.configuration()
        configuration.passwordHashCost = 14
        try await TestEmulator.withClient(configuration) { admin, server in
            var stub = try await admin.secretStub(templateId: 2)
            stub.name = "double locked"
            stub.setValue("u", forItem: "username")
            stub.setValue(Self.value, forItem: "password")
            stub.isDoubleLock = true
            let secret = try await admin.createSecret(stub)
            _ = try await admin.send(method: "PUT", path: "/v1/users/doublelock-password", body: Data(#"{"password": "Right-DoubleLock-1"}"#.utf8))
            let codes = try await withThrowingTaskGroup(of: String?.self) { group in
                for guess in 0..<12 {
                    group.addTask {
                        do {
                            _ = try await admin.secret(id: secret.id, access: SecretRestrictedArgs(doubleLockPassword: "guess-\(guess)"))
                            return nil
                        } catch let error as SecretServerError { return error.errorCode }
                    }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(codes.filter { $0 == "API_DoubleLockPasswordInvalid" }.count <= 5, "\(codes)")
            #expect(codes.filter { $0 == "API_DoubleLockPasswordTooManyAttempts" }.count >= 7, "\(codes)")

            let outsiderId = try await admin.createUser(NewUser(userName: "outsider", password: "outsider-Passw0rd")).id
            _ = outsiderId
            let outsider = try SecretServerClient(
                configuration: .init(
                    baseURL: server.baseURL, credentials: .password(username: "outsider", password: "outsider-Passw0rd"), retry: .none
                ))
            defer { Task { try? await outsider.shutdown() } }
            await #expect {
                _ = try await outsider.secret(id: secret.id, access: SecretRestrictedArgs(doubleLockPassword: "any-guess"))
            } throws: { ($0 as? SecretServerError)?.errorCode == "API_AccessDenied" }
        }
    }

    /// A write of a check-out secret takes the check-out when it is free, and gives it back with `autoCheckIn`.
    @Test func writesGiveTheCheckOutBackWithAutoCheckIn() async throws {
        try await TestEmulator.withClient { admin, _ in
            var stub = try await admin.secretStub(templateId: 2)
            stub.name = "checked"
            stub.setValue("u", forItem: "username")
            stub.setValue(Self.value, forItem: "password")
            stub.checkOutEnabled = true
            let secret = try await admin.createSecret(stub)
            _ = try await admin.send(
                method: "PUT", path: "/v1/secrets/\(secret.id)/fields/notes", query: [("autoCheckIn", "true")],
                body: Data(#"{"value": "saved"}"#.utf8))
            #expect(try await admin.secretState(id: secret.id).isCheckedOut == false)
            _ = try await admin.send(method: "PUT", path: "/v1/secrets/\(secret.id)/fields/notes", body: Data(#"{"value": "kept"}"#.utf8))
            #expect(try await admin.secretState(id: secret.id).isCheckedOutByCurrentUser)
        }
    }
}
