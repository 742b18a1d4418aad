import ArgumentParser
import Dispatch
import Foundation
import SecretServer
import SecretServerModels

/// `sesame script pull DIR`: every user script to a file.
struct ScriptPullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Write every user script to a file in a folder (name.ps1, name.sql, name.sh).",
        discussion: HelpText.flowing(
            """
            Names are made safe for files and never lead outside the folder. A file that exists with other
            content is left alone (and reported) unless --force is given; nothing is deleted.

            Examples:
              sesame script pull ./scripts
              sesame script pull ./scripts --force
            """)
    )

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The folder to write to (it must exist).") var directory: String
    @Flag(name: .long, help: "Overwrite files whose content differs from the server's.") var force = false

    func run() async throws {
        let folder = try ScriptFolder(directory)
        var manifest = try folder.loadManifest()
        var kept: [String] = []
        try await connection.withClient { client in
            let summaries = try await client.searchScripts().collect()
            var used = Set<String>()
            for summary in summaries.sorted(by: { $0.scriptId < $1.scriptId }) {
                let script = try await client.script(id: summary.scriptId)
                // The file this script had, else a safe name not taken by another script.
                var name =
                    manifest.scripts.first { $0.value == script.scriptId }?.key
                    ?? ScriptFolder.fileName(for: script.name, type: script.scriptType)
                if used.contains(name) || (manifest.scripts[name].map { $0 != script.scriptId } ?? false) {
                    let base = (name as NSString).deletingPathExtension
                    name = "\(base) (\(script.scriptId)).\((name as NSString).pathExtension)"
                }
                used.insert(name)
                let path = try folder.path(name)
                if let existing = try? String(contentsOfFile: path, encoding: .utf8) {
                    if existing == script.script {
                        manifest.scripts[name] = script.scriptId
                        continue
                    }
                    if !force {
                        kept.append(name)
                        continue
                    }
                }
                try AtomicFile.write(Data(script.script.utf8), to: path, mode: 0o644)
                manifest.scripts[name] = script.scriptId
                Output.write("pulled \(name) (script \(script.scriptId))")
            }
        }
        try folder.save(manifest)
        if !kept.isEmpty {
            throw CLIError(
                "left \(kept.count) file(s) that differ from the server alone: \(kept.joined(separator: ", "))",
                hint: "push them first (sesame script push), or pull with --force to overwrite them"
            )
        }
    }
}

/// `sesame script push DIR`: uploads what changed.
struct ScriptPushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Upload the script files of a folder: changed ones update their script, new ones create one.",
        discussion: HelpText.flowing(
            """
            Examples:
              sesame script push ./scripts
            """)
    )

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The folder pulled earlier.") var directory: String

    func run() async throws {
        let folder = try ScriptFolder(directory)
        try await connection.withClient { client in
            var manifest = try folder.loadManifest()
            for name in try folder.scriptFiles() {
                _ = try await ScriptUpload.upload(name, in: folder, manifest: &manifest, client: client)
            }
            try folder.save(manifest)
        }
    }
}

/// Uploads one file: updates its script when the text differs, creates one for a new file.
enum ScriptUpload {
    /// Whether anything was sent.
    static func upload(_ name: String, in folder: ScriptFolder, manifest: inout ScriptFolder.Manifest, client: SecretServerClient) async throws -> Bool {
        guard let text = try folder.read(name) else { return false }
        if let id = manifest.scripts[name] {
            let current = try await client.script(id: id)
            guard current.script != text else { return false }
            _ = try await client.updateScript(id: id, script: text)
            Output.write("uploaded \(name) → script \(id) (\(text.utf8.count) bytes)")
            return true
        }
        guard let type = ScriptFolder.type(forFile: name) else { return false }
        let created = try await client.createScript(name: (name as NSString).deletingPathExtension, type: type, script: text)
        manifest.scripts[name] = created.scriptId
        Output.write("created \(name) → script \(created.scriptId) (\(text.utf8.count) bytes)")
        return true
    }
}

/// `sesame script watch DIR`: uploads each saved change.
struct ScriptWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Upload each saved change to the script files of a folder, until stopped (Ctrl-C).",
        discussion: HelpText.flowing(
            """
            Files are compared by content, so editors that save through a temporary file and a rename are seen
            like any other save. A change is uploaded once the file has stayed the same for the debounce time.
            One line is printed per upload.

            Examples:
              sesame script pull ./scripts && sesame script watch ./scripts
            """)
    )

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The folder pulled earlier.") var directory: String
    @Option(name: .long, help: "Milliseconds a file must stay unchanged before it is uploaded.") var debounce = 400
    @Option(name: .long, help: "Milliseconds between looks at the folder.") var interval = 150

    func validate() throws {
        guard (0...3_600_000).contains(debounce) else { throw CLIError("--debounce must be between 0 and 3600000 milliseconds") }
        guard (10...3_600_000).contains(interval) else { throw CLIError("--interval must be between 10 and 3600000 milliseconds") }
    }

    func run() async throws {
        let folder = try ScriptFolder(directory)
        try await connection.withClient { client in
            var manifest = try folder.loadManifest()
            // What was last uploaded (or found at start) per file, and changes waiting to settle.
            var settled: [String: String] = [:]
            for name in try folder.scriptFiles() {
                settled[name] = try folder.read(name)
            }
            var waiting: [String: (text: String, since: ContinuousClock.Instant)] = [:]
            Output.write("watching \(folder.directory) (\(settled.count) script files); Ctrl-C to stop")
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(interval))
                let now = ContinuousClock.now
                for name in try folder.scriptFiles(reportSkipped: false) {
                    guard let text = try folder.read(name) else { continue }
                    if text == settled[name] {
                        waiting[name] = nil
                        continue
                    }
                    if let pending = waiting[name], pending.text == text {
                        guard now - pending.since >= .milliseconds(debounce) else { continue }
                        do {
                            _ = try await ScriptUpload.upload(name, in: folder, manifest: &manifest, client: client)
                            settled[name] = text
                            waiting[name] = nil
                            try folder.save(manifest)
                        } catch {
                            let message = CLIError.mapping(error)?.message ?? "\(error)"
                            FileHandle.standardError.write(Data("could not upload \(name): \(message); will try again on the next save\n".utf8))
                            settled[name] = text
                            waiting[name] = nil
                        }
                    } else {
                        waiting[name] = (text, now)
                    }
                }
            }
        }
    }
}
