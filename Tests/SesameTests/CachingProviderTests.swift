import Foundation
import SesameTestSupport
import Synchronization
import Testing

@testable import Sesame
@testable import SesameCore

/// A provider whose answers the test controls: it counts reads, can be slow, and can be "down".
final class ScriptedProvider: SecretProvider {
    let scheme: String
    let values = Mutex<[String: String]>([:])
    let reads = Atomic<Int>(0)
    let down = Atomic<Bool>(false)
    let delay: Duration

    init(scheme: String = "aws-ps", delay: Duration = .zero) {
        self.scheme = scheme
        self.delay = delay
    }

    func get(_ reference: SecretReference) async throws -> SecretValue {
        reads.add(1, ordering: .relaxed)
        // The answer is what the store held when the request arrived; it then takes `delay` on the wire.
        let answer = values.withLock { $0[reference.path] }
        if delay > .zero { try await Task.sleep(for: delay) }
        if down.load(ordering: .relaxed) { throw SesameError(code: .unavailable, message: "connection refused", reference: reference) }
        guard let value = answer else {
            throw SesameError(code: .notFound, message: "no such parameter", reference: reference)
        }
        return SecretValue(text: value, metadata: .init(source: .provider, fetchedAt: Date()))
    }

    func list(under reference: SecretReference) async throws -> [SecretReference] { [] }

    func exists(_ reference: SecretReference) async throws -> Bool { values.withLock { $0[reference.path] != nil } }

    func update(_ reference: SecretReference, to value: SecretValue.Content) async throws {
        guard case .text(let text) = value else { return }
        values.withLock { $0[reference.path] = text }
    }
}

