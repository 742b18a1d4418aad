import Foundation
import Prometheus
import Synchronization

/// What the agent counts, for `/metrics` (swift-prometheus' registry, in Prometheus' text format) and `/v1/health`:
/// requests by route template and status, their latency, the cache's hits, misses, refreshes, stale answers and errors,
/// the sessions kept alive, and each provider's last success and failure. Route templates and messages, never a
/// secret's name from a query or a value.
final class AgentMetrics: Sendable {
    /// Upper bounds of the latency histogram.
    static let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
    ]

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

    private let registry = PrometheusCollectorRegistry()
    private let latency: DurationHistogram
    private let entries: Gauge
    private let providers = Mutex<[String: Provider]>([:])
    /// The cache's counts at the last scrape: its counters grow by what was added since.
    private let scraped = Mutex(AgentCache.Counts())
    private let hits: Counter
    private let misses: Counter
    private let refreshes: Counter
    private let staleAnswers: Counter
    private let errors: Counter

    init() {
        latency = registry.makeDurationHistogram(
            name: "sesame_agent_request_duration_seconds", buckets: Self.buckets, help: "Time to answer a request.")
        entries = registry.makeGauge(name: "sesame_agent_cache_entries", help: "Answers held.")
        hits = registry.makeCounter(name: "sesame_agent_cache_hits_total", help: "Answers from the cache.")
        misses = registry.makeCounter(name: "sesame_agent_cache_misses_total", help: "Answers the provider was asked for.")
        refreshes = registry.makeCounter(name: "sesame_agent_refreshes_total", help: "Background refreshes before expiry.")
        staleAnswers = registry.makeCounter(name: "sesame_agent_stale_answers_total", help: "Last good answers served while the provider failed.")
        errors = registry.makeCounter(name: "sesame_agent_provider_errors_total", help: "Provider calls that failed.")
    }

    /// The route template a path was served by (a secret id in `/v1/ID` is not kept).
    static func route(_ path: String) -> String {
        switch path {
        case "/ping", "/metrics", "/v1/health", "/v1/ref", "/v1/refs", "/secretsmanager/get", "/systemsmanager/parameters/get": path
        default: path.hasPrefix("/v1/") ? "/v1/{secretId}" : "other"
        }
    }

    func request(path: String, status: Int, duration: Duration) {
        registry.makeCounter(
            name: "sesame_agent_requests_total", labels: [("route", Self.route(path)), ("status", String(status))],
            help: "Requests answered, by route and status."
        ).increment()
        latency.record(duration)
    }

    func provider(_ name: String, failed error: String?, at time: Date) {
        providers.withLock { providers in
            var entry = providers[name, default: Provider()]
            if let error {
                entry.failures += 1
                entry.lastFailure = time
                entry.lastError = error
            } else {
                entry.successes += 1
                entry.lastSuccess = time
            }
            providers[name] = entry
        }
    }

    /// When each provider last answered a read (the keep-alive keeps only those read from lately).
    func lastSuccesses() -> [String: Date] {
        providers.withLock { providers in providers.compactMapValues(\.lastSuccess) }
    }

    /// A provider's session or credentials renewed ahead of need (`error`: why that failed).
    func keptAlive(_ name: String, failed error: String?, at time: Date) {
        registry.makeCounter(
            name: "sesame_agent_keepalives_total", labels: [("provider", name), ("result", error == nil ? "ok" : "failed")],
            help: "Sessions and credentials renewed ahead of need."
        ).increment()
        providers.withLock { providers in
            var entry = providers[name, default: Provider()]
            if let error {
                entry.keepAliveFailures += 1
                entry.lastFailure = time
                entry.lastError = error
            } else {
                entry.keepAlives += 1
                entry.lastKeepAlive = time
            }
            providers[name] = entry
        }
    }

    /// `/v1/health`: each provider's state.
    func health() -> [String: Any] {
        providers.withLock { providers in
            var shown: [String: Any] = [:]
            let formatter = ISO8601DateFormatter()
            for (name, entry) in providers {
                var fields: [String: Any] = ["successes": entry.successes, "failures": entry.failures]
                let lastGood = max(entry.lastSuccess ?? .distantPast, entry.lastKeepAlive ?? .distantPast)
                fields["state"] = (entry.lastFailure ?? .distantPast) > lastGood ? "failing" : "ok"
                if let date = entry.lastSuccess { fields["lastSuccess"] = formatter.string(from: date) }
                if let date = entry.lastFailure { fields["lastFailure"] = formatter.string(from: date) }
                if let error = entry.lastError { fields["lastError"] = error }
                fields["keepAlives"] = entry.keepAlives
                fields["keepAliveFailures"] = entry.keepAliveFailures
                if let date = entry.lastKeepAlive { fields["lastKeepAlive"] = formatter.string(from: date) }
                shown[name] = fields
            }
            return ["status": "ok", "providers": shown]
        }
    }

    /// `/metrics` in Prometheus' text exposition format, the cache's counts brought up to date first.
    func prometheus(cache: AgentCache.Counts) -> String {
        scraped.withLock { last in
            for (counter, now, before) in [
                (hits, cache.hits, last.hits), (misses, cache.misses, last.misses), (refreshes, cache.refreshes, last.refreshes),
                (staleAnswers, cache.staleAnswers, last.staleAnswers), (errors, cache.errors, last.errors),
            ] where now > before {
                counter.increment(by: Int64(now - before))
            }
            last = cache
        }
        entries.set(to: Double(cache.entries))
        return registry.emitToString()
    }
}
