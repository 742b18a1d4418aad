import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SecretServerModels

/// A typed async client for Delinea / Thycotic / IBM Security Secret Server.
///
/// ```swift
/// try await SecretServerClient.withClient(configuration: .init(
///     baseURL: "https://vault.example.com/SecretServer",
///     credentials: .password(username: "svc_app", password: password)
/// )) { client in
///     let password = try await client.fieldValue(secretId: 12, slug: "password")
/// }
/// ```
///
/// The client signs in on first use, renews its token before it expires, reuses connections, and retries
/// idempotent requests after transient failures. Shut it down with `shutdown()` (or use `withClient`).
public struct SecretServerClient: Sendable {
    let transport: Transport

    /// The configuration it was made with.
    public var configuration: Configuration { transport.configuration }

    public init(configuration: Configuration) throws {
        self.transport = try Transport(configuration: configuration)
    }

    /// Runs `body` with a client and shuts the client down afterwards, also when `body` throws.
    public static func withClient<Result: Sendable>(
        configuration: Configuration,
        _ body: (SecretServerClient) async throws -> Result
    ) async throws -> Result {
        let client = try SecretServerClient(configuration: configuration)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// What the base URL is (`.secretServer` or `.platform`), asking it first when `Configuration.server` is
    /// `.automatic` and the credentials do not say.
    public func serverKind() async -> ServerKind {
        await transport.endpoints.kind() == .platform ? .platform : .secretServer
    }

    /// Closes the connections. The client cannot be used afterwards.
    public func shutdown() async throws {
        try await transport.shutdown()
    }

    // MARK: Helpers for the resource calls

    func get<Result: Decodable>(_ path: String, query: [(String, String)] = [], as type: Result.Type = Result.self) async throws -> Result {
        try decode(try await transport.send(APIRequest(.GET, path, query: query)), as: Result.self, path: path)
    }

    /// The records of the list route at `path`, page by page: `skip` and `take` are added to `query` for each page,
    /// and one page is held at a time.
    func paged<Record: Codable & Sendable>(
        _ path: String, query: [(String, String)] = [], pageSize: Int, of type: Record.Type = Record.self
    ) -> PagedSequence<Record> {
        PagedSequence(pageSize: pageSize) { skip, take in
            try await self.get(path, query: query + [("skip", String(skip)), ("take", String(take))])
        }
    }

    func send<Body: Encodable, Result: Decodable>(
        _ method: HTTPMethod, _ path: String, body: Body, query: [(String, String)] = [], as type: Result.Type = Result.self,
        idempotent: Bool? = nil
    ) async throws -> Result {
        let data: Data
        do {
            data = try WireCoding.makeEncoder().encode(body)
        } catch {
            throw SecretServerError(code: .invalidArgument, message: "the request body could not be encoded: \(error)")
        }
        let request = APIRequest(method, path, query: query, body: ByteBuffer(bytes: data), idempotent: idempotent)
        return try decode(try await transport.send(request), as: Result.self, path: path)
    }

    func send<Result: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], as type: Result.Type = Result.self, idempotent: Bool? = nil
    ) async throws -> Result {
        let request = APIRequest(method, path, query: query, idempotent: idempotent)
        return try decode(try await transport.send(request), as: Result.self, path: path)
    }

    func decode<Result: Decodable>(_ response: APIResponse, as type: Result.Type, path: String) throws -> Result {
        if let wire = Result.self as? any WireJSONDecodable.Type,
            let value = response.body.withUnsafeReadableBytes({ wire.decodeWireJSON($0) }) as? Result
        {
            return value
        }
        do {
            return try WireCoding.makeDecoder().decode(Result.self, from: Data(response.body.readableBytesView))
        } catch {
            let contentType = response.headers.first(name: "Content-Type") ?? "no content type"
            let what = contentType.contains("html") ? "an HTML page" : "\(response.body.readableBytes) bytes of \(contentType)"
            throw SecretServerError(
                code: .invalidResponse,
                message: "expected \(Result.self) but the server sent \(what) that does not decode as one (\(Self.describe(error)))",
                status: response.status, path: path
            )
        }
    }

    /// A decoding error in words, naming the JSON path but never a value.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "unreadable JSON" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .typeMismatch(let type, let context): return "wrong type at \(path(context)), expected \(type)"
        case .valueNotFound(let type, let context): return "missing value at \(path(context)), expected \(type)"
        case .keyNotFound(let key, let context): return "missing key \(key.stringValue) at \(path(context))"
        case .dataCorrupted(let context): return "invalid JSON at \(path(context))"
        @unknown default: return "unreadable JSON"
        }
    }
}

extension SecretServerClient {
    /// A signed-in session: what `sesame login` keeps (in its encrypted store) to sign in later without a password.
    public struct Session: Sendable, CustomStringConvertible, CustomReflectable {
        public var accessToken: String
        public var refreshToken: String?
        /// How long the access token stays valid from now.
        public var expiresIn: Duration

        public var description: String {
            "Session(accessToken: <redacted>, refreshToken: \(refreshToken == nil ? "none" : "<redacted>"), expiresIn: \(expiresIn))"
        }
        public var customMirror: Mirror { Mirror(self, children: ["session": description]) }
    }

    /// Signs in if not yet signed in, and returns the current tokens.
    public func session() async throws -> Session {
        let issued = try await transport.tokens.issued()
        return Session(accessToken: issued.access, refreshToken: issued.refresh, expiresIn: issued.expiresIn)
    }
}
