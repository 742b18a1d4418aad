import NIOCore
import SecretServerModels

/// Writes a `SecretModel` as JSON straight into a `ByteBuffer`: the same keys, order and values as its
/// `Encodable` conformance (a test compares the two for every kind of value), without Foundation's
/// intermediate tree. `GET /secrets/{id}` is the route every client calls most; encoding its answer with
/// `JSONEncoder` cost about a quarter of the server's time (Benchmarks/README.md).
enum SecretModelJSON {
    static func write(_ model: SecretModel, into buffer: inout ByteBuffer) {
        var w = JSONBufferWriter(buffer: buffer, expectedSize: 1024 + model.items.count * 320)
        w.open()
        w.key("id"); w.int(model.id)
        w.key("name"); w.string(model.name)
        w.key("secretTemplateId"); w.int(model.secretTemplateId)
        w.key("folderId"); w.int(model.folderId)
        w.key("active"); w.bool(model.active)
        w.key("items"); w.array(model.items) { item, w in write(item, &w) }
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
        w.key("responseCodes"); w.strings(model.responseCodes)
        w.key("webLauncherRequiresIncognitoMode"); w.bool(model.webLauncherRequiresIncognitoMode)
        w.close()
        buffer = w.buffer
    }

    private static func write(_ item: RestSecretItem, _ w: inout JSONBufferWriter) {
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
}
