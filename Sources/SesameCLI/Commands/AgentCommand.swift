import AWSSecrets
import ArgumentParser
import Foundation
import Logging
import SecretServer
import Sesame
import SesameAgent
import SesameFiles
import SesameRedaction
import UnixSignals

/// `sesame agent`: a local caching agent that answers the AWS Secrets Manager Agent's and the Lambda extension's
/// routes, and Sesame references, for every process on the host.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Serve secrets to local programs from a caching agent (the AWS agents' routes and Sesame references).",
        discussion: HelpText.flowing(
            """
            Listens on 127.0.0.1:2773 (the AWS Secrets Manager Agent's and the Lambda extension's port). Every request but
            /ping carries the token in X-Aws-Parameters-Secrets-Token (or X-Vault-Token, X-Sesame-Token); a request with
            X-Forwarded-For is refused. The token comes from --token-file, else $AWS_TOKEN (the token, or file://PATH), else
            in AWS Lambda $AWS_SESSION_TOKEN (as the Lambda extension), else agent.token in the configuration folder (made
            0600 with a random value when missing).

            Routes: GET /secretsmanager/get?secretId=ID[&versionId=&versionStage=][&refreshNow=true] and GET /v1/ID
            (GetSecretValue's JSON), GET /systemsmanager/parameters/get?name=NAME[&withDecryption=true][&version=|&label=]
            (GetParameter's JSON), GET /v1/ref?ref=REFERENCE (the value; JSON with Accept: application/json), POST
            /v1/refs {"refs": [...]}, GET /v1/health, GET /metrics (Prometheus), GET /ping (the only one without the token). Answers are kept --ttl seconds (up to --max-entries); refreshNow=true
            asks the provider again.

            Examples:
              sesame agent &
              printf 'X-Aws-Parameters-Secrets-Token: %s\\n' "$(cat ~/.config/sesame/agent.token)" > agent.header   # umask 077
              curl -H @agent.header "http://127.0.0.1:2773/secretsmanager/get?secretId=prod/db"
            """)
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(
        name: .long,
        help: ArgumentHelp("Where to listen: HOST:PORT on this machine (default: 127.0.0.1:2773; port 0 picks a free one).", valueName: "host:port"))
    var listen = "127.0.0.1:2773"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The token file (made 0600 with a random token when missing; default: $AWS_TOKEN, in Lambda $AWS_SESSION_TOKEN, else agent.token in the configuration folder).",
            valueName: "file"))
    var tokenFile: String?

    @Option(name: .long, help: ArgumentHelp("Also (or, with --listen none, only) listen on this Unix socket, made 0600.", valueName: "path"))
    var socket: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Seconds past its time to live an answer is still served, marked stale, while the provider fails (default 3600).", valueName: "seconds"))
    var staleTtl = 3600

    @Option(name: .long, help: ArgumentHelp("Seconds an answer is kept (default 300).", valueName: "seconds"))
    var ttl = 300

    @Option(name: .long, help: ArgumentHelp("Answers kept at most (default 1000).", valueName: "count"))
    var maxEntries = 1000

    @Option(name: .long, help: ArgumentHelp("Once listening, write the agent's URL, port and process id here (JSON).", valueName: "file"))
    var readyFile: String?

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Seconds between renewals of the sessions and credentials of the providers used so far (default 60; 0: only when a read needs one).",
            valueName: "seconds"))
    var keepAlive = 60

    @Flag(
        name: .long,
        help:
            "Also keep answers on disk, encrypted (agent-cache.sqlite in the configuration folder), for after a restart; only for the same servers and accounts."
    )
    var persist = false

    @Flag(name: .long, help: "Allow --listen on an address other machines can reach (needs --tls-certificate and --tls-key).")
    var allowRemote = false

    @Option(name: .long, help: ArgumentHelp("Serve HTTPS with this certificate chain (PEM).", valueName: "file"))
    var tlsCertificate: String?

    @Option(name: .long, help: ArgumentHelp("The private key of --tls-certificate (PEM, readable by you only).", valueName: "file"))
    var tlsKey: String?

    @Option(
        name: .long,
        help: ArgumentHelp("References to read at start, one a line (# comments); read again, past the cache, on SIGHUP.", valueName: "file"))
    var prefetch: String?

    func run() async throws {
        let environment = ProcessEnvironment.current()
        let tls = try tlsFiles()
        let (host, port) = listen.lowercased() == "none" ? ("127.0.0.1", nil) : try Self.address(listen, allowRemote: allowRemote, tls: tls != nil)
        guard port != nil || socket != nil else { throw CLIError("--listen none needs --socket PATH") }
        guard (0...86_400).contains(keepAlive) else { throw CLIError("--keep-alive must be 0 to 86400 seconds") }
        guard (0...604_800).contains(staleTtl) else { throw CLIError("--stale-ttl must be 0 to 604800 seconds") }
        guard (1...86_400).contains(ttl) else { throw CLIError("--ttl must be 1 to 86400 seconds") }
        guard (1...1_000_000).contains(maxEntries) else { throw CLIError("--max-entries must be 1 to 1000000") }
        let token = try Self.token(file: tokenFile, environment: environment)
        var logger = Logger(label: "sesame.agent")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        // The agent reads for itself (never through an agent, its own included), and serves no env:// reference: its
        // environment holds its own credentials. One AWS session (with the proxy settings) for its routes and its
        // references, so credentials are sourced once.
        let own = environment.filter { !$0.key.hasPrefix("SESAME_AGENT") }
        let connection = self.connection
        let aws = LazyAWSSession(environment: own, proxy: { try connection.proxyConfiguration(environment: own, profile: nil) })
        let direct = ReferenceStore.make(connection: connection, cache: CacheConfiguration(strategy: .never), environment: own, aws: aws)
        let store = SecretStore(providers: direct.providers.filter { $0.scheme != "env" })
        let configuration = AgentConfiguration(
            host: host, port: port, socketPath: socket, token: token, timeToLive: .seconds(ttl), staleWindow: .seconds(staleTtl),
            maximumEntries: maxEntries, keepAliveInterval: keepAlive == 0 ? nil : .seconds(keepAlive),
            persistence: persist ? try persistence(own, aws: aws) : nil, tls: tls, allowsRemote: allowRemote, logger: logger
        )
        let backends = AgentBackends(
            secretValue: { id, version, stage in try await aws.session().secretsManager().getSecretValue(id, versionId: version, versionStage: stage) },
            parameter: { name, decrypt in try await aws.session().ssm().getParameter(name, withDecryption: decrypt) },
            reference: { reference, refresh in refresh ? try await store.refresh(reference) : try await store.get(reference) },
            keepAlive: { names in await Self.keepAlive(names, providers: store.providers, aws: aws) },
            scope: { scheme in store.providers.first { $0.scheme == scheme }?.cacheScope }
        )
        let server: AgentServer
        do {
            server = try await AgentServer.start(configuration, backends: backends, handleSignals: true)
        } catch {
            throw CLIError("the agent could not start on \(listen): \(error)", hint: "stop what uses the port, or pick another with --listen")
        }
        Output.write(
            "sesame agent listening on \(server.url)\(socket.map { " and \($0)" } ?? "") (token in \(Self.tokenSource(file: tokenFile, environment: environment))). Stop with Ctrl-C."
        )
        if let readyFile {
            struct Ready: Encodable { var url: String; var port: Int; var pid: Int32 }
            do {
                let ready = Ready(url: server.url, port: server.port, pid: getpid())
                try SecretFile.write(Array(try JSONEncoder().encode(ready)) + [UInt8(ascii: "\n")], to: readyFile, mode: 0o644)
            } catch {
                await server.stop()
                throw CLIError("cannot write the ready file \(readyFile): \(error)")
            }
        }
        if let prefetch {
            let references = try Self.references(in: prefetch)
            let failures = await server.prefetch(references)
            logger.notice("prefetched", metadata: ["agent.references": "\(references.count)", "agent.failed": "\(failures.count)"])
            for (reference, message) in failures.sorted(by: { $0.key < $1.key }) {
                logger.warning("prefetch failed", metadata: ["agent.reference": "\(reference)", "agent.error": "\(message)"])
            }
        }
        // SIGHUP (trapped always, so a closed terminal does not kill the agent): the prefetch list read again and
        // every reference in it read past the cache.
        let reloads = Task {
            for await _ in await UnixSignalsSequence(trapping: .sighup) {
                guard let prefetch else {
                    logger.notice("SIGHUP: no --prefetch list to read again")
                    continue
                }
                do {
                    let again = try Self.references(in: prefetch)
                    let failed = await server.prefetch(again, refresh: true)
                    logger.notice("reloaded", metadata: ["agent.references": "\(again.count)", "agent.failed": "\(failed.count)"])
                } catch {
                    logger.error("the prefetch list could not be read again: \(error)")
                }
            }
        }
        defer { reloads.cancel() }
        try await server.wait()
        try? await aws.shutdown()
    }

    /// `HOST:PORT` (IPv6 in brackets): loopback, unless `allowRemote` and TLS.
    static func address(_ text: String, allowRemote: Bool = false, tls: Bool = false) throws -> (String, Int?) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw CLIError("--listen must be HOST:PORT, e.g. 127.0.0.1:2773")
        }
        let host = String(text[..<colon]).trimmingCharacters(in: ["[", "]"])
        guard Loopback.contains(host) || (allowRemote && tls) else {
            throw CLIError(
                "the agent listens on this machine only (\(host) is not a loopback address)",
                hint: allowRemote
                    ? "serving other machines needs TLS: give --tls-certificate and --tls-key"
                    : "use 127.0.0.1 or ::1; to serve other machines give --allow-remote with --tls-certificate and --tls-key"
            )
        }
        return (host, port)
    }

    /// The TLS files, both or neither; the key readable by its owner only.
    func tlsFiles() throws -> AgentConfiguration.TLS? {
        switch (tlsCertificate, tlsKey) {
        case (nil, nil): return nil
        case (let certificate?, let key?):
            guard (try? SecretFile.readPrivate(key, limit: 1 << 20)) ?? nil != nil else {
                throw CLIError("--tls-key \(key) is not a private file", hint: "it must be a plain file readable by you only (chmod 600)")
            }
            return AgentConfiguration.TLS(certificatePath: certificate, keyPath: key)
        default: throw CLIError("--tls-certificate and --tls-key go together")
        }
    }

    /// The encrypted disk cache of `--persist`. Each answer is kept in the scope of who it was read as: for Secret
    /// Server its URL and principal (user and domain, SDK client, or a fingerprint of the token); for AWS the account
    /// and role AWS itself names (`GetCallerIdentity`, asked once, the role's session name left out), the region and
    /// the endpoints. Started as anyone else, the agent finds nothing it kept before.
    func persistence(_ environment: [String: String], aws: LazyAWSSession) throws -> AgentPersistence {
        let directory = ProfileFile.directory(environment)
        let cache: DiskCache
        do {
            cache = try DiskCache(path: directory + "/agent-cache.sqlite", key: .keyFile(directory + "/agent-cache.key"))
        } catch {
            throw CLIError("cannot open the agent's disk cache in \(directory): \(error)", hint: "run without --persist, or fix the folder's permissions")
        }
        let connection = self.connection
        return AgentPersistence(cache: cache) { identity in
            switch identity {
            case .secretServer:
                return try connection.cacheScope(environment: environment)
            case .aws:
                let session = try aws.session()
                let caller = try await session.sts().getCallerIdentity()
                return [
                    "aws", caller.account, Self.principalWithoutSession(caller.arn), session.region,
                    try session.secretsManager().endpointURL, try session.ssm().endpointURL,
                ].joined(separator: "\u{0}")
            }
        }
    }

    /// An assumed role's ARN without its session name (which may differ at every sign-in); other ARNs as they are.
    static func principalWithoutSession(_ arn: String) -> String {
        guard arn.contains(":assumed-role/") else { return arn }
        let parts = arn.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count > 2 ? parts.dropLast().joined(separator: "/") : arn
    }

    /// Renews the sessions and credentials of the named providers (never `env://`): `tss`, `aws-sm`, `aws-ps` for
    /// references, `secretsmanager` and `parameterstore` for the AWS routes (one session: asked once, reported for each).
    static func keepAlive(_ names: Set<String>, providers: [any SecretProvider], aws: LazyAWSSession) async -> [(
        provider: String, error: (any Error)?
    )] {
        var results: [(provider: String, error: (any Error)?)] = []
        for provider in providers where provider.scheme != "env" && names.contains(provider.scheme) {
            do {
                if try await provider.keepAlive() { results.append((provider.scheme, nil)) }
            } catch {
                results.append((provider.scheme, error))
            }
        }
        let routes = names.intersection(["secretsmanager", "parameterstore"])
        if !routes.isEmpty, let session = aws.madeSession {
            var failure: (any Error)?
            do {
                _ = try await session.credentialsProvider.credentials()
            } catch {
                failure = error
            }
            for name in routes.sorted() { results.append((name, failure)) }
        }
        return results
    }

    /// The references of a `--prefetch` file: one a line, `#` comments and blank lines skipped, each checked.
    static func references(in path: String) throws -> [String] {
        let data = try Terminal.readFile(path, limit: 1 << 20)
        var references: [String] = []
        for (index, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            do {
                _ = try SecretReference(parsing: line)
            } catch {
                throw CLIError("\(path):\(index + 1): \(error)")
            }
            references.append(line)
        }
        return references
    }

    static func defaultTokenFile(_ environment: [String: String]) -> String { ProfileFile.directory(environment) + "/agent.token" }

    /// Where the token comes from, for the banner (never the token).
    static func tokenSource(file: String?, environment: [String: String]) -> String {
        if let file { return file }
        if environment["AWS_TOKEN"].map({ !$0.isEmpty }) == true { return "$AWS_TOKEN" }
        if Self.inLambda(environment), environment["AWS_SESSION_TOKEN"].map({ !$0.isEmpty }) == true { return "$AWS_SESSION_TOKEN" }
        return defaultTokenFile(environment)
    }

    /// Whether this runs as an AWS Lambda extension or function (the runtime API is set there and nowhere else).
    static func inLambda(_ environment: [String: String]) -> Bool {
        environment["AWS_LAMBDA_RUNTIME_API"].map { !$0.isEmpty } == true
    }

    /// The token: `--token-file`'s; else `AWS_TOKEN` (the token or `file://PATH`), as the AWS Secrets Manager Agent
    /// reads it; else, in Lambda, `AWS_SESSION_TOKEN`, as the Parameters and Secrets extension reads it (outside
    /// Lambda that variable is a credential of the developer's, not an agent's token); else the default token file
    /// (made now, 0600, random, when missing).
    static func token(file: String?, environment: [String: String]) throws -> String {
        if file == nil, environment["AWS_TOKEN"].map({ !$0.isEmpty }) != true, inLambda(environment),
            let session = environment["AWS_SESSION_TOKEN"], !session.isEmpty
        {
            return session
        }
        var path = file ?? defaultTokenFile(environment)
        if file == nil, let fromEnvironment = environment["AWS_TOKEN"], !fromEnvironment.isEmpty {
            // As the AWS agent: the token itself, or file://PATH for a file that holds it.
            guard fromEnvironment.hasPrefix("file://") else {
                guard fromEnvironment.count >= 16 else { throw CLIError("AWS_TOKEN is shorter than 16 characters") }
                return fromEnvironment
            }
            path = String(fromEnvironment.dropFirst("file://".count))
            guard (try? SecretFile.readPrivate(path, limit: 4096)) ?? nil != nil else {
                throw CLIError("AWS_TOKEN names \(path), which is not a private file holding a token")
            }
        }
        do {
            if let bytes = try SecretFile.readPrivate(path, limit: 4096) {
                let token = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                guard token.count >= 16 else { throw CLIError("the token in \(path) is shorter than 16 characters") }
                return token
            }
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
            )
            var random = [UInt8](repeating: 0, count: 32)
            for index in random.indices { random[index] = UInt8.random(in: 0...255) }
            let token = random.map { String(format: "%02x", $0) }.joined()
            // Another agent may have made it meanwhile: then its token is the one.
            guard try SecretFile.create(Array((token + "\n").utf8), at: path) else { return try Self.token(file: path, environment: [:]) }
            return token
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("cannot use the token file \(path): \(error)", hint: "it must be a plain file readable by you only (chmod 600)")
        }
    }
}
