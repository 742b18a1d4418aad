import Foundation
import Synchronization

/// Wraps any provider with a memory cache (and optionally an encrypted disk cache) under one of four
/// strategies. However many callers miss the same key at once, the provider is asked once (single flight).
/// `update` writes through and drops the key from every cache of the process.
public final class CachingProvider: SecretProvider {
    public let base: any SecretProvider
    public let configuration: CacheConfiguration
    public let memory: MemoryCache
    private let inFlight = Mutex<[String: Task<SecretValue, any Error>]>([:])
    /// How many times the provider was asked for a value (for tests and diagnostics).
    private let fetches = Atomic<Int>(0)

    public var scheme: String { base.scheme }
    public var cacheScope: String { base.cacheScope }

    public init(_ base: any SecretProvider, configuration: CacheConfiguration = CacheConfiguration()) {
        self.base = base
        self.configuration = configuration
        self.memory = MemoryCache(capacity: configuration.capacity)
        // The scope is read when first needed (a deferred provider works it out then, not at start).
        CacheInvalidation.register(memory, disk: configuration.disk) { [base] in base.cacheScope }
    }

    deinit {
        CacheInvalidation.unregister(ObjectIdentifier(memory))
    }

    /// How many reads reached the provider.
    public var providerFetchCount: Int { fetches.load(ordering: .relaxed) }

    /// The fresh value in memory when the strategy lets the cache answer first, without suspending.
    @inline(__always)
    public func immediateValue(_ reference: SecretReference) -> SecretValue? {
        guard configuration.strategy == .cacheThenServer || configuration.strategy == .cacheThenServerAllowExpired,
            let hit = memory.lookup(reference.cacheKey, now: configuration.now()), hit.fresh
        else { return nil }
        return Self.marked(hit.value, .memoryCache)
    }

    public func get(_ reference: SecretReference) async throws -> SecretValue {
        let key = reference.cacheKey
        switch configuration.strategy {
        case .never:
            fetches.add(1, ordering: .relaxed)
            return try await base.get(reference)
        case .cacheThenServer, .cacheThenServerAllowExpired:
            if let hit = memory.lookup(key, now: configuration.now()), hit.fresh {
                return Self.marked(hit.value, .memoryCache)
            }
            if let fromDisk = freshFromDisk(key) { return fromDisk }
            do {
                return try await fetch(reference, key: key)
            } catch let error as SesameError where error.isAvailabilityFailure && configuration.strategy == .cacheThenServerAllowExpired {
                if let stale = lastGood(key) {
                    var value = stale
                    value.metadata.source = .expiredCache
                    value.metadata.staleReason = error.message
                    return value
                }
                throw error
            }
        case .serverThenCache:
            do {
                return try await fetch(reference, key: key)
            } catch let error as SesameError where error.isAvailabilityFailure {
                if let hit = memory.lookup(key, now: configuration.now()), hit.fresh { return Self.marked(hit.value, .memoryCache) }
                if let fromDisk = freshFromDisk(key) { return fromDisk }
                throw error
            }
        }
    }

    @inline(__always)
    private static func marked(_ value: SecretValue, _ source: SecretValue.Metadata.Source) -> SecretValue {
        guard value.metadata.source != source else { return value }
        var value = value
        value.metadata.source = source
        return value
    }

    private func freshFromDisk(_ key: String) -> SecretValue? {
        guard let disk = configuration.disk else { return nil }
        let scope = base.cacheScope
        let found: (value: SecretValue, expires: Date)?
        do {
            found = try disk.lookup(key, scope: scope)
        } catch {
            // An entry that cannot be read (altered, or a broken file) is a miss: the provider answers instead.
            _ = try? disk.remove(key, scope: scope)
            return nil
        }
        guard let entry = found else { return nil }
        guard entry.expires > configuration.wallClock() else { return nil }
        // Keep it in memory for as long as it stays fresh on disk, at most the time to live (the file's expiry is not
        // sealed with the value, so it is bounded before it is used).
        let ttl = configuration.timeToLive
        let remaining = min(
            entry.expires.timeIntervalSince(configuration.wallClock()),
            ttl / .seconds(1))
        memory.store(key, value: entry.value, expires: configuration.now() + .milliseconds(Int64(remaining * 1000)))
        return entry.value
    }

