import AWSSecrets
import AsyncHTTPClient
import Foundation
import NIOCore
import SesameFiles
import SesameTestSupport
import Testing

/// `sesame agent` as a process against moto and `sesame server --dev`: the AWS agents' request forms answered with their shapes, the token
/// required (missing 401, wrong 403, never a value), `X-Forwarded-For` refused, answers cached for the TTL and asked
/// again with `refreshNow=true`, Sesame references raw, as JSON and in a batch, the token file made 0600, SIGTERM
/// ending it cleanly.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIAgentTests {
    struct Agent {
        let process: SesameProcess.Background
        let url: String
        let token: String
    }

    func startAgent(environment: [String: String], directory: TemporaryDirectory, arguments: [String] = ["--listen", "127.0.0.1:0", "--ttl", "300"])
        async throws -> Agent
    {
        let agent = try await AgentProcess.start(arguments, environment: environment, directory: directory)
        return Agent(process: agent.process, url: agent.url, token: try #require(agent.token))
    }

    func get(_ url: String, headers: [(String, String)] = []) async throws -> (status: Int, body: String) {
        let (status, body, _) = try await getWithHeaders(url, headers: headers)
        return (status, body)
    }

    /// The status, the body, and the `X-Sesame-Stale` header.
    func getWithHeaders(_ url: String, headers: [(String, String)] = []) async throws -> (status: Int, body: String, stale: String?) {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return (
            Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)), response.headers.first(name: "X-Sesame-Stale")
        )
    }

    /// A local server holding one Password secret (id 1: user `app`, password `value`), and the admin's environment.
    func serverWithSecret(_ value: String) async throws -> (server: SesameProcess.Server, admin: [String: String]) {
        let password = "Agent-Admin-Passw0rd!"
        let server = try await SesameProcess.Server.start(adminPassword: password)
        let admin = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": password]
        let created = try await SesameProcess.run(
            ["secret", "create", "--template", "Password", "--name", "agent db", "--field", "username=app", "--field", "password=-"],
            environment: admin, input: value + "\n")
        #expect(created.status == 0, "\(created.stderr)")
        return (server, admin)
    }

    /// Moto's AWS settings, no instance metadata, and `directory` as the configuration folder.
    static func motoEnvironment(_ directory: TemporaryDirectory) throws -> [String: String] {
        var environment = Moto.environment(url: try Moto.url())
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        environment["SESAME_CONFIG_DIR"] = directory.path
        return environment
    }

    @Test(.enabled(if: Moto.shouldRun)) func theAWSAgentsRequestsAreAnsweredFromTheCacheWithTheToken() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = try Self.motoEnvironment(directory)
        let secretName = Moto.uniqueName("agent")
        let parameterName = "/" + Moto.uniqueName("agent")
        let session = try AWSSession(configuration: AWSConfiguration(timeouts: Moto.timeouts, environment: environment))
        _ = try await session.secretsManager().createSecret(secretName, value: .string(#"{"password":"Agent-Value-1"}"#))
        try await session.ssm().putParameter(parameterName, value: "Param-Value-1", type: .secureString, overwrite: true)

        let agent = try await startAgent(environment: environment, directory: directory)
        defer { agent.process.stop() }
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("agent.token"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let token = [("X-Aws-Parameters-Secrets-Token", agent.token)]

        #expect(try await get(agent.url + "/ping").status == 200)
        let missing = try await get(agent.url + "/secretsmanager/get?secretId=" + secretName)
        #expect(missing.status == 401 && !missing.body.contains("Agent-Value-1"))
        let wrong = try await get(agent.url + "/secretsmanager/get?secretId=" + secretName, headers: [("X-Aws-Parameters-Secrets-Token", "not-the-token")])
        #expect(wrong.status == 403 && !wrong.body.contains("Agent-Value-1"))
        let forwarded = try await get(agent.url + "/secretsmanager/get?secretId=" + secretName, headers: token + [("X-Forwarded-For", "10.0.0.9")])
        #expect(forwarded.status == 400 && !forwarded.body.contains("Agent-Value-1"))
        // A DNS-rebinding page's request carries its own host name: refused, even with the token.
        let rebound = try await get(agent.url + "/secretsmanager/get?secretId=" + secretName, headers: token + [("Host", "evil.example:2773")])
        #expect(rebound.status == 403 && !rebound.body.contains("Agent-Value-1"), "\(rebound.body)")

        // GetSecretValue's shape, by both routes.
        let answer = try await get(agent.url + "/secretsmanager/get?secretId=" + secretName, headers: token)
        #expect(answer.status == 200, "\(answer.body)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
        #expect(json["Name"] as? String == secretName && json["SecretString"] as? String == #"{"password":"Agent-Value-1"}"#)
        #expect((json["VersionStages"] as? [String])?.contains("AWSCURRENT") == true && json["ARN"] != nil && json["VersionId"] != nil)
        let byPath = try await get(agent.url + "/v1/" + secretName, headers: [("X-Vault-Token", agent.token)])
        #expect(byPath.status == 200 && byPath.body.contains("Agent-Value-1"))
        // The Lambda extension's Parameter Store route.
        let parameter = try await get(agent.url + "/systemsmanager/parameters/get?name=\(parameterName)&withDecryption=true", headers: token)
        let parameterJSON = try #require(try JSONSerialization.jsonObject(with: Data(parameter.body.utf8)) as? [String: Any])
        let fields = try #require(parameterJSON["Parameter"] as? [String: Any])
        #expect(fields["Value"] as? String == "Param-Value-1" && fields["Type"] as? String == "SecureString")
        // Sesame references: the raw value, JSON, a batch.
        let raw = try await get(agent.url + "/v1/ref?ref=aws-sm://\(secretName)%23password", headers: [("X-Sesame-Token", agent.token)])
        #expect(raw.status == 200 && raw.body == "Agent-Value-1", "\(raw.body)")
        let described = try await get(
            agent.url + "/v1/ref?ref=aws-ps://\(parameterName)", headers: [("X-Sesame-Token", agent.token), ("Accept", "application/json")])
        #expect(described.body.contains(#""value":"Param-Value-1""#), "\(described.body)")
        var batch = HTTPClientRequest(url: agent.url + "/v1/refs")
        batch.method = .POST
        batch.headers.add(name: "X-Sesame-Token", value: agent.token)
        batch.body = .bytes(ByteBuffer(string: #"{"refs": ["aws-ps://\#(parameterName)", "aws-ps:///no-such-parameter-\#(UUID().uuidString)"]}"#))
        let batchResponse = try await HTTPClient.shared.execute(batch, timeout: .seconds(30))
        let batchBody = String(buffer: try await batchResponse.body.collect(upTo: 1 << 20))
        #expect(batchBody.contains("Param-Value-1") && batchBody.contains(#""errors":{"aws-ps:"#), "\(batchBody)")
        // A client that reads as another account (its scope's fingerprint) is refused by both routes; it reads for itself.
        let foreign = [("X-Sesame-Token", agent.token), ("X-Sesame-Scope", "another-account")]
        let foreignOne = try await get(agent.url + "/v1/ref?ref=aws-ps://\(parameterName)", headers: foreign)
        #expect(foreignOne.status == 409 && !foreignOne.body.contains("Param-Value-1"), "\(foreignOne.body)")
        batch.headers.add(name: "X-Sesame-Scope", value: "another-account")
        let foreignBatch = try await HTTPClient.shared.execute(batch, timeout: .seconds(30))
        let foreignBody = String(buffer: try await foreignBatch.body.collect(upTo: 1 << 20))
        #expect(foreignBatch.status.code == 409 && !foreignBody.contains("Param-Value-1"), "\(foreignBody)")

        // A name with slashes by the path route, as the AWS agent reads it; env:// is never served (the agent's own
        // environment holds its credentials); a key path read through the agent by sesame get is applied once.
        let nested = "agent-dir/" + Moto.uniqueName("nested")
        _ = try await session.secretsManager().createSecret(nested, value: .string("Nested-Value-1"))
        let nestedAnswer = try await get(agent.url + "/v1/" + nested, headers: token)
        #expect(nestedAnswer.status == 200 && nestedAnswer.body.contains("Nested-Value-1"), "\(nestedAnswer.body)")
        let ownEnvironment = try await get(agent.url + "/v1/ref?ref=env://AWS_SECRET_ACCESS_KEY", headers: token)
        #expect(ownEnvironment.status == 400 && !ownEnvironment.body.contains("testing\""), "\(ownEnvironment.body)")
        let throughAgent = try await SesameProcess.run(
            ["get", "aws-sm://\(secretName)#password"], environment: ["SESAME_AGENT": agent.url, "SESAME_CONFIG_DIR": directory.path])
        #expect(throughAgent.status == 0 && throughAgent.stdout == "Agent-Value-1", "\(throughAgent.stderr)")

        // curl as the AWS agent's documentation shows it (the header from a private file here, never argv).
        let header = directory.file("agent.header")
        try SecretFile.write(Array("X-Aws-Parameters-Secrets-Token: \(agent.token)\n".utf8), to: header, mode: 0o600)
        let curl = try await SesameProcess.runTool(
            "/usr/bin/curl", ["-s", "-f", "-H", "@" + header, agent.url + "/secretsmanager/get?secretId=" + secretName])
        let curled = try JSONSerialization.jsonObject(with: Data(curl.stdout.utf8)) as? [String: Any]
        #expect(curl.status == 0 && curled?["SecretString"] as? String == #"{"password":"Agent-Value-1"}"#, "\(curl.stderr)")
        let unauthorised = try await SesameProcess.runTool("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", agent.url + "/v1/" + secretName])
        #expect(unauthorised.stdout == "401")

        // Rotated in the provider: the cached answer until refreshNow asks again.
        _ = try await session.secretsManager().putSecretValue(secretName, value: .string(#"{"password":"Agent-Value-2"}"#))
        #expect(try await get(agent.url + "/secretsmanager/get?secretId=" + secretName, headers: token).body.contains("Agent-Value-1"))
        #expect(try await get(agent.url + "/secretsmanager/get?secretId=\(secretName)&refreshNow=true", headers: token).body.contains("Agent-Value-2"))
        #expect(try await get(agent.url + "/secretsmanager/get?secretId=" + secretName, headers: token).body.contains("Agent-Value-2"))
        // A missing secret: AWS's error, its status.
        let absent = try await get(agent.url + "/secretsmanager/get?secretId=no-such-\(UUID().uuidString)", headers: token)
        #expect(absent.status == 404 && absent.body.contains("ResourceNotFoundException"), "\(absent.body)")
        try await session.shutdown()

        // Prometheus metrics and health, behind the token like every route but /ping: counts, never a value or a name.
        #expect(try await get(agent.url + "/metrics").status == 401)
        let metrics = try await get(agent.url + "/metrics", headers: token)
        #expect(metrics.status == 200 && metrics.body.contains(#"sesame_agent_requests_total{route="/secretsmanager/get",status="200"}"#), "\(metrics.body)")
        #expect(metrics.body.contains("sesame_agent_cache_hits_total") && metrics.body.contains(#"route="/v1/{secretId}""#))
        #expect(!metrics.body.contains("Agent-Value") && !metrics.body.contains(secretName))
        #expect(try await get(agent.url + "/v1/health").status == 401)
        let health = try await get(agent.url + "/v1/health", headers: token)
        #expect(health.status == 200 && health.body.contains(#""secretsmanager""#) && health.body.contains(#""parameterstore""#), "\(health.body)")
        #expect(!health.body.contains("Agent-Value"))

        // The log: one line per request, never a value.
        #expect(!agent.process.stderr.contains("Agent-Value") && !agent.process.stdout.contains("Agent-Value"))
        agent.process.signal(SIGTERM)
        let status = try await onOwnThread { agent.process.waitForExit(timeout: 30) }
        #expect(status == 0, "\(agent.process.stderr)")
    }

    @Test func secretServerReferencesAreServedWithTheSignedInSession() async throws {
        let (server, admin) = try await serverWithSecret("Tss-Agent-Value-1")
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let agent = try await startAgent(environment: admin.merging(["SESAME_CONFIG_DIR": directory.path]) { $1 }, directory: directory)
        defer { agent.process.stop() }
        let value = try await get(agent.url + "/v1/ref?ref=tss://1/password", headers: [("X-Sesame-Token", agent.token)])
        #expect(value.status == 200 && value.body == "Tss-Agent-Value-1", "\(value.body)")
        let byPath = try await get(agent.url + "/v1/ref?ref=tss://1/username", headers: [("X-Sesame-Token", agent.token)])
        #expect(byPath.status == 200 && byPath.body == "app", "\(byPath.body) \(agent.process.stderr)")
        let absent = try await get(agent.url + "/v1/ref?ref=tss://999/password", headers: [("X-Sesame-Token", agent.token)])
        // Secret Server answers an id that does not exist as access denied (or not found): never a value.
        #expect([403, 404].contains(absent.status) && !absent.body.contains("Tss-Agent"), "\(absent.status) \(absent.body)")

        // sesame get/run through the agent (SESAME_AGENT): no credentials of its own needed; the token from the
        // agent's token file in the same configuration folder.
        let client = ["SESAME_AGENT": agent.url, "SESAME_CONFIG_DIR": directory.path]
        let read = try await SesameProcess.run(["get", "tss://1/password"], environment: client)
        #expect(read.status == 0 && read.stdout == "Tss-Agent-Value-1", "\(read.stderr)")
        let run = try await SesameProcess.run(["run", "--", "sh", "-c", "echo $DB"], environment: client.merging(["DB": "tss://1/username"]) { $1 })
        #expect(run.status == 0 && run.stdout == "app\n", "\(run.stderr)")
        try "user={{ tss://1/username }}\n".write(toFile: directory.file("template"), atomically: true, encoding: .utf8)
        let injected = try await SesameProcess.run(["inject", "--in", directory.file("template")], environment: client)
        #expect(injected.status == 0 && injected.stdout == "user=app\n", "\(injected.stderr)")
        let wrongToken = try await SesameProcess.run(["get", "tss://1/password"], environment: client.merging(["SESAME_AGENT_TOKEN": "not-the-token"]) { $1 })
        #expect(wrongToken.status != 0 && wrongToken.stderr.contains("refused its token"), "\(wrongToken.stderr)")
        // A process told to use another server is never answered with the agent's value: it reads for itself.
        let elsewhere = try await SesameProcess.run(
            ["get", "tss://1/password"],
            environment: client.merging([
                "SESAME_URL": "http://127.0.0.1:9/SecretServer", "SESAME_USERNAME": "admin", "SESAME_PASSWORD": "not-it", "SESAME_CONNECT_TIMEOUT": "1",
            ]) { $1 })
        #expect(elsewhere.status != 0 && !elsewhere.stdout.contains("Tss-Agent-Value-1"), "\(elsewhere.stdout)")
        // Told to use the agent's own server and user: answered through the agent.
        let hitsBefore = try await get(agent.url + "/metrics", headers: [("X-Sesame-Token", agent.token)]).body
        let same = try await SesameProcess.run(["get", "tss://1/password"], environment: admin.merging(client) { $1 })
        #expect(same.status == 0 && same.stdout == "Tss-Agent-Value-1", "\(same.stderr)")
        let hitsAfter = try await get(agent.url + "/metrics", headers: [("X-Sesame-Token", agent.token)]).body
        #expect(hitsBefore != hitsAfter && hitsAfter.contains("sesame_agent_cache_hits_total"))
        // The agent gone: read directly (with credentials).
        agent.process.signal(SIGTERM)
        _ = try await onOwnThread { agent.process.waitForExit(timeout: 30) }
        let direct = try await SesameProcess.run(["get", "tss://1/password"], environment: admin.merging(client) { $1 })
        #expect(direct.status == 0 && direct.stdout == "Tss-Agent-Value-1", "\(direct.stderr)")
    }

    @Test func theLastGoodValueIsServedMarkedStaleWhileTheProviderIsDownThenTheError() async throws {
        let (server, admin) = try await serverWithSecret("Stale-Value-1")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let agent = try await startAgent(
            environment: admin.merging(["SESAME_CONFIG_DIR": directory.path, "SESAME_CONNECT_TIMEOUT": "1"]) { $1 }, directory: directory,
            arguments: ["--listen", "127.0.0.1:0", "--ttl", "1", "--stale-ttl", "12"])
        defer { agent.process.stop() }
        let token = [("X-Sesame-Token", agent.token)]
        let beforeTheRead = ContinuousClock.now
        let fresh = try await getWithHeaders(agent.url + "/v1/ref?ref=tss://1/password", headers: token)
        #expect(fresh.status == 200 && fresh.body == "Stale-Value-1" && fresh.stale == nil)
        let freshJSON = try await get(agent.url + "/v1/ref?ref=tss://1/password", headers: token + [("Accept", "application/json")])
        #expect(!freshJSON.body.contains("stale"), "\(freshJSON.body)")
        server.stop()
        // The provider is gone: asked again (refreshNow), the last good value, marked stale.
        let stale = try await getWithHeaders(agent.url + "/v1/ref?ref=tss://1/password&refreshNow=true", headers: token)
        #expect(stale.status == 200 && stale.body == "Stale-Value-1" && stale.stale != nil, "\(stale)")
        // With JSON (read while the server was up), the metadata says so too.
        let described = try await getWithHeaders(
            agent.url + "/v1/ref?ref=tss://1/password&refreshNow=true", headers: token + [("Accept", "application/json")])
        #expect(described.body.contains(#""stale":true"#) && described.body.contains("Stale-Value-1") && described.stale != nil, "\(described)")
        // Past the time to live and the stale window (1 s + 12 s from the read): the error, and no value. Asked until
        // it comes (every answer before it is the stale value), within a deadline well past the window.
        let deadline = ContinuousClock.now + .seconds(60)
        var gone = try await get(agent.url + "/v1/ref?ref=tss://1/password", headers: token)
        while gone.status == 200, ContinuousClock.now < deadline {
            #expect(gone.body == "Stale-Value-1", "\(gone)")
            try await Task.sleep(for: .milliseconds(250))
            gone = try await get(agent.url + "/v1/ref?ref=tss://1/password", headers: token)
        }
        #expect(gone.status >= 500 && !gone.body.contains("Stale-Value"), "\(gone)")
        // Not before the window ended (a loaded machine only makes it later).
        #expect(ContinuousClock.now - beforeTheRead >= .seconds(12), "the stale value was dropped before its window ended")
    }

    @Test func aPrefetchListIsReadAtStartAndAgainOnSIGHUP() async throws {
        let (server, admin) = try await serverWithSecret("Prefetch-Value-1")
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "# read at start\ntss://1/password\n".write(toFile: directory.file("prefetch"), atomically: true, encoding: .utf8)
        let agent = try await startAgent(
            environment: admin.merging(["SESAME_CONFIG_DIR": directory.path]) { $1 }, directory: directory,
            arguments: ["--listen", "127.0.0.1:0", "--prefetch", directory.file("prefetch")])
        defer { agent.process.stop() }
        // Read at start: the cache holds it before anyone asked (the metrics say so).
        let deadline = ContinuousClock.now + .seconds(30)
        let token = [("X-Sesame-Token", agent.token)]
        while !(try await get(agent.url + "/metrics", headers: token).body.contains("sesame_agent_cache_entries 1")) {
            #expect(ContinuousClock.now < deadline, "the prefetch did not happen: \(agent.process.stderr)")
            if ContinuousClock.now >= deadline { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await get(agent.url + "/v1/ref?ref=tss://1/password", headers: token).body == "Prefetch-Value-1")
        #expect(try await get(agent.url + "/metrics", headers: token).body.contains("sesame_agent_cache_hits_total 1"))
        // Changed on the server: the cached value until SIGHUP reads the list again past the cache.
        let changed = try await SesameProcess.run(["set", "tss://1/password"], environment: admin, input: "Prefetch-Value-2")
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(try await get(agent.url + "/v1/ref?ref=tss://1/password", headers: token).body == "Prefetch-Value-1")
        agent.process.signal(SIGHUP)
        var value = ""
        while value != "Prefetch-Value-2", ContinuousClock.now < deadline + .seconds(30) {
            try await Task.sleep(for: .milliseconds(50))
            value = try await get(agent.url + "/v1/ref?ref=tss://1/password", headers: token).body
        }
        #expect(value == "Prefetch-Value-2" && agent.process.process.isRunning, "\(agent.process.stderr)")
    }

    @Test func aUnixSocketOnlyItsOwnerCanUse() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let socket = directory.file("agent.sock")
        let agent = try await startAgent(
            environment: ["SESAME_CONFIG_DIR": directory.path], directory: directory, arguments: ["--listen", "none", "--socket", socket])
        defer { agent.process.stop() }
        let attributes = try FileManager.default.attributesOfItem(atPath: socket)
        #expect((attributes[.posixPermissions] as? Int) == 0o600 && (attributes[.type] as? FileAttributeType) == .typeSocket)
        let base = "http+unix://" + (socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socket)
        #expect(try await get(base + "/ping").body == "healthy")
        #expect(try await get(base + "/v1/ref?ref=env://HOME").status == 401)
        agent.process.signal(SIGTERM)
        #expect(try await onOwnThread { agent.process.waitForExit(timeout: 30) } == 0)
        // One log line per request: its method, route template, status and time, never the query.
        let lines = agent.process.stderr.split(separator: "\n").filter { $0.contains("http.route=") }
        #expect(lines.count == 2 && lines.allSatisfy { $0.contains("http.status=") && !$0.contains("env://") }, "\(agent.process.stderr)")
    }

    @Test(.enabled(if: Moto.shouldRun)) func aValueRotatedInTheProviderIsServedOnceItsTimeToLiveEnds() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = try Self.motoEnvironment(directory)
        let name = Moto.uniqueName("agent-ttl")
        let session = try AWSSession(configuration: AWSConfiguration(timeouts: Moto.timeouts, environment: environment))
        defer { Task { try? await session.shutdown() } }
        _ = try await session.secretsManager().createSecret(name, value: .string("Ttl-Value-1"))
        let agent = try await startAgent(environment: environment, directory: directory, arguments: ["--listen", "127.0.0.1:0", "--ttl", "2"])
        defer { agent.process.stop() }
        let token = [("X-Aws-Parameters-Secrets-Token", agent.token)]
        #expect(try await get(agent.url + "/secretsmanager/get?secretId=" + name, headers: token).body.contains("Ttl-Value-1"))
        _ = try await session.secretsManager().putSecretValue(name, value: .string("Ttl-Value-2"))
        #expect(try await get(agent.url + "/secretsmanager/get?secretId=" + name, headers: token).body.contains("Ttl-Value-1"))
        // Past the 2-s time to live, without refreshNow: the provider's new value (the cached one until then).
        let deadline = ContinuousClock.now + .seconds(60)
        var answer = try await get(agent.url + "/secretsmanager/get?secretId=" + name, headers: token).body
        while !answer.contains("Ttl-Value-2"), ContinuousClock.now < deadline {
            #expect(answer.contains("Ttl-Value-1"), "\(answer)")
            try await Task.sleep(for: .milliseconds(100))
            answer = try await get(agent.url + "/secretsmanager/get?secretId=" + name, headers: token).body
        }
        #expect(answer.contains("Ttl-Value-2"), "\(answer)")
    }

    @Test func theTokenComesFromAWSTokenOrInLambdaFromTheSessionToken() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (variables, token) in [
            (["AWS_TOKEN": "aws-token-0123456789abcdef"], "aws-token-0123456789abcdef"),
            (["AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001", "AWS_SESSION_TOKEN": "lambda-session-token-0123456789"], "lambda-session-token-0123456789"),
        ] {
            let agent = try await AgentProcess.start(
                ["--listen", "127.0.0.1:0"], environment: variables.merging(["SESAME_CONFIG_DIR": directory.path]) { $1 }, directory: directory)
            defer { agent.process.stop() }
            let url = agent.url
            #expect(try await get(url + "/v1/health", headers: [("X-Aws-Parameters-Secrets-Token", token)]).status == 200, "\(variables.keys)")
            #expect(try await get(url + "/v1/health", headers: [("X-Aws-Parameters-Secrets-Token", "another-token-0123456789")]).status == 403)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("agent.token")))
        // Outside Lambda, AWS_SESSION_TOKEN is a developer's credential, not the agent's token: the token file is made.
        let outside = try await AgentProcess.start(
            ["--listen", "127.0.0.1:0"],
            environment: ["AWS_SESSION_TOKEN": "developer-session-token-0123456789", "SESAME_CONFIG_DIR": directory.path], directory: directory)
        defer { outside.process.stop() }
        let made = try #require(outside.token)
        #expect(made != "developer-session-token-0123456789")
        #expect(try await get(outside.url + "/v1/health", headers: [("X-Aws-Parameters-Secrets-Token", made)]).status == 200)
        let session = [("X-Aws-Parameters-Secrets-Token", "developer-session-token-0123456789")]
        #expect(try await get(outside.url + "/v1/health", headers: session).status == 403)
    }

    @Test func theAgentRefusesToListenBeyondThisMachine() async throws {
        let refused = try await SesameProcess.run(["agent", "--listen", "0.0.0.0:2773"])
        #expect(refused.status != 0 && refused.stderr.contains("loopback"), "\(refused.stderr)")
    }
}
