import SesameHTTP
import Testing

@testable import SecretServer

/// What the Secret Server client makes of an exchange that got no answer: the error code, the advice, and whether
/// the request may have reached the server (`retriable`, which the retry decision and the create check read).
@Suite(.timeLimit(.minutes(1)))
struct ExchangeFailureErrorTests {
    func error(_ kind: ExchangeFailure.Kind) -> SecretServerError {
        SecretServerError(ExchangeFailure(kind: kind, reason: "why"), method: "GET", path: "/v1/secrets/1", maximumSize: 1024)
    }

    @Test func nothingSentIsNotRetriableAndSaysWhatToDo() {
        let tls = error(.tls)
        #expect(tls.code == .transport && !tls.retriable && tls.message.contains("caFile"))
        #expect(error(.connect).code == .transport && !error(.connect).retriable)
        #expect(!error(.proxy).retriable)
        let unsendable = error(.invalidRequest)
        #expect(unsendable.code == .invalidArgument && !unsendable.retriable && !unsendable.mayHaveTakenEffect)
    }

    @Test func aLostExchangeMayHaveTakenEffect() {
        for kind in [ExchangeFailure.Kind.interrupted, .timeout] {
            let lost = error(kind)
            #expect(lost.retriable && lost.mayHaveTakenEffect, "\(kind)")
        }
        #expect(error(.timeout).code == .timeout)
        let large = error(.tooLarge)
        #expect(large.code == .invalidResponse && large.message.contains("1024 bytes") && !large.mayHaveTakenEffect)
        #expect(error(.tls).method == "GET" && error(.tls).path == "/v1/secrets/1")
    }
}