    /// The last value seen for `key`, however old (memory first, then disk).
    private func lastGood(_ key: String) -> SecretValue? {
        if let hit = memory.lookup(key, now: configuration.now()) { return hit.value }
        return (try? configuration.disk?.lookup(key, scope: base.cacheScope))??.value
    }

    /// Asks the provider, once per key however many callers wait, and stores the answer.
    private func fetch(_ reference: SecretReference, key: String) async throws -> SecretValue {
        let task: Task<SecretValue, any Error> = inFlight.withLock { inFlight in
            if let running = inFlight[key] { return running }
            let base = self.base
            let scope = base.cacheScope
            let providerReference = reference.withoutKeyPath
            let started = CacheInvalidation.beginFetch(of: key, scope: scope)
            let task = Task<SecretValue, any Error>(executorPreference: configuration.taskExecutor) { [weak self] in
                defer { self?.finish(key) }
                self?.fetches.add(1, ordering: .relaxed)
                let value: SecretValue
                do {
                    value = try await base.get(providerReference)
                } catch {
                    _ = CacheInvalidation.endFetch(started)
                    throw error
                }
                // An update while this read was on the wire may have made it stale: answer it, do not keep it.
                if CacheInvalidation.endFetch(started) { self?.remember(key, value) }
                return value
            }
            inFlight[key] = task
            return task
        }
        return try await task.value
    }

    private func finish(_ key: String) {
        _ = inFlight.withLock { $0.removeValue(forKey: key) }
    }

    private func remember(_ key: String, _ value: SecretValue) {
        let ttl = configuration.timeToLive
        let jitter = configuration.jitter > 0 ? Double.random(in: 0...configuration.jitter) : 0
        let lifetime = ttl * (1 - jitter)
        memory.store(key, value: value, expires: configuration.now() + lifetime)
        if let disk = configuration.disk, !value.metadata.restricted {
            let seconds = lifetime / .seconds(1)
            try? disk.store(key, scope: base.cacheScope, value: value, expires: configuration.wallClock().addingTimeInterval(seconds))
        }
    }

    /// Reads from the provider now, whatever the cache holds, and keeps the answer (to notice a rotation).
    public func refresh(_ reference: SecretReference) async throws -> SecretValue {
        let key = reference.cacheKey
        fetches.add(1, ordering: .relaxed)
        let value = try await base.get(reference.withoutKeyPath)
        remember(key, value)
        return value
    }

    public func keepAlive() async throws -> Bool { try await base.keepAlive() }

    public func list(under reference: SecretReference) async throws -> [SecretReference] {
        // Listings are not cached: a list that went stale after an update (s1crets' get_by_path) is worse than a call.
        try await base.list(under: reference)
    }

    public func entries(under reference: SecretReference, recursive: Bool) async throws -> [SecretEntry] {
        try await base.entries(under: reference, recursive: recursive)
    }

    public func exists(_ reference: SecretReference) async throws -> Bool {
        if configuration.strategy != .never, let hit = memory.lookup(reference.cacheKey, now: configuration.now()), hit.fresh {
            return true
        }
        return try await base.exists(reference)
    }

    /// Writes through to the provider, then drops the key from every memory cache of the process and from the
    /// disk caches under them (this one's among them: it registered in `init`), so the next read sees the new
    /// value. The old value's entry leaves the cache file's WAL too (`CacheInvalidation` scrubs the disk caches it
    /// removed from), as `sesame cache clear REF` does: a WAL checkpoint, with an fsync, on the calling thread. (A
    /// value replaced by a read, `refresh` or a fetch after the time to live, is not scrubbed: that would cost the
    /// checkpoint on reads.)
    public func update(_ reference: SecretReference, to value: SecretValue.Content) async throws {
        defer { CacheInvalidation.invalidate([reference.cacheKey], scope: base.cacheScope) }
        try await base.update(reference.withoutKeyPath, to: value)
    }
}
