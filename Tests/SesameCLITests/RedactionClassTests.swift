@testable import AWSSecrets
import AWSSigV4
import AsyncHTTPClient
import Foundation
import Logging
@testable import SecretServer
@testable import SecretServerEmulator
import SecretServerModels
@testable import Sesame
@testable import SesameCore
@testable import SesameAgent
@testable import SesameCLI
import SesameHTTP
import SesameRedaction
import SesameTestSupport
import Testing

/// No type that holds a secret, key, token or password shows it: every such type of `Sources/` (found by reading
/// the sources for stored properties named like one) is either built here with a canary and checked through
/// `description`, `debugDescription`, interpolation and `dump()`, or exempt with a written reason. A new type that
/// holds a secret makes `everyTypeThatHoldsASecretIsChecked` fail until it joins one of the lists.
@Suite(.timeLimit(.minutes(5)), .serialized)
struct RedactionClassTests {
    static let canary = "Canary-Secret-0042"

    /// The four ways a value turns into text.
    static func texts(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), "\(value)", dumped]
    }

    /// Types exempt from the check, and why.
    static let exempt: [String: String] = [
        "AgentProcess": "a test helper (SesameTestKit): the token of an agent a test started, never a user's",
        "Entry": "MemoryCache's entry: holds a SecretValue, whose text is redacted; MemoryCache is checked with a canary",
        "FetchKey": "the cache's in-flight key: a reference's text and scope, no value",
        "Filter": "SSM's DescribeParameters filter: `Key` is a filter's name",
        "Input": "AWS request bodies: NextToken is a paging cursor, ClientRequestToken an idempotency id",
        "Output": "AWS answers: NextToken is a paging cursor",
        "Member": "a JSON member of SecretJSON: its key is a member name; the value is redacted (SecretJSON is checked)",
        "SecretReference": "cacheKey is the reference's text, which names a secret without holding it",
        "SecretServerProvider": "holds the client (whose credentials are redacted: Configuration is checked) and its SecretAccess",
        "SecretAccess": "a comment, a ticket number and a closure that asks for the DoubleLock password when needed, never the password",
        "Snapshot": "the configuration provider's snapshot: holds SecretValues, each redacted (SecretValue is checked)",
        "Storage": "the configuration provider's state: holds SecretValues, each redacted (SecretValue is checked)",
        "WatchedChild": "run --watch's settings and closures; the values it gets pass through run() to the child's environment, never kept in a field",
        "SSHKeyMapping": "the slugs of a template's SSH key fields (\"private-key-passphrase\" is a field's name), no value",
        "Stored": "private to SessionStore, turned into a KeptSession (checked) as soon as it is read",
        "Target": "where a tss:// reference points: `secret` is the secret's name in a path",
        "Component": "a JSON key path's component: `key` is a member name",
        "AgentBackends": "closures that fetch values; it holds none",
        "LoginCommand": "its onboardingKey option holds - or @FILE, where the key is read from; a key given inline is refused",
        "Grants": "AccessPolicy's strongest roles: `secret` is a secret role (List, View, Edit, Owner), no value",
    ]

    /// Builds an instance of each checked type with `canary` wherever it holds a secret.
    /// A provider that assumes a role with source credentials whose secret is `secret`.
    static func assumeRoleProvider(secret: String) async throws -> AssumeRoleCredentialsProvider {
        let session = try AWSSession(
            configuration: AWSConfiguration(
                region: "us-east-1", credentials: .explicit(AWSCredentials(accessKeyId: "AKID", secretAccessKey: secret)),
                assumeRole: .init(roleArn: "arn:aws:iam::123456789012:role/r"),
                environment: ["AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"]
            ))
        return try #require(session.credentialsProvider as? AssumeRoleCredentialsProvider)
    }

    static func checked() async throws -> [String: Any] {
        let canary = Self.canary
        let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: canary, sessionToken: canary)
        let aws = AWSConfiguration(
            region: "eu-west-1", credentials: .explicit(credentials), endpoints: ["ssm": "http://127.0.0.1:9"],
            environment: ["AWS_SECRET_ACCESS_KEY": canary, "SESAME_PASSWORD": canary]
        )
        let session = try AWSSession(configuration: aws)
        defer { Task { try? await session.shutdown() } }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var emulator = EmulatorConfiguration(encryptionKey: Data(repeating: 7, count: 32), adminPassword: canary, passwordHashCost: 10)
        emulator.storage = .memory
        let opened = try EmulatorStore.open(emulator, logger: Logger(label: "test"))
        var model = SecretModel(id: 1, name: "n", secretTemplateId: 2)
        model.autoChangeNextPassword = canary
        let memory = MemoryCache(capacity: 4)
        memory.store("tss://1/password", value: SecretValue(text: canary), expires: .now + .seconds(60))
        var generated = TestEmulator.configuration()
        generated.adminPassword = nil
        let startInfo = try await TestEmulator.with(generated) { server in server.info }
        let generatedPassword = try #require(startInfo.generatedAdminPassword)
        let exported = ExportFile.Secret(
            folder: "f", name: "n", templateId: 2, templateName: "Password", fields: [ExportFile.Field(slug: "password", value: canary)]
        )
        let tokens = TokenStore(lifetime: 60, refreshEnabled: true, now: { Date() })
        let issued = tokens.issue(userId: 2)
        return [
            "AWSConfiguration": aws,
            "CredentialSource": aws.credentials,
            "AWSCredentials": credentials,
            "AWSSigner": AWSSigner(credentials: credentials, region: "eu-west-1", service: "ssm"),
            "AWSSession": session,
            "SSMClient": try session.ssm(),
            "SecretsManagerClient": try session.secretsManager(),
            "STSClient": try session.sts(),
            "AssumedRole": STSClient.AssumedRole(credentials: credentials, expiration: Date(), assumedRoleArn: "arn:aws:iam::1:role/r"),
            "StaticCredentialsProvider": StaticCredentialsProvider(credentials),
            "AWSCredentialsChain": AWSCredentialsChain([StaticCredentialsProvider(credentials)]),
            "EnvironmentCredentialsProvider": EnvironmentCredentialsProvider(environment: ["AWS_SECRET_ACCESS_KEY": canary]),
            "LazyAWSSession": LazyAWSSession(environment: ["AWS_SECRET_ACCESS_KEY": canary]),
            "Credentials": SecretServerClient.Credentials.platform(clientId: "c", clientSecret: canary),
            "Kind": SecretServerClient.Credentials.password(username: "u", password: canary).kind,
            "TokenManager": TokenManager(
                credentials: .password(username: "u", password: canary), margin: .seconds(1), now: { .now },
                fetch: { _ in TokenResponse(accessToken: canary, expiresIn: 1, refreshToken: nil) }
            ),
            "KeptSession": KeptSession(accessToken: canary, refreshToken: canary, expiresAt: Date()),
            "FirstLoad": ProfileSessionKeeper.FirstLoad(KeptSession(accessToken: canary, refreshToken: canary, expiresAt: Date())),
            "Session": SecretServerClient.Session(accessToken: canary, refreshToken: canary, expiresIn: .seconds(1)),
            "NewUser": NewUser(userName: "u", password: canary),
            "UserChanges": UserChanges(id: 1, password: canary),
            "SdkClientAccountModel": SdkClientAccountModel(clientId: "c", clientSecret: canary, name: "n"),
            "TokenResponse": TokenResponse(accessToken: canary, expiresIn: 1, refreshToken: canary),
            "SecretModel": model,
            "SecretValue": SecretValue(text: canary),
            "MemoryCache": memory,
            "DiskCache": try DiskCache(path: directory.file("cache.sqlite"), key: .passphrase(canary), scryptCost: 10),
            "Key": DiskCache.Key.passphrase(canary),
            "EmulatorConfiguration": emulator,
            "EmulatorStore": opened.store,
            "EmulatorDatabase": opened.store.database,
            "Opened": EmulatorStore.Opened(store: opened.store, generatedAdminPassword: canary, created: true, generatedPlatformSecret: canary),
            "Platform": EmulatorConfiguration.Platform(clientSecret: canary),
            "PlatformTokenResponse": PlatformTokenResponse(TokenResponse(accessToken: canary, expiresIn: 1, refreshToken: nil)),
            "ServerEndpoints": try ServerEndpoints(
                configuration: .init(baseURL: "https://x", credentials: .platform(clientId: "c", clientSecret: canary)),
                baseURL: "https://x", http: HTTPClientOwner(proxies: .none) { _ in HTTPClient.shared }
            ),
            "TOTP": TOTP(secret: Array(canary.utf8)),
            "AgentConfiguration": AgentConfiguration(token: canary),
            "AgentClientProvider": AgentClientProvider(agent: try #require(.init("127.0.0.1:2773")), token: canary, fallback: EnvironmentProvider()),
            "AgentGate": AgentGate(token: canary, logger: Logger(label: "test"), metrics: AgentMetrics()),
            "Configuration": {
                var configuration = SecretServerClient.Configuration(baseURL: "https://x", credentials: .password(username: "u", password: canary))
                configuration.oneTimePassword = canary
                return configuration
            }(),
            "CredentialDocument": try JSONDecoder().decode(
                CredentialDocument.self, from: Data(#"{"AccessKeyId":"AKID","SecretAccessKey":"\#(canary)","Token":"\#(canary)"}"#.utf8)
            ),
            "Fetched": RefreshingCredentialsProvider.Fetched(
                credentials: AWSCredentials(accessKeyId: "AKID", secretAccessKey: canary, sessionToken: canary), expiration: nil
            ),
            "AssumeRoleCredentialsProvider": try await assumeRoleProvider(secret: canary),
            "SSOCredentials": try #require(
                try SSOCredentials(
                    profileName: "p", profile: ["sso_start_url": "https://x/start", "sso_region": "r", "sso_account_id": "1", "sso_role_name": "R"],
                    shared: AWSSharedConfig()
                )),
            "ProxyServer": ProxyServer(host: "proxy", port: 3128, username: "u", password: canary),
            "ProxyConfiguration": ProxyConfiguration(all: ProxyServer(host: "proxy", port: 3128, username: "u", password: canary)),
            "ValueCipher": try ValueCipher(keyData: Data(Array(canary.utf8.prefix(16)) + Array(canary.utf8.prefix(16)))),
            "AccessOptions": SecretsStore.AccessOptions(comment: "c", doubleLockPassword: canary),
            "SecretRestrictedArgs": SecretRestrictedArgs(comment: "c", doubleLockPassword: canary),
            "UserInput": DirectoryStore.UserInput(password: canary),
            "StartInfo": (startInfo, generatedPassword),
            "Payload": ExportFile.Payload(exportedAt: Date(), source: "s", root: "r", folders: [], secrets: [exported]),
            "Secret": exported,
            "Field": exported.fields[0],
            "Token": TokenManager.Token(access: canary, refresh: canary, renewAt: .now, expiresAt: .now),
            "Grant": TokenManager.Grant.password(username: "u", password: canary, domain: nil),
            "FieldWrite": SecretsStore.FieldWrite.text(canary),
            "FieldContent": SecretsStore.FieldContent.file(name: "id_rsa", content: Data(canary.utf8)),
            "TokenStore": (tokens, issued.accessToken),
            "DoubleLockGuard": DoubleLockGuard(now: { Date() }),
            "SSHKeyPair": SSHKeyPair(privateKeyPEM: canary, publicKey: "ssh-rsa AAAA"),
            "GeneratedSSHKeys": SecretsStore.GeneratedSSHKeys(
                privateKeyFieldId: 1, publicKeyFieldId: 2, passphraseFieldId: 3, passphrase: canary,
                pair: SSHKeyPair(privateKeyPEM: canary, publicKey: "ssh-rsa AAAA")
            ),
        ]
    }

    @Test func everyTypeThatHoldsASecretIsChecked() async throws {
        let found = try Self.typesHoldingSecrets()
        #expect(found.count > 20, "the scan found only \(found.sorted())")
        let checked = try await Self.checked()
        let missing = found.subtracting(checked.keys).subtracting(Self.exempt.keys)
        #expect(
            missing.isEmpty,
            """
            these types hold a secret but are not checked: \(missing.sorted()). Make each conform to Redacting (or redact \
            description, debugDescription and customMirror) and add it to RedactionClassTests.checked, or to exempt with a reason
            """)
    }

    @Test func noCheckedTypeShowsItsSecret() async throws {
        for (name, value) in try await Self.checked() {
            var subject = value
            var secret = Self.canary
            // Types whose secret is made inside them come with it: (instance, the secret to look for).
            if let (info, password) = value as? (EmulatorApplication.StartInfo, String) {
                subject = info
                secret = password
            } else if let (store, token) = value as? (TokenStore, String) {
                subject = store
                secret = token
            }
            for text in Self.texts(subject) {
                #expect(!text.contains(secret), "\(name) shows its secret: \(text.prefix(300))")
                // Keys held as SymmetricKey or bytes never show up as such either.
                #expect(!text.contains("SymmetricKey") && !text.contains("sealingKey"), "\(name) shows a key: \(text.prefix(300))")
            }
        }
    }

    // MARK: Reading the sources

    /// The last word of a stored property's name that marks a secret, and the types that are one.
    static let secretWords: Set<String> = [
        "password", "passphrase", "token", "secret", "key", "credentials", "environment", "cipher", "access", "refresh",
    ]
    static let secretTypes = ["SymmetricKey", "AWSCredentials", "Credentials", "SecretValue", "KeptSession", "CredentialSource"]

    /// The names of the types in `Sources/` (but the generated OpenAPI document) with a stored property whose name
    /// ends in a secret word or whose type is a secret type.
    static func typesHoldingSecrets(filePath: String = #filePath) throws -> Set<String> {
        var root = URL(fileURLWithPath: filePath)
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) { root.deleteLastPathComponent() }
        let sources = root.appendingPathComponent("Sources")
        var found: Set<String> = []
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".swift") && !file.hasSuffix("OpenAPIDocument.swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            found.formUnion(scan(text))
        }
        return found
    }

    static func scan(_ text: String) -> Set<String> {
        let declaration = try! Regex(
            #"^\s*(?:@\w+\s+)*(?:(?:public|package|private|fileprivate|internal|final|indirect)\s+)*(?:struct|class|enum|actor|extension)\s+([A-Za-z_.]+)"#)
        let property = try! Regex(
            #"^\s*(?:(?:public|package|private|fileprivate|internal|private\(set\)|nonisolated|weak|unowned)\s+)*(?:let|var)\s+([A-Za-z_]+)\s*:\s*([^={]+)(.*)$"#
        )
        // A stored property whose type is inferred from a secret type's initializer: `let key = SymmetricKey(size: .bits256)`.
        let inferred = try! Regex(#"^\s*(?:(?:public|package|private|fileprivate|internal|nonisolated)\s+)*(?:let|var)\s+[A-Za-z_]+\s*=\s*([A-Za-z_]+)\("#)
        // An enum case whose name or a payload's label is a secret word: `case password(username: String, password: String)`.
        let enumCase = try! Regex(#"^\s*case\s+([A-Za-z_]+)\((.*)\)"#)
        var found: Set<String> = []
        var stack: [(name: String, body: Int)] = []
        var depth = 0
        var previous = ""
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            // A command-line argument or option is what the user typed, never a secret (sesame refuses secrets in argv).
            let typed = ["@Argument", "@Option", "@Flag"].contains { rawLine.contains($0) || previous.contains($0) }
            if !rawLine.trimmingCharacters(in: .whitespaces).isEmpty { previous = String(rawLine) }
            var line = String(rawLine)
            if let comment = line.range(of: "//") { line = String(line[..<comment.lowerBound]) }
            line = line.replacing(try! Regex(#""[^"]*""#), with: "\"\"")
            if let match = line.firstMatch(of: property), let top = stack.last, depth == top.body, !line.contains("static "), !typed {
                let name = String(match.output[1].substring ?? "")
                let type = String(match.output[2].substring ?? "").trimmingCharacters(in: .whitespaces)
                let rest = String(match.output[3].substring ?? "").trimmingCharacters(in: .whitespaces)
                let words = Self.words(name)
                if !rest.hasPrefix("{"), type != "Bool",
                    Self.secretWords.contains(words.last ?? "") || Self.secretTypes.contains(where: { type.contains($0) })
                {
                    found.insert(top.name)
                }
            }
            if let match = line.firstMatch(of: inferred), let top = stack.last, depth == top.body, !line.contains("static "),
                Self.secretTypes.contains(String(match.output[1].substring ?? ""))
            {
                found.insert(top.name)
            }
            if let match = line.firstMatch(of: enumCase), let top = stack.last, depth == top.body {
                let name = String(match.output[1].substring ?? "")
                let labels = String(match.output[2].substring ?? "").split(separator: ",").compactMap { part -> String? in
                    let pieces = part.split(separator: ":", maxSplits: 1)
                    return pieces.count == 2 ? pieces[0].trimmingCharacters(in: .whitespaces) : nil
                }
                if ([name] + labels).contains(where: { Self.secretWords.contains(Self.words($0).last ?? "") }) { found.insert(top.name) }
            }
            let opens = line.filter { $0 == "{" }.count
            let closes = line.filter { $0 == "}" }.count
            if let match = line.firstMatch(of: declaration) {
                let name = String(match.output[1].substring ?? "")
                stack.append((String(name.split(separator: ".").last ?? ""), depth + 1))
            }
            depth += opens - closes
            while let top = stack.last, depth < top.body { stack.removeLast() }
        }
        return found
    }

    /// The words of a camelCase name, lower-cased.
    static func words(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in name {
            if character.isUppercase, !current.isEmpty {
                words.append(current.lowercased())
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(current.lowercased()) }
        return words
    }
}
