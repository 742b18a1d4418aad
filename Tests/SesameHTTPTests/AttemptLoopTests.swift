import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import SesameHTTP
import Synchronization
import Testing

/// The loop every client sends through, without sockets or wall-clock time: the waits are recorded, not slept.
@Suite(.timeLimit(.minutes(1)))
struct AttemptLoopTests {
    struct Failure: Error, Equatable {
        var number: Int
    }

    /// The waits a loop asked for, in order.
    final class Waits: Sendable {
        private let delays = Mutex<[Duration]>([])
        func add(_ delay: Duration) { delays.withLock { $0.append(delay) } }
        var all: [Duration] { delays.withLock { $0 } }
    }

    /// A loop whose waits are recorded (not slept) and whose jitter picks the longest delay.
    static func loop(maxAttempts: Int, waits: Waits) -> AttemptLoop {
        AttemptLoop(
            policy: RetryPolicy(maxAttempts: maxAttempts, baseDelay: .milliseconds(100), maxDelay: .seconds(5)),
            sleep: { delay in waits.add(delay) },
            random: { $0.upperBound }
        )
    }

    @Test func anInterruptedIdempotentRequestGoesAgainWithBackoffUntilItSucceeds() async throws {
        let waits = Waits()
        var calls = 0
        var announced: [Int] = []
        let answer = try await Self.loop(maxAttempts: 4, waits: waits).run(
            idempotent: true, willRetry: { attempt, _, _ in announced.append(attempt) }
        ) { () -> AttemptLoop.Attempt<String> in
            calls += 1
            return calls < 3 ? .failure(.interrupted, Failure(number: calls)) : .success("answer")
        }
        #expect(answer == "answer")
        #expect(calls == 3)
        #expect(waits.all == [.milliseconds(100), .milliseconds(200)])
        #expect(announced == [2, 3])
    }

