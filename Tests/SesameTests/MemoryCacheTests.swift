import SesameTestSupport
import Testing

@testable import Sesame
@testable import SesameCore

@Suite(.timeLimit(.minutes(5))) struct MemoryCacheTests {
    @Test func leastRecentlyUsedIsEvictedFirst() {
        let cache = MemoryCache(capacity: 3)
        let far = ContinuousClock.now + .seconds(60)
        for key in ["a", "b", "c"] { cache.store(key, value: SecretValue(text: key), expires: far) }
        #expect(cache.keysByRecency == ["c", "b", "a"])
        _ = cache.lookup("a", now: .now)
        cache.store("d", value: SecretValue(text: "d"), expires: far)
        #expect(cache.keysByRecency == ["d", "a", "c"])
        #expect(cache.lookup("b", now: .now) == nil)
        cache.remove("a")
        cache.store("e", value: SecretValue(text: "e"), expires: far)
        cache.store("f", value: SecretValue(text: "f"), expires: far)
        #expect(cache.keysByRecency == ["f", "e", "d"])
        #expect(cache.count == 3)
    }

    @Test func entriesExpireButAreKeptForAllowExpired() {
        let time = ManualTime()
        let cache = MemoryCache(capacity: 10)
        cache.store("k", value: SecretValue(text: "v"), expires: time.instant + .seconds(10))
        #expect(cache.lookup("k", now: time.instant)?.fresh == true)
        time.advance(by: .seconds(10))
        let stale = cache.lookup("k", now: time.instant)
        #expect(stale?.fresh == false && stale?.value.text == "v")
    }
}
