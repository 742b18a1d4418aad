/// The retry decisions of one request, as a value: after each attempt the transport says what happened
/// (`Outcome`), and `decide` answers whether to send it again (after how long), to renew the credentials and send
/// it again, or to give up. Both transports (Secret Server, AWS) and the token grants use it, so the rules are
/// written once and tested without sockets (`RetryStateTests`).
///
/// The rules: a success is done. Refused credentials are renewed once (nothing was done with them). A throttled
/// request (429, Delinea's 403 rate limit, AWS throttling) was refused before it was acted on, so it goes again
/// whether idempotent or not, honouring `Retry-After`. Dropped connections, timeouts and server errors (500, 502,
/// 503, 504, an HTML page answered with 200) may have been acted on, so only idempotent requests go again. A
/// connection that could not be made is not tried again (the connection pool already kept trying for the whole
/// connect timeout), nor is a refused TLS handshake (trying again changes no certificate). Everything else fails.
/// Nothing goes again once the time left before the request's deadline (`RetryPolicy.deadline`) is spent, nor
/// after a wait that would end past it.
package struct RetryState: Sendable {
    /// What one attempt came to.
    package enum Outcome: Sendable, Equatable {
        case success
        /// 401, or an authentication failure in another status: the credentials were refused.
        case credentialsRefused
        /// Refused before it was acted on (429, a rate-limit 403, AWS throttling), with the server's `Retry-After`.
        case throttled(retryAfter: Duration?)
        /// A 5xx (or an HTML page with 200): the server may have acted.
        case serverError(retryAfter: Duration?)
        /// The connection dropped or the answer did not come in time: the server may have acted.
        case interrupted
        /// No connection could be made, or TLS refused it: nothing was sent, and trying again will not help.
        case unreachable
        /// Any other answer: final.
        case failed
    }

    /// What to do next.
    package enum Decision: Sendable, Equatable {
        /// The request succeeded.
        case done
        /// Send it again after the delay.
        case retry(after: Duration)
        /// Renew the credentials and send it again at once.
        case renewCredentials
        /// Give up: throw the attempt's error.
        case fail
    }

    package let policy: RetryPolicy
    /// The attempt about to be sent, or just sent (1 for the first).
    package private(set) var attempt = 1
    /// Whether the credentials were renewed already (they are renewed once per request).
    package private(set) var renewedCredentials = false

    package init(policy: RetryPolicy) {
        self.policy = policy
    }

    /// The decision after an attempt that came to `outcome`. `idempotent`: the request may be sent twice without
    /// harm. `canRenewCredentials`: new credentials can be had (a fixed token cannot be renewed). `timeLeft`: the
    /// time before the request's deadline, when it has one.
    package mutating func decide(
        _ outcome: Outcome, idempotent: Bool, canRenewCredentials: Bool = true, timeLeft: Duration? = nil,
        random: (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) }
    ) -> Decision {
        if outcome != .success, let timeLeft, timeLeft <= .zero { return .fail }
        switch outcome {
        case .success:
            return .done
        case .credentialsRefused:
            guard !renewedCredentials, canRenewCredentials else { return .fail }
            renewedCredentials = true
            return .renewCredentials
        case .throttled(let retryAfter):
            return next(retryAfter: retryAfter, timeLeft: timeLeft, random: random)
        case .serverError(let retryAfter):
            return idempotent ? next(retryAfter: retryAfter, timeLeft: timeLeft, random: random) : .fail
        case .interrupted:
            return idempotent ? next(retryAfter: nil, timeLeft: timeLeft, random: random) : .fail
        case .unreachable, .failed:
            return .fail
        }
    }

    private mutating func next(retryAfter: Duration?, timeLeft: Duration?, random: (ClosedRange<Int64>) -> Int64) -> Decision {
        guard attempt < policy.maxAttempts else { return .fail }
        let delay = policy.delay(beforeAttempt: attempt + 1, retryAfter: retryAfter, random: random)
        // A wait that ends at or past the deadline leaves no time to send anything.
        if let timeLeft, delay >= timeLeft { return .fail }
        attempt += 1
        return .retry(after: delay)
    }
}