    @Test func theLastAttemptsErrorIsThrownWhenTheAttemptsRunOut() async {
        let waits = Waits()
        var calls = 0
        await #expect(throws: Failure(number: 3)) {
            try await Self.loop(maxAttempts: 3, waits: waits).run(idempotent: true) { () -> AttemptLoop.Attempt<String> in
                calls += 1
                return .failure(.serverError(retryAfter: nil), Failure(number: calls))
            }
        }
        #expect(calls == 3)
        #expect(waits.all.count == 2)
    }

    @Test func aRequestThatMayHaveBeenActedOnIsSentOnceUnlessIdempotent() async {
        let waits = Waits()
        var calls = 0
        await #expect(throws: Failure(number: 1)) {
            try await Self.loop(maxAttempts: 4, waits: waits).run(idempotent: false) { () -> AttemptLoop.Attempt<String> in
                calls += 1
                return .failure(.interrupted, Failure(number: calls))
            }
        }
        #expect(calls == 1)
        #expect(waits.all.isEmpty)
    }

    @Test func refusedCredentialsAreRenewedOnceWithoutWaitingOrUsingAnAttempt() async throws {
        let waits = Waits()
        var calls = 0
        var renewals = 0
        let answer = try await Self.loop(maxAttempts: 1, waits: waits).run(
            idempotent: false, renewCredentials: { renewals += 1 }
        ) { () -> AttemptLoop.Attempt<Int> in
            calls += 1
            return calls == 1 ? .failure(.credentialsRefused, Failure(number: 1)) : .success(calls)
        }
        #expect(answer == 2)
        #expect(renewals == 1)
        #expect(waits.all.isEmpty)

        // Refused again after the renewal, or credentials that cannot be renewed: the refusal is thrown.
        var again = 0
        await #expect(throws: Failure(number: 2)) {
            try await Self.loop(maxAttempts: 4, waits: waits).run(idempotent: true) { () -> AttemptLoop.Attempt<Int> in
                again += 1
                return .failure(.credentialsRefused, Failure(number: again))
            }
        }
        var renewedFixed = false
        await #expect(throws: Failure(number: 1)) {
            try await Self.loop(maxAttempts: 4, waits: waits).run(
                idempotent: true, canRenewCredentials: { false }, renewCredentials: { renewedFixed = true }
            ) { () -> AttemptLoop.Attempt<Int> in .failure(.credentialsRefused, Failure(number: 1)) }
        }
        #expect(!renewedFixed)
    }

    @Test func againRepeatsAtOnceWithoutCountingAnAttempt() async throws {
        let waits = Waits()
        var calls = 0
        let answer = try await Self.loop(maxAttempts: 1, waits: waits).run(idempotent: false) { () -> AttemptLoop.Attempt<Int> in
            calls += 1
            return calls == 1 ? .again : .success(calls)
        }
        #expect(answer == 2)
        #expect(waits.all.isEmpty)
    }

    @Test func throttlingHonoursRetryAfterEvenForANonIdempotentRequest() async throws {
        let waits = Waits()
        var calls = 0
        let answer = try await Self.loop(maxAttempts: 2, waits: waits).run(idempotent: false) { () -> AttemptLoop.Attempt<Int> in
            calls += 1
            return calls == 1 ? .failure(.throttled(retryAfter: .seconds(2)), Failure(number: 1)) : .success(calls)
        }
        #expect(answer == 2)
        #expect(waits.all == [.seconds(2)])
    }

    @Test func anErrorTheAttemptThrowsEndsTheLoopAtOnce() async {
        let waits = Waits()
        var calls = 0
        await #expect(throws: CancellationError.self) {
            try await Self.loop(maxAttempts: 4, waits: waits).run(idempotent: true) { () -> AttemptLoop.Attempt<Int> in
                calls += 1
                throw CancellationError()
            }
        }
        #expect(calls == 1)
    }
    /// A clock that moves only when told: by each wait the loop asks for, and by what an attempt says it took.
    final class ManualClock: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
    }

    /// A 1-s deadline over attempts that each take 200 ms: the waits of 100 and 200 ms fit, the third (400 ms) would
    /// end past it with 100 ms left, so the third attempt's error is the answer; and everything the attempts do sees
    /// the deadline, the earlier one when loops nest.
    @Test func theDeadlineBoundsTheAttemptsTheirWaitsAndWhatTheySend() async throws {
        let clock = ManualClock()
        let waits = Waits()
        let loop = AttemptLoop(
            policy: RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(5), deadline: .seconds(1)),
            sleep: { delay in
                waits.add(delay)
                clock.advance(delay)
            },
            random: { $0.upperBound }, now: { clock.now })
        let started = clock.now
        var calls = 0
        var seen: [ContinuousClock.Instant?] = []
        await #expect(throws: Failure(number: 3)) {
            try await loop.run(idempotent: true) { () -> AttemptLoop.Attempt<String> in
                calls += 1
                seen.append(AttemptLoop.deadline)
                clock.advance(.milliseconds(200))
                return .failure(.interrupted, Failure(number: calls))
            }
        }
        #expect(calls == 3 && waits.all == [.milliseconds(100), .milliseconds(200)])
        #expect(seen.allSatisfy { $0 == started + .seconds(1) })
        #expect(AttemptLoop.deadline == nil, "the deadline is the loop's own")

        // A loop inside it (a token grant during a request) with a later deadline of its own keeps the earlier one.
        let inner = AttemptLoop(policy: RetryPolicy(maxAttempts: 1, deadline: .seconds(60)), now: { clock.now })
        let outer = AttemptLoop(policy: RetryPolicy(maxAttempts: 1, deadline: .seconds(2)), now: { clock.now })
        let outerStart = clock.now
        let nested = try await outer.run(idempotent: true) { () -> AttemptLoop.Attempt<ContinuousClock.Instant?> in
            .success(try await inner.run(idempotent: true) { () -> AttemptLoop.Attempt<ContinuousClock.Instant?> in .success(AttemptLoop.deadline) })
        }
        #expect(nested == outerStart + .seconds(2))
        // Work other requests share runs outside it, also in a task made during an attempt (which inherits it).
        let (inherited, shared) = try await outer.run(idempotent: true) {
            () -> AttemptLoop.Attempt<(ContinuousClock.Instant?, ContinuousClock.Instant?)> in
            .success((await Task { AttemptLoop.deadline }.value, await Task { await AttemptLoop.withoutDeadline { AttemptLoop.deadline } }.value))
        }
        #expect(inherited != nil && shared == nil)

        // A deadline past the clock's range is taken as a year, not an overflow.
        var endless = RetryPolicy(maxAttempts: 1)
        endless.deadline = .seconds(Int64.max)
        let far = try await AttemptLoop(policy: endless, now: { clock.now }).run(idempotent: true) {
            () -> AttemptLoop.Attempt<ContinuousClock.Instant?> in .success(AttemptLoop.deadline)
        }
        #expect(far == clock.now + .seconds(365 * 86_400))
    }

    /// An exchange sent under a deadline waits no longer than the time left (here a server that never answers, and a
    /// 60-s timeout), and one sent after it passed is not sent.
    @Test(arguments: [HTTPEngine.pooled, .blocking])
    func anExchangeIsCutToTheDeadline(engine: HTTPEngine) async throws {
        let server = try BlockingHTTPClientTests.CannedServer(answer: "", hold: true)
        let owner = HTTPClientFactory.owner(connectTimeout: .seconds(5), readTimeout: .seconds(60), proxies: .none, engine: engine)
        defer { Task { try? await owner.shutdown() } }
        let request = OutgoingRequest(url: "http://127.0.0.1:\(server.port)/slow")
        let started = ContinuousClock.now
        await #expect(throws: HTTPClientError.deadlineExceeded) {
            try await AttemptLoop.$deadline.withValue(.now + .milliseconds(300)) {
                try await owner.execute(request, timeout: .seconds(60), maximumSize: 1024)
            }
        }
        #expect(ContinuousClock.now - started < .seconds(30), "the 60-s timeout was not cut to the deadline")
        let late = ContinuousClock.now
        await #expect(throws: HTTPClientError.deadlineExceeded) {
            try await AttemptLoop.$deadline.withValue(.now - .milliseconds(1)) {
                try await owner.execute(request, timeout: .seconds(60), maximumSize: 1024)
            }
        }
        #expect(ContinuousClock.now - late < .seconds(30), "a request past its deadline was sent")
    }
}

