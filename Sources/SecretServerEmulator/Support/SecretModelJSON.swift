import NIOCore
import SecretServerModels

/// Writes a `SecretModel` as JSON straight into a `ByteBuffer`: the same keys, order and values as its
/// `Encodable` conformance (a test compares the two for every kind of value), without Foundation's
/// intermediate tree. `GET /secrets/{id}` is the route every client calls most; encoding its answer with
/// `JSONEncoder` cost about a quarter of the server's time (Benchmarks/README.md).
enum SecretModelJSON {
    static func write(_ model: SecretModel, into buffer: inout ByteBuffer) {
        var w = Writer(buffer: buffer)
        w.open()
        w.key("id"); w.int(model.id)
        w.key("name"); w.string(model.name)
        w.key("secretTemplateId"); w.int(model.secretTemplateId)
        w.key("folderId"); w.int(model.folderId)
        w.key("active"); w.bool(model.active)
        w.key("items")
        w.raw("[")
        for (index, item) in model.items.enumerated() {
            if index > 0 { w.raw(",") }
            write(item, &w)
        }
        w.raw("]")
        w.key("launcherConnectAsSecretId"); w.int(model.launcherConnectAsSecretId)
        w.key("checkOutMinutesRemaining"); w.int(model.checkOutMinutesRemaining)
        w.key("checkedOut"); w.bool(model.checkedOut)
        w.key("checkOutUserDisplayName"); w.string(model.checkOutUserDisplayName)
        w.key("checkOutUserId"); w.int(model.checkOutUserId)
        w.key("isRestricted"); w.bool(model.isRestricted)
        w.key("isOutOfSync"); w.bool(model.isOutOfSync)
        w.key("outOfSyncReason"); w.string(model.outOfSyncReason)
        w.key("autoChangeEnabled"); w.bool(model.autoChangeEnabled)
        w.key("autoChangeNextPassword"); w.string(model.autoChangeNextPassword)
        w.key("requiresApprovalForAccess"); w.bool(model.requiresApprovalForAccess)
        w.key("requiresComment"); w.bool(model.requiresComment)
        w.key("checkOutEnabled"); w.bool(model.checkOutEnabled)
        w.key("checkOutIntervalMinutes"); w.int(model.checkOutIntervalMinutes)
        w.key("checkOutChangePasswordEnabled"); w.bool(model.checkOutChangePasswordEnabled)
        w.key("accessRequestWorkflowMapId"); w.int(model.accessRequestWorkflowMapId)
        w.key("proxyEnabled"); w.bool(model.proxyEnabled)
        w.key("sessionRecordingEnabled"); w.bool(model.sessionRecordingEnabled)
        w.key("restrictSshCommands"); w.bool(model.restrictSshCommands)
        w.key("jumpboxRouteId"); w.string(model.jumpboxRouteId)
        w.key("allowOwnersUnrestrictedSshCommands"); w.bool(model.allowOwnersUnrestrictedSshCommands)
        w.key("isDoubleLock"); w.bool(model.isDoubleLock)
        w.key("doubleLockId"); w.int(model.doubleLockId)
        w.key("enableInheritPermissions"); w.bool(model.enableInheritPermissions)
        w.key("passwordTypeWebScriptId"); w.int(model.passwordTypeWebScriptId)
        w.key("siteId"); w.int(model.siteId)
        w.key("enableInheritSecretPolicy"); w.bool(model.enableInheritSecretPolicy)
        w.key("secretPolicyId"); w.int(model.secretPolicyId)
        w.key("lastHeartBeatStatus"); w.string(model.lastHeartBeatStatus)
        w.key("lastHeartBeatCheck"); w.string(model.lastHeartBeatCheck)
        w.key("failedPasswordChangeAttempts"); w.int(model.failedPasswordChangeAttempts)
        w.key("lastPasswordChangeAttempt"); w.string(model.lastPasswordChangeAttempt)
        w.key("secretTemplateName"); w.string(model.secretTemplateName)
        w.key("responseCodes")
        w.raw("[")
        for (index, code) in model.responseCodes.enumerated() {
            if index > 0 { w.raw(",") }
            w.string(code)
        }
        w.raw("]")
        w.key("webLauncherRequiresIncognitoMode"); w.bool(model.webLauncherRequiresIncognitoMode)
        w.close()
        buffer = w.buffer
    }

    private static func write(_ item: RestSecretItem, _ w: inout Writer) {
        w.open()
        w.key("itemId"); w.int(item.itemId)
        w.key("fileAttachmentId"); w.int(item.fileAttachmentId)
        w.key("filename"); w.string(item.filename)
        w.key("itemValue"); w.string(item.itemValue)
        w.key("fieldId"); w.int(item.fieldId)
        w.key("fieldName"); w.string(item.fieldName)
        w.key("slug"); w.string(item.slug)
        w.key("fieldDescription"); w.string(item.fieldDescription)
        w.key("isFile"); w.bool(item.isFile)
        w.key("isNotes"); w.bool(item.isNotes)
        w.key("isPassword"); w.bool(item.isPassword)
        w.key("isList"); w.bool(item.isList)
        w.key("listType"); w.string(item.listType)
        w.close()
    }

    /// Appends JSON tokens; commas between the members of an object are its business.
    private struct Writer {
        var buffer: ByteBuffer
        private var first = [true]

        init(buffer: ByteBuffer) { self.buffer = buffer }

        mutating func open() {
            buffer.writeInteger(UInt8(ascii: "{"))
            first.append(true)
        }

        mutating func close() {
            buffer.writeInteger(UInt8(ascii: "}"))
            first.removeLast()
        }

        mutating func key(_ name: StaticString) {
            if first[first.count - 1] { first[first.count - 1] = false } else { buffer.writeInteger(UInt8(ascii: ",")) }
            buffer.writeInteger(UInt8(ascii: "\""))
            buffer.writeStaticString(name)
            buffer.writeStaticString("\":")
        }

        mutating func raw(_ text: StaticString) { buffer.writeStaticString(text) }

        mutating func int(_ value: Int?) {
            guard let value else { buffer.writeStaticString("null"); return }
            buffer.writeString(String(value))
        }

        mutating func bool(_ value: Bool) {
            buffer.writeStaticString(value ? "true" : "false")
        }

        /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`... or `\u00XX`; `/` as it is
        /// (the wire encoder does not escape slashes either).
        mutating func string(_ value: String?) {
            guard let value else { buffer.writeStaticString("null"); return }
            buffer.writeInteger(UInt8(ascii: "\""))
            let utf8 = value.utf8
            let needsEscaping = utf8.withContiguousStorageIfAvailable { bytes in
                bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
            } ?? true
            if !needsEscaping {
                buffer.writeString(value)
            } else {
                for byte in utf8 {
                    switch byte {
                    case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                    case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                    case 0x0A: buffer.writeStaticString("\\n")
                    case 0x0D: buffer.writeStaticString("\\r")
                    case 0x09: buffer.writeStaticString("\\t")
                    case 0x08: buffer.writeStaticString("\\b")
                    case 0x0C: buffer.writeStaticString("\\f")
                    case 0..<0x20:
                        let hex = Array("0123456789abcdef".utf8)
                        buffer.writeStaticString("\\u00")
                        buffer.writeInteger(hex[Int(byte >> 4)])
                        buffer.writeInteger(hex[Int(byte & 0x0F)])
                    default: buffer.writeInteger(byte)
                    }
                }
            }
            buffer.writeInteger(UInt8(ascii: "\""))
        }
    }
}
