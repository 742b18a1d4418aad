import Synchronization

/// Every memory cache of the process, so that an update through any caching provider drops that key from
/// all of them (s1crets kept serving the old value from its other caches).
enum CacheInvalidation {
    private struct WeakCache {
        weak var cache: MemoryCache?
        weak var disk: DiskCache?
        let scope: String
    }

    private static let caches = Mutex<[ObjectIdentifier: WeakCache]>([:])
    /// Invalidation counters, striped by key hash: a fetch that began before an invalidation of its key must
    /// not store what it read. (Keys sharing a stripe only cost a skipped store, never a stale value.)
    private static let generations = Mutex<[UInt64]>(Array(repeating: 0, count: 256))

    static func generation(of key: String, scope: String) -> UInt64 {
        generations.withLock { $0[stripe(key, scope)] }
    }

    private static func stripe(_ key: String, _ scope: String) -> Int {
        var hasher = Hasher()
        hasher.combine(scope)
        hasher.combine(key)
        return hasher.finalize() & 255
    }

    static func register(_ cache: MemoryCache, disk: DiskCache?, scope: String) {
        caches.withLock { $0[ObjectIdentifier(cache)] = WeakCache(cache: cache, disk: disk, scope: scope) }
    }

    static func unregister(_ identifier: ObjectIdentifier) {
        _ = caches.withLock { $0.removeValue(forKey: identifier) }
    }

    /// Removes `keys` from every live memory cache of `scope` and the disk caches under them.
    static func invalidate(_ keys: [String], scope: String) {
        generations.withLock { generations in
            for key in keys { generations[stripe(key, scope)] &+= 1 }
        }
        let live = caches.withLock { caches in
            caches = caches.filter { $0.value.cache != nil }
            return caches.values.filter { $0.scope == scope }
        }
        var disks: [ObjectIdentifier: DiskCache] = [:]
        for entry in live {
            for key in keys { entry.cache?.remove(key) }
            if let disk = entry.disk { disks[ObjectIdentifier(disk)] = disk }
        }
        for disk in disks.values {
            for key in keys { try? disk.remove(key) }
        }
    }
}
