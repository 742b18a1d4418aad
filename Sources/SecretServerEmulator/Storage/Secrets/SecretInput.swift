import SecretServerModels

/// A secret create or update as the client sent it, read leniently from JSON.
struct SecretInput: Sendable {
    /// One `items[]` entry. Matched to a template field by `fieldId`, then `slug`, then `fieldName`.
    struct Item: Sendable {
        var itemId: Int64?
        var fieldId: Int64?
        var slug: String?
        var fieldName: String?
        /// `nil` when the entry carries no `itemValue`.
        var value: String?
    }

    var id: Int64?
    var name: String?
    var templateId: Int64?
    /// `nil` when absent; `.some(nil)` for the root (`-1` or `null`).
    var folderId: Int64??
    var siteId: Int?
    var active: Bool?
    var items: [Item]?
    /// `sshKeyArgs` (create only): make an SSH key pair, and a passphrase for it, into the template's mapped fields.
    var generateSshKeys = false
    var generatePassphrase = false
    /// The whole body, for the settings it may change.
    var body: JSONObject

    init(_ body: JSONObject) throws(EmulatorAPIError) {
        self.body = body
        id = try Self.int64(body, "id")
        name = body["name"]?.stringValue
        templateId = try Self.int64(body, "secretTemplateId")
        if let folder = body["folderId"] {
            if folder.isNull {
                folderId = .some(nil)
            } else {
                guard let value = folder.intValue else { throw .invalid("FolderId", "The FolderId must be a number.") }
                folderId = .some(value <= 0 ? nil : Int64(value))
            }
        }
        siteId = try Self.int64(body, "siteId").map { Int($0) }
        if let args = body["sshKeyArgs"], !args.isNull {
            guard let object = args.objectValue else { throw .invalid("SshKeyArgs", "SshKeyArgs must be an object.") }
            generateSshKeys = object["generateSshKeys"]?.boolValue ?? false
            generatePassphrase = object["generatePassphrase"]?.boolValue ?? false
        }
        active = body["active"]?.boolValue
        if let list = body["items"], !list.isNull {
            guard let array = list.arrayValue else { throw .invalid("Items", "Items must be an array.") }
            items = try array.map { element throws(EmulatorAPIError) in
                guard let item = element.objectValue else { throw .invalid("Items", "Each item must be an object.") }
                return Item(
                    itemId: try Self.int64(item, "itemId"),
                    fieldId: try Self.int64(item, "fieldId"),
                    slug: item["slug"]?.stringValue,
                    fieldName: item["fieldName"]?.stringValue,
                    value: item["itemValue"].flatMap { $0.isNull ? "" : $0.stringValue }
                )
            }
        }
    }

    private static func int64(_ object: JSONObject, _ key: String) throws(EmulatorAPIError) -> Int64? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let number = value.intValue else {
            throw .invalid(key.prefix(1).uppercased() + key.dropFirst(), "The value is not a valid number.")
        }
        return Int64(number)
    }
}

extension SecretSettings {
    /// Applies the settings that `body` carries; absent keys keep their value.
    mutating func apply(_ body: JSONObject) {
        func bool(_ key: String, _ target: inout Bool) { if let value = body[key]?.boolValue { target = value } }
        func int(_ key: String, _ target: inout Int) { if let value = body[key]?.intValue { target = value } }
        int("launcherConnectAsSecretId", &launcherConnectAsSecretId)
        bool("autoChangeEnabled", &autoChangeEnabled)
        bool("requiresApprovalForAccess", &requiresApprovalForAccess)
        bool("requiresComment", &requiresComment)
        bool("checkOutEnabled", &checkOutEnabled)
        int("checkOutIntervalMinutes", &checkOutIntervalMinutes)
        bool("checkOutChangePasswordEnabled", &checkOutChangePasswordEnabled)
        int("accessRequestWorkflowMapId", &accessRequestWorkflowMapId)
        bool("proxyEnabled", &proxyEnabled)
        bool("sessionRecordingEnabled", &sessionRecordingEnabled)
        bool("restrictSshCommands", &restrictSshCommands)
        bool("allowOwnersUnrestrictedSshCommands", &allowOwnersUnrestrictedSshCommands)
        bool("isDoubleLock", &isDoubleLock)
        int("doubleLockId", &doubleLockId)
        bool("enableInheritPermissions", &enableInheritPermissions)
        int("passwordTypeWebScriptId", &passwordTypeWebScriptId)
        bool("enableInheritSecretPolicy", &enableInheritSecretPolicy)
        int("secretPolicyId", &secretPolicyId)
        bool("webLauncherRequiresIncognitoMode", &webLauncherRequiresIncognitoMode)
    }
}
