import ArgumentParser
import Foundation
import Logging
import NIOCore
import SecretServerEmulator
import SesameCore
import SesameFiles

extension EmulatorConfiguration.HealthCheckCasing: ExpressibleByArgument {}

/// `sesame server --dev`: the local Secret Server.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run a local Secret Server-compatible server for development and tests.",
        discussion: HelpText.flowing(
            """
            The admin password is generated at first start and printed once, or taken from
            $SESAME_ADMIN_PASSWORD or --admin-password-file. It is never read from the command line.

            The server is also a Delinea Platform at URL/platform (off with --platform-path ''): its
            service user (client id sesame-platform, mapped to platform-service, an ordinary user who
            reads what is shared with it) gets a secret generated at first start and printed once, or
            taken from $SESAME_PLATFORM_CLIENT_SECRET.

            Secret values are encrypted at rest with the key in DATABASE.key (created 0600), or with
            $SESAME_SERVER_KEY (32 bytes, base64) when it is set.

            Examples:
              sesame server --dev
              sesame server --dev --port 8088 --database ./dev.sqlite
              SESAME_ADMIN_PASSWORD=... sesame server --dev --port 0
              sesame server --dev --fault-rate 0.2 --faults 503,rate-limit,drop --fault-latency 20
              sesame server --dev --tls --tls-ca-out ./dev-ca.pem
            """)
    )

    @Flag(name: .long, help: "Development mode (required): a local server with seeded data, not for production.")
    var dev = false

    @Option(name: .long, help: "The address to listen on. Only loopback unless you say otherwise.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port; 0 picks a free one.")
    var port = 8088

    @Option(name: .long, help: "Keep data in this SQLite file (WAL) instead of memory. Its key goes in FILE.key (0600).")
    var database: String?

    @Option(name: .long, help: "The virtual directory the API is served under (it is also served at /).")
    var basePath = "/SecretServer"

    @Option(name: .long, help: ArgumentHelp("Read the admin password from this file (first line).", valueName: "file"))
    var adminPasswordFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The path of the Delinea Platform front door (/health, the xpmplatform token route, /vaultbroker/api/vaults); '' turns it off.",
            valueName: "PATH"
        ))
    var platformPath = "/platform"

    @Option(name: .long, help: "The client id of the Platform service user.")
    var platformClientId = "sesame-platform"

    @Option(name: .long, help: "Key casing of the Platform's /health: both (default), pascal or camel.")
    var platformHealthCasing: EmulatorConfiguration.HealthCheckCasing = .both

    @Option(name: .long, help: "Access token lifetime in seconds.")
    var tokenLifetime = 1199

    @Option(name: .long, help: "Key casing of /api/v1/healthcheck: pascal (python-tss-sdk needs it), camel or both.")
    var healthcheckCasing: EmulatorConfiguration.HealthCheckCasing = .pascal

    @Option(name: .long, help: "The take of a search that sends none (the real default is not documented; 10 is assumed).")
    var defaultPageSize = 10

    @Option(name: .long, help: "Failed sign-ins in a row after which a user is locked out (0: never).")
    var maxLoginFailures = 10

    @Option(name: .long, help: "Failed sign-ins from one address per minute after which the token route answers 429 (0: no limit).")
    var failedLoginsPerMinute = 20

    @Flag(name: .long, help: "A secret that requires a comment also requires a ticket number (as with a ticket system that asks for one).")
    var requireTicketNumber = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Two-factor sign-in for some users (the emulator's own mode): a file of 'USER = BASE32SECRET' lines; they must send their authenticator's code in the OTP header.",
            valueName: "file"
        ))
    var totpSecrets: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The scrypt cost of password hashes (N = 2^COST, 10 to 20): lower makes each sign-in cheaper, for test rigs that sign in often.",
            valueName: "COST"
        ))
    var passwordHashCost = 14

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(name: .long, help: ArgumentHelp("Fault mode: the share of API requests (0...1) answered with a fault.", valueName: "RATE"))
    var faultRate: Double?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Fault mode: the faults to pick from, comma-separated: 500, 502, 503 (any 4xx/5xx), rate-limit, html, drop, drop-after, drop-mid (the transient ones, the default), truncated, wrong-types, huge, slow-drip.",
            valueName: "LIST"
        ))
    var faults: String?

    @Option(name: .long, help: ArgumentHelp("Fault mode: milliseconds added before every API request is answered.", valueName: "MS"))
    var faultLatency: Int?

    @Option(name: .long, help: "Fault mode: the seed of the random choice, so a run can be repeated.")
    var faultSeed: UInt64 = 1

    @Flag(name: .long, help: "Serve HTTPS with a certificate made now by a CA made now (keys in memory only).")
    var tls = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --tls: a name the certificate is for (repeat it; default: localhost, 127.0.0.1, ::1 and --host).",
            valueName: "NAME"
        ))
    var tlsHostname: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --tls: where to write the CA certificate clients trust (default: DATABASE.ca.pem, or a file in the temporary directory).",
            valueName: "FILE"
        ))
    var tlsCaOut: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Once the server listens, write {\"url\", \"platformURL\", \"port\", \"pid\", \"caFile\"} as JSON to this file (atomically), for scripts and tests that start it.",
            valueName: "FILE"
        ))
    var readyFile: String?

    @Flag(name: .long, help: .hidden)
    var printRoutes = false

    func check() throws {
        guard dev else {
            throw CLIError("only the development server exists", hint: "run: sesame server --dev")
        }
        guard (0...65535).contains(port) else { throw CLIError("--port must be between 0 and 65535") }
        guard (1...31_536_000).contains(tokenLifetime) else { throw CLIError("--token-lifetime must be between 1 second and a year") }
        guard (1...Int(Int32.max)).contains(defaultPageSize) else { throw CLIError("--default-page-size must be positive (at most 2147483647)") }
        guard (10...20).contains(passwordHashCost) else { throw CLIError("--password-hash-cost must be between 10 and 20; found \(passwordHashCost)") }
        guard maxLoginFailures >= 0, failedLoginsPerMinute >= 0 else {
            throw CLIError("--max-login-failures and --failed-logins-per-minute must not be negative")
        }
    }

    /// The fault mode the `--fault-*` options ask for, or `nil` when none is given.
    func faultMode() throws -> FaultMode? {
        guard faultRate != nil || faults != nil || faultLatency != nil else { return nil }
        let rate = faultRate ?? (faults == nil ? 0 : 0.1)
        guard (0...1).contains(rate) else {
            throw CLIError("--fault-rate must be between 0 and 1, not \(rate)", hint: "0.2 fails one API request in five")
        }
        let latency = faultLatency ?? 0
        guard latency >= 0 else { throw CLIError("--fault-latency must not be negative") }
        guard latency <= 600_000 else { throw CLIError("--fault-latency must be at most 600000 ms (ten minutes)") }
        var chosen = FaultMode.transientFaults
        if let faults {
            chosen = []
            for name in faults.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                guard let fault = FaultMode.fault(named: name) else {
                    throw CLIError(
                        "unknown fault '\(name)' in --faults",
                        hint: "use 500, 502, 503 (any 4xx/5xx status), rate-limit, html, drop, drop-after, drop-mid, truncated, wrong-types, huge or slow-drip"
                    )
                }
                chosen.append(fault)
            }
            guard !chosen.isEmpty else { throw CLIError("--faults names no fault") }
        }
        return FaultMode(latency: .milliseconds(latency), failureRate: rate, faults: chosen, seed: faultSeed)
    }

    /// A new folder in the temporary folder that only this user can enter (mode 0700, a random name).
    static func privateTemporaryDirectory() throws -> String {
        var template = Array((FileManager.default.temporaryDirectory.path + "/sesame-dev-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CLIError(
                "cannot make a folder for the CA certificate in \(FileManager.default.temporaryDirectory.path) (errno \(errno))",
                hint: "choose a place with --tls-ca-out")
        }
        return String(cString: made)
    }

    func run() async throws {
        try check()
        let faultMode = try self.faultMode()
        var logger = Logger(label: "sesame.server")
        if printRoutes {
            // For scripts/openapi: every route the server registers, one `METHOD /path` per line.
            logger.logLevel = .critical
            let routes = try EmulatorApplication.registeredRoutes(EmulatorConfiguration(), logger: logger)
            Output.write(routes.joined(separator: "\n"))
            return
        }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw CLIError("unknown log level '\(logLevel)'", hint: "use trace, debug, info, notice, warning, error or critical")
        }
        logger.logLevel = level
        let environment = ProcessEnvironment.current()
        var passwordSource: String?
        var adminPassword: String?
        if let file = adminPasswordFile {
            adminPassword = try SecretInputFile.firstLine(file, what: "admin password")
            passwordSource = file
        } else if let value = environment["SESAME_ADMIN_PASSWORD"], !value.isEmpty {
            adminPassword = value
            passwordSource = "$SESAME_ADMIN_PASSWORD"
        }
        if adminPassword?.isEmpty == true { throw CLIError("the admin password is empty") }
        let platformSecret = environment["SESAME_PLATFORM_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        guard !platformClientId.isEmpty, platformClientId.count <= 200 else { throw CLIError("--platform-client-id must be 1 to 200 characters") }
        var encryptionKey: Data?
        if let text = environment["SESAME_SERVER_KEY"], !text.isEmpty {
            guard let key = Data(base64Encoded: text), key.count == 32 else {
                throw CLIError("SESAME_SERVER_KEY must be 32 bytes in base64", hint: "make one with: openssl rand -base64 32")
            }
            encryptionKey = key
        }
        var certificate: DevelopmentCertificate?
        var caPath: String?
        if tls {
            var names = tlsHostname.isEmpty ? ["localhost", "127.0.0.1", "::1"] : tlsHostname
            if tlsHostname.isEmpty, !names.contains(host), host != "0.0.0.0", host != "::" { names.append(host) }
            let made = try DevelopmentCertificate.generate(hostnames: names)
            // A predictable name in the shared temporary folder could be swapped by another user for a CA of
            // theirs, which clients would then trust: without --tls-ca-out or --database, the CA goes into a new
            // folder only this user can enter.
            let path = try tlsCaOut ?? database.map { $0 + ".ca.pem" } ?? (Self.privateTemporaryDirectory() + "/ca.pem")
            // Public: the CA certificate only. Its key and the server's key stay in this process.
            do {
                try SecretFile.write(Array(made.caPEM.utf8), to: path, mode: 0o644)
            } catch {
                throw CLIError("cannot write the CA certificate: \(error)", hint: "choose another place with --tls-ca-out")
            }
            certificate = made
            caPath = path
        } else if !tlsHostname.isEmpty || tlsCaOut != nil {
            throw CLIError("--tls-hostname and --tls-ca-out need --tls")
        }
        var configuration = EmulatorConfiguration(
            host: host, port: port, basePath: basePath, storage: database.map { .file(path: $0) } ?? .memory,
            encryptionKey: encryptionKey,
            adminPassword: adminPassword, tokenLifetime: tokenLifetime, defaultPageSize: defaultPageSize,
            healthCheckCasing: healthcheckCasing, passwordHashCost: passwordHashCost, maximumLoginFailures: maxLoginFailures,
            failedLoginsPerAddress: failedLoginsPerMinute, failedLoginWindow: 60, faultMode: faultMode,
            tls: certificate, requireTicketNumberWithComment: requireTicketNumber,
            platform: .init(path: platformPath, clientId: platformClientId, clientSecret: platformSecret, healthCasing: platformHealthCasing)
        )
        if let totpSecrets { configuration.twoFactor = try Self.readTOTPSecrets(totpSecrets) }
        if !["127.0.0.1", "::1", "localhost"].contains(host) {
            logger.warning("listening on \(host): other machines can reach this development server")
        }
        let server: EmulatorServer
        do {
            server = try await EmulatorServer.start(configuration, logger: logger, handleSignals: true)
        } catch let error as EmulatorStartupError {
            throw CLIError("the server could not start: \(error)")
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw CLIError(
                "the server could not start: port \(port) on \(host) is already in use",
                hint: "stop what uses it, or pick another with --port (0 picks a free one)")
        } catch {
            throw CLIError("the server could not start: \(error)")
        }
        var lines = [
            "Sesame local Secret Server (development mode)",
            "  URL:       \(server.baseURL)",
            "  Username:  admin",
        ]
        if let generated = server.info.generatedAdminPassword {
            lines.append("  Password:  \(generated)")
            lines.append("             (generated now and stored hashed: note it, it is not shown again)")
        } else if let passwordSource {
            lines.append("  Password:  from \(passwordSource)")
        } else {
            lines.append("  Password:  as set at first start (set SESAME_ADMIN_PASSWORD to reset it)")
        }
        if configuration.platform.isEnabled {
            lines.append("  Platform:  \(server.platformURL ?? "")  (client id \(platformClientId))")
            if let generated = server.info.generatedPlatformSecret {
                lines.append("  Secret:    \(generated)")
                lines.append("             (generated now and stored hashed: note it, it is not shown again)")
            } else if platformSecret != nil {
                lines.append("  Secret:    from $SESAME_PLATFORM_CLIENT_SECRET")
            } else {
                lines.append("  Secret:    as set at first start (set SESAME_PLATFORM_CLIENT_SECRET to reset it)")
            }
        }
        let keySource = encryptionKey == nil ? "key in \(database ?? "").key" : "key from $SESAME_SERVER_KEY"
        lines.append("  Storage:   \(database.map { "\($0) (encrypted values; \(keySource))" } ?? "memory (gone when stopped)")")
        if let mode = faultMode {
            let percent = (mode.failureRate * 100).formatted(.number.precision(.fractionLength(0...1)))
            lines.append("  Faults:    \(percent)% of API requests fail, +\(faultLatency ?? 0) ms each (seed \(faultSeed)): NOT a normal server")
        }
        if let certificate, let caPath {
            lines.append("  TLS:       certificate for \(certificate.hostnames.joined(separator: ", ")), signed by the CA in \(caPath)")
        }
        lines.append("")
        lines.append("  export SESAME_URL=\(server.baseURL) SESAME_USERNAME=admin" + (caPath.map { " SESAME_CA_FILE=\($0)" } ?? ""))
        lines.append("Stop with Ctrl-C.")
        Output.write(lines.joined(separator: "\n"))
        if let readyFile {
            // After the banner, so whoever waits for this file finds the banner written too. No secret in it.
            // `caFile`: the CA that signed the TLS certificate (with --tls), for SESAME_CA_FILE.
            struct Ready: Encodable { var url: String; var platformURL: String?; var port: Int; var pid: Int32; var caFile: String? }
            let ready = Ready(url: server.baseURL, platformURL: server.platformURL, port: server.port, pid: getpid(), caFile: caPath)
            do {
                try SecretFile.write(Array(try JSONEncoder().encode(ready)) + [UInt8(ascii: "\n")], to: readyFile, mode: 0o644)
            } catch {
                await server.stop()
                throw CLIError("cannot write the ready file \(readyFile): \(error)")
            }
        }
        try await server.wait()
    }

    /// `USER = BASE32SECRET` lines (`#` comments, blank lines); the file must be private to its owner.
    static func readTOTPSecrets(_ path: String) throws -> [String: TOTP] {
        let data: [UInt8]
        do {
            guard let read = try SecretFile.readPrivate(path, limit: 1 << 20) else { throw CLIError("there is no TOTP secrets file at \(path)") }
            data = read
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("cannot read the TOTP secrets file \(path): \(error)", hint: "make it readable by you only (chmod 600)")
        }
        var secrets: [String: TOTP] = [:]
        for (index, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let totp = TOTP(base32: parts[1]) else {
                throw CLIError("\(path):\(index + 1): expected 'USER = BASE32SECRET' (a base32 secret of 16 characters or more)")
            }
            secrets[parts[0].lowercased()] = totp
        }
        return secrets
    }
}
