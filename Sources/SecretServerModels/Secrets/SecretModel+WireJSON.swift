extension SecretModel: WireJSONDecodable {
    static let wireKeys = WireKeyTable<CodingKeys>()

    /// Reads a secret as `init(from:)` does (a missing or `null` key keeps the same fallback), without
    /// `JSONDecoder`; `nil` when the text is anything the reader leaves to `JSONDecoder`.
    public static func decodeWireJSON(_ bytes: UnsafeRawBufferPointer) -> SecretModel? {
        readWholeDocument(bytes) { reader throws(WireJSONReader.Unsupported) in try SecretModel(wire: &reader) }
    }

    init(wire reader: inout WireJSONReader) throws(WireJSONReader.Unsupported) {
        self.init(secretTemplateId: 0)
        try reader.readObject(Self.wireKeys) { reader, key throws(WireJSONReader.Unsupported) in
            // `null` keeps the fallback `init(from:)` uses, which the initialiser above already set, and for the
            // two optional strings is `nil`.
            if try reader.readNull() {
                switch key {
                case .autoChangeNextPassword: self.autoChangeNextPassword = nil
                case .jumpboxRouteId: self.jumpboxRouteId = nil
                default: break
                }
                return
            }
            switch key {
            case .id: self.id = try reader.readInt()
            case .name: self.name = try reader.readString()
            case .secretTemplateId: self.secretTemplateId = try reader.readInt()
            case .folderId: self.folderId = try reader.readInt()
            case .active: self.active = try reader.readBool()
            case .items:
                var items: [RestSecretItem] = []
                try reader.readArray { reader throws(WireJSONReader.Unsupported) in
                    items.append(try RestSecretItem(wire: &reader))
                }
                self.items = items
            case .launcherConnectAsSecretId: self.launcherConnectAsSecretId = try reader.readInt()
            case .checkOutMinutesRemaining: self.checkOutMinutesRemaining = try reader.readInt()
            case .checkedOut: self.checkedOut = try reader.readBool()
            case .checkOutUserDisplayName: self.checkOutUserDisplayName = try reader.readString()
            case .checkOutUserId: self.checkOutUserId = try reader.readInt()
            case .isRestricted: self.isRestricted = try reader.readBool()
            case .isOutOfSync: self.isOutOfSync = try reader.readBool()
            case .outOfSyncReason: self.outOfSyncReason = try reader.readString()
            case .autoChangeEnabled: self.autoChangeEnabled = try reader.readBool()
            case .autoChangeNextPassword: self.autoChangeNextPassword = try reader.readString()
            case .requiresApprovalForAccess: self.requiresApprovalForAccess = try reader.readBool()
            case .requiresComment: self.requiresComment = try reader.readBool()
            case .checkOutEnabled: self.checkOutEnabled = try reader.readBool()
            case .checkOutIntervalMinutes: self.checkOutIntervalMinutes = try reader.readInt()
            case .checkOutChangePasswordEnabled: self.checkOutChangePasswordEnabled = try reader.readBool()
            case .accessRequestWorkflowMapId: self.accessRequestWorkflowMapId = try reader.readInt()
            case .proxyEnabled: self.proxyEnabled = try reader.readBool()
            case .sessionRecordingEnabled: self.sessionRecordingEnabled = try reader.readBool()
            case .restrictSshCommands: self.restrictSshCommands = try reader.readBool()
            case .jumpboxRouteId: self.jumpboxRouteId = try reader.readString()
            case .allowOwnersUnrestrictedSshCommands: self.allowOwnersUnrestrictedSshCommands = try reader.readBool()
            case .isDoubleLock: self.isDoubleLock = try reader.readBool()
            case .doubleLockId: self.doubleLockId = try reader.readInt()
            case .enableInheritPermissions: self.enableInheritPermissions = try reader.readBool()
            case .passwordTypeWebScriptId: self.passwordTypeWebScriptId = try reader.readInt()
            case .siteId: self.siteId = try reader.readInt()
            case .enableInheritSecretPolicy: self.enableInheritSecretPolicy = try reader.readBool()
            case .secretPolicyId: self.secretPolicyId = try reader.readInt()
            case .lastHeartBeatStatus: self.lastHeartBeatStatus = try reader.readString()
            case .lastHeartBeatCheck: self.lastHeartBeatCheck = try reader.readString()
            case .failedPasswordChangeAttempts: self.failedPasswordChangeAttempts = try reader.readInt()
            case .lastPasswordChangeAttempt: self.lastPasswordChangeAttempt = try reader.readString()
            case .secretTemplateName: self.secretTemplateName = try reader.readString()
            case .responseCodes: self.responseCodes = try reader.readStringArray()
            case .webLauncherRequiresIncognitoMode: self.webLauncherRequiresIncognitoMode = try reader.readBool()
            }
        }
    }
}

extension RestSecretItem {
    static let wireKeys = WireKeyTable<CodingKeys>()

    /// Reads a field as `init(from:)` does, without `JSONDecoder`.
    init(wire reader: inout WireJSONReader) throws(WireJSONReader.Unsupported) {
        self.init(fieldId: 0)
        try reader.readObject(Self.wireKeys) { reader, key throws(WireJSONReader.Unsupported) in
            if try reader.readNull() {
                switch key {
                case .fileAttachmentId: self.fileAttachmentId = nil
                case .filename: self.filename = nil
                default: break
                }
                return
            }
            switch key {
            case .itemId: self.itemId = try reader.readInt()
            case .fileAttachmentId: self.fileAttachmentId = try reader.readInt()
            case .filename: self.filename = try reader.readString()
            case .itemValue: self.itemValue = try reader.readString()
            case .fieldId: self.fieldId = try reader.readInt()
            case .fieldName: self.fieldName = try reader.readString()
            case .slug: self.slug = try reader.readString()
            case .fieldDescription: self.fieldDescription = try reader.readString()
            case .isFile: self.isFile = try reader.readBool()
            case .isNotes: self.isNotes = try reader.readBool()
            case .isPassword: self.isPassword = try reader.readBool()
            case .isList: self.isList = try reader.readBool()
            case .listType: self.listType = try reader.readString()
            }
        }
    }
}
