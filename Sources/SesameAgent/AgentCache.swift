import Foundation

/// The agent's answers, kept in memory for the time to live: one fetch per key however many ask at once, the oldest
/// answers dropped beyond the maximum, a fetch forced past a fresh answer on request (`refreshNow`), a refresh started
/// in the background when a hit comes in the last fifth of the time to live (refresh-ahead), and the last good answer
/// served, marked stale, when the provider fails for a reason that may pass, until the stale window ends. With
/// persistence, answers are also kept on disk (encrypted), read back the first time a key is asked after a restart
/// as already expired: the provider is asked first, and the kept answer is served (stale) only while it cannot be.
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
    /// Keys already looked for on disk (each once per time to live: after that, memory holds what the disk did).
    private var loaded: Set<String> = []
    /// What was found gone or refused in this run (`family(of:)`): its other forms on disk are never loaded again.
    private var goneFamilies: Set<String> = []
    private var nextLoadedReset = Date.distantPast
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
        var time = now()
        if entries[key] == nil, let persistence { time = await loadFromDisk(key, persistence, time: time) }
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
                // Gone or refused: what was held is not served again, stale or fresh, under any key it was kept by.
                dropFamily(of: key)
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

    /// Puts what the disk kept for `key` in memory, once per time to live, as already expired (so the provider is asked
    /// first: access revoked while the agent was down is not honoured from the disk while the provider answers).
    /// The time after the lookup (resolving the scope may have waited).
    private func loadFromDisk(_ key: String, _ persistence: AgentPersistence, time: Date) async -> Date {
        if time >= nextLoadedReset {
            loaded.removeAll(keepingCapacity: true)
            nextLoadedReset = time.addingTimeInterval(timeToLive)
        }
        guard loaded.count < maximumEntries * 4, !loaded.contains(key), let scope = await persistence.scope(forKey: key, now: time) else {
            return time
        }
        let time = now()
        guard entries[key] == nil, !goneFamilies.contains(Self.family(of: key)), loaded.insert(key).inserted else { return time }
        if let kept = persistence.load(key, scope: scope), time < kept.expires.addingTimeInterval(staleWindow) {
            entries[key] = Entry(answer: kept.answer, stored: kept.stored, expires: min(kept.expires, time))
            bytes += kept.answer.body.count
            enforceBounds(keeping: key)
        }
        return time
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
        goneFamilies.remove(Self.family(of: key))
        store(key, answer)
    }

    private func failed(_ key: String, drop dropsEntry: Bool) {
        inFlight[key] = nil
        if dropsEntry { dropFamily(of: key) }
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
        enforceBounds(keeping: key)
    }

    /// Drops the oldest answers (never `key`) while more are held than allowed.
    private func enforceBounds(keeping key: String) {
        while entries.count > maximumEntries || (bytes > maximumBytes && entries.count > 1) {
            guard let oldest = entries.filter({ $0.key != key }).min(by: { $0.value.stored < $1.value.stored })?.key else { break }
            drop(oldest)
        }
    }

    /// What a key names, whatever form it was asked in: a reference (raw or JSON), a Secrets Manager secret (any
    /// version), a parameter (decrypted or not, any version or label).
    static func family(of key: String) -> String {
        let parts = key.split(separator: "|", omittingEmptySubsequences: false)
        switch parts.first {
        case "ref": return "ref|" + (parts.count > 2 ? parts[2...].joined(separator: "|") : "")
        case "sm": return "sm|" + (parts.count > 1 ? String(parts[1]) : "")
        case "ps":
            let name = parts.count > 2 ? parts[2...].joined(separator: "|") : ""
            return "ps|" + (name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name)
        default: return key
        }
    }

    /// Drops `key` and every other key that names the same secret (a value found gone is gone in every form).
    private func dropFamily(of key: String) {
        let family = Self.family(of: key)
        if goneFamilies.count >= maximumEntries * 4 { goneFamilies.removeAll() }
        goneFamilies.insert(family)
        drop(key)
        for other in entries.keys where Self.family(of: other) == family { drop(other) }
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
        duration / .seconds(1)
    }
}

/// One answer of the agent: its body and content type, and since when it is stale when it is served past a failure.
struct AgentAnswer: Sendable {
    var body: [UInt8]
    var contentType: String
    var staleSince: Date? = nil
    /// A Sesame JSON answer, whose metadata says `"stale": true` when served past a failure.
    var marksStaleInBody = false
}
