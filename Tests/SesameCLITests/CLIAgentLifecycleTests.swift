import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import SesameTestSupport
import Testing

/// `sesame agent` over time, as a process against `sesame server --dev`: sessions renewed ahead of need while tokens
/// expire, answers kept encrypted on disk for a restart (and never served to an agent reading as someone else),
/// SIGTERM with requests in flight answering every one of them, and serving beyond loopback only over TLS.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIAgentLifecycleTests {
    let password = "Agent-Admin-Passw0rd!"

    func startAgent(environment: [String: String], directory: TemporaryDirectory, arguments: [String]) async throws -> (
        process: SesameProcess.Background, url: String, token: String
    ) {
        let agent = try await AgentProcess.start(arguments, environment: environment, directory: directory)
        return (agent.process, agent.url, try #require(agent.token))
    }

    func get(_ url: String, token: String, client: HTTPClient = .shared) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "X-Sesame-Token", value: token)
        let response = try await client.execute(request, timeout: .seconds(30))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    func createSecret(_ admin: [String: String], value: String) async throws {
        let created = try await SesameProcess.run(
            [
                "secret", "create", "--template", "Password", "--name", "agent \(UUID().uuidString.prefix(8))", "--field", "username=app", "--field",
                "password=-",
            ],
            environment: admin, input: value + "\n")
        #expect(created.status == 0, "\(created.stderr)")
    }

    @Test func sessionsAreRenewedAheadOfNeedAndAnswersOutliveARestartForTheSameServerOnly() async throws {
        // Tokens that live 2 s: the agent's keep-alive (every second) renews them with nobody reading.
        let server = try await SesameProcess.Server.start(arguments: ["--token-lifetime", "2"], adminPassword: password)
        defer { server.stop() }
        let admin = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": password]
        try await createSecret(admin, value: "Persisted-Value-1")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "tss://1/password\n".write(toFile: directory.file("prefetch"), atomically: true, encoding: .utf8)
        let environment = admin.merging(["SESAME_CONFIG_DIR": directory.path, "SESAME_CONNECT_TIMEOUT": "1"]) { $1 }
        let arguments = ["--listen", "127.0.0.1:0", "--ttl", "300", "--persist"]
        let agent = try await startAgent(
            environment: environment, directory: directory, arguments: arguments + ["--keep-alive", "1", "--prefetch", directory.file("prefetch")])
        defer { agent.process.stop() }

        // Several renewals past several token lifetimes, none failing.
        let deadline = ContinuousClock.now + .seconds(45)
        var provider: [String: Any] = [:]
        while (provider["keepAlives"] as? Int ?? 0) < 4, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            let health = try await get(agent.url + "/v1/health", token: agent.token)
            let object = try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any]
            provider = (object?["providers"] as? [String: Any])?["tss"] as? [String: Any] ?? [:]
        }
        #expect((provider["keepAlives"] as? Int ?? 0) >= 4 && provider["keepAliveFailures"] as? Int == 0, "\(provider) \(agent.process.stderr)")
        #expect(try await get(agent.url + "/v1/ref?ref=tss://1/password", token: agent.token).body == "Persisted-Value-1")
        agent.process.signal(SIGTERM)
        #expect(try await onOwnThread { agent.process.waitForExit(timeout: 30) } == 0)

        // On disk: private, and neither the value nor the reference in the clear.
        let file = directory.file("agent-cache.sqlite")
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        if let wal = FileManager.default.contents(atPath: file + "-wal") { bytes += wal }
        #expect(bytes.range(of: Data("Persisted-Value-1".utf8)) == nil && bytes.range(of: Data("tss://1".utf8)) == nil)

        // The server gone, a restarted agent still answers from what it kept.
        server.stop()
        let restarted = try await startAgent(environment: environment, directory: directory, arguments: arguments)
        let kept = try await get(restarted.url + "/v1/ref?ref=tss://1/password", token: restarted.token)
        #expect(kept.status == 200 && kept.body == "Persisted-Value-1", "\(kept) \(restarted.process.stderr)")
        restarted.process.signal(SIGTERM)
        _ = try await onOwnThread { restarted.process.waitForExit(timeout: 30) }

        // Started for another server, it never answers what it kept for the first one.
        let other = try await startAgent(
            environment: environment.merging(["SESAME_URL": "http://127.0.0.1:9/SecretServer"]) { $1 }, directory: directory, arguments: arguments)
        defer { other.process.stop() }
        let foreign = try await get(other.url + "/v1/ref?ref=tss://1/password", token: other.token)
        // The other server cannot be reached (502), and nothing kept for the first answers in its place.
        #expect(foreign.status == 502 && !foreign.body.contains("Persisted-Value"), "\(foreign)")
    }

    @Test func sigtermWithRequestsInFlightAnswersEveryOne() async throws {
        // Every API answer takes 2 s: the requests below all reach the agent and wait there, however slowly a loaded
        // machine opens their connections, and SIGTERM arrives once the agent's requests_in_flight gauge counts 8.
        let server = try await SesameProcess.Server.start(arguments: ["--fault-latency", "2000"], adminPassword: password)
        defer { server.stop() }
        let admin = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": password]
        try await createSecret(admin, value: "Inflight-Value-1")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let agent = try await startAgent(
            environment: admin.merging(["SESAME_CONFIG_DIR": directory.path]) { $1 }, directory: directory,
            arguments: ["--listen", "127.0.0.1:0", "--keep-alive", "0"])
        defer { agent.process.stop() }
        // Signed in and warm, so the requests below each wait for one provider answer.
        #expect(try await get(agent.url + "/v1/ref?ref=tss://1/password", token: agent.token).body == "Inflight-Value-1")

        let references = ["tss://1/password", "tss://1/username"]
        let answers = try await withThrowingTaskGroup(of: (Int, String, String).self) { group in
            for index in 0..<8 {
                let reference = references[index % 2]
                group.addTask {
                    let answer = try await get(agent.url + "/v1/ref?ref=\(reference)&refreshNow=true&n=\(index)", token: agent.token)
                    return (answer.status, answer.body, reference)
                }
            }
            // SIGTERM once the agent counts all 8 in flight (each waits for the server's 2 s), not after a guess.
            // Scraped through a client of its own: the shared one's 8 connections to the agent are all waiting.
            let scraper = HTTPClient(eventLoopGroupProvider: .singleton)
            defer { _ = scraper.shutdown() }
            var inFlight = 0
            var metrics = ""
            let deadline = ContinuousClock.now + .seconds(20)
            while inFlight < 8, ContinuousClock.now < deadline {
                metrics = try await get(agent.url + "/metrics", token: agent.token, client: scraper).body
                inFlight =
                    metrics.split(separator: "\n").first { $0.hasPrefix("sesame_agent_requests_in_flight ") }
                    .flatMap { Double($0.split(separator: " ").last ?? "") }.map { Int($0) } ?? 0
                if inFlight < 8 { try await Task.sleep(for: .milliseconds(5)) }
            }
            #expect(inFlight == 8, "the agent counted \(inFlight) requests in flight: \(metrics.prefix(3000))")
            agent.process.signal(SIGTERM)
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 8)
        for (status, body, reference) in answers {
            #expect(status == 200 && body == (reference.hasSuffix("password") ? "Inflight-Value-1" : "app"), "\(status) \(body)")
        }
        #expect(try await onOwnThread { agent.process.waitForExit(timeout: 30) } == 0, "\(agent.process.stderr)")
    }

    @Test func beyondLoopbackOnlyWithAllowRemoteAndTLS() async throws {
        let refused = try await SesameProcess.run(["agent", "--listen", "0.0.0.0:0", "--allow-remote"])
        #expect(refused.status != 0 && refused.stderr.contains("--tls-certificate"), "\(refused.stderr)")

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A self-signed certificate by Debian's openssl, as an operator would make one.
        let made = try await SesameProcess.runTool(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", directory.file("agent.key"), "-out", directory.file("agent.pem"),
            ])
        #expect(made.status == 0, "\(made.stderr)")
        chmod(directory.file("agent.key"), 0o644)
        let tlsArguments = ["--tls-certificate", directory.file("agent.pem"), "--tls-key", directory.file("agent.key")]
        let open = try await SesameProcess.run(["agent", "--listen", "0.0.0.0:0", "--allow-remote"] + tlsArguments)
        #expect(open.status != 0 && open.stderr.contains("not a private file"), "\(open.stderr)")
        chmod(directory.file("agent.key"), 0o600)

        let agent = try await startAgent(
            environment: ["SESAME_CONFIG_DIR": directory.path, "PROBE": "Probe-Value-1"], directory: directory,
            arguments: ["--listen", "0.0.0.0:0", "--allow-remote"] + tlsArguments)
        defer { agent.process.stop() }
        #expect(agent.url.hasPrefix("https://"))
        let port = try #require(agent.url.split(separator: ":").last.map(String.init))
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(directory.file("agent.pem")))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: tls))
        #expect(try await get("https://127.0.0.1:\(port)/ping", token: agent.token, client: client).body == "healthy")
        // The token still guards every answer; plain HTTP gets none.
        #expect(try await get("https://127.0.0.1:\(port)/v1/health", token: "not-the-token", client: client).status == 403)
        #expect(try await get("https://127.0.0.1:\(port)/v1/health", token: agent.token, client: client).status == 200)
        await #expect(throws: (any Error).self) { _ = try await get("http://127.0.0.1:\(port)/ping", token: agent.token) }
        try await client.shutdown()
    }
}
