import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

/// `sesame secret audits ID`
struct SecretAuditsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audits", abstract: "Show a secret's audit trail, newest first.",
        discussion: "Example:\n  sesame secret audits 12 --limit 20")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The secret id.") var secret: Int
    @Option(name: .long, help: "At most this many entries.") var limit: Int = 50
    @OptionGroup var output: OutputOptions
    func run() async throws {
        try await connection.withClient { client in
            var entries: [SecretAuditModel] = []
            for try await entry in client.secretAudits(id: secret, pageSize: min(limit, 500)) {
                entries.append(entry)
                if entries.count >= limit { break }
            }
            try Output.render(entries, format: output.format) {
                Output.table(
                    ["DATE (UTC)", "ACTION", "BY", "NOTES"],
                    entries.map {
                        [$0.dateRecorded ?? "", $0.action, $0.username ?? "", $0.notes ?? ""]
                    })
            }
        }
    }
}

/// `sesame secret upload ID SLUG FILE`
struct SecretUploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload", abstract: "Attach a file to a file field.",
        discussion: "Example:\n  sesame secret upload 12 private-key ~/.ssh/id_ed25519")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The secret id.") var secret: Int
    @Argument(help: "The file field's slug.") var slug: String
    @Argument(help: "The file to upload.") var file: String
    func run() async throws {
        let data = try Terminal.readFile(file, limit: Terminal.fileLimit)
        try await connection.withClient(changing: true) { client in
            try await client.setFieldFile(secretId: secret, slug: slug, data: data, fileName: (file as NSString).lastPathComponent)
            Output.write("attached \((file as NSString).lastPathComponent) (\(data.count) bytes) to \(slug) of secret \(secret)")
        }
    }
}
