import Foundation
import NIOCore
import NIOHTTP1
import SecretServerModels

/// The answer of a raw call.
public struct RawResponse: Sendable {
    public var status: Int
    /// The `Content-Type` header, if any.
    public var contentType: String?
    public var body: Data

    /// Whether the body is JSON.
    public var isJSON: Bool { contentType?.lowercased().contains("json") ?? false }

    /// The body as JSON.
    public func json() throws -> JSONValue {
        do {
            return try WireCoding.makeDecoder().decode(JSONValue.self, from: body)
        } catch {
            throw SecretServerError(code: .invalidResponse, message: "the answer is not JSON (\(body.count) bytes)", status: status)
        }
    }
}

extension SecretServerClient {
    /// Calls any of the server's 1,089 operations, with sign-in, token renewal, retries of idempotent methods,
    /// and error mapping, like the typed calls.
    ///
    /// ```swift
    /// let roles = try await client.send(method: "GET", path: "/v1/roles", query: [("take", "100")]).json()
    /// ```
    /// - Parameters:
    ///   - method: `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, ...
    ///   - path: below `{base}/api` (`/v1/roles`); a leading `/api` is accepted too.
    ///   - body: sent as it is, with `contentType`.
    public func send(
        method: String, path: String, query: [(String, String)] = [], body: Data? = nil,
        contentType: String = "application/json"
    ) async throws -> RawResponse {
        var path = path.hasPrefix("/") ? path : "/" + path
        if path.lowercased().hasPrefix("/api/") { path.removeFirst(4) }
        guard path.range(of: "://") == nil, !path.contains("..") else {
            throw SecretServerError(code: .invalidArgument, message: "the path must be below /api, like /v1/secrets/12")
        }
        let httpMethod = HTTPMethod(rawValue: method.uppercased())
        var request = APIRequest(httpMethod, path, query: query, body: body.map { ByteBuffer(bytes: $0) })
        request.contentType = contentType
        let response = try await transport.send(request)
        return RawResponse(
            status: response.status, contentType: response.headers.first(name: "Content-Type"),
            body: Data(response.body.readableBytesView)
        )
    }
}
