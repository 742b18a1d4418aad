import Foundation
import Synchronization

/// Resolves references with a set of providers (one per scheme) and applies JSON key paths.
///
/// ```swift
/// let store = SecretStore(providers: [CachingProvider(try ParameterStoreProvider(session: session))])
/// let password = try await store.text("aws-ps:///prod/db/password")
/// let user = try await store.text("aws-sm://prod/db#user.name")
/// ```
public final class SecretStore: Sendable {
    public let providers: [any SecretProvider]
    /// The providers' schemes, read once (a lookup compares strings instead of calling each provider).
    private let schemes: [String]
    /// References parsed from text, so the text API does not parse the same reference again on every read.
    private let parsed = Mutex<[String: SecretReference]>([:])
    private static let parsedLimit = 4096

    /// A store over `providers`; a later provider for the same scheme replaces an earlier one.
    public init(providers: [any SecretProvider]) {
        var unique: [any SecretProvider] = []
        for provider in providers {
            unique.removeAll { $0.scheme == provider.scheme }
            unique.append(provider)
        }
        self.providers = unique
        self.schemes = unique.map(\.scheme)
    }

    /// The provider for `scheme`.
    @inline(__always)
    public func provider(for reference: SecretReference) throws -> any SecretProvider {
        for index in schemes.indices where schemes[index] == reference.scheme { return providers[index] }
        throw noProvider(reference)
    }

    private func noProvider(_ reference: SecretReference) -> SesameError {
        SesameError(
            code: .noProvider,
            message: "no provider for '\(reference.scheme)://' is configured (configured: \(schemes.joined(separator: ", ")))",
            reference: reference
        )
    }

    /// Parses `text` as a reference, with a `SesameError` (code `.invalidReference`) that points at the bad character.
    public static func reference(_ text: String) throws -> SecretReference {
        do {
            return try SecretReference(parsing: text)
        } catch {
            throw SesameError(code: .invalidReference, message: error.description)
        }
    }

    /// Throws when `reference` cannot be written: a write makes the current value, so an option that picks another
    /// version (`?version-stage=AWSPREVIOUS`) would make a key-path write start from that version and undo
    /// everything since.
    public static func checkWritable(_ reference: SecretReference) throws {
        let versionOptions = reference.options.keys.filter { !SecretReference.accessOptions.contains($0) }.sorted()
        guard versionOptions.isEmpty else {
            throw SesameError(
                code: .invalidReference,
                message: "a write cannot take ?\(versionOptions.joined(separator: ", ?")): it always makes the current value; drop the option",
                reference: reference
            )
        }
    }

    /// A reference to a place to list under (`sesame ls`, `sesame env`): as `reference`, but a trailing `/` is
    /// allowed (`aws-ps:///prod/`, `aws-sm://prod/`, `tss://Folder/`) and names the same place, and the root
    /// (`aws-ps:///`, `aws-sm://`) is everything.
    public static func prefix(_ text: String) throws -> SecretReference {
        var trimmed = text
        while trimmed.unicodeScalars.last == "/", !trimmed.hasSuffix("://") { trimmed.unicodeScalars.removeLast() }
        guard trimmed.hasSuffix("://") else { return try reference(trimmed) }
        let scheme = try reference(trimmed + "x").scheme  // checks the scheme
        return SecretReference(scheme: scheme, segments: [], leadingSlash: text.hasSuffix(":///"))
    }

    /// The value `reference` names; with a key path, the JSON member it names (a string's content, a number
    /// as written, an object as JSON).
    public func get(_ reference: SecretReference) async throws -> SecretValue {
        guard let index = schemes.firstIndex(of: reference.scheme) else { throw noProvider(reference) }
        let value: SecretValue
        // A memory hit is answered without an asynchronous call.
        if let hit = providers[index].immediateValue(reference) {
            value = hit
        } else {
            value = try await providers[index].get(reference)
        }
        guard let keyPath = reference.keyPath else { return value }
        return try Self.select(keyPath, in: value, reference: reference)
    }

