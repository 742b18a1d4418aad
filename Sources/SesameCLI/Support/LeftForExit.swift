import Synchronization

/// What a one-shot read leaves for the process's exit to take down. Closing a store (its SQLite connections through
/// GRDB, whose close also removes a Foundation observer and looks conformances up at run time for it) is work the exit
/// that follows at once makes moot: 4% of a cached `sesame secret get` (perf, unstripped release binary).
/// Only for commands that end right after their answer: a command that goes on (`run`, `--watch`) lets go as usual.
enum LeftForExit {
    private static let kept = Mutex<[any Sendable]>([])

    /// Keeps `value` alive until the process exits.
    static func keep(_ value: any Sendable) {
        kept.withLock { $0.append(value) }
    }
}
