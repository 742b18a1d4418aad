import Foundation

/// Credentials from a profile's `credential_process`: the command is run by `/bin/sh -c` and prints the
/// credentials JSON (`Version: 1`, `AccessKeyId`, `SecretAccessKey`, `SessionToken`, `Expiration`) on standard
/// output. Run again before the expiry it states; a command that states none is run once.
enum ProcessCredentials {
    static let outputLimit = 64 * 1024
    static let defaultTimeout: Duration = .seconds(60)

    static func provider(
        command: String, profile: String, environment: [String: String], timeout: Duration = defaultTimeout,
        now: @escaping @Sendable () -> Date
    ) -> RefreshingCredentialsProvider {
        let step = "credential_process of the profile '\(profile)'"
        // The helper gets the environment AWS was configured with, without sesame's own secrets (SESAME_*).
        let inherited = environment.filter { !$0.key.hasPrefix("SESAME_") }
        return RefreshingCredentialsProvider(step: step, now: now) {
            let output = try await run(command, environment: inherited, timeout: timeout, step: step)
            let document = try CredentialDocument.decode(output, step: step)
            guard document.version == 1 else {
                throw AWSError.credentialStep(step, "the output's Version is not 1", code: .invalidResponse)
            }
            return try document.fetched(step: step)
        }
    }

    /// Runs `command` with `environment`; its standard output, or an error with its status. Its standard error is
    /// read (so it cannot block) but never shown: a helper may print a token there. At the deadline it is sent
    /// SIGTERM, then SIGKILL, and whatever still holds its output is no longer read.
    static func run(_ command: String, environment: [String: String], timeout: Duration, step: String) async throws -> String {
        try await Task.detached {
            let process = Process()
            // Foundation starts it as the leader of a process group of its own: the deadline stops what it started too.
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            process.environment = environment
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
            let deadline = ContinuousClock.now + timeout
            var collected = [UInt8]()
            var descriptors = [output.fileHandleForReading.fileDescriptor, errors.fileHandleForReading.fileDescriptor]
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            var timedOut = false
            var tooLarge = false
            while !descriptors.isEmpty {
                let left = deadline - ContinuousClock.now
                if left <= .zero {
                    timedOut = true
                    break
                }
                var polled = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
                let ready = poll(&polled, nfds_t(polled.count), Int32(min(1000, max(1, left.components.seconds * 1000))))
                if ready < 0 && errno != EINTR { break }
                for entry in polled where entry.revents != 0 {
                    let count = read(entry.fd, &buffer, buffer.count)
                    if count <= 0 {
                        descriptors.removeAll { $0 == entry.fd }
                    } else if entry.fd == output.fileHandleForReading.fileDescriptor {
                        collected.append(contentsOf: buffer[0..<count])
                        if collected.count > outputLimit {
                            tooLarge = true
                            descriptors.removeAll()
                        }
                    }
                }
            }
            try? output.fileHandleForReading.close()
            try? errors.fileHandleForReading.close()
            if timedOut || tooLarge {
                // Its group: SIGTERM, two seconds, then SIGKILL; waited for a few seconds at most.
                let pid = process.processIdentifier
                kill(-pid, SIGTERM)
                kill(pid, SIGTERM)
                for _ in 0..<40 where process.isRunning { usleep(50_000) }
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                for _ in 0..<100 where process.isRunning { usleep(50_000) }
            } else {
                process.waitUntilExit()
            }
            if timedOut {
                throw AWSError.credentialStep(
                    step, "the command did not finish in \(timeout.components.seconds) s", code: .timeout,
                    hint: "run it yourself to see what it waits for"
                )
            }
            if tooLarge {
                throw AWSError.credentialStep(step, "the command printed more than \(outputLimit) bytes", code: .invalidResponse)
            }
            guard process.terminationStatus == 0, process.terminationReason == .exit else {
                let reason =
                    process.terminationReason == .uncaughtSignal
                    ? "was stopped by signal \(process.terminationStatus)" : "exited with status \(process.terminationStatus)"
                throw AWSError.credentialStep(
                    step, "the command \(reason)", code: .invalidCredentials, hint: "run it yourself to see its error output (not shown here)"
                )
            }
            guard let text = String(bytes: collected, encoding: .utf8) else {
                throw AWSError.credentialStep(step, "the output is not UTF-8", code: .invalidResponse)
            }
            return text
        }.value
    }
}
