import Foundation

/// A `sesame agent` process, returned once it is listening: ready when it writes its `--ready-file` (JSON with its
/// URL), within a deadline, never by reading its banner.
package struct AgentProcess: Sendable {
    package let process: SesameProcess.Background
    /// `http://127.0.0.1:PORT`, `https://…` with TLS, or `unix:PATH`.
    package let url: String
    /// The token in `agent.token` of `directory` (nil when it came from elsewhere, such as `AWS_TOKEN`).
    package let token: String?

    /// Starts `sesame agent ARGUMENTS --ready-file DIRECTORY/ready.json` with `environment`.
    package static func start(
        _ arguments: [String], environment: [String: String], directory: TemporaryDirectory, timeout: Duration = .seconds(60)
    ) async throws -> AgentProcess {
        let ready = directory.file("ready.json")
        try? FileManager.default.removeItem(atPath: ready)
        let process = try SesameProcess.Background(["agent", "--ready-file", ready] + arguments, environment: environment)
        let deadline = ContinuousClock.now + timeout
        // Read until it parses: a file seen while still being written is read again.
        var url: String?
        while url == nil {
            if let data = FileManager.default.contents(atPath: ready) {
                url = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["url"] as? String
            }
            if url != nil { break }
            guard ContinuousClock.now < deadline, process.process.isRunning else {
                process.stop()
                throw SesameProcessError("the agent did not start: \(process.stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let token = (try? String(contentsOfFile: directory.file("agent.token"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        return AgentProcess(process: process, url: url ?? "", token: token)
    }
}
