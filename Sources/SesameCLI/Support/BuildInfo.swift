/// What `sesame --version` prints: the release, the commit the binary was built from (recorded by the
/// EmbedVersion build plugin; `-modified` when the sources differed from it) and the Swift compiler (the same).
enum BuildInfo {
    static let version = "0.1.0"
    static let commit = buildCommit

    /// The version of the compiler that built it (`swiftc --version`, recorded by the same plugin).
    static let swiftVersion = buildSwiftVersion

    static var line: String { "sesame \(version) (commit \(commit), Swift \(swiftVersion))" }
}
