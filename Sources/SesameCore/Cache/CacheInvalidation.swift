import Synchronization

/// Every memory cache of the process, so that an update through any caching provider drops that key from
/// all of them (s1crets kept serving the old value from its other caches).
package enum CacheInvalidation {
    private struct WeakCache {
        weak var cache: MemoryCache?
        weak var disk: DiskCache?
        /// The cache's scope, worked out when an invalidation first needs it.
        let scope: @Sendable () -> String
    }

    private static let caches = Mutex<[ObjectIdentifier: WeakCache]>([:])
    /// The keys being fetched right now, each with its count of fetches and of invalidations since the first of
    /// them began: a fetch that began before an invalidation of its key must not store what it read. Exact per
    /// key (a shared hash stripe made unrelated updates skip stores), and only as large as what is in flight.
    private static let inFlight = Mutex<[FetchKey: (fetches: Int, invalidations: UInt64)]>([:])

    struct FetchKey: Hashable, Sendable {
        var scope: String
        var key: String
    }

    /// Marks the start of a fetch of `key`; pass what it returns to `endFetch` when the fetch is over.
    static func beginFetch(of key: String, scope: String) -> (key: FetchKey, invalidations: UInt64) {
        let fetchKey = FetchKey(scope: scope, key: key)
        let invalidations = inFlight.withLock { inFlight in
            var entry = inFlight[fetchKey] ?? (0, 0)
            entry.fetches += 1
            inFlight[fetchKey] = entry
            return entry.invalidations
        }
        return (fetchKey, invalidations)
    }

    /// Ends a fetch begun with `beginFetch`; true when its key was not invalidated meanwhile (so it may be stored).
    static func endFetch(_ started: (key: FetchKey, invalidations: UInt64)) -> Bool {
        inFlight.withLock { inFlight in
            guard var entry = inFlight[started.key] else { return false }
            let unchanged = entry.invalidations == started.invalidations
            entry.fetches -= 1
            inFlight[started.key] = entry.fetches == 0 ? nil : entry
            return unchanged
        }
    }

    static func register(_ cache: MemoryCache, disk: DiskCache?, scope: @escaping @Sendable () -> String) {
        caches.withLock { $0[ObjectIdentifier(cache)] = WeakCache(cache: cache, disk: disk, scope: scope) }
    }

    static func unregister(_ identifier: ObjectIdentifier) {
        _ = caches.withLock { $0.removeValue(forKey: identifier) }
    }

    /// Removes `keys` from every live memory cache of `scope` and the disk caches under them. A disk cache that held
    /// one is scrubbed (`DiskCache.scrub()`): a replaced value leaves no copy in the file's WAL.
    package static func invalidate(_ keys: [String], scope: String) {
        inFlight.withLock { inFlight in
            for key in keys {
                let fetchKey = FetchKey(scope: scope, key: key)
                inFlight[fetchKey]?.invalidations &+= 1
            }
        }
        let live = caches.withLock { caches in
            caches = caches.filter { $0.value.cache != nil }
            return Array(caches.values)
        }.filter { $0.scope() == scope }
        var disks: [ObjectIdentifier: DiskCache] = [:]
        for entry in live {
            for key in keys { entry.cache?.remove(key) }
            if let disk = entry.disk { disks[ObjectIdentifier(disk)] = disk }
        }
        for disk in disks.values {
            var removed = false
            for key in keys where (try? disk.remove(key, scope: scope)) == true { removed = true }
            if removed { disk.scrub() }
        }
    }
}
