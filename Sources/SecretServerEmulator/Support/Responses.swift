import Foundation
import Hummingbird
import NIOCore
import SecretServerModels

/// Builds the local server's responses.
enum Responses {
    static let jsonContentType = "application/json; charset=utf-8"

    /// 200 with `value` encoded as JSON.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        // Keys in the models' order: sorting them cost a fifth of the encoding of a secret (Benchmarks/README.md).
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = try encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: jsonContentType],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// 200 with `text`, which is JSON already.
    static func rawJSON(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: jsonContentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A secret's model, written by `SecretModelJSON` (the same JSON as `json(_:)`, faster).
    static func secret(_ model: SecretModel) -> Response {
        // Empty: the writer sizes its own bytes and copies them in once.
        var buffer = ByteBuffer()
        SecretModelJSON.write(model, into: &buffer)
        return Response(status: .ok, headers: [.contentType: jsonContentType], body: .init(byteBuffer: buffer))
    }

    /// A page of secret summaries, written by `SummaryPageJSON` (the same JSON as `json(_:)`, faster).
    static func summaries(_ page: Page<SecretSummary>) -> Response {
        var buffer = ByteBuffer()
        SummaryPageJSON.write(page, into: &buffer)
        return Response(status: .ok, headers: [.contentType: jsonContentType], body: .init(byteBuffer: buffer))
    }

    /// A JSON error body in the real server's shape.
    static func error(_ error: EmulatorAPIError) -> Response {
        let data = (try? WireCoding.makeEncoder().encode(error.body)) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: jsonContentType]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// 200 with raw bytes (a file field).
    static func bytes(_ data: Data, fileName: String) -> Response {
        let safeName = fileName.replacingOccurrences(of: "\"", with: "")
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream",
                .contentDisposition: "attachment; filename=\"\(safeName)\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

extension Request {
    /// The body, read as a case-insensitive JSON document. An empty body is `nil`.
    func jsonBody(limit: Int) async throws -> JSONValue? {
        let buffer = try await body.collect(upTo: limit)
        guard buffer.readableBytes > 0 else { return nil }
        let data = Data(buffer.readableBytesView)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        do {
            return try WireCoding.makeDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw EmulatorAPIError.unreadableBody
        }
    }

    /// The body as a JSON object, or an error saying one was expected.
    func jsonObject(limit: Int) async throws -> JSONObject {
        guard let value = try await jsonBody(limit: limit) else {
            throw EmulatorAPIError.invalid("args", "A JSON object body is required.")
        }
        guard let object = value.objectValue else {
            throw EmulatorAPIError.invalid("args", "The request body must be a JSON object.")
        }
        return object
    }

    /// The query string, read case-insensitively.
    var query: QueryParameters { QueryParameters(uri.query) }
}
