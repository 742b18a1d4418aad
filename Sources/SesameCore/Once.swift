import Synchronization

/// A value worked out at its first use and kept, with the error it failed with, if any, for every use after.
package final class Once<Value: Sendable>: Sendable {
    private let make: @Sendable () throws -> Value
    private let state = Mutex<Result<Value, any Error>?>(nil)

    package init(_ make: @escaping @Sendable () throws -> Value) {
        self.make = make
    }

    /// The value, made now if it was not yet. (`make` runs under the lock: it must not use this `Once`.)
    package func value() throws -> Value {
        try state.withLock { state in
            if let state { return try state.get() }
            let result = Result { try make() }
            state = result
            return try result.get()
        }
    }

    /// The value if it was made, and made well, without making it.
    package var made: Value? { state.withLock { try? $0?.get() } }
}
