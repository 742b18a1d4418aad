import AWSSecrets
import Configuration
import Foundation
import Logging
import Sesame
import SesameConfiguration
import SesameTestSupport
import Synchronization
import Testing

/// A log handler that keeps every line (message and metadata) for the test to search.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    static let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        Self.lines.withLock { $0.append("\(event.level) \(event.message) \(all.sorted { $0.key < $1.key })") }
    }
}

@Suite(.timeLimit(.minutes(5)), .enabled(if: Moto.shouldRun, "moto is not running (scripts/test starts it)"))
struct SesameConfigProviderTests {
    @Test func secretsResolveAreRedactedInAccessLogsAndRotate() async throws {
        let environment = Moto.environment(url: try Moto.url())
        let session = try AWSSession(configuration: AWSConfiguration(timeouts: Moto.timeouts, environment: environment))
        let ssm = try session.ssm()
        let root = "/" + Moto.uniqueName()
        try await ssm.putParameter("\(root)/password", value: "Config-Secret-Value-1", type: .secureString)
        try await ssm.putParameter("\(root)/pool", value: "16", type: .string)
        try await ssm.putParameter("\(root)/hosts", value: #"["a.internal","b.internal"]"#, type: .string)
        let store = SecretStore.fromEnvironment(environment)

        let provider = try await SesameConfigProvider(
            references: [
                "database.password": "aws-ps://\(root)/password",
                "database.pool": "aws-ps://\(root)/pool",
                "database.hosts": "aws-ps://\(root)/hosts",
                "database.missing": "aws-ps://\(root)/missing",
            ],
            store: store, pollInterval: .milliseconds(100)
        )
        let logger = Logger(label: "config-access") { _ in CapturingLogHandler() }
        let plain = InMemoryProvider(values: ["app.name": ConfigValue(.string("Visible-Plain-Value"), isSecret: false)])
        let config = ConfigReader(providers: [plain, provider], accessReporter: AccessLogger(logger: logger, level: .info))
        #expect(config.string(forKey: "app.name") == "Visible-Plain-Value")

        #expect(config.string(forKey: "database.password") == "Config-Secret-Value-1")
        #expect(config.int(forKey: "database.pool") == 16)
        #expect(config.stringArray(forKey: "database.hosts") == ["a.internal", "b.internal"])
        #expect(config.string(forKey: "database.missing") == nil)  // the error is kept; the reader falls back to nil
        #expect(config.string(forKey: "database.other", default: "fallback") == "fallback")

        let lines = CapturingLogHandler.lines.withLock { $0 }
        #expect(lines.contains { $0.contains("database.password") })
        #expect(lines.contains { $0.contains("Visible-Plain-Value") }, "the logger does show values that are not secret")
        #expect(!lines.contains { $0.contains("Config-Secret-Value-1") }, "the access log must redact secret values")

        // Rotation: the parameter changes at the source; the running provider notices and tells watchers.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await provider.run() }
            try await config.watchString(forKey: "database.password") { updates in
                var seen: [String?] = []
                for try await value in updates {
                    seen.append(value)
                    if seen.count == 1 {
                        try await ssm.putParameter("\(root)/password", value: "Config-Secret-Value-2", overwrite: true)
                    }
                    if value == "Config-Secret-Value-2" { break }
                }
                #expect(seen.first == "Config-Secret-Value-1" && seen.last == "Config-Secret-Value-2")
            }
            group.cancelAll()
        }
        #expect(try await config.fetchString(forKey: "database.password") == "Config-Secret-Value-2")
        #expect(!"\(provider)".contains("Config-Secret"))
        try await session.shutdown()
    }

    @Test func aMalformedReferenceIsRefusedWithTheKeyNamed() async throws {
        await #expect {
            _ = try await SesameConfigProvider(references: ["db.password": "aws-ps:/x"], store: SecretStore(providers: []))
        } throws: { error in
            "\(error)".contains("'db.password'") && "\(error)".contains("expected '//'")
        }
    }
}
