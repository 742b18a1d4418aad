extension SecretSummary {
    static let wireKeys = WireKeyTable<CodingKeys>()

    /// Reads a summary as `init(from:)` does, without `JSONDecoder`.
    init(wire reader: inout WireJSONReader) throws(WireJSONReader.Unsupported) {
        self.init(id: 0, name: "", secretTemplateId: 0, secretTemplateName: "", folderId: -1)
        try reader.readObject(Self.wireKeys) { reader, key throws(WireJSONReader.Unsupported) in
            // `null` keeps the fallback the initialiser above set; every optional's fallback is `nil`.
            if try reader.readNull() {
                switch key {
                case .folderPath: self.folderPath = nil
                case .checkOutUserName: self.checkOutUserName = nil
                case .responseCodes: self.responseCodes = nil
                case .lastAccessed: self.lastAccessed = nil
                case .extendedFields: self.extendedFields = nil
                case .createDate: self.createDate = nil
                case .daysUntilExpiration: self.daysUntilExpiration = nil
                default: break
                }
                return
            }
            switch key {
            case .id: self.id = try reader.readInt()
            case .name: self.name = try reader.readString()
            case .secretTemplateId: self.secretTemplateId = try reader.readInt()
            case .secretTemplateName: self.secretTemplateName = try reader.readString()
            case .folderId: self.folderId = try reader.readInt()
            case .folderPath: self.folderPath = try reader.readString()
            case .siteId: self.siteId = try reader.readInt()
            case .active: self.active = try reader.readBool()
            case .checkedOut: self.checkedOut = try reader.readBool()
            case .checkOutUserId: self.checkOutUserId = try reader.readInt()
            case .checkOutUserName: self.checkOutUserName = try reader.readString()
            case .isRestricted: self.isRestricted = try reader.readBool()
            case .isOutOfSync: self.isOutOfSync = try reader.readBool()
            case .outOfSyncReason: self.outOfSyncReason = try reader.readString()
            case .lastHeartBeatStatus: self.lastHeartBeatStatus = try reader.readString()
            case .lastPasswordChangeAttempt: self.lastPasswordChangeAttempt = try reader.readString()
            case .responseCodes: self.responseCodes = try reader.readStringArray()
            case .lastAccessed: self.lastAccessed = try reader.readString()
            case .extendedFields:
                var fields: [ExtendedField] = []
                try reader.readArray { reader throws(WireJSONReader.Unsupported) in
                    fields.append(try ExtendedField(wire: &reader))
                }
                self.extendedFields = fields
            case .checkOutEnabled: self.checkOutEnabled = try reader.readBool()
            case .autoChangeEnabled: self.autoChangeEnabled = try reader.readBool()
            case .doubleLockEnabled: self.doubleLockEnabled = try reader.readBool()
            case .requiresApproval: self.requiresApproval = try reader.readBool()
            case .requiresComment: self.requiresComment = try reader.readBool()
            case .inheritsPermissions: self.inheritsPermissions = try reader.readBool()
            case .hidePassword: self.hidePassword = try reader.readBool()
            case .hasLauncher: self.hasLauncher = try reader.readBool()
            case .createDate: self.createDate = try reader.readString()
            case .daysUntilExpiration: self.daysUntilExpiration = try reader.readInt()
            }
        }
    }
}

extension SecretSummary.ExtendedField {
    enum WireKey: String, CaseIterable, Sendable { case name, value }
    static let wireKeys = WireKeyTable<WireKey>()

    /// Reads `{name, value}` as the synthesized `init(from:)` does: `name` required, `value` optional.
    init(wire reader: inout WireJSONReader) throws(WireJSONReader.Unsupported) {
        var name: String?
        var value: String?
        try reader.readObject(Self.wireKeys) { reader, key throws(WireJSONReader.Unsupported) in
            switch key {
            case .name: name = try reader.readString()
            case .value: value = try reader.readOptional { reader throws(WireJSONReader.Unsupported) in try reader.readString() }
            }
        }
        guard let name else { throw WireJSONReader.Unsupported() }
        self.init(name: name, value: value)
    }
}
