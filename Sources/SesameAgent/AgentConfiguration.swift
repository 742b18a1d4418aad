import Foundation
import Logging
import SesameRedaction

/// How `sesame agent` serves: where it listens, the token every request but `/ping` must carry, and how long answers
/// are kept.
package struct AgentConfiguration: Sendable {
    /// The address to listen on: loopback only (`127.0.0.1` by default, as the AWS agent).
    package var host: String
    /// The port (2773, the AWS Secrets Manager Agent's and the Lambda extension's; 0 picks a free one); nil to
    /// listen on the Unix socket only.
    package var port: Int?
    /// A Unix socket to listen on too (made 0600: only its owner may connect).
    package var socketPath: String?
    /// The SSRF token: a request must send it in `X-Aws-Parameters-Secrets-Token`, `X-Vault-Token` or `X-Sesame-Token`.
    package var token: String
    /// How long an answer is served from memory before the provider is asked again.
    package var timeToLive: Duration
    /// How long past its time to live an answer may still be served, marked stale, when the provider fails for a
    /// reason that may pass (unreachable, throttled, 5xx). A value that is gone or refused is never served stale.
    package var staleWindow: Duration
    /// Answers kept at most; the oldest go first.
    package var maximumEntries: Int
    /// How often the providers' sessions and credentials are renewed ahead of need (nil, the default: only when a
    /// read needs them). Only providers read from within `keepAliveIdleLimit` are kept.
    package var keepAliveInterval: Duration?
    /// How long after its last read a provider is still kept alive (8 hours: a working day's pause).
    package var keepAliveIdleLimit: Duration
    /// Where answers are also kept, encrypted, so a restarted agent still has them (nil: memory only).
    package var persistence: AgentPersistence?
    /// Serving over TLS (required to listen beyond this machine): PEM files of the certificate chain and its key.
    package var tls: TLS?
    /// Whether a non-loopback address is allowed (only with `tls`); the `Host` check is off then.
    package var allowsRemote: Bool
    package var logger: Logger
    /// The wall clock answers expire on. Injected so tests can move time.
    package var now: @Sendable () -> Date

    package init(
        host: String = "127.0.0.1", port: Int? = 2773, socketPath: String? = nil, token: String, timeToLive: Duration = .seconds(300),
        staleWindow: Duration = .seconds(3600),
        maximumEntries: Int = 1000, keepAliveInterval: Duration? = nil, keepAliveIdleLimit: Duration = .seconds(8 * 3600), persistence: AgentPersistence? = nil,
        tls: TLS? = nil,
        allowsRemote: Bool = false,
        logger: Logger = Logger(label: "sesame.agent"), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.host = host
        self.port = port
        self.socketPath = socketPath
        self.token = token
        self.timeToLive = timeToLive
        self.staleWindow = staleWindow
        self.maximumEntries = max(1, maximumEntries)
        self.keepAliveInterval = keepAliveInterval
        self.keepAliveIdleLimit = keepAliveIdleLimit
        self.persistence = persistence
        self.tls = tls
        self.allowsRemote = allowsRemote
        self.logger = logger
        self.now = now
    }
}

extension AgentConfiguration {
    /// The certificate chain and private key the agent serves TLS with (PEM files).
    package struct TLS: Sendable {
        package var certificatePath: String
        package var keyPath: String

        package init(certificatePath: String, keyPath: String) {
            self.certificatePath = certificatePath
            self.keyPath = keyPath
        }
    }
}

extension AgentConfiguration: Redacting {
    package var redactedDescription: String {
        "listen: \(port.map { "\(host):\($0)" } ?? "-"), socket: \(socketPath ?? "-"), ttl: \(timeToLive), maximumEntries: \(maximumEntries), tls: \(tls != nil), persistent: \(persistence != nil), token: <redacted>"
    }
}
