import Foundation

/// The agent's answers, kept in memory for the time to live: one fetch per key however many ask at once, the oldest
/// answers dropped beyond the maximum, and a fetch forced past a fresh answer on request (`refreshNow`).
actor AgentCache {
    struct Entry {
        var answer: AgentAnswer
        var expires: Date
        var stored: Date
    }

    private var entries: [String: Entry] = [:]
    private var inFlight: [String: Task<AgentAnswer, any Error>] = [:]
    private let timeToLive: TimeInterval
    private let maximumEntries: Int
    private let now: @Sendable () -> Date
    private(set) var hits = 0
    private(set) var misses = 0

    init(timeToLive: Duration, maximumEntries: Int, now: @escaping @Sendable () -> Date) {
        self.timeToLive = Double(timeToLive.components.seconds) + Double(timeToLive.components.attoseconds) / 1e18
        self.maximumEntries = maximumEntries
        self.now = now
    }

    /// The answer for `key`: kept while fresh (unless `refresh`), else made by `fetch` once for everyone asking.
    func answer(for key: String, refresh: Bool, fetch: @escaping @Sendable () async throws -> AgentAnswer) async throws -> AgentAnswer {
        let time = now()
        if !refresh, let entry = entries[key], time < entry.expires {
            hits += 1
            return entry.answer
        }
        misses += 1
        if let running = inFlight[key] { return try await running.value }
        let task = Task { try await fetch() }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        let answer = try await task.value
        entries[key] = Entry(answer: answer, expires: now().addingTimeInterval(timeToLive), stored: now())
        if entries.count > maximumEntries, let oldest = entries.min(by: { $0.value.stored < $1.value.stored })?.key {
            entries[oldest] = nil
        }
        return answer
    }

    var count: Int { entries.count }
}

/// One answer of the agent: its body and content type.
struct AgentAnswer: Sendable {
    var body: [UInt8]
    var contentType: String
}
