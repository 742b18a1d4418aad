import Foundation
import Synchronization
import Testing

@testable import SesameAgent

/// The agent's cache with an injected clock: one fetch for many callers, fresh within the TTL, refresh-ahead in its
/// last fifth, the last good answer served stale only for transient failures and only within the stale window, a
/// refused value dropped (by a request or a background refresh), and memory bounded by entries, bytes and age.
@Suite(.timeLimit(.minutes(2)))
struct AgentCacheTests {
    struct Transient: Error {}
    struct Gone: Error {}

    final class Source: Sendable {
        let calls = Mutex(0)
        let failure = Mutex<(any Error)?>(nil)
        func fetch(_ text: String) async throws -> AgentAnswer {
            try await Task.sleep(for: .milliseconds(10))
            if let error = failure.withLock({ $0 }) { throw error }
            let number = calls.withLock {
                $0 += 1; return $0
            }
            return AgentAnswer(body: Array("\(text)-\(number)".utf8), contentType: "text/plain")
        }
    }

    final class Clock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_900_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    static let isTransient: @Sendable (any Error) -> Bool = { $0 is Transient }

    func text(_ answer: AgentAnswer) -> String { String(decoding: answer.body, as: UTF8.self) }

    /// Waits for a background refresh to be seen: up to 30 s (a functional wait, not a timing check; the whole suite
    /// loads two cores).
    static func until(_ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !(await condition()), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func oneFetchFreshForTheTTLThenStaleOnlyForTransientFailures() async throws {
        let clock = Clock()
        let source = Source()
        let cache = AgentCache(timeToLive: .seconds(100), staleWindow: .seconds(50), maximumEntries: 10, now: { clock.now })
        let fetch: @Sendable () async throws -> AgentAnswer = { try await source.fetch("v") }
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { text(try await cache.answer(for: "k", refresh: false, isTransient: Self.isTransient, fetch: fetch)) } }
            for try await value in group { #expect(value == "v-1") }
        }
        #expect(source.calls.withLock { $0 } == 1)
        clock.advance(50)
        #expect(text(try await cache.answer(for: "k", refresh: false, isTransient: Self.isTransient, fetch: fetch)) == "v-1")
        // Past the TTL with the provider failing for a while: the last good answer, marked stale.
        clock.advance(60)
        source.failure.withLock { $0 = Transient() }
        let stale = try await cache.answer(for: "k", refresh: false, isTransient: Self.isTransient, fetch: fetch)
        #expect(text(stale) == "v-1" && stale.staleSince != nil)
        // Past the stale window: the error.
        clock.advance(45)
        await #expect(throws: Transient.self) { try await cache.answer(for: "k", refresh: false, isTransient: Self.isTransient, fetch: fetch) }
    }

    @Test func aGoneValueIsDroppedAndNeverServedStale() async throws {
        let clock = Clock()
        let source = Source()
        let cache = AgentCache(timeToLive: .seconds(100), staleWindow: .seconds(1000), maximumEntries: 10, now: { clock.now })
        let fetch: @Sendable () async throws -> AgentAnswer = { try await source.fetch("v") }
        _ = try await cache.answer(for: "k", refresh: false, isTransient: Self.isTransient, fetch: fetch)
        source.failure.withLock { $0 = Gone() }
        await #expect(throws: Gone.self) { try await cache.answer(for: "k", refresh: true, isTransient: Self.isTransient, fetch: fetch) }
        // A network blip afterwards finds nothing to serve stale.
        source.failure.withLock { $0 = Transient() }
        await #expect(throws: Transient.self) { try await cache.answer(for: "k", refresh: false, isTransient: Self.isTransient, fetch: fetch) }
        #expect(await cache.count == 0)
    }

    @Test func refreshAheadRenewsInTheLastFifthAndDropsWhatIsGone() async throws {
        let clock = Clock()
        let source = Source()
        let cache = AgentCache(timeToLive: .seconds(100), staleWindow: .seconds(100), maximumEntries: 10, now: { clock.now })
        let fetch: @Sendable () async throws -> AgentAnswer = { try await source.fetch("v") }
        _ = try await cache.answer(for: "k", refresh: false, isTransient: Self.isTransient, fetch: fetch)
        clock.advance(85)
        // A hit in the last fifth answers at once and renews behind.
        #expect(text(try await cache.answer(for: "k", refresh: false, isTransient: Self.isTransient, fetch: fetch)) == "v-1")
        try await Self.until { source.calls.withLock { $0 } >= 2 }
        #expect(text(try await cache.answer(for: "k", refresh: false, isTransient: Self.isTransient, fetch: fetch)) == "v-2")
        // A background refresh that learns the value is gone drops it.
        clock.advance(85)
        source.failure.withLock { $0 = Gone() }
        _ = try await cache.answer(for: "k", refresh: false, isTransient: Self.isTransient, fetch: fetch)
        try await Self.until { await cache.count == 0 }
        #expect(await cache.count == 0)
    }

    @Test func memoryIsBoundedByEntriesBytesAndAge() async throws {
        let clock = Clock()
        let cache = AgentCache(timeToLive: .seconds(10), staleWindow: .seconds(10), maximumEntries: 3, maximumBytes: 100, now: { clock.now })
        for index in 0..<5 {
            _ = try await cache.answer(for: "k\(index)", refresh: false, isTransient: Self.isTransient) {
                AgentAnswer(body: Array(repeating: 1, count: 10), contentType: "x")
            }
            clock.advance(1)
        }
        let (count, held) = (await cache.count, await cache.heldBytes)
        #expect(count == 3 && held == 30)
        // Bytes: one answer of 90 pushes out all but itself and one more.
        _ = try await cache.answer(for: "big", refresh: false, isTransient: Self.isTransient) {
            AgentAnswer(body: Array(repeating: 2, count: 90), contentType: "x")
        }
        let (afterBig, afterCount) = (await cache.heldBytes, await cache.count)
        #expect(afterBig == 100 && afterCount == 2)
        // Age: past TTL and stale window, the next store purges what can no longer be served.
        clock.advance(30)
        _ = try await cache.answer(for: "new", refresh: false, isTransient: Self.isTransient) { AgentAnswer(body: [3], contentType: "x") }
        let (finalCount, finalBytes) = (await cache.count, await cache.heldBytes)
        #expect(finalCount == 1 && finalBytes == 1)
    }
}
