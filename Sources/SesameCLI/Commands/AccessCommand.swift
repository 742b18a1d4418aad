import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

/// `sesame access ...`: requests for secrets that require approval.
struct AccessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access", abstract: "Request, approve and deny access to secrets that require approval.",
        subcommands: [AccessRequestCommand.self, AccessListCommand.self, AccessApproveCommand.self, AccessDenyCommand.self]
    )
}

/// `sesame access request`
struct AccessRequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request", abstract: "Ask for access.", discussion: "Example:\n  sesame access request 12 --comment 'INC-7 outage'")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The secret id.") var secret: Int
    @Option(name: .long, help: "Why you need it.") var comment: String
    @Option(name: .long, help: "A ticket number.") var ticket: String?
    func run() async throws {
        try await connection.withClient { client in
            let request = try await client.requestAccess(secretId: secret, comment: comment, ticketNumber: ticket)
            Output.write("requested access to secret \(secret): request \(request.secretAccessRequestId) is \(request.status)")
        }
    }
}

/// `sesame access list`
struct AccessListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Requests to review (or your own with --mine).", discussion: "Example:\n  sesame access list --status Pending")
    @OptionGroup var connection: ConnectionOptions
    @Flag(name: .long, help: "Your own requests.") var mine = false
    @Option(name: .long, help: "Pending, Approved, Denied, Canceled.") var status: String?
    @OptionGroup var output: OutputOptions
    func run() async throws {
        try await connection.withClient { client in
            let requests = try await client.accessRequests(mine: mine, status: status)
            try Output.render(requests, format: output.format) {
                Output.table(
                    ["ID", "SECRET", "BY", "STATUS", "COMMENT"],
                    requests.map {
                        [
                            String($0.secretAccessRequestId), $0.secretName ?? String($0.secretId), $0.requestUsername ?? "", $0.status,
                            $0.requestComment ?? "",
                        ]
                    })
            }
        }
    }
}

/// `sesame access approve`
struct AccessApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a request.", discussion: "Example:\n  sesame access approve 3 --comment ok")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The request id.") var request: Int
    @Option(name: .long, help: "A reply.") var comment: String?
    func run() async throws {
        try await connection.withClient { client in
            let decided = try await client.decideAccessRequest(id: request, .approve, comment: comment)
            Output.write("request \(request) \(decided.status.lowercased()) until \(decided.expirationDate ?? "") UTC")
        }
    }
}

/// `sesame access deny`
struct AccessDenyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deny", abstract: "Deny a request.", discussion: "Example:\n  sesame access deny 3 --comment 'not now'")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The request id.") var request: Int
    @Option(name: .long, help: "A reply.") var comment: String?
    func run() async throws {
        try await connection.withClient { client in
            try await client.decideAccessRequest(id: request, .deny, comment: comment)
            Output.write("request \(request) denied")
        }
    }
}
