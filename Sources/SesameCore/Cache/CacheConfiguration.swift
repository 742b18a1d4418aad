import Foundation

/// How a `CachingProvider` caches.
public struct CacheConfiguration: Sendable {
    /// When the cache answers and when the provider does (as Delinea's SDK names them).
    public enum Strategy: String, Sendable, CaseIterable {
        /// Never cache: every read goes to the provider.
        case never
        /// The provider first; a fresh cached value only when the provider is unavailable.
        case serverThenCache
        /// A fresh cached value first; the provider when there is none.
        case cacheThenServer
        /// As `cacheThenServer`, and when the provider is unavailable, the last good value even if expired
        /// (its metadata says so: `source == .expiredCache`).
        case cacheThenServerAllowExpired
    }

    public var strategy: Strategy
    /// Entries kept in memory (least recently used evicted first). s1crets' default: 1000.
    public var capacity: Int
    /// How long a value is fresh. s1crets' default: 15 minutes.
    public var timeToLive: Duration
    /// Up to this fraction of the time to live is taken off each entry at random, so values fetched together
    /// do not all expire (and hit the provider) together.
    public var jitter: Double
    /// An encrypted disk cache under the memory one, if any.
    public var disk: DiskCache?
    /// Monotonic time, for the memory cache.
    public var now: @Sendable () -> ContinuousClock.Instant
    /// Wall time, for the disk cache (shared with other processes).
    public var wallClock: @Sendable () -> Date
    /// Where the read a caching provider starts for a key (shared by every caller that waits for it) runs; nil: the
    /// global executor. A one-shot process that runs on one thread (`sesame get`) sets its own executor, so a read
    /// starts no thread.
    public var taskExecutor: (any TaskExecutor)?

    public init(
        strategy: Strategy = .cacheThenServer, capacity: Int = 1000, timeToLive: Duration = .seconds(900), jitter: Double = 0.1,
        disk: DiskCache? = nil, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        wallClock: @escaping @Sendable () -> Date = { Date() }, taskExecutor: (any TaskExecutor)? = nil
    ) {
        self.strategy = strategy
        self.capacity = capacity
        self.timeToLive = timeToLive
        self.jitter = jitter
        self.disk = disk
        self.now = now
        self.wallClock = wallClock
        self.taskExecutor = taskExecutor
    }
}
