import Synchronization

/// An in-memory LRU cache of secret values with a time to live: at most `capacity` entries, the least
/// recently used evicted first. Expired entries stay (until evicted) so that a strategy that allows expired
/// values can still serve them when the provider is down. A hit takes one lock, one hash lookup and no
/// allocation.
public final class MemoryCache: Sendable {
    struct Entry {
        var key: String
        var value: SecretValue
        var expires: ContinuousClock.Instant
        var previous: Int
        var next: Int
    }

    struct State: ~Copyable {
        var slots: [String: Int] = [:]
        var entries: [Entry] = []
        /// Most recently used first.
        var head = -1
        var tail = -1
        var free: [Int] = []
    }

    public let capacity: Int
    private let state: Mutex<State>

    public init(capacity: Int) {
        precondition(capacity > 0, "a cache holds at least one entry")
        self.capacity = capacity
        var state = State()
        state.slots.reserveCapacity(capacity)
        state.entries.reserveCapacity(capacity)
        self.state = Mutex(state)
    }

    /// The value for `key`, and whether it is still within its time to live at `now`. Marks it recently used.
    @inline(__always)
    public func lookup(_ key: String, now: ContinuousClock.Instant) -> (value: SecretValue, fresh: Bool)? {
        state.withLock { state in
            guard let slot = state.slots[key] else { return nil }
            Self.moveToFront(slot, in: &state)
            // Field by field: copying the whole entry would retain and release its key too.
            return (state.entries[slot].value, now < state.entries[slot].expires)
        }
    }

    /// Stores `value` for `key` until `expires`, evicting the least recently used entry when full.
    public func store(_ key: String, value: SecretValue, expires: ContinuousClock.Instant) {
        state.withLock { state in
            if let slot = state.slots[key] {
                state.entries[slot].value = value
                state.entries[slot].expires = expires
                Self.moveToFront(slot, in: &state)
                return
            }
            let slot: Int
            if state.slots.count >= capacity {
                slot = state.tail
                Self.unlink(slot, in: &state)
                state.slots.removeValue(forKey: state.entries[slot].key)
                state.entries[slot] = Entry(key: key, value: value, expires: expires, previous: -1, next: -1)
            } else if let reused = state.free.popLast() {
                slot = reused
                state.entries[slot] = Entry(key: key, value: value, expires: expires, previous: -1, next: -1)
            } else {
                slot = state.entries.count
                state.entries.append(Entry(key: key, value: value, expires: expires, previous: -1, next: -1))
            }
            state.slots[key] = slot
            Self.linkAtFront(slot, in: &state)
        }
    }

    /// Forgets `key`.
    public func remove(_ key: String) {
        state.withLock { state in
            guard let slot = state.slots.removeValue(forKey: key) else { return }
            Self.unlink(slot, in: &state)
            // Drop the value now rather than when the slot is reused.
            state.entries[slot].value = SecretValue(text: "")
            state.entries[slot].key = ""
            state.free.append(slot)
        }
    }

    /// Forgets everything.
    public func removeAll() {
        state.withLock { state in state = State() }
    }

    /// How many entries are held (fresh or expired).
    public var count: Int { state.withLock { $0.slots.count } }

    /// The keys from most to least recently used (for tests and diagnostics).
    public var keysByRecency: [String] {
        state.withLock { state in
            var keys: [String] = []
            var slot = state.head
            while slot >= 0 {
                keys.append(state.entries[slot].key)
                slot = state.entries[slot].next
            }
            return keys
        }
    }

    @inline(__always)
    private static func moveToFront(_ slot: Int, in state: inout State) {
        guard state.head != slot else { return }
        unlink(slot, in: &state)
        linkAtFront(slot, in: &state)
    }

    private static func unlink(_ slot: Int, in state: inout State) {
        let previous = state.entries[slot].previous
        let next = state.entries[slot].next
        if previous >= 0 { state.entries[previous].next = next } else { state.head = next }
        if next >= 0 { state.entries[next].previous = previous } else { state.tail = previous }
        state.entries[slot].previous = -1
        state.entries[slot].next = -1
    }

    private static func linkAtFront(_ slot: Int, in state: inout State) {
        state.entries[slot].previous = -1
        state.entries[slot].next = state.head
        if state.head >= 0 { state.entries[state.head].previous = slot }
        state.head = slot
        if state.tail < 0 { state.tail = slot }
    }
}
