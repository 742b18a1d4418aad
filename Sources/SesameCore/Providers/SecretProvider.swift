/// One secret store behind the reference grammar. Providers see references without their JSON key path
/// (the layer above applies it), so a cache keeps one entry per secret however many keys are read from it.
public protocol SecretProvider: Sendable {
    /// The reference scheme this provider answers (`tss`, `aws-sm`, `aws-ps`, `env`).
    var scheme: String { get }

    /// Which store this is (the scheme and, say, the server's URL or the AWS region): caches keep and invalidate
    /// keys per scope, so two Secret Servers in one process never disturb each other's entries.
    var cacheScope: String { get }

    /// The secret `reference` names.
    func get(_ reference: SecretReference) async throws -> SecretValue

    /// The secrets under `reference`'s path (below it, never beside it: `/app` does not list `/application`).
    func list(under reference: SecretReference) async throws -> [SecretReference]

    /// What is directly under `reference` (everything below it with `recursive`): secrets, and folders where the
    /// store has them. By default made from `list(under:)`, with a path's segments as folders.
    func entries(under reference: SecretReference, recursive: Bool) async throws -> [SecretEntry]

    /// Whether exactly this secret exists (never a prefix match).
    func exists(_ reference: SecretReference) async throws -> Bool

    /// Writes a new value (creating the secret where the store allows it).
    func update(_ reference: SecretReference, to value: SecretValue.Content) async throws

    /// The value this provider can answer at once, without suspending (a cache's fresh entry), or `nil`: the store
    /// asks this before `get`. By default `nil`.
    func immediateValue(_ reference: SecretReference) -> SecretValue?

    /// The value straight from the store behind, past any cache (which then keeps it). By default `get`.
    func refresh(_ reference: SecretReference) async throws -> SecretValue

    /// Keeps what the provider signs in with fresh (a session renewed before it expires, one refused signed in
    /// again, temporary credentials renewed): a long-running process such as the agent calls it now and then.
    /// Whether there was something to keep (a provider not used yet has nothing). By default `false`.
    func keepAlive() async throws -> Bool
}

extension SecretProvider {
    public var cacheScope: String { scheme }

    public func immediateValue(_ reference: SecretReference) -> SecretValue? { nil }

    public func refresh(_ reference: SecretReference) async throws -> SecretValue { try await get(reference) }

    public func keepAlive() async throws -> Bool { false }

    public func entries(under reference: SecretReference, recursive: Bool) async throws -> [SecretEntry] {
        SecretEntry.entries(try await list(under: reference), under: reference, recursive: recursive)
    }
}
