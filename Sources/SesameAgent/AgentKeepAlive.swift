import Foundation
import ServiceLifecycle

/// Renews the providers' sessions and credentials every interval, so a read never waits for a sign-in and a session
/// never lapses while nobody reads: a Secret Server token renewed before it expires (and signed in again when the
/// server refused it), temporary AWS credentials renewed. Only the providers already used are kept.
struct AgentKeepAlive: Service {
    let interval: Duration
    let keepAlive: @Sendable () async -> [(provider: String, failure: String?)]
    let metrics: AgentMetrics
    let now: @Sendable () -> Date

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                for (provider, failure) in await keepAlive() {
                    metrics.keptAlive(provider, failed: failure, at: now())
                }
            }
        }
    }
}
