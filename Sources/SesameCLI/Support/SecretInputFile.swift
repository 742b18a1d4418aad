import SesameFiles

/// A file a user names to hand over a secret (`--password-file`, `--passphrase-file`, `--admin-password-file`,
/// `--onboarding-key @FILE`): its first line, read with a bound (64 KiB), from a plain file (a symbolic link is
/// followed, as Kubernetes mounts secret files) or a pipe (`<(pass show db)`), UTF-8; with `requirePrivate`, a
/// plain file readable by its owner only.
enum SecretInputFile {
    static let limit = 64 * 1024

    static func firstLine(_ path: String, what: String, requirePrivate: Bool = false) throws -> String {
        let bytes: [UInt8]
        do {
            guard let read = try SecretFile.readInput(path, limit: limit, requirePrivate: requirePrivate) else {
                throw CLIError("there is no \(what) file \(path)")
            }
            bytes = read
        } catch let error as SecretFileError {
            throw CLIError(
                "cannot use the \(what) file: \(error)",
                hint: requirePrivate ? "a plain file of at most 64 KiB, readable by you only (chmod 600)" : "a plain file or a pipe, at most 64 KiB")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw CLIError("the \(what) file \(path) is not UTF-8 text") }
        return text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    }
}
