/// What `sesame --version` prints: the release, the commit the binary was built from (recorded by the
/// EmbedVersion build plugin; `-modified` when the sources differed from it) and the Swift compiler.
enum BuildInfo {
    static let version = "0.1.0"
    static let commit = buildCommit

    /// The compiler's version, as precisely as `#if compiler` can tell it.
    static let swiftVersion: String = {
        #if compiler(>=7.0)
            return "7.0 or later"
        #elseif compiler(>=6.4)
            return "6.4"
        #elseif compiler(>=6.3.2)
            return "6.3.2"
        #elseif compiler(>=6.3.1)
            return "6.3.1"
        #elseif compiler(>=6.3)
            return "6.3"
        #elseif compiler(>=6.2)
            return "6.2"
        #else
            return "before 6.2"
        #endif
    }()

    static var line: String { "sesame \(version) (commit \(commit), Swift \(swiftVersion))" }
}
