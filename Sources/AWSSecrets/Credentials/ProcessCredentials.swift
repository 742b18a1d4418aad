import Foundation
import Synchronization

/// Credentials from a profile's `credential_process`: the command is run by `/bin/sh -c` and prints the
/// credentials JSON (`Version: 1`, `AccessKeyId`, `SecretAccessKey`, `SessionToken`, `Expiration`) on standard
/// output. Run again before the expiry it states; a command that states none is run once.
enum ProcessCredentials {
    static let outputLimit = 64 * 1024
    static let timeout: Duration = .seconds(60)

    static func provider(command: String, profile: String, now: @escaping @Sendable () -> Date) -> RefreshingCredentialsProvider {
        let step = "credential_process of the profile '\(profile)'"
        return RefreshingCredentialsProvider(step: step, now: now) {
            let output = try await run(command, step: step)
            let document = try CredentialDocument.decode(output, step: step)
            guard document.version == 1 else {
                throw AWSError.credentialStep(step, "the output's Version is not 1", code: .invalidResponse)
            }
            return try document.fetched(step: step)
        }
    }

    /// Runs `command`; its standard output, or an error with its status and the first line of its standard error.
    static func run(_ command: String, step: String) async throws -> String {
        try await Task.detached {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            process.standardInput = FileHandle.nullDevice
            do {
                try process.run()
            } catch {
                throw AWSError.credentialStep(step, "could not start /bin/sh (\(error))", code: .invalidConfiguration)
            }
            let errorText = Mutex<Data>(Data())
            let errorReader = Thread {
                let data = errors.fileHandleForReading.readDataToEndOfFile()
                errorText.withLock { $0 = data.prefix(4096) }
            }
            errorReader.start()
            let deadline = Date().addingTimeInterval(Double(timeout.components.seconds))
            let killer = Thread {
                while process.isRunning {
                    if Date() > deadline {
                        process.terminate()
                        return
                    }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
            killer.start()
            var data = Data()
            let handle = output.fileHandleForReading
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                data.append(chunk)
                if data.count > outputLimit {
                    process.terminate()
                    throw AWSError.credentialStep(step, "the command printed more than \(outputLimit) bytes", code: .invalidResponse)
                }
            }
            process.waitUntilExit()
            while !errorReader.isFinished { usleep(10_000) }
            guard process.terminationStatus == 0, process.terminationReason == .exit else {
                let firstLine = String(decoding: errorText.withLock { $0 }, as: UTF8.self)
                    .split(whereSeparator: \.isNewline).first.map { String($0.prefix(300)) }
                let reason = process.terminationReason == .uncaughtSignal
                    ? "was stopped (signal \(process.terminationStatus); it has \(timeout.components.seconds) s)"
                    : "exited with status \(process.terminationStatus)"
                throw AWSError.credentialStep(
                    step, "the command \(reason)" + (firstLine.map { ": \($0)" } ?? ""), code: .invalidCredentials
                )
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw AWSError.credentialStep(step, "the output is not UTF-8", code: .invalidResponse)
            }
            return text
        }.value
    }
}
