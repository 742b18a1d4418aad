import Crypto
import Foundation
import SesameRedaction
import Synchronization

/// What stands between DoubleLock passwords and guessing, and keeps their slow hash out of transactions.
///
/// A password checked once (with the slow hash, outside any transaction) is remembered as a keyed digest of the user,
/// the stored hash and the password, so the check inside a transaction is a lookup, never a hash that would hold the
/// database's single writer. A changed password changes the stored hash, which makes earlier digests useless.
/// Attempts are counted per user from the moment they start, before the slow hash (so a burst of parallel guesses
/// cannot slip through while the first ones are hashing), and forgotten when one succeeds: past `limit` within
/// `window`, every attempt is refused until the oldest leaves the window.
final class DoubleLockGuard: Sendable {
    private struct State {
        var verified: Set<Data> = []
        var failures: [Int64: [Date]] = [:]
    }

    private let state = Mutex(State())
    private let memoKey = SymmetricKey(size: .bits256)
    let limit: Int
    let window: TimeInterval
    private let now: @Sendable () -> Date
    static let memoCapacity = 1_024

    init(limit: Int = 5, window: TimeInterval = 15 * 60, now: @escaping @Sendable () -> Date) {
        self.limit = limit
        self.window = window
        self.now = now
    }

    private func digest(userId: Int64, storedHash: Data, password: String) -> Data {
        var material = Data(String(userId).utf8)
        material.append(0)
        material.append(storedHash)
        material.append(0)
        material.append(Data(password.utf8))
        return Data(HMAC<SHA256>.authenticationCode(for: material, using: memoKey))
    }

    /// Whether this password was verified against this stored hash for this user.
    func isVerified(userId: Int64, storedHash: Data, password: String) -> Bool {
        let key = digest(userId: userId, storedHash: storedHash, password: password)
        return state.withLock { $0.verified.contains(key) }
    }

    func rememberVerified(userId: Int64, storedHash: Data, password: String) {
        let key = digest(userId: userId, storedHash: storedHash, password: password)
        state.withLock { state in
            // Full: one entry makes room (emptying it would send every other user's next check back to the hash).
            if state.verified.count >= Self.memoCapacity, let any = state.verified.first { state.verified.remove(any) }
            state.verified.insert(key)
            state.failures[userId] = nil
        }
    }

    /// The user gave their right password: their count starts again.
    func succeeded(userId: Int64) {
        _ = state.withLock { $0.failures.removeValue(forKey: userId) }
    }

    /// Minutes to wait when `userId` sent too many wrong passwords lately; nil when they may try.
    func lockedFor(userId: Int64) -> Int? {
        check(userId: userId, counting: false)
    }

    /// Starts an attempt that is about to be hashed: counted at once (a success forgets it, with the others, in
    /// `rememberVerified`). Minutes to wait, and nothing counted, when `userId` is over the limit.
    func begin(userId: Int64) -> Int? {
        check(userId: userId, counting: true)
    }

    private func check(userId: Int64, counting: Bool) -> Int? {
        let current = now()
        return state.withLock { state in
            var recent = (state.failures[userId] ?? []).filter { current.timeIntervalSince($0) < window }
            if recent.count >= limit, let oldest = recent.first {
                state.failures[userId] = recent
                return max(1, Int(((window - current.timeIntervalSince(oldest)) / 60).rounded(.up)))
            }
            if counting { recent.append(current) }
            state.failures[userId] = recent.isEmpty ? nil : recent
            return nil
        }
    }
}

extension DoubleLockGuard: Redacting {
    var redactedDescription: String { "limit: \(limit), window: \(window), key: <redacted>" }
}
