import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file a `SecretFile` write goes to before it takes the target's name. On Linux it has no name at all
/// (`O_TMPFILE`) until it is complete, so a writer killed mid-way leaves nothing; elsewhere (or where the file
/// system refuses unnamed files) it is `.NAME.sesame-RANDOM` beside the target, created exclusively, and such
/// leftovers older than a minute are removed by the next write.
struct TemporaryFile {
    let path: String
    let directory: String
    let descriptor: Int32
    /// The name of a named temporary file; `nil` for an unnamed one.
    let name: String?
    let mode: mode_t

    /// A temporary file for `path`: unnamed when `unnamed` and the system allows it, else named.
    init(for path: String, mode: mode_t, unnamed: Bool = true) throws(SecretFileError) {
        self.path = path
        self.mode = mode
        self.directory = SecretFile.directory(of: path)
        // Whatever a writer killed between naming and renaming left behind, more than a minute ago.
        Self.removeLeftovers(of: path, in: directory)
        #if os(Linux)
            // O_TMPFILE is (__O_TMPFILE | O_DIRECTORY); Swift does not import the macro.
            let opened = unnamed ? open(directory, Int32(0o20000000) | O_DIRECTORY | O_WRONLY | O_CLOEXEC, mode) : -1
            if opened >= 0 {
                descriptor = opened
                name = nil
                try setMode()
                return
            }
        #endif
        let candidate = directory + "/." + (path as NSString).lastPathComponent + ".sesame-" + Self.randomSuffix()
        let named = open(candidate, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode)
        guard named >= 0 else {
            throw SecretFileError(.io, path: path, "could not be written: no temporary file could be made in \(directory)", errno: errno)
        }
        descriptor = named
        name = candidate
        try setMode()
    }

    /// The mode is set explicitly: the umask must not widen or narrow it.
    private func setMode() throws(SecretFileError) {
        guard fchmod(descriptor, mode) == 0 else {
            throw SecretFileError(.io, path: path, "could not be given mode \(String(mode, radix: 8))", errno: errno)
        }
    }

    func write(_ bytes: some Collection<UInt8>) throws(SecretFileError) {
        let result: Int32? =
            bytes.withContiguousStorageIfAvailable { buffer in Self.writeAll(descriptor, UnsafeRawBufferPointer(buffer)) }
            ?? Array(bytes).withUnsafeBytes { Self.writeAll(descriptor, $0) }
        if let result, result != 0 { throw SecretFileError(.io, path: path, "could not be written", errno: result) }
        guard fsync(descriptor) == 0 else { throw SecretFileError(.io, path: path, "could not be flushed to disk", errno: errno) }
    }

    /// Writes all of `buffer` (again after EINTR and short writes); 0, or the errno that stopped it.
    static func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> Int32 {
        var offset = 0
        while offset < buffer.count {
            let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }

    /// Gives the file the target's name: over an existing file when `replacing`, else only when there is none
    /// (then `false` means it existed). Then flushes the folder.
    @discardableResult
    func commit(replacing: Bool) throws(SecretFileError) -> Bool {
        var named = name
        if named == nil {
            // Link the unnamed file into the folder: straight to the target when it must not exist yet (the link
            // fails if it does), else under a temporary name that a rename then moves over the target.
            let target = replacing ? directory + "/." + (path as NSString).lastPathComponent + ".sesame-" + Self.randomSuffix() : path
            guard linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, target, AT_SYMLINK_FOLLOW) == 0 else {
                let code = errno
                if code == EEXIST && !replacing { return false }
                // No /proc, or a sandbox that refuses the link: the caller writes again through a named file.
                throw SecretFileError(.unnamedUnsupported, path: path, "could not be linked into its folder", errno: code)
            }
            if !replacing {
                SecretFile.syncDirectory(directory)
                return true
            }
            named = target
        }
        guard let named else { return false }
        if replacing {
            guard rename(named, path) == 0 else {
                let code = errno
                unlink(named)
                throw SecretFileError(.io, path: path, "could not be replaced", errno: code)
            }
        } else {
            // link() refuses an existing target, which rename() would replace.
            let code = link(named, path) == 0 ? 0 : errno
            unlink(named)
            if code == EEXIST { return false }
            if [EPERM, EOPNOTSUPP, ENOSYS, EMLINK].contains(code) {
                // A file system without hard links (vfat, exFAT, some network shares).
                throw SecretFileError(.linksUnsupported, path: path, "could not be linked into its folder", errno: code)
            }
            guard code == 0 else { throw SecretFileError(.io, path: path, "could not be created", errno: code) }
        }
        SecretFile.syncDirectory(directory)
        return true
    }

    /// Closes the file; a named one that did not take the target's name is removed.
    func discard() {
        close(descriptor)
        if let name { unlink(name) }
    }

    private static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() & 0xFFFF_FFFF_FFFF, radix: 36)
    }

    /// Removes `.NAME.sesame-*` files beside `path` that a killed writer left more than a minute ago.
    static func removeLeftovers(of path: String, in directory: String) {
        let prefix = "." + (path as NSString).lastPathComponent + ".sesame-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let cutoff = Date().addingTimeInterval(-60).timeIntervalSince1970
        for name in names where name.hasPrefix(prefix) {
            let candidate = directory + "/" + name
            var status = stat()
            guard lstat(candidate, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_uid == getuid() else { continue }
            #if canImport(Darwin)
                let modified = Double(status.st_mtimespec.tv_sec)
            #else
                let modified = Double(status.st_mtim.tv_sec)
            #endif
            guard modified < cutoff else { continue }
            unlink(candidate)
        }
    }
}
