import Foundation
import NIOHTTP1
import SecretServerModels

/// A secret as a dynamic record, in the spirit of isss's stubs but safe: read and set any top-level property or
/// field by name, without regard to case (a top-level property wins over a field of the same name), then
/// `create()`, `update()` or `delete()` it. Properties the server sends that Sesame does not model are kept.
///
/// ```swift
/// var record = try await client.newSecretRecord(templateId: 6007, folderId: 12)
/// record["name"] = "web01 root"
/// try record.set("machine", "web01")
/// try record.set("password", try await record.generatePassword())
/// let saved = try await record.create()
/// print(saved)   // fields listed, passwords and keys masked
/// ```
public struct SecretRecord: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The record as JSON.
    public private(set) var payload: JSONObject
    let client: SecretServerClient

    init(payload: JSONObject, client: SecretServerClient) {
        self.payload = payload
        self.client = client
    }

    /// The secret's id; 0 before it is created.
    public var id: Int { payload["id"]?.intValue ?? 0 }
    public var isNew: Bool { id == 0 }

    private var items: [JSONValue] { payload["items"]?.arrayValue ?? [] }

    private func itemIndex(_ key: String) -> Int? {
        let folded = key.lowercased()
        return items.firstIndex { $0["slug"]?.stringValue?.lowercased() == folded }
            ?? items.firstIndex { $0["fieldName"]?.stringValue?.lowercased() == folded }
    }

    /// A top-level property, else a field's value (by slug, then field name); `nil` when there is neither.
    public subscript(key: String) -> JSONValue? {
        get {
            if let value = payload[key] { return value }
            return itemIndex(key).flatMap { items[$0]["itemValue"] }
        }
        set {
            guard let newValue else { return }
            try? set(key, newValue)
        }
    }

    /// Text of a property or field.
    public func string(_ key: String) -> String? { self[key]?.stringValue }

    /// Sets a top-level property or a field's value. An unknown name is an error that lists the names there are
    /// (never their values).
    public mutating func set(_ key: String, _ value: JSONValue) throws {
        if key.lowercased() != "items", payload.contains(key) {
            payload[key] = value
            return
        }
        guard let index = itemIndex(key), var item = items[index].objectValue else {
            let fields = items.compactMap { $0["slug"]?.stringValue }
            throw SecretServerError(
                code: .invalidArgument,
                message:
                    "the secret has no property or field '\(key)'; fields: \(fields.joined(separator: ", ")); properties: \(payload.keys.filter { $0 != "items" }.sorted().joined(separator: ", "))"
            )
        }
        item["itemValue"] = value
        var list = items
        list[index] = .object(item)
        payload["items"] = .array(list)
    }

    /// Sets a property or a field to text.
    public mutating func set(_ key: String, _ value: String) throws { try set(key, .string(value)) }

    /// A password that meets the requirement of `field` (slug or name), from the server. It is not set; use `set`.
    public func generatePassword(field: String = "password") async throws -> String {
        guard let index = itemIndex(field), let fieldId = items[index]["fieldId"]?.intValue else {
            throw SecretServerError(code: .invalidArgument, message: "the secret has no field '\(field)'")
        }
        return try await client.generatePassword(fieldId: fieldId)
    }

    /// Creates the secret and returns it as stored.
    public func create() async throws -> SecretRecord {
        guard isNew else { throw SecretServerError(code: .invalidArgument, message: "secret \(id) exists already; use update()") }
        return try await save(.POST, "/v1/secrets")
    }

    /// Saves the whole secret and returns it as stored.
    public func update() async throws -> SecretRecord {
        guard !isNew else { throw SecretServerError(code: .invalidArgument, message: "the secret is not created yet; use create()") }
        return try await save(.PUT, "/v1/secrets/\(id)")
    }

    /// Deactivates the secret.
    public func delete() async throws {
        guard !isNew else { throw SecretServerError(code: .invalidArgument, message: "the secret is not created yet") }
        try await client.deleteSecret(id: id)
    }

    private func save(_ method: HTTPMethod, _ path: String) async throws -> SecretRecord {
        let body = try WireCoding.makeEncoder().encode(JSONValue.object(payload))
        let response = try await client.send(method: method.rawValue, path: path, body: body)
        guard let object = try response.json().objectValue else {
            throw SecretServerError(code: .invalidResponse, message: "the server did not answer with a secret", path: path)
        }
        return SecretRecord(payload: object, client: client)
    }

    /// The name, id and template, then each field with its value; passwords, keys and tokens masked, files named.
    public var description: String {
        var lines = [
            "SecretRecord(id: \(id), name: \(string("name") ?? ""), template: \(payload["secretTemplateName"]?.stringValue ?? String(payload["secretTemplateId"]?.intValue ?? 0)))"
        ]
        for item in items {
            let slug = item["slug"]?.stringValue ?? ""
            let value: String
            if item["isFile"]?.boolValue == true {
                value = item["fileAttachmentId"]?.intValue == nil ? "" : "<file: \(item["filename"]?.stringValue ?? "attachment")>"
            } else if Self.isSensitive(slug: slug, isPassword: item["isPassword"]?.boolValue ?? false) {
                value = (item["itemValue"]?.stringValue ?? "").isEmpty ? "" : "********"
            } else {
                value = item["itemValue"]?.stringValue ?? ""
            }
            lines.append("  \(slug): \(value)")
        }
        return lines.joined(separator: "\n")
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["record": description]) }

    static func isSensitive(slug: String, isPassword: Bool) -> Bool {
        isPassword || ["password", "key", "token", "secret", "passphrase", "pin"].contains { slug.lowercased().contains($0) }
    }
}

extension SecretServerClient {
    /// A secret as a `SecretRecord`.
    public func secretRecord(id: Int) async throws -> SecretRecord {
        guard let object = try await send(method: "GET", path: "/v1/secrets/\(id)").json().objectValue else {
            throw SecretServerError(code: .invalidResponse, message: "the server did not answer with a secret")
        }
        return SecretRecord(payload: object, client: self)
    }

    /// A new record from a template's stub; set its name and fields, then `create()` it.
    public func newSecretRecord(templateId: Int, folderId: Int? = nil) async throws -> SecretRecord {
        var query = [("secretTemplateId", String(templateId))]
        if let folderId { query.append(("folderId", String(folderId))) }
        guard var object = try await send(method: "GET", path: "/v1/secrets/stub", query: query).json().objectValue else {
            throw SecretServerError(code: .invalidResponse, message: "the server did not answer with a stub")
        }
        if let folderId { object["folderId"] = .int(Int64(folderId)) }
        return SecretRecord(payload: object, client: self)
    }
}
