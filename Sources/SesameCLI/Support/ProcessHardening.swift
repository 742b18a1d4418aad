import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What sesame does to its own process before anything else, because it holds passwords, tokens and values in
/// memory: no core dumps (a crash would write them to disk), and on Linux no ptrace or /proc/PID/mem reads by
/// other processes of the same user (`PR_SET_DUMPABLE` 0). Programs that `sesame run` starts get the core limit
/// the user had back.
enum ProcessHardening {
    /// The core-file limit the process started with, for the programs it runs.
    nonisolated(unsafe) private static var inheritedCoreLimit = rlimit()
    nonisolated(unsafe) private static var applied = false

    /// Turns core dumps off for this process.
    static func apply() {
        guard !applied else { return }
        applied = true
        _ = getrlimit(Self.coreResource, &inheritedCoreLimit)
        var none = rlimit(rlim_cur: 0, rlim_max: inheritedCoreLimit.rlim_max)
        _ = setrlimit(Self.coreResource, &none)
        #if os(Linux)
            // prctl(PR_SET_DUMPABLE, 0): Glibc's module does not import prctl, so it is looked up by name.
            typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
            if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") {
                let prctl = unsafeBitCast(symbol, to: Prctl.self)
                _ = prctl(4 /* PR_SET_DUMPABLE */, 0, 0, 0, 0)
            }
        #endif
    }

    /// Gives the limit back, just before this process becomes or starts another program.
    static func restoreForChild() {
        guard applied else { return }
        _ = setrlimit(Self.coreResource, &inheritedCoreLimit)
    }

    /// Takes it away again once the child is started (`run --mask` stays alive beside it).
    static func reapply() {
        guard applied else { return }
        var none = rlimit(rlim_cur: 0, rlim_max: inheritedCoreLimit.rlim_max)
        _ = setrlimit(Self.coreResource, &none)
    }

    #if os(Linux)
        private static var coreResource: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_CORE.rawValue) }
    #else
        private static var coreResource: Int32 { RLIMIT_CORE }
    #endif
}
