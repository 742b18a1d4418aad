import Foundation
import Synchronization

/// The emulator's two-factor mode (`EmulatorConfiguration.twoFactor`): after the password, the `OTP` header's code
/// for that user's TOTP secret. Each accepted step is remembered per user, so a code seen once (on the wire, over a
/// shoulder) cannot sign in again.
final class TwoFactorCheck: Sendable {
    private let secrets: [String: TOTP]
    private let now: @Sendable () -> Date
    private let lastStep = Mutex<[String: Int64]>([:])

    init(secrets: [String: TOTP], now: @escaping @Sendable () -> Date) {
        self.secrets = Dictionary(secrets.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.now = now
    }

    enum Outcome: Equatable {
        /// The user has no second factor, or sent a right code.
        case passed
        /// No code was sent, or a wrong, stale or replayed one.
        case refused
    }

    func check(userName: String, code: String?) -> Outcome {
        let key = userName.lowercased()
        guard let totp = secrets[key] else { return .passed }
        guard let code, !code.isEmpty else { return .refused }
        guard let step = totp.matchingStep(code, at: now()) else { return .refused }
        return lastStep.withLock { used in
            if let last = used[key], step <= last { return .refused }
            used[key] = step
            return .passed
        }
    }
}
