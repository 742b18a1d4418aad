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
        /// The last answer served from it, from the cache or not (the keep-alive keeps what is in use).
        var lastUse: Date?
        var lastFailure: Date?
        var lastError: String?
        var keepAlives = 0
        var keepAliveFailures = 0
        var lastKeepAlive: Date?
    }

    private let registry = PrometheusCollectorRegistry()
    private let latency: DurationHistogram
    private let entries: Gauge
    private let inFlight: Gauge
    private let providers = Mutex<[String: Provider]>([:])
    /// The cache's counts at the last scrape: its counters grow by what was added since.
    private let scraped = Mutex(AgentCache.Counts())
    private let hits: Counter
    private let misses: Counter
    private let refreshes: Counter
    private let staleAnswers: Counter
    private let errors: Counter

    init() {
        latency = registry.makeDurationHistogram(descriptor: Self.name("request_duration", "seconds", "Time to answer a request."), buckets: Self.buckets)
        entries = registry.makeGauge(descriptor: Self.name("cache_entries", "", "Answers held."))
        inFlight = registry.makeGauge(
            descriptor: Self.name("requests_in_flight", "", "Requests for values being answered now (not /ping, /metrics or /v1/health)."))
        hits = registry.makeCounter(descriptor: Self.name("cache_hits", "total", "Answers from the cache."))
        misses = registry.makeCounter(descriptor: Self.name("cache_misses", "total", "Answers the provider was asked for."))
        refreshes = registry.makeCounter(descriptor: Self.name("refreshes", "total", "Background refreshes before expiry."))
        staleAnswers = registry.makeCounter(descriptor: Self.name("stale_answers", "total", "Last good answers served while the provider failed."))
        errors = registry.makeCounter(descriptor: Self.name("provider_errors", "total", "Provider calls that failed."))
    }

    /// `sesame_agent_METRIC_UNIT`, with its help text.
    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "sesame", subsystem: "agent", metricName: metric, unitName: unit, helpText: help)
    }

    /// The route template a path was served by (a secret id in `/v1/ID` is not kept).
    static func route(_ path: String) -> String {
        switch path {
        case "/ping", "/metrics", "/v1/health", "/v1/ref", "/v1/refs", "/secretsmanager/get", "/systemsmanager/parameters/get": path
        default: path.hasPrefix("/v1/") ? "/v1/{secretId}" : "other"
        }
    }

    /// Counts a request for values (any route but `/metrics` and `/v1/health`; `/ping` never gets here) while it
    /// is answered.
    func answering<Result>(path: String, _ body: () async throws -> Result) async rethrows -> Result {
        if path == "/metrics" || path == "/v1/health" { return try await body() }
        inFlight.increment()
        defer { inFlight.decrement() }
        return try await body()
    }

    func request(path: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.name("requests", "total", "Requests answered, by route and status."),
            labels: [("route", Self.route(path)), ("status", String(status))]
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

    /// An answer of `name`'s served (from the cache or not).
    func used(_ name: String, at time: Date) {
        providers.withLock { providers in providers[name, default: Provider()].lastUse = time }
    }

    /// Each provider's last use and last successful read: the keep-alive keeps those used lately, and one paused
    /// after a refusal again once a read succeeds.
    func activity() -> [String: (lastUse: Date, lastSuccess: Date?)] {
        providers.withLock { providers in
            providers.compactMapValues { entry in
                guard let use = max(entry.lastUse ?? .distantPast, entry.lastSuccess ?? .distantPast) as Date?, use > .distantPast else { return nil }
                return (use, entry.lastSuccess)
            }
        }
    }

    /// A provider's session or credentials renewed ahead of need (`error`: why that failed).
    func keptAlive(_ name: String, failed error: String?, at time: Date) {
        registry.makeCounter(
            descriptor: Self.name("keepalives", "total", "Sessions and credentials renewed ahead of need."),
            labels: [("provider", name), ("result", error == nil ? "ok" : "failed")]
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
            // Two scrapes at once never count twice: what was counted only grows.
            last.hits = max(last.hits, cache.hits)
            last.misses = max(last.misses, cache.misses)
            last.refreshes = max(last.refreshes, cache.refreshes)
            last.staleAnswers = max(last.staleAnswers, cache.staleAnswers)
            last.errors = max(last.errors, cache.errors)
        }
        entries.set(to: Double(cache.entries))
        return registry.emitToString()
    }
}
