import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Files that hold a secret or a key (sessions, caches, key files, rendered templates, exports): created with
/// their final mode before a byte is written, never seen half-written, and on disk before they are used.
///
/// A write goes to a temporary file in the same folder (unnamed where Linux allows it, so a process killed
/// mid-way leaves nothing behind), which is fsync-ed and renamed over the target; then the folder is fsync-ed,
/// so the rename survives a crash too. A reader sees the old file or the new one, never an empty or partial one.
public enum SecretFile {
    /// Owner read and write only.
    public static let privateMode: mode_t = 0o600

    /// Replaces (or creates) `path` with `bytes`, atomically and durably, with `mode` whatever the umask.
    public static func write(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t = privateMode) throws(SecretFileError) {
        do {
            try write(bytes, to: path, mode: mode, unnamed: true)
        } catch  where error.code == .unnamedUnsupported {
            try write(bytes, to: path, mode: mode, unnamed: false)
        }
    }

    private static func write(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t, unnamed: Bool) throws(SecretFileError) {
        let temporary = try TemporaryFile(for: path, mode: mode, unnamed: unnamed)
        defer { temporary.discard() }
        try temporary.write(bytes)
        try temporary.commit(replacing: true)
    }

    /// Creates `path` with `bytes` only when it does not exist yet, atomically: another process sees no file or
    /// the whole file, never an empty one. Returns `false` (writing nothing) when `path` already existed.
    @discardableResult
    public static func create(_ bytes: some Collection<UInt8>, at path: String, mode: mode_t = privateMode) throws(SecretFileError) -> Bool {
        do {
            return try create(bytes, at: path, mode: mode, unnamed: true)
        } catch  where error.code == .unnamedUnsupported {
            do {
                return try create(bytes, at: path, mode: mode, unnamed: false)
            } catch  where error.code == .linksUnsupported {
                return try createExclusively(bytes, at: path, mode: mode)
            }
        } catch  where error.code == .linksUnsupported {
            return try createExclusively(bytes, at: path, mode: mode)
        }
    }

    private static func create(_ bytes: some Collection<UInt8>, at path: String, mode: mode_t, unnamed: Bool) throws(SecretFileError) -> Bool {
        let temporary = try TemporaryFile(for: path, mode: mode, unnamed: unnamed)
        defer { temporary.discard() }
        try temporary.write(bytes)
        return try temporary.commit(replacing: false)
    }

    /// Where hard links do not exist: `O_CREAT | O_EXCL` straight at `path` (exclusive, though another process may
    /// see it before it is whole; readers of key files retry an empty one).
    private static func createExclusively(_ bytes: some Collection<UInt8>, at path: String, mode: mode_t) throws(SecretFileError) -> Bool {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else {
            if errno == EEXIST { return false }
            throw SecretFileError(.io, path: path, "could not be created", errno: errno)
        }
        defer { close(descriptor) }
        let failure = Array(bytes).withUnsafeBytes { TemporaryFile.writeAll(descriptor, $0) }
        guard failure == 0 else { throw SecretFileError(.io, path: path, "could not be written", errno: failure) }
        guard fchmod(descriptor, mode) == 0, fsync(descriptor) == 0 else {
            throw SecretFileError(.io, path: path, "could not be flushed to disk", errno: errno)
        }
        syncDirectory(directory(of: path))
        return true
    }

    /// The content of a private file, or `nil` when there is none. A file that others may read or write, or that
    /// is not a regular file (a link placed there, a pipe), is refused.
    public static func readPrivate(_ path: String, limit: Int = 1 << 20) throws(SecretFileError) -> [UInt8]? {
        try readBounded(path, followingLinks: false, requirePrivate: true, limit: limit)
    }

    /// The content of a file a user names to hand over a secret (`--password-file`, `@FILE`): at most `limit`
    /// bytes, a regular file (a symbolic link is followed to one: Kubernetes mounts secret files as links) or a
    /// pipe (`--password-file <(pass show db)`), and with `requirePrivate` a regular file readable by its owner
    /// only. `nil` when there is no such file.
    public static func readInput(_ path: String, limit: Int = 64 * 1024, requirePrivate: Bool) throws(SecretFileError) -> [UInt8]? {
        try readBounded(path, followingLinks: true, allowingPipes: !requirePrivate, requirePrivate: requirePrivate, limit: limit)
    }

    /// A regular file's content (or a pipe's, when allowed), at most `limit` bytes; `nil` when there is none.
    ///
    /// Opened without blocking, so a pipe with no writer is not waited on at the open.
    private static func readBounded(
        _ path: String, followingLinks: Bool, allowingPipes: Bool = false, requirePrivate: Bool, limit: Int
    ) throws(SecretFileError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (followingLinks ? 0 : O_NOFOLLOW))
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { return nil }
            if code == ELOOP {
                throw SecretFileError(
                    .notRegular, path: path,
                    followingLinks ? "is a loop of symbolic links" : "is a symbolic link; a file of secrets must be a plain file")
            }
            throw SecretFileError(.io, path: path, "could not be opened", errno: code)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SecretFileError(.io, path: path, "could not be read", errno: errno) }
        let kind = status.st_mode & S_IFMT
        if allowingPipes, kind == S_IFIFO {
            // Read it as a pipe is read: waiting for its writer.
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        } else {
            guard kind == S_IFREG else { throw SecretFileError(.notRegular, path: path, "is not a plain file") }
            if requirePrivate { try Self.requirePrivate(status, path: path) }
            guard status.st_size <= limit else { throw SecretFileError(.tooLarge, path: path, "is larger than \(limit) bytes") }
        }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SecretFileError(.io, path: path, "could not be read", errno: errno)
            }
            if count == 0 { break }
            result.append(contentsOf: buffer[0..<count])
            guard result.count <= limit else { throw SecretFileError(.tooLarge, path: path, "is larger than \(limit) bytes") }
        }
        return result
    }

    /// Makes ready a SQLite database that will hold secrets: creates it empty with mode 0600 before SQLite opens it
    /// (SQLite gives its `-wal` and `-shm` files the mode of the database), tightens side files an earlier version
    /// left readable, and refuses a database that others can read.
    public static func prepareDatabase(_ path: String) throws(SecretFileError) {
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, privateMode)
        guard descriptor >= 0 else {
            let code = errno
            if code == ELOOP { throw SecretFileError(.notRegular, path: path, "is a symbolic link; a database of secrets must be a plain file") }
            throw SecretFileError(.io, path: path, "could not be opened", errno: code)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SecretFileError(.io, path: path, "could not be read", errno: errno) }
        try requirePrivate(status, path: path)
        for suffix in ["-wal", "-shm", "-journal"] {
            // Only the owner's own files, never through a link.
            let side = open(path + suffix, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard side >= 0 else { continue }
            var sideStatus = stat()
            if fstat(side, &sideStatus) == 0, sideStatus.st_mode & 0o077 != 0, sideStatus.st_uid == getuid() {
                _ = fchmod(side, privateMode)
            }
            close(side)
        }
    }

    /// Refuses a file that users other than its owner can read or write.
    static func requirePrivate(_ status: stat, path: String) throws(SecretFileError) {
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw SecretFileError(
                .notPrivate, path: path,
                "can be read or written by other users (mode \(String(mode, radix: 8))); run chmod 600 on it"
            )
        }
    }

    /// Flushes a folder's entries (a rename or a new name in it) to disk.
    static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// The folder of `path` (`.` for a bare name).
    static func directory(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }
}
