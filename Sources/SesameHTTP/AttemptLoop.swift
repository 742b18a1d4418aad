/// Sends one request as often as `RetryState` allows: the loop every client shares (the Secret Server client, the
/// AWS client, the token grants). The client says how one attempt went (`Attempt`); the loop asks `RetryState`,
/// waits the backoff, renews credentials, and throws the last attempt's error when it gives up. With a policy
/// `deadline`, what the attempts send is bounded by it (`AttemptLoop.deadline`). The waiting and the clock are
/// injected, so the loop is tested without sockets or wall-clock time (`AttemptLoopTests`).
package struct AttemptLoop: Sendable {
    /// The instant by which the request a loop is sending must be done, when its policy has a `deadline`: set for
    /// what its attempts send, the earliest when loops nest. `HTTPClientOwner.execute` cuts each exchange's timeout
    /// to it. Work shared by several requests runs outside it (`withoutDeadline`).
    @TaskLocal package static var deadline: ContinuousClock.Instant?

    /// Runs `body` outside any request's deadline: for work that several requests wait on (a token renewal, the
    /// server-kind probe, AWS credentials), which one caller's deadline must not cut short for the others (and a
    /// refresh token cut off after it was sent is spent with its answer lost). A `Task` inherits task-locals, so a
    /// shared task's body starts with this.
    package static func withoutDeadline<Value>(_ body: () async throws -> Value) async rethrows -> Value {
        try await $deadline.withValue(nil) { try await body() }
    }

    /// The longest deadline taken as given (`RetryPolicy.deadline` is a public property: any value can be set).
    static let longestDeadline = Duration.seconds(365 * 86_400)

    /// How one attempt went.
    package enum Attempt<Response> {
        /// A usable answer: the loop returns it.
        case success(Response)
        /// A failed attempt: what it means for the retry decision, and the error to throw if it is the last.
        case failure(RetryState.Outcome, any Error)
        /// Send it again at once, without counting an attempt (the client corrected something of its own, such as a
        /// signing clock AWS said is off; the client bounds how often it asks).
        case again
    }

    package var policy: RetryPolicy
    /// Waits before a retry; `Task.sleep` unless a test injects its own.
    package var sleep: @Sendable (Duration) async throws -> Void
    /// The jitter's random source (`Int64.random(in:)`), injected by tests.
    package var random: @Sendable (ClosedRange<Int64>) -> Int64
    /// The time now, for the deadline; injected by tests (with `sleep` moving it on).
    package var now: @Sendable () -> ContinuousClock.Instant

    package init(
        policy: RetryPolicy, sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) },
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.policy = policy
        self.sleep = sleep
        self.random = random
        self.now = now
    }

    /// Runs `attempt` until it succeeds or `RetryState` gives up, and returns the answer or throws the last
    /// attempt's error. An error `attempt` throws ends the loop at once (cancellation, a bad argument).
    ///
    /// - Parameters:
    ///   - idempotent: the request may be sent twice without harm (see `RetryState.decide`).
    ///   - canRenewCredentials: whether new credentials can be had; asked only after they were refused.
    ///   - renewCredentials: drops the refused credentials so that the next attempt gets new ones.
    ///   - willRetry: called before each wait, with the attempt about to be sent (2 for the first retry), the delay
    ///     and the failure that caused it: for the client's log.
    package func run<Response>(
        idempotent: Bool,
        canRenewCredentials: () async -> Bool = { true },
        renewCredentials: () async -> Void = {},
        willRetry: (_ attempt: Int, _ delay: Duration, _ failure: any Error) -> Void = { _, _, _ in },
        attempt: () async throws -> Attempt<Response>
    ) async throws -> Response {
        // At most a year ahead: an instant past the clock's range would trap, and a year is no deadline in practice.
        let own = policy.deadline.map { now() + min($0, Self.longestDeadline) }
        let deadline = [Self.deadline, own].compactMap { $0 }.min()
        return try await Self.$deadline.withValue(deadline) {
            try await attempts(
                deadline: deadline, idempotent: idempotent, canRenewCredentials: canRenewCredentials, renewCredentials: renewCredentials,
                willRetry: willRetry, attempt: attempt)
        }
    }

    private func attempts<Response>(
        deadline: ContinuousClock.Instant?,
        idempotent: Bool,
        canRenewCredentials: () async -> Bool,
        renewCredentials: () async -> Void,
        willRetry: (_ attempt: Int, _ delay: Duration, _ failure: any Error) -> Void,
        attempt: () async throws -> Attempt<Response>
    ) async throws -> Response {
        var state = RetryState(policy: policy)
        while true {
            let outcome: RetryState.Outcome
            let failure: any Error
            switch try await attempt() {
            case .success(let response):
                return response
            case .again:
                continue
            case .failure(let result, let error):
                (outcome, failure) = (result, error)
            }
            let canRenew = outcome == .credentialsRefused ? await canRenewCredentials() : false
            let timeLeft = deadline.map { $0 - now() }
            switch state.decide(outcome, idempotent: idempotent, canRenewCredentials: canRenew, timeLeft: timeLeft, random: random) {
            case .done, .fail:
                // `.done` only follows `.success`, which returned above.
                throw failure
            case .renewCredentials:
                await renewCredentials()
            case .retry(let delay):
                willRetry(state.attempt, delay, failure)
                try await sleep(delay)
            }
        }
    }
}
