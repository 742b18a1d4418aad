#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file of secrets could not be read or written: what, where, and the system's reason.
public struct SecretFileError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// Reading or writing failed (see `errno`).
        public static let io = Code(name: "io")
        /// Users other than the owner could read or write it.
        public static let notPrivate = Code(name: "notPrivate")
        /// A link, a folder or a device where a plain file belongs.
        public static let notRegular = Code(name: "notRegular")
        /// Larger than the reader accepts.
        public static let tooLarge = Code(name: "tooLarge")
        /// An unnamed temporary file could not be linked in (no /proc); the write is made again through a named one.
        static let unnamedUnsupported = Code(name: "unnamedUnsupported")
        /// The file system has no hard links; an exclusive create falls back to O_EXCL.
        static let linksUnsupported = Code(name: "linksUnsupported")
        public var description: String { name }
    }

    public var code: Code
    public var path: String
    /// What went wrong, as a phrase after the path.
    public var reason: String
    /// The system error number, when there is one.
    public var errno: Int32?

    init(_ code: Code, path: String, _ reason: String, errno: Int32? = nil) {
        self.code = code
        self.path = path
        self.reason = reason
        self.errno = errno
    }

    public var description: String {
        var text = "\(path) \(reason)"
        if let errno { text += " (\(String(cString: strerror(errno))))" }
        return text
    }
}