/// One classification of a failed exchange for every client.
@Suite(.timeLimit(.minutes(1)))
struct ExchangeFailureTests {
    @Test func nothingSentIsFinalAndALostExchangeMayGoAgain() {
        let connect = ExchangeFailure(classifying: HTTPClientError.connectTimeout)
        #expect(connect.kind == .connect && connect.outcome == .unreachable && connect.nothingSent)
        let refused = ExchangeFailure(classifying: IOError(errnoCode: ECONNREFUSED, reason: "connect"))
        #expect(refused.kind == .connect)
        let blockingRefused = ExchangeFailure(classifying: BlockingHTTPError(.connect, "could not connect"))
        #expect(blockingRefused.kind == .connect)
        let proxy = ExchangeFailure(classifying: HTTPClientError.proxyAuthenticationRequired)
        #expect(proxy.kind == .proxy && proxy.reason.contains("407") && proxy.outcome == .unreachable)
        let deadline = ExchangeFailure(classifying: HTTPClientError.deadlineExceeded)
        #expect(deadline.kind == .timeout && deadline.outcome == .interrupted && !deadline.nothingSent)
        let closed = ExchangeFailure(classifying: HTTPClientError.remoteConnectionClosed)
        #expect(closed.kind == .interrupted && closed.outcome == .interrupted)
        let large = ExchangeFailure(classifying: NIOTooManyBytesError(maxBytes: 10))
        #expect(large.kind == .tooLarge && large.outcome == .failed)
    }

    /// The two clients used to disagree here: a refused handshake is final for both, and a TLS connection cut
    /// without its close notification is a lost exchange for both.
    @Test func aRefusedHandshakeIsFinalButAnUncleanShutdownIsALostExchange() {
        let handshake = ExchangeFailure(classifying: NIOSSLError.handshakeFailed(.sslError([])))
        #expect(handshake.kind == .tls && handshake.outcome == .unreachable)
        let blocking = ExchangeFailure(classifying: BlockingHTTPError(.tls, "the server's certificate is not for example.com"))
        #expect(blocking.kind == .tls)
        let unclean = ExchangeFailure(classifying: NIOSSLError.uncleanShutdown)
        #expect(unclean.kind == .interrupted && unclean.outcome == .interrupted)
        #expect(ExchangeFailure(classifying: HTTPClientError.uncleanShutdown).kind == .interrupted)
    }

    /// A TLS error after the handshake may come after the request went out; a request refused before it is sent
    /// (a header value with a line break, as a server's token could hold) reached nobody and is not sent again.
    @Test func aFailureAfterTheHandshakeIsALostExchangeAndAnUnsendableRequestIsFinal() {
        let lost = ExchangeFailure(classifying: BlockingHTTPError(.connectionLost, "the TLS connection failed after the handshake"))
        #expect(lost.kind == .interrupted && lost.outcome == .interrupted && !lost.nothingSent)
        let header = ExchangeFailure(classifying: HTTPClientError.invalidHeaderFieldValues(["Bearer a\r\nb"]))
        #expect(header.kind == .invalidRequest && header.outcome == .failed && header.nothingSent)
        #expect(!header.reason.contains("Bearer"))
        let blocking = ExchangeFailure(classifying: BlockingHTTPError(.invalidRequest, "a header value has a line break in it"))
        #expect(blocking.kind == .invalidRequest && blocking.nothingSent)
        #expect(ExchangeFailure(classifying: HTTPClientError.invalidURL).kind == .invalidRequest)
    }

    @Test func theReasonNeverHoldsAHeadersValue() {
        let refused = ExchangeFailure(classifying: HTTPClientError.invalidHeaderFieldValues(["Bearer secret-token-value"]))
        #expect(!refused.reason.contains("secret-token-value"))
    }
}
