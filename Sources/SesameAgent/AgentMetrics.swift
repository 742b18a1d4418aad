import Foundation
import Synchronization

/// What the agent counts, for `/metrics` (Prometheus' text format) and `/v1/health`: requests by route and status,
/// their latency, and each provider's last success and failure. Route templates and messages, never a secret's name
/// from a query or a value.
final class AgentMetrics: Sendable {
    /// Upper bounds of the latency histogram, in seconds.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    struct State {
        var requests: [String: Int] = [:]
        var bucketCounts = [Int](repeating: 0, count: AgentMetrics.buckets.count)
        var latencyCount = 0
        var latencySum = 0.0
        var providers: [String: Provider] = [:]
    }

    struct Provider {
        var successes = 0
        var failures = 0
        var lastSuccess: Date?
        var lastFailure: Date?
        var lastError: String?
        var keepAlives = 0
        var keepAliveFailures = 0
        var lastKeepAlive: Date?
    }

    private let state = Mutex(State())

    /// The route template a path was served by (a secret id in `/v1/ID` is not kept).
    static func route(_ path: String) -> String {
        switch path {
        case "/ping", "/metrics", "/v1/health", "/v1/ref", "/v1/refs", "/secretsmanager/get", "/systemsmanager/parameters/get": path
        default: path.hasPrefix("/v1/") ? "/v1/{secretId}" : "other"
        }
    }

    func request(path: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests["\(Self.route(path))|\(status)", default: 0] += 1
            state.latencyCount += 1
            state.latencySum += seconds
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { state.bucketCounts[index] += 1 }
        }
    }

    func provider(_ name: String, failed error: String?, at time: Date) {
        state.withLock { state in
            var entry = state.providers[name, default: Provider()]
            if let error {
                entry.failures += 1
                entry.lastFailure = time
                entry.lastError = error
            } else {
                entry.successes += 1
                entry.lastSuccess = time
            }
            state.providers[name] = entry
        }
    }

    /// When each provider last answered a read (the keep-alive keeps only those read from lately).
    func lastSuccesses() -> [String: Date] {
        state.withLock { state in state.providers.compactMapValues(\.lastSuccess) }
    }

    /// A provider's session or credentials renewed ahead of need (`error`: why that failed).
    func keptAlive(_ name: String, failed error: String?, at time: Date) {
        state.withLock { state in
            var entry = state.providers[name, default: Provider()]
            if let error {
                entry.keepAliveFailures += 1
                entry.lastFailure = time
                entry.lastError = error
            } else {
                entry.keepAlives += 1
                entry.lastKeepAlive = time
            }
            state.providers[name] = entry
        }
    }

    /// `/v1/health`: each provider's state.
    func health() -> [String: Any] {
        state.withLock { state in
            var providers: [String: Any] = [:]
            let formatter = ISO8601DateFormatter()
            for (name, entry) in state.providers {
                var fields: [String: Any] = ["successes": entry.successes, "failures": entry.failures]
                let lastGood = max(entry.lastSuccess ?? .distantPast, entry.lastKeepAlive ?? .distantPast)
                fields["state"] = (entry.lastFailure ?? .distantPast) > lastGood ? "failing" : "ok"
                if let date = entry.lastSuccess { fields["lastSuccess"] = formatter.string(from: date) }
                if let date = entry.lastFailure { fields["lastFailure"] = formatter.string(from: date) }
                if let error = entry.lastError { fields["lastError"] = error }
                fields["keepAlives"] = entry.keepAlives
                fields["keepAliveFailures"] = entry.keepAliveFailures
                if let date = entry.lastKeepAlive { fields["lastKeepAlive"] = formatter.string(from: date) }
                providers[name] = fields
            }
            return ["status": "ok", "providers": providers]
        }
    }

    /// `/metrics` in Prometheus' text exposition format, with the cache's counts.
    func prometheus(cache: AgentCache.Counts) -> String {
        state.withLock { state in
            var lines = ["# HELP sesame_agent_requests_total Requests answered, by route and status.", "# TYPE sesame_agent_requests_total counter"]
            for (key, count) in state.requests.sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: "|", maxSplits: 1)
                lines.append("sesame_agent_requests_total{route=\"\(parts[0])\",status=\"\(parts.count > 1 ? parts[1] : "")\"} \(count)")
            }
            lines += ["# HELP sesame_agent_request_duration_seconds Time to answer a request.", "# TYPE sesame_agent_request_duration_seconds histogram"]
            for (index, bound) in Self.buckets.enumerated() {
                lines.append("sesame_agent_request_duration_seconds_bucket{le=\"\(bound)\"} \(state.bucketCounts[index])")
            }
            lines.append("sesame_agent_request_duration_seconds_bucket{le=\"+Inf\"} \(state.latencyCount)")
            lines.append("sesame_agent_request_duration_seconds_sum \(state.latencySum)")
            lines.append("sesame_agent_request_duration_seconds_count \(state.latencyCount)")
            for (name, help, value) in [
                ("sesame_agent_cache_hits_total", "Answers from the cache.", cache.hits),
                ("sesame_agent_cache_misses_total", "Answers the provider was asked for.", cache.misses),
                ("sesame_agent_refreshes_total", "Background refreshes before expiry.", cache.refreshes),
                ("sesame_agent_stale_answers_total", "Last good answers served while the provider failed.", cache.staleAnswers),
                ("sesame_agent_provider_errors_total", "Provider calls that failed.", cache.errors),
            ] {
                lines += ["# HELP \(name) \(help)", "# TYPE \(name) counter", "\(name) \(value)"]
            }
            lines += ["# HELP sesame_agent_keepalives_total Sessions and credentials renewed ahead of need.", "# TYPE sesame_agent_keepalives_total counter"]
            for (name, entry) in state.providers.sorted(by: { $0.key < $1.key }) where entry.keepAlives + entry.keepAliveFailures > 0 {
                lines.append("sesame_agent_keepalives_total{provider=\"\(name)\",result=\"ok\"} \(entry.keepAlives)")
                lines.append("sesame_agent_keepalives_total{provider=\"\(name)\",result=\"failed\"} \(entry.keepAliveFailures)")
            }
            lines += [
                "# HELP sesame_agent_cache_entries Answers held.", "# TYPE sesame_agent_cache_entries gauge", "sesame_agent_cache_entries \(cache.entries)",
            ]
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
