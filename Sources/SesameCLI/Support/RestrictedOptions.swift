import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels
import Sesame
import Synchronization

/// `--comment`, `--ticket-number`, `--ticket-system`, `--check-out`: what a restricted secret asks of a read, for
/// every command that reads values. `SESAME_COMMENT` gives a comment too, and a reference's options
/// (`tss://12/password?comment=...`) win over both. A DoubleLock password comes from `SESAME_DOUBLE_LOCK_PASSWORD`,
/// or from a hidden prompt on a terminal when the server says a secret needs one.
struct RestrictedOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The comment a secret that requires one is read with (default: $SESAME_COMMENT).", valueName: "text"))
    var comment: String?

    @Option(name: .customLong("ticket-number"), help: ArgumentHelp("The help-desk ticket number to read a restricted secret with.", valueName: "number"))
    var ticketNumber: String?

    @Option(name: .customLong("ticket-system"), help: ArgumentHelp("The ticket system's id, with --ticket-number.", valueName: "id"))
    var ticketSystem: Int?

    @Flag(name: .customLong("check-out"), help: "Check the secret out for the read, and in again afterwards (also when the command fails).")
    var checkOut = false

    /// What the provider of `tss://` references sends.
    func access(_ environment: [String: String] = ProcessEnvironment.current()) -> SecretAccess {
        SecretAccess(
            comment: comment ?? environment["SESAME_COMMENT"].flatMap { $0.isEmpty ? nil : $0 }, ticketNumber: ticketNumber,
            ticketSystemId: ticketSystem, checkOut: checkOut,
            // A read without --check-out fails with what it needs, never leaving the secret checked out.
            automaticCheckOut: false, doubleLockPassword: DoubleLockPassword.source(environment)
        )
    }

    /// Runs `body` (a read or a write of secret `key`, an id or a path) as `access` says: the secret checked out
    /// first and in afterwards when asked (also when `body` fails), and `body` run once more with the DoubleLock
    /// password when the server asks for it. `body` gets the restricted options to send, `nil` when none are needed
    /// (so a read can use the plain routes).
    func perform<Result: Sendable>(
        _ key: String, client: SecretServerClient, environment: [String: String] = ProcessEnvironment.current(),
        _ body: (SecretRestrictedArgs?) async throws -> Result
    ) async throws -> Result {
        let access = access(environment)
        var checkedOut: Int?
        if access.checkOut {
            let id: Int
            if let number = Int(key) { id = number } else { id = try await client.secretSummary(path: key).id }
            do {
                try await client.checkOut(secretId: id)
                checkedOut = id
            } catch let error as SecretServerError where error.errorCode == SecretAccess.checkOutNotEnabled {
                // A secret without check-out is read as it is.
            }
        }
        do {
            let result: Result
            let known = DoubleLockPassword.known(environment)
            do {
                result = try await body(access.isRestricted || known != nil ? access.arguments(doubleLockPassword: known) : nil)
            } catch let error as SecretServerError where error.errorCode.map(SecretAccess.doubleLockCodes.contains) == true && known == nil {
                guard let password = access.doubleLockPassword?() else { throw error }
                result = try await body(access.arguments(doubleLockPassword: password))
            }
            if let checkedOut { try await client.checkIn(secretId: checkedOut, access: access.arguments()) }
            return result
        } catch {
            if let checkedOut { _ = try? await client.checkIn(secretId: checkedOut, access: access.arguments()) }
            throw error
        }
    }

    /// One read of a whole secret inside `perform`: the restricted route with `arguments`, else the plain one. Neither
    /// checks a secret out on its own (a check-out secret needs --check-out).
    static func read(_ key: String, client: SecretServerClient, arguments: SecretRestrictedArgs?) async throws -> SecretModel {
        switch (Int(key), arguments) {
        case (let id?, let arguments?): try await client.secret(id: id, access: arguments)
        case (let id?, nil): try await client.secret(id: id, noAutoCheckout: true)
        case (nil, let arguments?): try await client.secret(path: key, access: arguments)
        case (nil, nil): try await client.secret(path: key, noAutoCheckout: true)
        }
    }

    /// A file field's content inside `perform`, with the same `arguments` as the read of its secret.
    static func file(secretId: Int, slug: String, client: SecretServerClient, arguments: SecretRestrictedArgs?) async throws -> Data {
        let content =
            if let arguments {
                try await client.fieldContent(secretId: secretId, slug: slug, access: arguments)
            } else {
                try await client.fieldContent(secretId: secretId, slug: slug, noAutoCheckout: true)
            }
        switch content {
        case .file(let data, _): return data
        case .text(let text): return Data(text.utf8)
        }
    }
}

/// Where a DoubleLock password comes from: `SESAME_DOUBLE_LOCK_PASSWORD`, else a hidden prompt on a terminal, asked
/// once per process (the answer is kept for the rest of the command, in memory only).
enum DoubleLockPassword {
    private static let asked = Mutex<String??>(nil)

    /// The password known without asking: the environment's, or one already typed.
    static func known(_ environment: [String: String]) -> String? {
        if let value = environment["SESAME_DOUBLE_LOCK_PASSWORD"], !value.isEmpty { return value }
        return asked.withLock { $0 ?? nil }
    }

    static func source(_ environment: [String: String]) -> @Sendable () -> String? {
        let fromEnvironment = environment["SESAME_DOUBLE_LOCK_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        return {
            if let fromEnvironment { return fromEnvironment }
            return asked.withLock { asked in
                if let answer = asked { return answer }
                let answer = Terminal.isInteractive ? Terminal.readHidden(prompt: "DoubleLock password: ").flatMap { $0.isEmpty ? nil : $0 } : nil
                asked = .some(answer)
                return answer
            }
        }
    }
}

extension RestrictedOptions: QuickParsable {
    static let quickOptions: Set<String> = ["comment", "ticket-number", "ticket-system"]
    static let quickFlags: Set<String> = ["check-out"]

    init(quick arguments: QuickArguments) throws(QuickArguments.GiveUp) {
        var parsed = Self()
        parsed.comment = try arguments.option("comment")
        parsed.ticketNumber = try arguments.option("ticket-number")
        parsed.ticketSystem = try arguments.option("ticket-system")
        parsed.checkOut = arguments.flag("check-out")
        self = parsed
    }
}