@Suite(.timeLimit(.minutes(5))) struct CachingProviderTests {
    // Each test its own key: an update anywhere in the process invalidates that key in every cache (by design).
    let path = "/app/db-" + UUID().uuidString
    var reference: SecretReference { try! SecretReference(parsing: "aws-ps://" + path) }

    @Test func concurrentMissesFetchOnce() async throws {
        let base = ScriptedProvider(delay: .milliseconds(50))
        let path = self.path
        base.values.withLock { $0[path] = "s3cret" }
        let cached = CachingProvider(base)
        let reference = self.reference
        let results = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<200 { group.addTask { try await cached.get(reference).text } }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(results.count == 200 && results.allSatisfy { $0 == "s3cret" })
        #expect(base.reads.load(ordering: .relaxed) == 1)
        let hit = try await cached.get(reference)
        #expect(hit.metadata.source == .memoryCache && base.reads.load(ordering: .relaxed) == 1)
    }

    /// A read that was on the wire when the key was updated answers its caller but is not kept: the next read
    /// asks the provider and sees the new value. Updates of other keys do not stop a read from being kept.
    @Test func aReadInFlightDuringAnUpdateIsNotKept() async throws {
        let base = ScriptedProvider(delay: .milliseconds(300))
        let path = self.path
        base.values.withLock { $0[path] = "old" }
        let cached = CachingProvider(base)
        let reference = self.reference
        let reading = Task { try await cached.get(reference).text }
        while base.reads.load(ordering: .relaxed) < 1 { try await Task.sleep(for: .milliseconds(2)) }
        try await cached.update(reference, to: .text("new"))
        // Many updates of other keys while a second read is on the wire.
        let other = try SecretReference(parsing: "aws-ps:///app/other-" + UUID().uuidString)
        #expect(try await reading.value == "old")
        let second = Task { try await cached.get(reference).text }
        while base.reads.load(ordering: .relaxed) < 2 { try await Task.sleep(for: .milliseconds(2)) }
        for index in 0..<300 { try await cached.update(other, to: .text("x\(index)")) }
        #expect(try await second.value == "new")
        #expect(base.reads.load(ordering: .relaxed) == 2)
        let hit = try await cached.get(reference)
        #expect(hit.text == "new" && hit.metadata.source == .memoryCache)
        #expect(base.reads.load(ordering: .relaxed) == 2)
    }

    @Test func valuesExpireAfterTheirTimeToLiveWithJitter() async throws {
        let time = ManualTime()
        let base = ScriptedProvider()
        base.values.withLock { $0[path] = "v1" }
        let cached = CachingProvider(base, configuration: .init(timeToLive: .seconds(100), jitter: 0.1, now: { time.instant }, wallClock: { time.date }))
        _ = try await cached.get(reference)
        time.advance(by: .seconds(89))  // jitter takes at most 10 s off
        _ = try await cached.get(reference)
        #expect(base.reads.load(ordering: .relaxed) == 1)
        time.advance(by: .seconds(11))  // 100 s: expired whatever the jitter
        _ = try await cached.get(reference)
        #expect(base.reads.load(ordering: .relaxed) == 2)
    }

    @Test func neverCachesNothing() async throws {
        let base = ScriptedProvider()
        base.values.withLock { $0[path] = "v" }
        let cached = CachingProvider(base, configuration: .init(strategy: .never))
        for _ in 0..<3 { _ = try await cached.get(reference) }
        #expect(base.reads.load(ordering: .relaxed) == 3)
    }

    @Test func serverThenCacheAsksTheServerAndFallsBackWhenItIsDown() async throws {
        let base = ScriptedProvider()
        base.values.withLock { $0[path] = "v1" }
        let cached = CachingProvider(base, configuration: .init(strategy: .serverThenCache))
        _ = try await cached.get(reference)
        base.values.withLock { $0[path] = "v2" }
        #expect(try await cached.get(reference).text == "v2")
        base.down.store(true, ordering: .relaxed)
        let fallback = try await cached.get(reference)
        #expect(fallback.text == "v2" && fallback.metadata.source == .memoryCache)
        #expect(base.reads.load(ordering: .relaxed) == 3)
    }

    @Test func allowExpiredServesTheLastGoodValueAndSaysSo() async throws {
        let time = ManualTime()
        let base = ScriptedProvider()
        base.values.withLock { $0[path] = "last-good" }
        let strict = CachingProvider(base, configuration: .init(strategy: .cacheThenServer, timeToLive: .seconds(10), now: { time.instant }))
        let lenient = CachingProvider(
            base, configuration: .init(strategy: .cacheThenServerAllowExpired, timeToLive: .seconds(10), now: { time.instant })
        )
        _ = try await strict.get(reference)
        _ = try await lenient.get(reference)
        time.advance(by: .seconds(60))
        base.down.store(true, ordering: .relaxed)
        let stale = try await lenient.get(reference)
        #expect(stale.text == "last-good" && stale.metadata.source == .expiredCache && stale.metadata.isStale)
        #expect(stale.metadata.staleReason == "connection refused")
        await #expect {
            _ = try await strict.get(reference)
        } throws: { error in
            (error as? SesameError)?.code == .unavailable
        }
        // A secret that is gone (not found) is not served stale: only an unreachable provider is.
        base.down.store(false, ordering: .relaxed)
        base.values.withLock { $0.removeAll() }
        await #expect(throws: SesameError.self) { _ = try await lenient.get(reference) }
    }

    @Test func anUpdateInvalidatesTheKeyInEveryCacheOfTheProcess() async throws {
        let base = ScriptedProvider()
        base.values.withLock { $0[path] = "old" }
        let first = CachingProvider(base)
        let second = CachingProvider(base)
        #expect(try await first.get(reference).text == "old")
        #expect(try await second.get(reference).text == "old")
        try await first.update(reference, to: .text("new"))
        #expect(try await second.get(reference).text == "new")
        #expect(try await first.get(reference).text == "new")
    }

    @Test func keyPathsShareOneCachedFetch() async throws {
        let base = ScriptedProvider(scheme: "aws-sm")
        base.values.withLock { $0["prod/db"] = #"{"user":"app","port":"5432"}"# }
        let store = SecretStore(providers: [CachingProvider(base)])
        #expect(try await store.text("aws-sm://prod/db#user") == "app")
        #expect(try await store.text("aws-sm://prod/db#port") == "5432")
        #expect(base.reads.load(ordering: .relaxed) == 1)
        await #expect {
            _ = try await store.text("aws-sm://prod/db#password")
        } throws: { error in
            (error as? SesameError)?.code == .keyPathNotFound && !"\(error)".contains("5432")
        }
        #expect(try await store.exists("aws-sm://prod/db#user"))
        #expect(try await !store.exists("aws-sm://prod/db#nope"))
        // A key path writes that member and keeps the rest of the document; the next read sees it.
        try await store.update("aws-sm://prod/db#user", to: "x")
        #expect(try await store.text("aws-sm://prod/db#user") == "x")
        #expect(try await store.text("aws-sm://prod/db#port") == "5432")
        await #expect(throws: SesameError.self) { try await store.update("aws-sm://prod/db#port.deeper", to: "x") }
        await #expect {
            _ = try await store.get("tss://12/password")
        } throws: { error in
            (error as? SesameError)?.code == .noProvider
        }
    }
}
