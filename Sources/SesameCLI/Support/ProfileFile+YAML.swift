import Yams

extension ProfileFile {
    /// Reads `config.yaml` from the YAML tree without Yams' `Resolver.default`: that resolver compiles regular
    /// expressions, and ICU's first regular expression cost several milliseconds of every command's start
    /// (Benchmarks/README.md). Scalars are read as `YAMLDecoder` reads them into this type: plain `~`, `null` or
    /// an empty value is no value, `insecure` takes YAML's true/false/yes/no/on/off, unknown keys are ignored. The
    /// encoding is given: Yams' default reads the whole environment to look for `YAMS_DEFAULT_ENCODING`.
    static func decode(yaml text: String) throws -> ProfileFile {
        guard let root = try Yams.compose(yaml: text, .basic, .default, .utf8) else { return ProfileFile() }
        guard let mapping = root.mapping else { throw ProfileFileError("the file is not a mapping of settings") }
        var file = ProfileFile()
        for (key, value) in mapping {
            switch key.string {
            case "current": file.current = try string(value, at: "current")
            case "profiles":
                if isNull(value) { continue }
                guard let profiles = value.mapping else { throw ProfileFileError("profiles is not a mapping of names to profiles") }
                for (name, profile) in profiles {
                    guard let name = name.string else { throw ProfileFileError("a profile's name is not text") }
                    file.profiles[name] = try Profile(yaml: profile, name: name)
                }
            default: continue
            }
        }
        return file
    }

    /// Whether `node` is YAML's null: a plain `~`, `null`, `Null`, `NULL` or nothing.
    static func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    static func string(_ node: Node, at path: String) throws -> String? {
        if isNull(node) { return nil }
        guard let scalar = node.scalar else { throw ProfileFileError("\(path) is not a text value") }
        return scalar.string
    }

    static func bool(_ node: Node, at path: String) throws -> Bool? {
        if isNull(node) { return nil }
        guard let scalar = node.scalar, scalar.style == .plain else { throw ProfileFileError("\(path) is not true or false") }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw ProfileFileError("\(path) is not true or false")
        }
    }
}

extension Profile {
    init(yaml node: Node, name: String) throws {
        guard let mapping = node.mapping else { throw ProfileFileError("profile \(name) is not a mapping of settings") }
        var url: String?
        for (key, value) in mapping {
            let path = "profiles.\(name).\(key.string ?? "?")"
            switch key.string {
            case "url": url = try ProfileFile.string(value, at: path)
            case "username": username = try ProfileFile.string(value, at: path)
            case "domain": domain = try ProfileFile.string(value, at: path)
            case "caFile": caFile = try ProfileFile.string(value, at: path)
            case "insecure": insecure = try ProfileFile.bool(value, at: path)
            case "server": server = try ProfileFile.string(value, at: path)
            case "proxy": proxy = try ProfileFile.string(value, at: path)
            case "auth": auth = try ProfileFile.string(value, at: path)
            case "clientId": clientId = try ProfileFile.string(value, at: path)
            default: continue
            }
        }
        guard let url else { throw ProfileFileError("profile \(name) has no url") }
        self.url = url
    }
}

/// What is wrong in `config.yaml`.
struct ProfileFileError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
