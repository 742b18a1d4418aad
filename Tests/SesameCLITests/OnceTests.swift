import Synchronization
import Testing

import SesameCore

/// `Once` makes its value at the first use only, from any number of tasks, and keeps a failure as it keeps a value.
@Suite(.timeLimit(.minutes(1))) struct OnceTests {
    struct Failure: Error, Equatable { var attempt: Int }

    @Test func theValueIsMadeOnceForEveryUse() async throws {
        let made = Atomic(0)
        let once = Once { made.add(1, ordering: .relaxed).newValue }
        #expect(once.made == nil && made.load(ordering: .relaxed) == 0, "looked at, not made")
        let values = await withTaskGroup(of: Int.self, returning: [Int].self) { group in
            for _ in 0..<32 { group.addTask { (try? once.value()) ?? -1 } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(values == Array(repeating: 1, count: 32))
        #expect(made.load(ordering: .relaxed) == 1 && once.made == 1)
    }

    @Test func aFailureIsKeptAsAValueIs() {
        let attempts = Atomic(0)
        let once = Once<Int> { throw Failure(attempt: attempts.add(1, ordering: .relaxed).newValue) }
        for _ in 0..<3 {
            #expect(throws: Failure(attempt: 1)) { try once.value() }
        }
        #expect(attempts.load(ordering: .relaxed) == 1 && once.made == nil)
    }
}
