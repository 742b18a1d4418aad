import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock between processes on a lock file (`flock`), held until `release()` or until the process ends
/// (the kernel lets go of a dead process's locks, so a killed holder never blocks the others for good).
public final class FileLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Waits for the lock on `path` (created 0600 when missing) for at most `timeout`, without blocking a thread.
    public static func acquire(_ path: String, timeout: Duration = .seconds(30)) async throws -> FileLock {
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, SecretFile.privateMode)
        guard descriptor >= 0 else { throw SecretFileError(.io, path: path, "could not be opened as a lock", errno: errno) }
        let deadline = ContinuousClock.now + timeout
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(descriptor)
                throw SecretFileError(.io, path: path, "could not be locked", errno: code)
            }
            guard ContinuousClock.now < deadline else {
                close(descriptor)
                throw SecretFileError(.io, path: path, "stayed locked by another process for \(timeout)")
            }
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                close(descriptor)
                throw error
            }
        }
        return FileLock(descriptor: descriptor)
    }

    /// Lets go of the lock.
    public func release() {
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
