import Foundation

/// The agent's answers, kept in memory for the time to live: one fetch per key however many ask at once, the oldest
/// answers dropped beyond the maximum, a fetch forced past a fresh answer on request (`refreshNow`), a refresh started
/// in the background when a hit comes in the last fifth of the time to live (refresh-ahead), and the last good answer
/// served, marked stale, when the provider fails for a reason that may pass, until the stale window ends. With
/// persistence, answers are also kept on disk (encrypted), read back the first time a key is asked after a restart.
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
    /// The bytes of answers held at most (the oldest go first beyond it).
    private let maximumBytes: Int
    private var bytes = 0
    private var nextPurge = Date.distantPast
    private let now: @Sendable () -> Date
    private let persistence: AgentPersistence?
    /// Keys already looked for on disk (each is, once: after that, memory holds whatever the disk did).
    private var loaded: Set<String> = []
    /// Counts, for `/metrics`.
    private(set) var hits = 0
    private(set) var misses = 0
    private(set) var staleAnswers = 0
    private(set) var refreshes = 0
    private(set) var errors = 0

    init(
        timeToLive: Duration, staleWindow: Duration, maximumEntries: Int, maximumBytes: Int = 256 << 20, persistence: AgentPersistence? = nil,
        now: @escaping @Sendable () -> Date
    ) {
        self.persistence = persistence
        self.timeToLive = Self.seconds(timeToLive)
        self.staleWindow = Self.seconds(staleWindow)
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
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
        if entries[key] == nil, let persistence, loaded.count < maximumEntries * 4, loaded.insert(key).inserted,
            let kept = persistence.load(key), time < kept.expires.addingTimeInterval(staleWindow)
        {
            entries[key] = Entry(answer: kept.answer, stored: kept.stored, expires: kept.expires)
            bytes += kept.answer.body.count
        }
        if !refresh, let entry = entries[key], time < entry.expires {
            hits += 1
            // Refresh-ahead: in the last fifth of its life, a background fetch renews it before anyone waits.
            if entry.expires.timeIntervalSince(time) < timeToLive / 5, inFlight[key] == nil {
                refreshes += 1
                _ = start(key, fetch, isTransient: isTransient)
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
                drop(key)
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

    private func start(
        _ key: String, _ fetch: @escaping @Sendable () async throws -> AgentAnswer, isTransient: (@Sendable (any Error) -> Bool)? = nil
    ) -> Task<AgentAnswer, any Error> {
        // The task leaves `inFlight` in its own last step on the actor, before anyone can look again: a refresh that
        // just ended never stops the next one from starting.
        let task = Task {
            do {
                let answer = try await fetch()
                self.completed(key, storing: answer)
                return answer
            } catch {
                // A background refresh that learns the value is gone or refused drops what was held.
                self.failed(key, drop: isTransient.map { !$0(error) } ?? false)
                throw error
            }
        }
        inFlight[key] = task
        return task
    }

    private func completed(_ key: String, storing answer: AgentAnswer) {
        inFlight[key] = nil
        store(key, answer)
    }

    private func failed(_ key: String, drop dropsEntry: Bool) {
        inFlight[key] = nil
        if dropsEntry { drop(key) }
    }

    private func store(_ key: String, _ answer: AgentAnswer) {
        let time = now()
        if let previous = entries[key] { bytes -= previous.answer.body.count }
        let expires = time.addingTimeInterval(timeToLive)
        entries[key] = Entry(answer: answer, stored: time, expires: expires)
        bytes += answer.body.count
        persistence?.save(key, answer, stored: time, expires: expires)
        // Nothing is kept past its stale window: a secret is not held in memory longer than it can be served.
        if time >= nextPurge {
            nextPurge = time.addingTimeInterval(max(1, timeToLive / 2))
            for (key, entry) in entries where time >= entry.expires.addingTimeInterval(staleWindow) { drop(key) }
            persistence?.purge(before: time.addingTimeInterval(-staleWindow))
            loaded.removeAll(keepingCapacity: true)
        }
        while entries.count > maximumEntries || (bytes > maximumBytes && entries.count > 1) {
            guard let oldest = entries.min(by: { $0.value.stored < $1.value.stored })?.key else { break }
            drop(oldest)
        }
    }

    /// Forgets `key`, in memory and on disk (the disk holds no more than memory may).
    private func drop(_ key: String) {
        if let entry = entries.removeValue(forKey: key) { bytes -= entry.answer.body.count }
        persistence?.remove(key)
    }

    var count: Int { entries.count }

    /// The bytes of the answers held.
    var heldBytes: Int { bytes }

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
