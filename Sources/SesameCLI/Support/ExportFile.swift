import Crypto
import Foundation
import _CryptoExtras
import SesameCore
import SesameRedaction

/// What `sesame export` writes: a folder tree and its secrets with every field, sealed with AES-256-GCM under a
/// key stretched from a passphrase with scrypt (N = 2^17, r = 8, p = 1: 128 MiB and about a second to try one
/// passphrase). The file starts with a one-line header (format and KDF parameters, no secrets), then the sealed JSON.
///
/// A file is read only within bounds checked before any work: N from 2^15 (earlier exports) to 2^18, r = 8,
/// p = 1, so a crafted header cannot make opening it take gigabytes of memory.
struct ExportFile {
    static let magic = "SESAME-EXPORT-1"
    /// The scrypt cost of new exports (log2 N).
    static let defaultLogN = 17
    /// The costs a file may name.
    static let acceptedLogN = 15...18
    /// The shortest passphrase a new export accepts (opening an older file accepts 8).
    static let minimumPassphraseLength = 12

    struct Payload: Codable {
        var version = 1
        var exportedAt: Date
        var source: String
        var root: String
        var folders: [String]
        var secrets: [Secret]
    }

    struct Secret: Codable {
        var folder: String
        var name: String
        var templateId: Int
        var templateName: String
        var fields: [Field]
    }

    struct Field: Codable {
        var slug: String
        var value: String
        /// For file fields: the file name, and `value` holds the content in base64.
        var fileName: String?
    }

    struct Header: Codable {
        var kdf = "scrypt"
        var logN: Int
        var r = 8
        var p = 1
        var salt: String
    }

    static func seal(_ payload: Payload, passphrase: String, logN: Int = defaultLogN) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let plaintext = try encoder.encode(payload)
        var generator = SystemRandomNumberGenerator()
        let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let header = Header(logN: logN, salt: salt.base64EncodedString())
        let headerLine = Data((magic + " " + String(decoding: try JSONEncoder().encode(header), as: UTF8.self) + "\n").utf8)
        let key = try derive(passphrase, header: header)
        // The header is authenticated too: changing the KDF parameters breaks the seal.
        let sealed = try AES.GCM.seal(plaintext, using: key, authenticating: headerLine).combined ?? Data()
        return headerLine + sealed
    }

    static func open(_ data: Data, passphrase: String, name: String) throws -> Payload {
        guard let newline = data.firstIndex(of: UInt8(ascii: "\n")),
            let line = String(data: data[data.startIndex..<newline], encoding: .utf8), line.hasPrefix(magic + " "),
            let header = try? JSONDecoder().decode(Header.self, from: Data(line.dropFirst(magic.count + 1).utf8)),
            header.kdf == "scrypt"
        else {
            throw CLIError("\(name) is not a sesame export file", hint: "make one with: sesame export FOLDER -o FILE")
        }
        guard acceptedLogN.contains(header.logN), header.r == 8, header.p == 1 else {
            throw CLIError(
                "\(name) asks for scrypt parameters sesame does not accept (logN \(header.logN), r \(header.r), p \(header.p))",
                hint: "sesame writes logN \(defaultLogN), r 8, p 1; a file with others was not made by sesame or was changed"
            )
        }
        let headerLine = data[data.startIndex...newline]
        let key = try derive(passphrase, header: header)
        guard let box = try? AES.GCM.SealedBox(combined: data[data.index(after: newline)...]),
            let plaintext = try? AES.GCM.open(box, using: key, authenticating: headerLine)
        else {
            throw CLIError("\(name) could not be opened: wrong passphrase, or the file was changed")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(Payload.self, from: plaintext)
        } catch {
            throw CLIError("\(name) holds an export this version of sesame cannot read")
        }
    }

    private static func derive(_ passphrase: String, header: Header) throws -> SymmetricKey {
        guard let salt = Data(base64Encoded: header.salt) else { throw CLIError("the export file's header is damaged") }
        return try KDF.Scrypt.deriveKey(
            from: Data(passphrase.utf8), salt: salt, outputByteCount: 32, rounds: 1 << header.logN, blockSize: header.r,
            parallelism: header.p
        )
    }

    /// The passphrase: `--passphrase-file`, `SESAME_EXPORT_PASSPHRASE`, or a hidden prompt (twice when `confirm`,
    /// that is for a new export, which also needs `minimumPassphraseLength` characters).
    static func passphrase(file: String?, confirm: Bool) throws -> String {
        let minimum = confirm ? minimumPassphraseLength : 8
        func checked(_ passphrase: String) throws -> String {
            guard passphrase.count >= minimum else {
                throw CLIError("the passphrase is too short", hint: "use at least \(minimum) characters")
            }
            return passphrase
        }
        if let file {
            return try checked(try SecretInputFile.firstLine(file, what: "passphrase"))
        }
        if let value = ProcessEnvironment.current()["SESAME_EXPORT_PASSPHRASE"], !value.isEmpty { return try checked(value) }
        guard Terminal.isInteractive else {
            throw CLIError("no passphrase", hint: "use --passphrase-file FILE or set SESAME_EXPORT_PASSPHRASE, or run on a terminal")
        }
        while true {
            guard let first = Terminal.readHidden(prompt: "Passphrase for the export file: ") else { throw CLIError("no passphrase given") }
            if !confirm { return try checked(first) }
            guard let second = Terminal.readHidden(prompt: "Passphrase again: ") else { throw CLIError("no passphrase given") }
            if first == second { return try checked(first) }
            FileHandle.standardError.write(Data("  the two entries differ; try again\n".utf8))
        }
    }

}

/// A progress bar on a terminal (standard error), plain lines otherwise.
final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let label: String
    private var done = 0
    private let isTerminal = isatty(STDERR_FILENO) == 1

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func advance() {
        lock.withLock {
            done += 1
            if isTerminal {
                let width = 30
                let filled = total == 0 ? width : done * width / total
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) \(label)".utf8))
                if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
            } else if done == total || done % 25 == 0 {
                FileHandle.standardError.write(Data("\(done)/\(total) \(label)\n".utf8))
            }
        }
    }
}

extension ExportFile.Payload: Redacting {
    var redactedDescription: String { "source: \(source), root: \(root), folders: \(folders.count), secrets: \(secrets.count)" }
}

extension ExportFile.Secret: Redacting {
    var redactedDescription: String { "folder: \(folder), name: \(name), template: \(templateName), fields: \(fields.map(\.slug))" }
}

extension ExportFile.Field: Redacting {
    var redactedDescription: String { "slug: \(slug), value: <redacted>" }
}
