import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policy", abstract: "List secret policies.", subcommands: [PolicyListCommand.self])
}

/// `sesame policy list`
struct PolicyListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List secret policies.", discussion: "Example:\n  sesame policy list")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    func run() async throws {
        try await connection.withClient { client in
            let policies = try await client.secretPolicies()
            try Output.render(policies, format: output.format) {
                Output.table(["ID", "NAME", "ACTIVE"], policies.map { [String($0.secretPolicyId), $0.secretPolicyName, String($0.active)] })
            }
        }
    }
}
