import Foundation
import NIOCore

extension AWSTransport {
    /// Sends one JSON-protocol operation and decodes its answer.
    func json<Input: Encodable, Output: Decodable>(
        _ operation: String, targetPrefix: String, input: Input, as output: Output.Type, idempotent: Bool,
        endpoint: AWSEndpoint, credentials: any AWSCredentialsProvider
    ) async throws -> Output {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body: Data
        do {
            body = try encoder.encode(input)
        } catch {
            throw AWSError(code: .badRequest, message: "could not encode the request (\(error))", service: endpoint.service, operation: operation)
        }
        let request = AWSRequest(operation: operation, wireProtocol: .json(targetPrefix: targetPrefix), body: Array(body), idempotent: idempotent)
        let response = try await send(request, to: endpoint, credentials: credentials)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try response.body.withUnsafeReadableBytes { raw in
                try decoder.decode(Output.self, from: Data(raw))
            }
        } catch {
            throw AWSError(
                code: .invalidResponse, message: "the answer could not be read (\(Self.describe(error)))",
                service: endpoint.service, operation: operation, status: response.status
            )
        }
    }

    /// A decoding error without the values it saw (they may be secrets): the path and the kind only.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not JSON" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(_, let context): return "wrong type at '\(path(context))'"
        case .valueNotFound(_, let context): return "null at '\(path(context))'"
        case .keyNotFound(let key, let context): return "'\(key.stringValue)' missing at '\(path(context))'"
        case .dataCorrupted(let context): return "not valid JSON at '\(path(context))'"
        @unknown default: return "not readable"
        }
    }
}

/// An empty JSON object, for operations whose answer is not needed.
struct EmptyOutput: Decodable {}

/// A service of the JSON 1.1 protocol (Secrets Manager, SSM): its calls go through one helper.
protocol AWSJSONService: Sendable {
    var transport: AWSTransport { get }
    var endpoint: AWSEndpoint { get }
    var credentials: any AWSCredentialsProvider { get }
    /// The `X-Amz-Target` prefix (`secretsmanager`, `AmazonSSM`).
    static var targetPrefix: String { get }
}

extension AWSJSONService {
    /// Sends `operation` with `input` and decodes its answer as `output`.
    func call<Input: Encodable, Output: Decodable>(
        _ operation: String, _ input: Input, _ output: Output.Type, idempotent: Bool
    ) async throws -> Output {
        try await transport.json(
            operation, targetPrefix: Self.targetPrefix, input: input, as: output, idempotent: idempotent, endpoint: endpoint,
            credentials: credentials
        )
    }
}
