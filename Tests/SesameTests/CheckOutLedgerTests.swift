import Foundation
import Synchronization
import Testing

@testable import Sesame
@testable import SesameCore

/// One check-out per secret however many reads hold it, one check-in when the last lets go, a failed check-in
/// that does not disturb the counts, and a failed check-out that the next reader tries again.
@Suite(.timeLimit(.minutes(5)))
struct CheckOutLedgerTests {
    final class Server: Sendable {
        let calls = Mutex<[String]>([])
        let failCheckOut = Mutex(0)
        let failCheckIn = Mutex(0)
        /// Check-ins that have started (before their answer).
        let checkInsStarted = Atomic<Int>(0)

        /// A check-out is recorded when it starts, a check-in when it is answered: a check-out sent while a
        /// check-in is on the wire shows up before it.
        func checkOut(_ id: Int) async throws {
            calls.withLock { $0.append("out \(id)") }
            let fail = failCheckOut.withLock { count in
                defer { count = max(0, count - 1) }
                return count > 0
            }
            try await Task.sleep(for: .milliseconds(20))
            if fail { throw CancellationError() }
        }

        func checkIn(_ id: Int) async throws {
            checkInsStarted.add(1, ordering: .sequentiallyConsistent)
            try await Task.sleep(for: .milliseconds(20))
            let fail = failCheckIn.withLock { count in
                defer { count = max(0, count - 1) }
                return count > 0
            }
            calls.withLock { $0.append("in \(id)") }
            if fail { throw CancellationError() }
        }
    }

    @Test func readsOfOneSecretShareOneCheckOut() async throws {
        let ledger = CheckOutLedger()
        let server = Server()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await ledger.acquire(12) { try await server.checkOut(12) }
                    try await Task.sleep(for: .milliseconds(50))
                    try await ledger.release(12) { try await server.checkIn(12) }
                }
            }
            try await group.waitForAll()
        }
        #expect(server.calls.withLock { $0 } == ["out 12", "in 12"])
    }

    @Test func aNewCheckOutWaitsForACheckInOnTheWire() async throws {
        let ledger = CheckOutLedger()
        let server = Server()
        try await ledger.acquire(7) { try await server.checkOut(7) }
        async let released: Void = ledger.release(7) { try await server.checkIn(7) }
        while server.checkInsStarted.load(ordering: .sequentiallyConsistent) == 0 { await Task.yield() }
        // The check-in is on the wire: this check-out must wait for its answer.
        try await ledger.acquire(7) { try await server.checkOut(7) }
        try await released
        try await ledger.release(7) { try await server.checkIn(7) }
        #expect(server.calls.withLock { $0 } == ["out 7", "in 7", "out 7", "in 7"])
    }

    @Test func failuresLeaveTheCountsRight() async throws {
        let ledger = CheckOutLedger()
        let server = Server()
        server.failCheckOut.withLock { $0 = 1 }
        await #expect(throws: CancellationError.self) { try await ledger.acquire(3) { try await server.checkOut(3) } }
        // The next reader tries again instead of getting the old failure.
        try await ledger.acquire(3) { try await server.checkOut(3) }
        server.failCheckIn.withLock { $0 = 1 }
        await #expect(throws: CancellationError.self) { try await ledger.release(3) { try await server.checkIn(3) } }
        // Released once: a second release is nothing to do, and a new read checks out anew.
        try await ledger.release(3) { try await server.checkIn(3) }
        try await ledger.acquire(3) { try await server.checkOut(3) }
        try await ledger.release(3) { try await server.checkIn(3) }
        #expect(server.calls.withLock { $0 } == ["out 3", "out 3", "in 3", "out 3", "in 3"])
    }
}
