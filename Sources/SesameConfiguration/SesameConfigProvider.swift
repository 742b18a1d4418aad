import Configuration
import Foundation
import ServiceLifecycle
import Sesame
import Synchronization

/// A swift-configuration provider whose values are secrets read through Sesame: each configuration key is
/// mapped to a reference. Every value is marked secret, so swift-configuration's access logs redact it.
/// Run it (it is a `Service`) to poll for rotated values; watchers see each change.
///
/// ```swift
/// let secrets = try await SesameConfigProvider(references: [
///     "database.password": "aws-ps:///prod/db/password",
///     "database.user": "aws-sm://prod/db#user.name",
/// ])
/// let config = ConfigReader(providers: [EnvironmentVariablesProvider(), secrets])
/// let password = config.string(forKey: "database.password")
/// ```
public final class SesameConfigProvider: ConfigProvider, Service, CustomStringConvertible {
    struct Storage {
        var values: [String: SecretValue] = [:]
        var errors: [String: String] = [:]
        var valueWatchers: [String: [UUID: AsyncStream<SecretValue?>.Continuation]] = [:]
        var snapshotWatchers: [UUID: AsyncStream<Snapshot>.Continuation] = [:]
    }

    /// The configuration keys (dot-separated) and their references.
    public let references: [String: SecretReference]
    public let store: SecretStore
    public let pollInterval: Duration
    private let storage = Mutex(Storage())

    public var providerName: String { "SesameConfigProvider" }

    /// Reads every reference once (failures are kept and thrown when the key is read).
    /// - Parameters:
    ///   - references: configuration key (`database.password`) → reference (`aws-ps:///prod/db/password`).
    ///   - store: the store to read with; the shared `Sesame.store` by default.
    ///   - pollInterval: how often `run()` reads every reference again to notice rotations.
    public init(
        references: [String: String], store: SecretStore = Sesame.store, pollInterval: Duration = .seconds(60)
    ) async throws {
        var parsed: [String: SecretReference] = [:]
        for (key, text) in references {
            do {
                parsed[key] = try SecretStore.reference(text)
            } catch let error as SesameError {
                throw SesameError(code: .invalidReference, message: "the configuration key '\(key)': \(error.message)")
            }
        }
        self.references = parsed
        self.store = store
        self.pollInterval = pollInterval
        await refresh(fresh: false)
    }

    public var description: String {
        "SesameConfigProvider[\(references.count) keys]"
    }

    // MARK: Reading

    /// Reads every reference again (past the cache when `fresh`) and tells watchers what changed.
    public func refresh(fresh: Bool = true) async {
        await withTaskGroup(of: (String, Result<SecretValue, any Error>).self) { group in
            for (key, reference) in references {
                group.addTask { [store] in
                    do {
                        return (key, .success(fresh ? try await store.refresh(reference) : try await store.get(reference)))
                    } catch {
                        return (key, .failure(error))
                    }
                }
            }
            for await (key, result) in group {
                switch result {
                case .success(let value): update(key, value: value, error: nil)
                case .failure(let error): update(key, value: nil, error: "\(error)")
                }
            }
        }
    }

    private func update(_ key: String, value: SecretValue?, error: String?) {
        var valueWatchers: [AsyncStream<SecretValue?>.Continuation] = []
        var snapshotWatchers: [AsyncStream<Snapshot>.Continuation] = []
        var snapshot: Snapshot?
        storage.withLock { storage in
            if let error {
                // Keep serving the last good value when a refresh fails; report the error only if there is none.
                if storage.values[key] == nil { storage.errors[key] = error }
                return
            }
            storage.errors[key] = nil
            guard let value, storage.values[key]?.content != value.content else { return }
            storage.values[key] = value
            valueWatchers = Array(storage.valueWatchers[key, default: [:]].values)
            snapshotWatchers = Array(storage.snapshotWatchers.values)
            snapshot = Snapshot(values: storage.values, errors: storage.errors)
        }
        for watcher in valueWatchers { watcher.yield(value) }
        if let snapshot { for watcher in snapshotWatchers { watcher.yield(snapshot) } }
    }

    public func value(forKey key: AbsoluteConfigKey, type: ConfigType) throws -> LookupResult {
        try storage.withLock { Snapshot(values: $0.values, errors: $0.errors) }.value(forKey: key, type: type)
    }

    /// Reads the key's reference from its provider now (past the cache).
    nonisolated(nonsending) public func fetchValue(forKey key: AbsoluteConfigKey, type: ConfigType) async throws -> LookupResult {
        let name = key.components.joined(separator: ".")
        if let reference = references[name] {
            do {
                update(name, value: try await store.refresh(reference), error: nil)
            } catch {
                update(name, value: nil, error: "\(error)")
                throw error
            }
        }
        return try value(forKey: key, type: type)
    }

