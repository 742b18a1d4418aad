import SesameHTTP

/// Where the running command's work runs, for what depends on it.
enum CommandExecution {
    /// The executor of the thread the command runs on when it has one of its own (`CallingThreadExecutor`: the quick
    /// commands). Its clients may then block that thread while they wait for the network, and run their own tasks on
    /// it, so that a read starts no thread at all.
    @TaskLocal static var ownThread: CallingThreadExecutor?

    /// How the command's clients reach their servers: `.blocking` on a thread of its own (no event loop, no thread
    /// started: most of a one-shot read's start-up), the connection pool otherwise.
    static var httpEngine: HTTPEngine { ownThread == nil ? .pooled : .blocking }
}