    /// The value straight from the provider, past any cache (which then keeps it).
    public func refresh(_ reference: SecretReference) async throws -> SecretValue {
        let value = try await provider(for: reference).refresh(reference.withoutKeyPath)
        guard let keyPath = reference.keyPath else { return value }
        return try Self.select(keyPath, in: value, reference: reference)
    }

    public func get(_ reference: String) async throws -> SecretValue {
        try await get(parse(reference))
    }

    /// `reference` parsed, from the memo when it was parsed before.
    func parse(_ text: String) throws -> SecretReference {
        if let known = parsed.withLock({ $0[text] }) { return known }
        let reference = try Self.reference(text)
        parsed.withLock { parsed in
            if parsed.count >= Self.parsedLimit { parsed.removeAll(keepingCapacity: true) }
            parsed[text] = reference
        }
        return reference
    }

    /// The value as text (an error when it is binary and not UTF-8).
    public func text(_ reference: String) async throws -> String {
        let parsed = try parse(reference)
        let value = try await get(parsed)
        guard let text = value.text else {
            throw SesameError(code: .invalidValue, message: "the value is binary, not text; read it as bytes", reference: parsed)
        }
        return text
    }

    /// The references under `reference`'s path.
    public func list(_ reference: String) async throws -> [SecretReference] {
        let parsed = try Self.reference(reference)
        return try await provider(for: parsed).list(under: parsed)
    }

    /// Whether exactly this secret exists (and, with a key path, has that member).
    public func exists(_ reference: String) async throws -> Bool {
        let parsed = try parse(reference)
        guard parsed.keyPath != nil else { return try await provider(for: parsed).exists(parsed) }
        do {
            _ = try await get(parsed)
            return true
        } catch let error as SesameError where error.code == .notFound || error.code == .keyPathNotFound {
            return false
        }
    }

    /// Writes a new value. With a key path (`aws-sm://prod/db#user.password`), the document is read fresh, that one
    /// member set (the rest kept as it was) and the whole written back; the value is then a JSON string.
    public func update(_ reference: String, to value: SecretValue.Content) async throws {
        try await update(try Self.reference(reference), to: value)
    }

    public func update(_ reference: String, to text: String) async throws {
        try await update(reference, to: .text(text))
    }

    public func update(_ reference: SecretReference, to value: SecretValue.Content) async throws {
        try Self.checkWritable(reference)
        let provider = try provider(for: reference)
        guard let keyPath = reference.keyPath else { return try await provider.update(reference, to: value) }
        guard case .text(let text) = value else {
            throw SesameError(code: .invalidValue, message: "a JSON member is set to text; give text", reference: reference)
        }
        // Read fresh, whatever a cache holds: the write keeps every other member as the server has it now.
        let current = try await refresh(reference.withoutKeyPath)
        let document: SecretJSON
        do {
            document = try current.json()
        } catch let error as SesameError {
            throw SesameError(code: .invalidValue, message: "'#\(keyPath)' needs a JSON value: \(error.message)", reference: reference)
        }
        let changed = try document.setting(.string(text), at: keyPath)
        try await provider.update(reference.withoutKeyPath, to: .text(changed.jsonText))
    }

    static func select(_ keyPath: JSONKeyPath, in value: SecretValue, reference: SecretReference) throws -> SecretValue {
        let document: SecretJSON
        do {
            document = try value.json()
        } catch let error as SesameError {
            throw SesameError(
                code: .invalidValue, message: "'#\(keyPath)' needs a JSON value: \(error.message)", reference: reference
            )
        }
        guard let selected = document.value(at: keyPath) else {
            throw SesameError(code: .keyPathNotFound, message: "the JSON value has nothing at '\(keyPath)'", reference: reference)
        }
        guard let text = selected.secretText else {
            throw SesameError(code: .keyPathNotFound, message: "'\(keyPath)' is null in the JSON value", reference: reference)
        }
        return SecretValue(text: text, metadata: value.metadata)
    }
}
