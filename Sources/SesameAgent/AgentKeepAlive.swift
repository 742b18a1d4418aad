import Foundation
import Logging
import ServiceLifecycle

/// Renews the providers' sessions and credentials every interval, so a read never waits for a sign-in and a session
/// never lapses while nobody reads: a Secret Server token renewed before it expires (and signed in again when the
/// server refused it), temporary AWS credentials renewed. Only providers read from within `idleLimit` are kept; one
/// refused (a password changed, a client revoked) is left alone until a read succeeds again, so the agent never
/// locks an account out by signing in every minute; one that fails for a reason that may pass is tried again later
/// and later (up to 15 minutes). A change of state is logged once.
struct AgentKeepAlive: Service {
    let interval: Duration
    let idleLimit: TimeInterval
    let keepAlive: @Sendable (Set<String>) async -> [(provider: String, error: (any Error)?)]
    let metrics: AgentMetrics
    let logger: Logger
    let now: @Sendable () -> Date

    /// What the loop knows of each provider between rounds.
    struct State {
        /// Refused at this time: not kept again until a read after it succeeds.
        var refusedAt: [String: Date] = [:]
        /// Failed for a reason that may pass: not tried before this time.
        var notBefore: [String: Date] = [:]
        var failuresInARow: [String: Int] = [:]

        /// The providers due now: used recently, not refused since their last successful read, not waiting.
        func due(activity: [String: (lastUse: Date, lastSuccess: Date?)], time: Date, idleLimit: TimeInterval) -> Set<String> {
            Set(
                activity.compactMap { name, seen in
                    guard time.timeIntervalSince(seen.lastUse) <= idleLimit else { return nil }
                    if let refused = refusedAt[name], (seen.lastSuccess ?? .distantPast) <= refused { return nil }
                    if let wait = notBefore[name], time < wait { return nil }
                    return name
                })
        }

        /// Records one result; whether it changed the provider's state (for one log line per change).
        mutating func record(_ name: String, error: (any Error)?, transient: Bool, time: Date, interval: TimeInterval) -> Bool {
            let wasFailing = (failuresInARow[name] ?? 0) > 0
            guard error != nil else {
                failuresInARow[name] = 0
                notBefore[name] = nil
                refusedAt[name] = nil
                return wasFailing
            }
            let count = (failuresInARow[name] ?? 0) + 1
            failuresInARow[name] = count
            if transient {
                notBefore[name] = time.addingTimeInterval(min(interval * pow(2, Double(min(count, 10))), 900))
            } else {
                refusedAt[name] = time
            }
            return !wasFailing
        }
    }

    func run() async throws {
        let seconds = AgentCache.seconds(interval)
        await cancelWhenGracefulShutdown {
            var state = State()
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                let time = now()
                let due = state.due(activity: metrics.activity(), time: time, idleLimit: idleLimit)
                guard !due.isEmpty else { continue }
                for (provider, error) in await keepAlive(due) {
                    let transient = error.map(AgentRoutes.isTransient) ?? true
                    let message = error.map { AgentRoutes.describe($0).message }
                    metrics.keptAlive(provider, failed: message, at: now())
                    guard state.record(provider, error: error, transient: transient, time: now(), interval: seconds) else { continue }
                    if let message {
                        logger.warning(
                            "keep-alive failed", metadata: ["agent.provider": "\(provider)", "agent.error": "\(message)", "agent.retry": "\(transient)"])
                    } else {
                        logger.notice("keep-alive works again", metadata: ["agent.provider": "\(provider)"])
                    }
                }
            }
        }
    }
}
