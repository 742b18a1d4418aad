import Foundation

/// The shared AWS `config` and `credentials` files (`~/.aws/config`, `~/.aws/credentials`, or the files named
/// by `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`), read as the AWS CLI reads them: `[default]` and
/// `[profile NAME]` in `config`, `[NAME]` in `credentials`, the latter winning for the same key.
public struct AWSSharedConfig: Sendable, Equatable {
    /// Settings of each profile, keys lowercased (`region`, `aws_access_key_id`, `role_arn`, ...).
    public var profiles: [String: [String: String]]
    /// The `[sso-session NAME]` sections of the config file, keys lowercased.
    public var ssoSessions: [String: [String: String]]

    public init(profiles: [String: [String: String]] = [:], ssoSessions: [String: [String: String]] = [:]) {
        self.profiles = profiles
        self.ssoSessions = ssoSessions
    }

    /// One profile's settings, or nil when neither file has it.
    public func profile(_ name: String) -> [String: String]? { profiles[name] }

    /// Reads both files for `environment` (missing files are empty; unreadable ones are an error).
    public static func load(environment: [String: String]) throws -> AWSSharedConfig {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let configPath = environment["AWS_CONFIG_FILE"].map(expand(home: home)) ?? home + "/.aws/config"
        let credentialsPath =
            environment["AWS_SHARED_CREDENTIALS_FILE"].map(expand(home: home))
            ?? home + "/.aws/credentials"
        var config = try parse(read(configPath), isConfigFile: true, path: configPath)
        let credentials = try parse(read(credentialsPath), isConfigFile: false, path: credentialsPath)
        for (name, settings) in credentials.profiles {
            config.profiles[name, default: [:]].merge(settings) { _, fromCredentials in fromCredentials }
        }
        return config
    }

    private static func expand(home: String) -> (String) -> String {
        { path in path.hasPrefix("~/") ? home + path.dropFirst() : path }
    }

    private static func read(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { return "" }
        // FileHandle, not String(contentsOfFile:), so that /dev/null (a common way to say "no file") reads as empty.
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw AWSError(code: .invalidConfiguration, message: "could not open the AWS file \(path): check its permissions")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.readToEnd() ?? Data()
            guard let text = String(data: data, encoding: .utf8) else {
                throw AWSError(code: .invalidConfiguration, message: "the AWS file \(path) is not UTF-8 text")
            }
            return text
        } catch let error as AWSError {
            throw error
        } catch {
            throw AWSError(code: .invalidConfiguration, message: "could not read the AWS file \(path): \(error)")
        }
    }

    /// Parses one INI file. In the config file, `[profile NAME]` names a profile and `[default]` the default one;
    /// in the credentials file every section is a profile. Comments start with `#` or `;`; nested settings
    /// (indented lines under a `key =`) are skipped.
    static func parse(_ text: String, isConfigFile: Bool, path: String) throws -> AWSSharedConfig {
        var result = AWSSharedConfig()
        var current: String?
        var currentSSOSession: String?
        var skippingNested = false
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw AWSError(
                        code: .invalidConfiguration,
                        message: "\(path):\(index + 1): a section header must end with ']'"
                    )
                }
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                currentSSOSession = nil
                if isConfigFile {
                    if name.hasPrefix("sso-session ") {
                        current = nil
                        let session = name.dropFirst("sso-session ".count).trimmingCharacters(in: .whitespaces)
                        currentSSOSession = session
                        result.ssoSessions[session] = result.ssoSessions[session] ?? [:]
                    } else if name == "default" {
                        current = "default"
                    } else if name.hasPrefix("profile ") {
                        current = name.dropFirst("profile ".count).trimmingCharacters(in: .whitespaces)
                    } else {
                        current = nil  // [sso-session x], [services x]: not profiles.
                    }
                } else {
                    current = name
                }
                if let current { result.profiles[current, default: [:]] = result.profiles[current] ?? [:] }
                skippingNested = false
                continue
            }
            let indented = rawLine.first == " " || rawLine.first == "\t"
            if indented && skippingNested { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw AWSError(
                    code: .invalidConfiguration, message: "\(path):\(index + 1): expected 'key = value'"
                )
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if let comment = value.range(of: " #") ?? value.range(of: " ;") {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            skippingNested = value.isEmpty
            if let currentSSOSession, !value.isEmpty {
                result.ssoSessions[currentSSOSession, default: [:]][key] = value
                continue
            }
            guard let current, !value.isEmpty else { continue }
            result.profiles[current, default: [:]][key] = value
        }
        return result
    }
}
