import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

/// Runs `body` against the emulator's router in-process (no socket).
func withRouter(
    _ configuration: EmulatorConfiguration = TestEmulator.configuration(),
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let (app, _) = try EmulatorApplication.build(configuration, logger: logger)
    try await app.test(.router, body)
}

extension TestClientProtocol {
    /// Signs in as the admin and returns the access token.
    func adminToken(prefix: String = "/SecretServer") async throws -> String {
        try await execute(
            uri: "\(prefix)/oauth2/token", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "username=admin&password=\(TestEmulator.adminPassword.formEncoded)&grant_type=password")
        ) { response in
            #expect(response.status == .ok)
            return try #require(response.json["access_token"]?.stringValue)
        }
    }

    /// A folder at the root and a Password secret in it (username `u`, `password`), as the admin with `token`.
    func folderWithSecret(token: String, folder: String, secret: String, password: String) async throws -> (folderId: Int, secretId: Int) {
        let made = try await api(
            .post, "/v1/folders", token: token,
            json: #"{"folderName": "\#(folder)", "parentFolderId": -1, "inheritPermissions": true}"#)
        let folderId = try #require(made.json["id"]?.intValue, "\(made.text)")
        let created = try await api(
            .post, "/v1/secrets", token: token,
            json: """
                {"name": "\(secret)", "secretTemplateId": 2, "folderId": \(folderId), "siteId": 1,
                 "items": [{"fieldName": "Username", "itemValue": "u"}, {"fieldName": "Password", "itemValue": "\(password)"}]}
                """)
        return (folderId, try #require(created.json["id"]?.intValue, "\(created.text)"))
    }

    /// A JSON API call with a bearer token.
    func api(
        _ method: HTTPRequest.Method, _ path: String, token: String?, json: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(
            uri: "/SecretServer/api" + path, method: method, headers: headers,
            body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var json: JSONValue {
        (try? WireCoding.makeDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))) ?? .null
    }
    var text: String { String(buffer: body) }
}

extension String {
    var formEncoded: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? self
    }
}
