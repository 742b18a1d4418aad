import ArgumentParser
import Foundation
import Logging
import SecretServer
import SecretServerEmulator
import SecretServerModels

/// `sesame demo`: starts the local server in this process and runs the everyday flows through the real
/// client over HTTP.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a local Secret Server in-process and walk through the everyday flows against it.",
        discussion: "Example:\n  swift run sesame demo"
    )

    @Option(name: .long, help: "How many extra secrets to create for the paging walk.")
    var secrets = 25

    func validate() throws {
        guard (0...10_000).contains(secrets) else { throw CLIError("--secrets must be between 0 and 10000") }
    }

    func run() async throws {
        var quiet = Logger(label: "sesame.demo")
        quiet.logLevel = .warning
        let adminPassword = String(TokenLikeRandom.make().prefix(24))
        let platformSecret = TokenLikeRandom.make()
        let server = try await EmulatorServer.start(
            EmulatorConfiguration(adminPassword: adminPassword, passwordHashCost: 12, platform: .init(clientSecret: platformSecret)),
            logger: quiet
        )
        do {
            try await walkThrough(
                baseURL: server.baseURL, adminPassword: adminPassword, platform: (server.platformURL ?? "", platformSecret), logger: quiet
            )
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
    }

    private func step(_ number: Int, _ title: String) {
        Output.write("\n\(number). \(title)")
    }

    private func show(_ text: String) {
        Output.write("   " + text)
    }

    private func walkThrough(
        baseURL: String, adminPassword: String, platform: (url: String, secret: String), logger: Logger
    ) async throws {
        Output.write("Sesame demo: a local Secret Server at \(baseURL), driven by the Swift client over HTTP.")
        let configuration = SecretServerClient.Configuration(
            baseURL: baseURL, credentials: .password(username: "admin", password: adminPassword), logger: logger
        )
        try await SecretServerClient.withClient(configuration: configuration) { client in
            step(1, "Sign in")
            let health = try await client.healthCheck()
            let version = try await client.version()
            let me = try await client.currentUser()
            show("server healthy: \(health.healthy), version \(version)")
            show("signed in as \(me.userName) (\(me.displayName)), user id \(me.id)")

            step(2, "Find a template")
            guard let template = try await client.template(named: "Password") else {
                throw CLIError("the Password template is missing")
            }
            show("template \(template.id) \"\(template.name)\" with fields:")
            for field in template.fields {
                let flags = [field.isRequired ? "required" : nil, field.isPassword ? "password" : nil, field.isNotes ? "notes" : nil]
                    .compactMap { $0 }.joined(separator: ", ")
                show(
                    "  \(String(field.secretTemplateFieldId).padding(toLength: 4, withPad: " ", startingAt: 0)) \(field.fieldSlugName.padding(toLength: 10, withPad: " ", startingAt: 0)) \(flags)"
                )
            }

            step(3, "Create a folder")
            let folder = try await client.createFolders(path: "\\Demo\\Databases")
            show("folder \(folder.id) at \(folder.folderPath)")

            step(4, "Create a secret with a generated password")
            guard let passwordField = template.field("password") else { throw CLIError("no password field") }
            let generated = try await client.generatePassword(fieldId: passwordField.secretTemplateFieldId)
            show("generated a \(generated.count)-character password for field \(passwordField.secretTemplateFieldId) (shown masked)")
            var stub = try await client.secretStub(templateId: template.id, folderId: folder.id)
            stub.name = "db01 root"
            stub.folderId = folder.id
            stub.setValue("db01.example.com", forItem: "resource")
            stub.setValue("root", forItem: "username")
            stub.setValue(generated, forItem: "password")
            let created = try await client.createSecret(stub)
            show("created secret \(created.id) \"\(created.name)\" in \(folder.folderPath)")
            for item in created.items {
                show("  \(item.slug.padding(toLength: 10, withPad: " ", startingAt: 0)) \(Mask.display(item, reveal: false))")
            }

            step(5, "Read one field by slug")
            let username = try await client.fieldValue(secretId: created.id, slug: "username")
            let password = try await client.fieldValue(secretId: created.id, slug: "password")
            show("username = \(username)")
            show("password = \(Mask.hidden) (\(password.count) characters, matches the generated one: \(password == generated))")
            let byPath = try await client.secret(path: "\\Demo\\Databases\\db01 root")
            show("by path \\Demo\\Databases\\db01 root -> secret \(byPath.id)")

            step(6, "Update an item by slug and save the whole secret")
            let updated = try await client.modifySecret(id: created.id) { secret in
                secret.setValue("rotated by the Sesame demo", forItem: "notes")
            }
            show("notes = \(updated.item("notes")?.itemValue ?? "")")
            try await client.setFieldValue(secretId: created.id, slug: "resource", value: "db01.internal.example.com")
            show("resource = \(try await client.fieldValue(secretId: created.id, slug: "resource")) (set through /fields/resource)")

            step(7, "Search with paging")
            for index in 1...max(secrets, 1) {
                var extra = stub
                extra.name = "app-\(String(index).leftPadded(to: 3)) service account"
                extra.setValue("svc\(index)", forItem: "username")
                extra.setValue(try await client.generatePassword(fieldId: passwordField.secretTemplateFieldId), forItem: "password")
                _ = try await client.createSecret(extra)
            }
            let search = SecretSearch(text: "service account", folderId: folder.id, pageSize: 10)
            let total = try await client.countSecrets(search)
            var seen = 0
            var pages = 0
            var lastSkip = -1
            for try await summary in client.searchSecrets(search) {
                seen += 1
                let skip = (seen - 1) / 10 * 10
                if skip != lastSkip {
                    pages += 1
                    lastSkip = skip
                }
                if seen <= 3 { show("  \(summary.id)  \(summary.name)  \(summary.folderPath ?? "")") }
            }
            show("  ...")
            show("walked \(seen) of \(total) matching secrets in \(pages) pages of 10")

            step(8, "Read it through the Delinea Platform")
            // The Platform's service user maps to the ordinary user platform-service: it reads what is shared with it.
            guard let service = try await client.user(named: "platform-service") else { throw CLIError("no platform-service user") }
            _ = try await client.grant(.view, onFolder: folder.id, secrets: .view, to: .user(service.id))
            show("shared \(folder.folderPath) with platform-service (View)")
            let viaPlatform = SecretServerClient.Configuration(
                baseURL: platform.url, credentials: .password(username: "sesame-platform", password: platform.secret), logger: logger
            )
            try await SecretServerClient.withClient(configuration: viaPlatform) { platformClient in
                let value = try await platformClient.fieldValue(secretId: created.id, slug: "username")
                let who = try await platformClient.currentUser().userName
                show(
                    "\(platform.url) answered as a \(await platformClient.serverKind() == .platform ? "Platform" : "Secret Server"); "
                        + "signed in as sesame-platform (client credentials, scope xpmheadless)")
                show("through its vault, as \(who): username = \(value)")
            }

            step(9, "Delete")
            try await client.deleteSecret(id: created.id)
            // As on a real server: deactivated, not gone. Administrators (View Inactive Secrets and Owner) still read
            // it; everyone else gets API_AccessDenied; searches show it only with includeInactive.
            let deactivated = try await client.secret(id: created.id)
            show("deactivated; the administrator still reads it (active: \(deactivated.active)); other users get API_AccessDenied")
            let hidden = try await client.searchSecrets(SecretSearch(text: created.name, exactMatch: true)).collect().count
            let shown = try await client.searchSecrets(SecretSearch(text: created.name, exactMatch: true, includeInactive: true)).collect().count
            show("a search finds it \(hidden) time(s) without includeInactive, \(shown) with it")
        }
        Output.write("\nDone. Run your own: sesame server --dev")
    }
}

/// Random text for the demo's admin password.
enum TokenLikeRandom {
    static func make() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
