import Foundation
import SecretServer
import SecretServerModels
import SesameTestSupport
import Testing

/// Reading restricted secrets from the command line: without what a secret requires, exit 7 and a message that
/// names it and the flag that gives it; with `--comment`, `SESAME_COMMENT`, `?comment=`, `--ticket-number`,
/// `--check-out` (checked in again afterwards, also when the command fails), an approved request, or the DoubleLock
/// password from `SESAME_DOUBLE_LOCK_PASSWORD`, the value.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIRestrictedReadTests {
    static let password = "Restricted-Cli-Passw0rd!"
    static let value = "Restricted-Cli-Value-9"

    /// Creates a Password secret with `settings` as the admin; returns its id.
    func secret(_ server: SesameProcess.Server, _ name: String, _ settings: @escaping @Sendable (inout SecretModel) -> Void) async throws -> Int {
        let configuration = SecretServerClient.Configuration(
            baseURL: server.baseURL, credentials: .password(username: "admin", password: Self.password)
        )
        return try await SecretServerClient.withClient(configuration: configuration) { client in
            var stub = try await client.secretStub(templateId: 2)
            stub.name = name
            stub.setValue("u", forItem: "username")
            stub.setValue(Self.value, forItem: "password")
            settings(&stub)
            return try await client.createSecret(stub).id
        }
    }

    func admin(_ server: SesameProcess.Server) -> [String: String] {
        ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]
    }

    @Test func commentsTicketsAndCheckOutsFromTheCommandLine() async throws {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { server.stop() }
        let commented = try await secret(server, "commented") { $0.requiresComment = true }
        let checkedOut = try await secret(server, "checked out") { $0.checkOutEnabled = true }
        let env = admin(server)
        try await onOwnThread {
            let refused = try SesameProcess.run(["get", "tss://\(commented)/password"], environment: env)
            #expect(refused.status == 7 && refused.stderr.contains("--comment") && refused.stdout.isEmpty, "\(refused.stderr)")
            for (arguments, extra) in [
                (["get", "tss://\(commented)/password", "--comment", "INC-1 restore"], [String: String]()),
                (["get", "tss://\(commented)/password"], ["SESAME_COMMENT": "INC-2 from the environment"]),
                (["get", "tss://\(commented)/password?comment=INC-3%20in%20the%20reference"], [:]),
                (["secret", "get", "\(commented)", "--field", "password", "--comment", "INC-4"], [:]),
            ] {
                let read = try SesameProcess.run(arguments, environment: env.merging(extra) { $1 })
                #expect(read.status == 0 && read.stdout == Self.value, "\(arguments): \(read.stderr)")
            }
            let viaRun = try SesameProcess.run(
                ["run", "--comment", "INC-5", "--", "sh", "-c", "echo $DB"],
                environment: env.merging(["DB": "tss://\(commented)/password"]) { $1 })
            #expect(viaRun.status == 0 && viaRun.stdout == Self.value + "\n", "\(viaRun.stderr)")
            let viaInject = try SesameProcess.run(["inject", "--comment", "INC-6"], environment: env, input: "pw={{ tss://\(commented)/password }}")
            #expect(viaInject.status == 0 && viaInject.stdout == "pw=" + Self.value, "\(viaInject.stderr)")
            let audits = try SesameProcess.run(["secret", "audits", "\(commented)", "-o", "json"], environment: env)
            for comment in ["INC-1 restore", "INC-2 from the environment", "INC-3 in the reference", "INC-4", "INC-5", "INC-6"] {
                #expect(audits.stdout.contains(comment), "no audit with \(comment)")
            }

            // Without --check-out, a check-out secret is refused and left as it was (not checked out behind the user's back).
            for arguments in [["get", "tss://\(checkedOut)/password"], ["secret", "get", "\(checkedOut)", "--field", "password"]] {
                let refused = try SesameProcess.run(arguments, environment: env)
                #expect(refused.status == 7 && refused.stderr.contains("--check-out") && refused.stdout.isEmpty, "\(arguments): \(refused.stderr)")
            }
            let untouched = try SesameProcess.run(["api", "GET", "/v1/secrets/\(checkedOut)/state"], environment: env)
            #expect(untouched.stdout.contains(#""isCheckedOut" : false"#), "\(untouched.stdout)")

            // --check-out: checked out for the read, in again afterwards, also when the command fails.
            let read = try SesameProcess.run(["get", "tss://\(checkedOut)/password", "--check-out"], environment: env)
            #expect(read.status == 0 && read.stdout == Self.value, "\(read.stderr)")
            let failing = try SesameProcess.run(["secret", "get", "\(checkedOut)", "--field", "no-such-field", "--check-out"], environment: env)
            #expect(failing.status == 5)
            let state = try SesameProcess.run(["api", "GET", "/v1/secrets/\(checkedOut)/state"], environment: env)
            #expect(state.stdout.contains(#""isCheckedOut" : false"#), "\(state.stdout)")
            let actions = try SesameProcess.run(["secret", "audits", "\(checkedOut)", "-o", "json"], environment: env)
            #expect(actions.stdout.components(separatedBy: #""action" : "CHECKIN""#).count - 1 == 2, "\(actions.stdout)")

            // Two fields of one check-out secret read at once (env, run): one check-out held for both, given back after.
            let both = try SesameProcess.run(
                ["run", "--check-out", "--", "sh", "-c", "echo $A $B"],
                environment: env.merging(["A": "tss://\(checkedOut)/username", "B": "tss://\(checkedOut)/password"]) { $1 })
            #expect(both.status == 0 && both.stdout == "u \(Self.value)\n", "\(both.stderr)")
            let refs = NSTemporaryDirectory() + "restricted-\(UUID().uuidString).refs"
            try "A=tss://\(checkedOut)/username\nB=tss://\(checkedOut)/password\nC=tss://\(commented)/password\n"
                .write(toFile: refs, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: refs) }
            let exported = try SesameProcess.run(["env", "--from", refs, "--check-out", "--comment", "INC-9", "--format", "json"], environment: env)
            #expect(exported.status == 0, "\(exported.stderr)")
            #expect(
                try JSONDecoder().decode([String: String].self, from: Data(exported.stdout.utf8))
                    == ["A": "u", "B": Self.value, "C": Self.value], "\(exported.stderr)")
            let after = try SesameProcess.run(["api", "GET", "/v1/secrets/\(checkedOut)/state"], environment: env)
            #expect(after.stdout.contains(#""isCheckedOut" : false"#), "\(after.stdout)")
        }
    }

    @Test func ticketsApprovalsAndDoubleLocks() async throws {
        let server = try await SesameProcess.Server.start(arguments: ["--require-ticket-number"], adminPassword: Self.password)
        defer { server.stop() }
        let ticketed = try await secret(server, "ticketed") { $0.requiresComment = true }
        let approved = try await secret(server, "approval") { $0.requiresApprovalForAccess = true }
        let locked = try await secret(server, "double locked") { $0.isDoubleLock = true }
        let env = admin(server)
        try await onOwnThread {
            let noTicket = try SesameProcess.run(["get", "tss://\(ticketed)/password", "--comment", "INC-7"], environment: env)
            #expect(noTicket.status == 7 && noTicket.stderr.contains("--ticket-number"), "\(noTicket.stderr)")
            let ticket = try SesameProcess.run(["get", "tss://\(ticketed)/password", "--comment", "INC-7", "--ticket-number", "T-7"], environment: env)
            #expect(ticket.status == 0 && ticket.stdout == Self.value, "\(ticket.stderr)")

            // Approval: a user with View and no approved request is told how to ask.
            _ = try SesameProcess.run(["user", "create", "reader", "--password-stdin"], environment: env, input: "Reader-Passw0rd-1")
            _ = try SesameProcess.run(["permission", "grant", "--secret", "\(approved)", "--user", "reader", "--role", "view"], environment: env)
            let reader = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "reader", "SESAME_PASSWORD": "Reader-Passw0rd-1"]
            let needsApproval = try SesameProcess.run(["get", "tss://\(approved)/password"], environment: reader)
            #expect(needsApproval.status == 7 && needsApproval.stderr.contains("sesame access request"), "\(needsApproval.stderr)")
            // ... asks, an approver approves, and the same read works.
            let request = try SesameProcess.run(["access", "request", "\(approved)", "--comment", "INC-10"], environment: reader)
            let requestId = try #require(request.stdout.split(separator: " ").firstIndex(of: "request").map { request.stdout.split(separator: " ")[$0 + 1] })
            let approval = try SesameProcess.run(["access", "approve", String(requestId)], environment: env)
            #expect(approval.status == 0, "\(approval.stderr)")
            let granted = try SesameProcess.run(["get", "tss://\(approved)/password"], environment: reader)
            #expect(granted.status == 0 && granted.stdout == Self.value, "\(granted.stderr)")

            // DoubleLock: the password from the environment, or a clear refusal without one (no terminal here).
            _ = try SesameProcess.run(
                ["api", "PUT", "/v1/users/doublelock-password", "--input", "-"], environment: env,
                input: #"{"password": "Admin-DoubleLock-7"}"#)
            let noPassword = try SesameProcess.run(["get", "tss://\(locked)/password"], environment: env)
            #expect(noPassword.status == 7 && noPassword.stderr.contains("SESAME_DOUBLE_LOCK_PASSWORD"), "\(noPassword.stderr)")
            let unlocked = try SesameProcess.run(
                ["get", "tss://\(locked)/password"],
                environment: env.merging(["SESAME_DOUBLE_LOCK_PASSWORD": "Admin-DoubleLock-7"]) { $1 })
            #expect(unlocked.status == 0 && unlocked.stdout == Self.value, "\(unlocked.stderr)")
            let whole = try SesameProcess.run(
                ["secret", "get", "\(locked)", "--field", "password"],
                environment: env.merging(["SESAME_DOUBLE_LOCK_PASSWORD": "Admin-DoubleLock-7"]) { $1 })
            #expect(whole.status == 0 && whole.stdout == Self.value, "\(whole.stderr)")
            let wrong = try SesameProcess.run(
                ["get", "tss://\(locked)/password"],
                environment: env.merging(["SESAME_DOUBLE_LOCK_PASSWORD": "Not-The-One-1"]) { $1 })
            #expect(wrong.status == 7 && wrong.stderr.contains("not the right one"), "\(wrong.stderr)")

            // A value read past a restriction never goes to the disk cache, where a later read would skip it.
            let home = NSTemporaryDirectory() + "restricted-home-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: home) }
            var cached = env.merging(["HOME": home, "SESAME_DOUBLE_LOCK_PASSWORD": "Admin-DoubleLock-7"]) { $1 }
            // The cache works here: an unrestricted value is kept...
            let plain = try SesameProcess.run(
                ["secret", "create", "--template", "Password", "--name", "plain", "--field", "username=u", "--field", "password=-", "-o", "json"],
                environment: cached, input: "Plain-Value-1")
            let plainId = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])["id"] as? Int
            #expect(try SesameProcess.run(["get", "tss://\(plainId ?? 0)/password", "--cache"], environment: cached).stdout == "Plain-Value-1")
            #expect(try SesameProcess.run(["get", "tss://\(locked)/password", "--cache"], environment: cached).stdout == Self.value)
            #expect(
                try SesameProcess.run(
                    ["get", "tss://\(ticketed)/password", "--cache", "--comment", "INC-11", "--ticket-number", "T-11"],
                    environment: cached
                ).stdout == Self.value)
            // ... and the restricted ones are not: one entry, the plain value's.
            #expect(try SesameProcess.run(["cache", "status", "-o", "json"], environment: cached).stdout.contains("\"entries\" : 1"))
            cached["SESAME_DOUBLE_LOCK_PASSWORD"] = nil
            #expect(try SesameProcess.run(["get", "tss://\(locked)/password", "--cache"], environment: cached).status == 7)
            for result in [noTicket, needsApproval, noPassword] { #expect(!result.stderr.contains(Self.value)) }
        }
    }
}
