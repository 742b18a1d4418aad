import Foundation
import Testing

@testable import SesameAgent

/// The keep-alive's decisions, without sockets: only providers read from lately are kept, one refused is left alone
/// until a read succeeds after the refusal (no sign-in every minute towards a lockout), one failing for a reason that
/// may pass waits longer each time (up to 15 minutes); and a value found gone leaves the cache in every form it was
/// asked in.
@Suite(.timeLimit(.minutes(5)))
struct AgentKeepAliveTests {
    let start = Date(timeIntervalSince1970: 1_900_000_000)

    @Test func onlyProvidersUsedLatelyAreKept() {
        let state = AgentKeepAlive.State()
        let due = state.due(
            activity: ["tss": (start, start), "aws-sm": (start.addingTimeInterval(-9 * 3600), nil)], time: start.addingTimeInterval(60), idleLimit: 8 * 3600)
        #expect(due == ["tss"])
    }

    @Test func aRefusedProviderWaitsForTheNextGoodRead() {
        struct Refused: Error {}
        var state = AgentKeepAlive.State()
        let refusedAt = start.addingTimeInterval(60)
        let changed = state.record("tss", error: Refused(), transient: false, time: refusedAt, interval: 60)
        #expect(changed)
        // Minutes and hours later, nobody has read: never tried again.
        for minutes in [2.0, 10, 120] {
            // Answers still served from the cache (in use), but no read has succeeded since the refusal.
            let served = start.addingTimeInterval(minutes * 60 - 1)
            #expect(state.due(activity: ["tss": (served, start)], time: start.addingTimeInterval(minutes * 60), idleLimit: 8 * 3600).isEmpty)
        }
        // A read succeeds after the refusal (the user fixed the password): kept again, and it works.
        let read = refusedAt.addingTimeInterval(300)
        #expect(state.due(activity: ["tss": (read, read)], time: read.addingTimeInterval(60), idleLimit: 8 * 3600) == ["tss"])
        let recovered = state.record("tss", error: nil, transient: true, time: read.addingTimeInterval(60), interval: 60)
        let again = state.record("tss", error: nil, transient: true, time: read.addingTimeInterval(120), interval: 60)
        #expect(recovered && !again)
    }

    @Test func aTransientFailureBacksOffUpToFifteenMinutes() {
        struct Down: Error {}
        var state = AgentKeepAlive.State()
        var time = start
        var waits: [TimeInterval] = []
        for _ in 0..<8 {
            _ = state.record("aws-sm", error: Down(), transient: true, time: time, interval: 60)
            let wait = state.notBefore["aws-sm"]!.timeIntervalSince(time)
            waits.append(wait)
            #expect(state.due(activity: ["aws-sm": (start, start)], time: time.addingTimeInterval(wait - 1), idleLimit: 8 * 3600).isEmpty)
            // …and due again once the wait is over: the back-off ends.
            #expect(state.due(activity: ["aws-sm": (start, start)], time: time.addingTimeInterval(wait), idleLimit: 8 * 3600) == ["aws-sm"])
            time = time.addingTimeInterval(wait)
        }
        #expect(waits.first == 120 && waits == waits.sorted() && waits.last == 900, "\(waits)")
    }

    @Test func aValueFoundGoneLeavesEveryFormItWasAskedIn() {
        #expect(AgentCache.family(of: "ref|false|tss://12/password") == AgentCache.family(of: "ref|true|tss://12/password"))
        #expect(AgentCache.family(of: "sm|prod/db||AWSCURRENT") == AgentCache.family(of: "sm|prod/db|v1|"))
        #expect(AgentCache.family(of: "ps|true|/app/key:3") == AgentCache.family(of: "ps|false|/app/key"))
        #expect(AgentCache.family(of: "ref|false|tss://12/password") != AgentCache.family(of: "ref|false|tss://13/password"))
    }
}
