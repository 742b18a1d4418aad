import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

/// `sesame checkout ID` and `sesame checkin ID`.
struct CheckoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkout", abstract: "Check a secret out to yourself.", discussion: "Example:\n  sesame checkout 12 --minutes 30"
    )
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The secret id.") var secret: Int
    @Option(name: .long, help: "Extend an existing check-out by this many minutes.") var minutes: Int?
    func run() async throws {
        try await connection.withClient(changing: true) { client in
            if let minutes {
                let until = try await client.extendCheckOut(secretId: secret, minutes: minutes)
                Output.write("check-out of secret \(secret) extended\(until.map { " until \(WireDate.string(from: $0)) UTC" } ?? "")")
            } else {
                try await client.checkOut(secretId: secret)
                let state = try await client.secretState(id: secret)
                Output.write("checked out secret \(secret) for \(state.checkOutMinutesRemaining) minutes")
            }
        }
    }
}

struct CheckinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkin", abstract: "Check a secret in.", discussion: "Example:\n  sesame checkin 12\n  sesame checkin 12 --force"
    )
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The secret id.") var secret: Int
    @Flag(name: .long, help: "End someone else's check-out (as Owner).") var force = false
    func run() async throws {
        try await connection.withClient(changing: true) { client in
            try await client.checkIn(secretId: secret, access: SecretRestrictedArgs(forceCheckIn: force ? true : nil))
            Output.write("checked in secret \(secret)")
        }
    }
}
