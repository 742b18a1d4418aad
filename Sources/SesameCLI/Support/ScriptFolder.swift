import Foundation
import SecretServer
import SecretServerModels

/// A folder of user scripts as files: `name.ps1`, `name.sql`, `name.sh`, with `.sesame-scripts.json` saying
/// which file is which script, so a renamed script or a file name made safe still finds its script.
struct ScriptFolder {
    let directory: String
    static let manifestName = ".sesame-scripts.json"

    struct Manifest: Codable {
        /// File name → script id.
        var scripts: [String: Int] = [:]
    }

    init(_ directory: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError("\(directory) is not a folder", hint: "create it first (mkdir -p \(directory))")
        }
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
    }

    func loadManifest() throws -> Manifest {
        let path = directory + "/" + Self.manifestName
        guard let data = FileManager.default.contents(atPath: path) else { return Manifest() }
        do {
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw CLIError("\(path) is not a sesame script manifest", hint: "remove it and run sesame script pull again")
        }
    }

    func save(_ manifest: Manifest) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(manifest), to: directory + "/" + Self.manifestName, mode: 0o644)
    }

    /// The file name for a script: its name with anything but letters, digits, space, `.`, `-` and `_` replaced
    /// by `_`, no leading dots, and the extension of its type.
    static func fileName(for name: String, type: String) -> String {
        var safe = String(
            name.unicodeScalars.map { scalar -> Character in
                let allowed = CharacterSet.alphanumerics.contains(scalar) || " .-_".unicodeScalars.contains(scalar)
                return allowed && scalar.isASCII ? Character(scalar) : "_"
            })
        while safe.hasPrefix(".") || safe.hasPrefix(" ") { safe.removeFirst() }
        safe = safe.trimmingCharacters(in: .whitespaces)
        if safe.isEmpty { safe = "script" }
        return String(safe.prefix(120)) + "." + fileExtension(type)
    }

    static func fileExtension(_ type: String) -> String {
        switch type.lowercased() {
        case "powershell": "ps1"
        case "sql": "sql"
        case "ssh": "sh"
        default: "txt"
        }
    }

    static func type(forFile name: String) -> ScriptType? {
        switch (name as NSString).pathExtension.lowercased() {
        case "ps1": .powerShell
        case "sql": .sql
        case "sh": .ssh
        default: nil
        }
    }

    /// The full path of `name` in the folder; refuses anything that would land outside it.
    func path(_ name: String) throws -> String {
        let path = URL(fileURLWithPath: directory + "/" + name).standardizedFileURL.path
        guard path.hasPrefix(directory + "/"), !name.contains("/") else {
            throw CLIError("'\(name)' would be written outside \(directory)")
        }
        return path
    }

    /// The script files of the folder (by extension), sorted: plain files only. A symbolic link (which could
    /// point anywhere, and upload that file's content to the server) or anything else that is not a plain file is
    /// left out and said on standard error.
    func scriptFiles(reportSkipped: Bool = true) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { !$0.hasPrefix(".") && Self.type(forFile: $0) != nil }
            .filter { name in
                // attributesOfItem does not follow a link: a link is .typeSymbolicLink, not .typeRegular.
                let type = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + name))?[.type] as? FileAttributeType
                guard type == .typeRegular else {
                    if reportSkipped {
                        FileHandle.standardError.write(
                            Data("skipped \(name): not a plain file (a link or a folder); scripts are read from plain files only\n".utf8))
                    }
                    return false
                }
                return true
            }
            .sorted()
    }

    /// The text of a script file, read without following a link put there since it was listed.
    func read(_ name: String) throws -> String? {
        let descriptor = open(try path(name), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        return String(data: handle.readDataToEndOfFile(), encoding: .utf8)
    }

}
