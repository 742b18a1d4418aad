import Foundation

/// `env://NAME`: environment variables of this process (read when asked, so changes are seen).
public struct EnvironmentProvider: SecretProvider {
    public let scheme = "env"
    private let fixed: [String: String]?

    /// Reads the live environment of the process.
    public init() {
        fixed = nil
    }

    /// Reads a fixed set of variables (for tests, or a sanitised environment).
    public init(environment: [String: String]) {
        fixed = environment
    }

    private func lookup(_ name: String) -> String? {
        if let fixed { return fixed[name] }
        return ProcessEnvironment.current()[name]
    }

    public func get(_ reference: SecretReference) async throws -> SecretValue {
        let name = try Self.name(reference)
        guard let value = lookup(name) else {
            throw SesameError(code: .notFound, message: "the environment variable \(name) is not set", reference: reference)
        }
        return SecretValue(text: value, metadata: .init(source: .provider, fetchedAt: Date()))
    }

    /// Variables whose names begin with the reference's name (`env://APP_` lists `APP_USER`, `APP_PASSWORD`).
    public func list(under reference: SecretReference) async throws -> [SecretReference] {
        let prefix = try Self.name(reference)
        let names = fixed.map { Array($0.keys) } ?? Array(ProcessEnvironment.current().keys)
        return names.filter { $0.hasPrefix(prefix) && $0 != prefix }.sorted().map { SecretReference(scheme: "env", segments: [$0]) }
    }

    public func exists(_ reference: SecretReference) async throws -> Bool {
        lookup(try Self.name(reference)) != nil
    }

    /// Sets the variable in this process (children started afterwards see it). A fixed environment cannot change.
    public func update(_ reference: SecretReference, to value: SecretValue.Content) async throws {
        let name = try Self.name(reference)
        guard fixed == nil else {
            throw SesameError(code: .unsupported, message: "this environment provider reads a fixed set of variables", reference: reference)
        }
        guard case .text(let text) = value, !text.utf8.contains(0) else {
            throw SesameError(code: .invalidValue, message: "an environment variable holds text without NUL bytes", reference: reference)
        }
        guard setenv(name, text, 1) == 0 else {
            throw SesameError(code: .providerError, message: "setenv failed (errno \(errno))", reference: reference)
        }
    }

    private static func name(_ reference: SecretReference) throws -> String {
        guard reference.segments.count == 1, !reference.hasLeadingSlash, let name = reference.segments.first,
            !name.contains("=")
        else {
            throw SesameError(code: .invalidReference, message: "an env reference names one variable: env://NAME", reference: reference)
        }
        return name
    }
}