    // swift-configuration is built with NonisolatedNonsendingByDefault; these match its requirements.
    nonisolated(nonsending) public func watchValue<Return: ~Copyable>(
        forKey key: AbsoluteConfigKey, type: ConfigType,
        updatesHandler: nonisolated(nonsending) (_ updates: ConfigUpdatesAsyncSequence<Result<LookupResult, any Error>, Never>) async throws -> Return
    ) async throws -> Return {
        let name = key.components.joined(separator: ".")
        let (stream, continuation) = AsyncStream<SecretValue?>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        storage.withLock { storage in
            storage.valueWatchers[name, default: [:]][id] = continuation
            continuation.yield(storage.values[name])
        }
        defer { _ = storage.withLock { $0.valueWatchers[name]?.removeValue(forKey: id) } }
        return try await updatesHandler(
            ConfigUpdatesAsyncSequence(
                stream.map { value -> Result<LookupResult, any Error> in
                    Result { try Snapshot.lookup(name, value: value, error: nil, type: type) }
                })
        )
    }

    public func snapshot() -> any ConfigSnapshot {
        storage.withLock { Snapshot(values: $0.values, errors: $0.errors) }
    }

    nonisolated(nonsending) public func watchSnapshot<Return: ~Copyable>(
        updatesHandler: nonisolated(nonsending) (_ updates: ConfigUpdatesAsyncSequence<any ConfigSnapshot, Never>) async throws -> Return
    ) async throws -> Return {
        let (stream, continuation) = AsyncStream<Snapshot>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        storage.withLock { storage in
            storage.snapshotWatchers[id] = continuation
            continuation.yield(Snapshot(values: storage.values, errors: storage.errors))
        }
        defer { _ = storage.withLock { $0.snapshotWatchers.removeValue(forKey: id) } }
        return try await updatesHandler(ConfigUpdatesAsyncSequence(stream.map { $0 as any ConfigSnapshot }))
    }

    /// Polls every `pollInterval` for rotated values until cancelled or shut down gracefully.
    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                return
            }
            await refresh(fresh: true)
        }
    }

    // MARK: Snapshot

    struct Snapshot: ConfigSnapshot, CustomStringConvertible {
        let values: [String: SecretValue]
        let errors: [String: String]

        var providerName: String { "SesameConfigProvider" }
        var description: String { "SesameConfigProvider.Snapshot[\(values.count) values]" }

        func value(forKey key: AbsoluteConfigKey, type: ConfigType) throws -> LookupResult {
            let name = key.components.joined(separator: ".")
            return try Self.lookup(name, value: values[name], error: errors[name], type: type)
        }

        static func lookup(_ name: String, value: SecretValue?, error: String?, type: ConfigType) throws -> LookupResult {
            guard let value else {
                if let error { throw SesameError(code: .providerError, message: "the configuration key '\(name)' could not be read: \(error)") }
                return LookupResult(encodedKey: name, value: nil)
            }
            return LookupResult(encodedKey: name, value: ConfigValue(try content(value, type: type, name: name), isSecret: true))
        }

        /// The value in the type asked for: text as is, numbers and booleans parsed, arrays from JSON arrays or
        /// comma-separated text, bytes as they are.
        static func content(_ value: SecretValue, type: ConfigType, name: String) throws -> ConfigContent {
            func mismatch() -> SesameError {
                // Never the value itself: only what was asked for.
                SesameError(code: .invalidValue, message: "the configuration key '\(name)' is not a \(type.rawValue)")
            }
            if type == .bytes { return .bytes(value.bytes) }
            guard let text = value.text else { throw mismatch() }
            func items() -> [String] {
                if case .array(let elements)? = try? SecretJSON.parse(text) { return elements.compactMap(\.secretText) }
                return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
            func bool(_ text: String) throws -> Bool {
                switch text.lowercased() {
                case "true", "yes", "1": return true
                case "false", "no", "0": return false
                default: throw mismatch()
                }
            }
            switch type {
            case .string: return .string(text)
            case .int: guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else { throw mismatch() }; return .int(number)
            case .double: guard let number = Double(text.trimmingCharacters(in: .whitespaces)) else { throw mismatch() }; return .double(number)
            case .bool: return .bool(try bool(text.trimmingCharacters(in: .whitespaces)))
            case .stringArray: return .stringArray(items())
            case .intArray:
                return .intArray(
                    try items().map {
                        guard let number = Int($0) else { throw mismatch() }; return number
                    })
            case .doubleArray:
                return .doubleArray(
                    try items().map {
                        guard let number = Double($0) else { throw mismatch() }; return number
                    })
            case .boolArray: return .boolArray(try items().map(bool))
            case .byteChunkArray: return .byteChunkArray([value.bytes])
            case .bytes: return .bytes(value.bytes)
            }
        }
    }
}
