import SesameHTTP
import Testing

/// The retry decisions, without sockets: what goes again, how often, after how long, and what renews the
/// credentials. Both transports and the token grants follow these.
@Suite(.timeLimit(.minutes(5)))
struct RetryStateTests {
    /// The largest delay the jitter can pick, so delays are exact here.
    static func highest(_ range: ClosedRange<Int64>) -> Int64 { range.upperBound }

    @Test func idempotentRequestsGoAgainAfterInterruptionsAndServerErrorsUpToTheLimit() {
        var state = RetryState(policy: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(100), maxDelay: .seconds(5)))
        #expect(state.decide(.interrupted, idempotent: true, random: Self.highest) == .retry(after: .milliseconds(100)))
        #expect(state.decide(.serverError(retryAfter: nil), idempotent: true, random: Self.highest) == .retry(after: .milliseconds(200)))
        #expect(state.decide(.interrupted, idempotent: true, random: Self.highest) == .retry(after: .milliseconds(400)))
        #expect(state.attempt == 4)
        #expect(state.decide(.interrupted, idempotent: true, random: Self.highest) == .fail)
        #expect(state.decide(.success, idempotent: true) == .done)
    }

    @Test func aRequestThatMayHaveBeenActedOnIsNotSentTwiceUnlessIdempotent() {
        var state = RetryState(policy: RetryPolicy())
        #expect(state.decide(.interrupted, idempotent: false) == .fail)
        #expect(state.decide(.serverError(retryAfter: nil), idempotent: false) == .fail)
        #expect(state.attempt == 1)
    }

    @Test func throttledRequestsGoAgainEvenWhenNotIdempotentHonouringRetryAfter() {
        var state = RetryState(policy: RetryPolicy(maxAttempts: 3, maxDelay: .seconds(5)))
        #expect(state.decide(.throttled(retryAfter: .seconds(2)), idempotent: false) == .retry(after: .seconds(2)))
        // Retry-After is capped at the policy's longest delay.
        #expect(state.decide(.throttled(retryAfter: .seconds(60)), idempotent: false) == .retry(after: .seconds(5)))
        #expect(state.decide(.throttled(retryAfter: nil), idempotent: false) == .fail)
    }

    @Test func unreachableAndOtherFailuresAreFinal() {
        var state = RetryState(policy: RetryPolicy())
        #expect(state.decide(.unreachable, idempotent: true) == .fail)
        #expect(state.decide(.failed, idempotent: true) == .fail)
        #expect(state.attempt == 1)
    }

    @Test func credentialsAreRenewedOnceAndOnlyWhenTheyCanBe() {
        var state = RetryState(policy: RetryPolicy())
        #expect(state.decide(.credentialsRefused, idempotent: false) == .renewCredentials)
        #expect(state.renewedCredentials)
        #expect(state.decide(.credentialsRefused, idempotent: false) == .fail)
        var fixed = RetryState(policy: RetryPolicy())
        #expect(fixed.decide(.credentialsRefused, idempotent: true, canRenewCredentials: false) == .fail)
        // A renewal uses no attempt.
        #expect(state.attempt == 1)
    }

    @Test func theBackoffIsFullJitterUnderACeilingThatDoublesToItsCap() {
        let policy = RetryPolicy(maxAttempts: 30, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        #expect(policy.ceiling(beforeAttempt: 2) == .milliseconds(100))
        #expect(policy.ceiling(beforeAttempt: 3) == .milliseconds(200))
        #expect(policy.ceiling(beforeAttempt: 5) == .milliseconds(800))
        #expect(policy.ceiling(beforeAttempt: 6) == .seconds(1))
        #expect(policy.ceiling(beforeAttempt: 29) == .seconds(1))
        for attempt in 2...12 {
            let delay = policy.delay(beforeAttempt: attempt)
            #expect(delay >= .zero && delay <= policy.ceiling(beforeAttempt: attempt))
        }
        #expect(policy.delay(beforeAttempt: 2, random: { $0.lowerBound }) == .zero)
        #expect(RetryPolicy.none.maxAttempts == 1)
        var none = RetryState(policy: .none)
        #expect(none.decide(.interrupted, idempotent: true) == .fail)
    }

    /// With a deadline, a retry whose wait would end at or past it is not made, and nothing goes again once it passed.
    @Test func nothingGoesAgainPastTheDeadline() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(5), deadline: .seconds(1))
        var state = RetryState(policy: policy)
        #expect(state.decide(.interrupted, idempotent: true, timeLeft: .milliseconds(900), random: { $0.upperBound }) == .retry(after: .milliseconds(100)))
        // The next wait (200 ms) would end past the 150 ms left.
        #expect(state.decide(.interrupted, idempotent: true, timeLeft: .milliseconds(150), random: { $0.upperBound }) == .fail)
        // A server's Retry-After longer than the time left is not waited for either.
        var throttled = RetryState(policy: policy)
        #expect(throttled.decide(.throttled(retryAfter: .seconds(2)), idempotent: false, timeLeft: .milliseconds(900)) == .fail)
        // Once the time is spent, not even refused credentials are renewed.
        var late = RetryState(policy: policy)
        #expect(late.decide(.credentialsRefused, idempotent: true, timeLeft: .zero) == .fail)
        #expect(late.decide(.success, idempotent: true, timeLeft: .zero) == .done)
        // Without a deadline, only the attempts count.
        var open = RetryState(policy: RetryPolicy(maxAttempts: 2))
        #expect(open.decide(.throttled(retryAfter: .seconds(2)), idempotent: false, random: { $0.upperBound }) == .retry(after: .seconds(2)))
        #expect(RetryPolicy(deadline: .seconds(-3)).deadline == nil && RetryPolicy(deadline: .zero).deadline == nil)
    }

    @Test func durationsConvertToNanosecondsWithoutOverflow() {
        #expect(Duration.milliseconds(1500).nanoseconds == 1_500_000_000)
        #expect(Duration.seconds(Int64.max).nanoseconds == .max)
        #expect(Duration.seconds(Int64.min).nanoseconds == .min)
    }
}
