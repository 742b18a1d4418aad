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
            case .responseCodes:
                var codes: [String] = []
                try reader.readArray { reader throws(WireJSONReader.Unsupported) in codes.append(try reader.readString()) }
                self.responseCodes = codes
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

extension Sort {
    enum WireKey: String, CaseIterable, Sendable { case name, direction, priority }
    static let wireKeys = WireKeyTable<WireKey>()

    /// Reads a sort key as the synthesized `init(from:)` does: every key required.
    init(wire reader: inout WireJSONReader) throws(WireJSONReader.Unsupported) {
        var name: String?
        var direction: String?
        var priority: Int?
        try reader.readObject(Self.wireKeys) { reader, key throws(WireJSONReader.Unsupported) in
            switch key {
            case .name: name = try reader.readString()
            case .direction: direction = try reader.readString()
            case .priority: priority = try reader.readInt()
            }
        }
        guard let name, let direction, let priority else { throw WireJSONReader.Unsupported() }
        self.init(name: name, direction: direction, priority: priority)
    }
}

extension Page: WireJSONDecodable where Record == SecretSummary {
    /// Reads a page of summaries as `init(from:)` does (the same fallbacks, some derived from other keys),
    /// without `JSONDecoder`; `nil` when the text is anything the reader leaves to `JSONDecoder`.
    public static func decodeWireJSON(_ bytes: UnsafeRawBufferPointer) -> Page<SecretSummary>? {
        readWholeDocument(bytes) { reader throws(WireJSONReader.Unsupported) in
            var ints: [CodingKeys: Int] = [:]
            var bools: [CodingKeys: Bool] = [:]
            var records: [SecretSummary] = []
            var sortBy: [Sort] = []
            var severity = "None"
            try reader.readObject(pageKeys) { reader, key throws(WireJSONReader.Unsupported) in
                if try reader.readNull() { return }
                switch key {
                case .skip, .take, .total, .pageCount, .currentPage, .batchCount, .prevSkip, .nextSkip:
                    ints[key] = try reader.readInt()
                case .hasPrev, .hasNext, .success:
                    bools[key] = try reader.readBool()
                case .records:
                    try reader.readArray { reader throws(WireJSONReader.Unsupported) in
                        records.append(try SecretSummary(wire: &reader))
                    }
                case .sortBy:
                    try reader.readArray { reader throws(WireJSONReader.Unsupported) in sortBy.append(try Sort(wire: &reader)) }
                case .severity:
                    severity = try reader.readString()
                }
            }
            var page = Page(records: records, skip: 0, take: 0, total: 0, sortBy: sortBy)
            page.skip = ints[.skip] ?? 0
            page.take = ints[.take] ?? 0
            page.total = ints[.total] ?? records.count
            page.pageCount = ints[.pageCount] ?? 0
            page.currentPage = ints[.currentPage] ?? 0
            page.batchCount = ints[.batchCount] ?? 0
            page.prevSkip = ints[.prevSkip] ?? 0
            page.nextSkip = ints[.nextSkip] ?? page.skip + records.count
            page.hasPrev = bools[.hasPrev] ?? (page.skip > 0)
            page.hasNext = bools[.hasNext] ?? false
            page.success = bools[.success] ?? true
            page.severity = severity
            return page
        }
    }
}

/// The keys of `Page`, shared by every page type read from the wire.
private let pageKeys = WireKeyTable<Page<SecretSummary>.CodingKeys>()
