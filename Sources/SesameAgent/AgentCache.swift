import Foundation

/// The agent's answers, kept in memory for the time to live: one fetch per key however many ask at once, the oldest
/// answers dropped beyond the maximum, a fetch forced past a fresh answer on request (`refreshNow`), a refresh started
/// in the background when a hit comes in the last fifth of the time to live (refresh-ahead), and the last good answer
/// served, marked stale, when the provider fails for a reason that may pass, until the stale window ends.
actor AgentCache {
    struct Entry {
        var answer: AgentAnswer
        var stored: Date
        var expires: Date
    }

    private var entries: [String: Entry] = [:]
    private var inFlight: [String: Task<AgentAnswer, any Error>] = [:]
    private let timeToLive: TimeInterval
    private let staleWindow: TimeInterval
    private let maximumEntries: Int
    private let now: @Sendable () -> Date
    /// Counts, for `/metrics`.
    private(set) var hits = 0
    private(set) var misses = 0
    private(set) var staleAnswers = 0
    private(set) var refreshes = 0
    private(set) var errors = 0

    init(timeToLive: Duration, staleWindow: Duration, maximumEntries: Int, now: @escaping @Sendable () -> Date) {
        self.timeToLive = Self.seconds(timeToLive)
        self.staleWindow = Self.seconds(staleWindow)
        self.maximumEntries = maximumEntries
        self.now = now
    }

    /// The answer for `key`: kept while fresh (unless `refresh`), else made by `fetch` once for everyone asking.
    /// - Parameter isTransient: whether a failure may pass (the provider unreachable, throttled, failing): then the
    ///   last good answer, if still within the stale window, is served marked stale.
    func answer(
        for key: String, refresh: Bool, isTransient: @escaping @Sendable (any Error) -> Bool,
        fetch: @escaping @Sendable () async throws -> AgentAnswer
    ) async throws -> AgentAnswer {
        let time = now()
        if !refresh, let entry = entries[key], time < entry.expires {
            hits += 1
            // Refresh-ahead: in the last fifth of its life, a background fetch renews it before anyone waits.
            if entry.expires.timeIntervalSince(time) < timeToLive / 5, inFlight[key] == nil {
                refreshes += 1
                _ = start(key, fetch)
            }
            return entry.answer
        }
        misses += 1
        do {
            return try await (inFlight[key] ?? start(key, fetch)).value
        } catch {
            errors += 1
            guard isTransient(error) else {
                // Gone or refused: what was held is not served again, stale or fresh.
                entries[key] = nil
                throw error
            }
            if let entry = entries[key], now() < entry.expires.addingTimeInterval(staleWindow) {
                staleAnswers += 1
                var stale = entry.answer
                stale.staleSince = entry.expires < now() ? entry.expires : now()
                return stale
            }
            throw error
        }
    }

    private func start(_ key: String, _ fetch: @escaping @Sendable () async throws -> AgentAnswer) -> Task<AgentAnswer, any Error> {
        let task = Task {
            let answer = try await fetch()
            self.store(key, answer)
            return answer
        }
        inFlight[key] = task
        Task {
            _ = try? await task.value; self.finished(key, task)
        }
        return task
    }

    private func store(_ key: String, _ answer: AgentAnswer) {
        let time = now()
        entries[key] = Entry(answer: answer, stored: time, expires: time.addingTimeInterval(timeToLive))
        if entries.count > maximumEntries, let oldest = entries.min(by: { $0.value.stored < $1.value.stored })?.key {
            entries[oldest] = nil
        }
    }

    private func finished(_ key: String, _ task: Task<AgentAnswer, any Error>) {
        if inFlight[key] == task { inFlight[key] = nil }
    }

    var count: Int { entries.count }

    /// The counters, read at once.
    struct Counts: Sendable {
        var hits = 0, misses = 0, refreshes = 0, staleAnswers = 0, errors = 0, entries = 0
    }

    var counts: Counts {
        Counts(hits: hits, misses: misses, refreshes: refreshes, staleAnswers: staleAnswers, errors: errors, entries: entries.count)
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// One answer of the agent: its body and content type, and since when it is stale when it is served past a failure.
struct AgentAnswer: Sendable {
    var body: [UInt8]
    var contentType: String
    var staleSince: Date? = nil
}
