import Foundation
import GRDB
import SecretServerModels
import SesameRedaction

/// Secrets, their fields and files, folders, templates, metadata and restricted access (checkout, comments,
/// DoubleLock, approval).
struct SecretsStore: StoreConcern {
    let database: EmulatorDatabase
}

extension SecretsStore {
    static func itemContext(secretId: Int64, fieldId: Int64) -> String { "secret:\(secretId):field:\(fieldId)" }
    static func fileContext(secretId: Int64, fieldId: Int64) -> String { "file:\(secretId):field:\(fieldId)" }

    // MARK: Reading

    /// What the model of a secret is made from: everything read from the database, values still sealed.
    struct SecretSnapshot: Sendable {
        var row: SecretRow
        var template: Template
        var items: [SecretItemRow]
        var fileNames: [Int64: String]
        var checkout: Checkout?
        var checkoutUserName: String

        /// Whether the same read would give the same answer later while nothing is written, so that a cached
        /// snapshot may answer without the access rule running again: no check-out (its minutes run down) and no
        /// restriction (a comment, check-out, approval or DoubleLock depends on the request and on time).
        var isStable: Bool { checkout == nil && !row.settings.restrictsReading }
    }

    /// The full model of `row`, values decrypted.
    func secretModel(_ db: Database, _ row: SecretRow) throws -> SecretModel {
        try secretModel(secretSnapshot(db, row))
    }

    /// Reads what the model of `row` is made from.
    func secretSnapshot(_ db: Database, _ row: SecretRow) throws -> SecretSnapshot {
        guard let id = row.id, let template = try template(db, id: row.templateId) else {
            throw EmulatorAPIError.accessDenied
        }
        let stored = try SecretItemRow.fetchAll(db.cachedStatement(sql: "SELECT * FROM secret_item WHERE secretId = ?"), arguments: [id])
        var fileNames: [Int64: String] = [:]
        let attachmentIds = stored.compactMap(\.fileAttachmentId)
        if !attachmentIds.isEmpty {
            for file in try FileAttachmentRow.filter(keys: attachmentIds).fetchAll(db) {
                if let fileId = file.id { fileNames[fileId] = file.fileName }
            }
        }
        let checkout = try activeCheckout(db, secretId: id)
        let checkoutUserName = try checkout.flatMap { try UserRow.fetchOne(db, key: $0.userId)?.displayName } ?? ""
        return SecretSnapshot(
            row: row, template: template, items: stored, fileNames: fileNames, checkout: checkout, checkoutUserName: checkoutUserName
        )
    }

    /// The model of a snapshot: values decrypted here, on every call.
    func secretModel(_ snapshot: SecretSnapshot) throws -> SecretModel {
        let row = snapshot.row
        let template = snapshot.template
        let fileNames = snapshot.fileNames
        guard let id = row.id else { throw EmulatorAPIError.accessDenied }
        var byField: [Int64: SecretItemRow] = [:]
        for item in snapshot.items { byField[item.fieldId] = item }
        var model = SecretModel(
            id: Int(id), name: row.name, secretTemplateId: Int(row.templateId),
            folderId: row.folderId.map { Int($0) } ?? -1, active: row.active, siteId: row.siteId,
            secretTemplateName: template.row.name
        )
        model.items = try template.fields.map { field in
            let item = byField[field.id]
            var value = ""
            var attachment: Int64?
            if field.isFile {
                attachment = item?.fileAttachmentId
                value = attachment == nil ? "" : RestSecretItem.filePlaceholder
            } else if let item {
                value = try cipher.openString(item.value, context: Self.itemContext(secretId: id, fieldId: field.id))
            }
            return RestSecretItem(
                itemId: Int(item?.id ?? 0), fileAttachmentId: attachment.map { Int($0) },
                filename: attachment.flatMap { fileNames[$0] }, itemValue: value, fieldId: Int(field.id),
                fieldName: field.name, slug: field.slug, fieldDescription: field.description, isFile: field.isFile,
                isNotes: field.isNotes, isPassword: field.isPassword
            )
        }
        let settings = row.settings
        model.launcherConnectAsSecretId = settings.launcherConnectAsSecretId
        model.autoChangeEnabled = settings.autoChangeEnabled
        model.requiresApprovalForAccess = settings.requiresApprovalForAccess
        model.requiresComment = settings.requiresComment
        model.checkOutEnabled = settings.checkOutEnabled
        model.checkOutIntervalMinutes = settings.checkOutIntervalMinutes
        model.checkOutChangePasswordEnabled = settings.checkOutChangePasswordEnabled
        model.accessRequestWorkflowMapId = settings.accessRequestWorkflowMapId
        model.proxyEnabled = settings.proxyEnabled
        model.sessionRecordingEnabled = settings.sessionRecordingEnabled
        model.restrictSshCommands = settings.restrictSshCommands
        model.allowOwnersUnrestrictedSshCommands = settings.allowOwnersUnrestrictedSshCommands
        model.isDoubleLock = settings.isDoubleLock
        model.doubleLockId = settings.doubleLockId
        model.enableInheritPermissions = settings.enableInheritPermissions
        model.passwordTypeWebScriptId = settings.passwordTypeWebScriptId
        model.enableInheritSecretPolicy = settings.enableInheritSecretPolicy
        model.secretPolicyId = settings.secretPolicyId
        model.webLauncherRequiresIncognitoMode = settings.webLauncherRequiresIncognitoMode
        model.lastHeartBeatStatus = settings.lastHeartBeatStatus
        model.isOutOfSync = settings.isOutOfSync
        model.isRestricted = settings.restrictsReading
        model.lastHeartBeatCheck = settings.lastHeartBeatCheck.map(WireDate.string) ?? WireDate.never
        model.lastPasswordChangeAttempt = settings.lastPasswordChangeAttempt.map(WireDate.string) ?? WireDate.never
        if let checkout = snapshot.checkout {
            model.checkedOut = true
            model.checkOutUserId = Int(checkout.userId)
            model.checkOutUserDisplayName = snapshot.checkoutUserName
            model.checkOutMinutesRemaining = max(0, Int((checkout.expires.timeIntervalSince(now()) / 60).rounded(.up)))
        }
        return model
    }

    /// The row of secret `id`; the real access-denied error when there is none (whether it may be read is
    /// `requireSecret`'s to say).
    func secretRow(_ db: Database, id: Int64) throws -> SecretRow {
        guard let row = try SecretRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM secret WHERE id = ?"), arguments: [id]) else {
            throw EmulatorAPIError.accessDenied
        }
        return row
    }

    /// The id of the secret at `path` (`\Folder\Sub\Name`; `/` also separates), or `nil`: an active one first,
    /// else an inactive one (whether the caller may reach that is `requireSecret`'s to say).
    func secretId(path: String) async throws -> Int64? {
        try await databaseRead { db in
            var segments = FolderPath.names(path)
            guard let name = segments.popLast() else { return nil }
            var folderId: Int64?
            if !segments.isEmpty {
                guard let found = try self.folderId(db, path: segments.joined(separator: "\\")) else { return nil }
                folderId = found
            }
            let request = SecretRow.filter(Column("folderId") == folderId).filter(Column("name") == name)
            return try request.order(Column("active").desc, Column("id")).fetchOne(db)?.id
        }
    }

    func summary(_ row: SecretRow, templateName: String, folderPaths: [Int64: FolderRow]) -> SecretSummary {
        var summary = SecretSummary(
            id: Int(row.id ?? 0), name: row.name, secretTemplateId: Int(row.templateId),
            secretTemplateName: templateName, folderId: row.folderId.map { Int($0) } ?? -1
        )
        summary.folderPath = row.folderId.map { Self.path(of: $0, in: folderPaths) }
        summary.siteId = row.siteId
        summary.active = row.active
        summary.checkOutEnabled = row.settings.checkOutEnabled
        summary.autoChangeEnabled = row.settings.autoChangeEnabled
        summary.doubleLockEnabled = row.settings.isDoubleLock
        summary.requiresApproval = row.settings.requiresApprovalForAccess
        summary.requiresComment = row.settings.requiresComment
        summary.inheritsPermissions = row.settings.enableInheritPermissions
        summary.isRestricted = row.settings.restrictsReading
        summary.lastHeartBeatStatus = row.settings.lastHeartBeatStatus
        summary.isOutOfSync = row.settings.isOutOfSync
        summary.responseCodes = []
        summary.createDate = WireDate.string(from: row.created)
        if row.settings.expired == true { summary.daysUntilExpiration = 0 }
        return summary
    }

    /// A secret's summary, no values: List.
    func secretSummary(id: Int64, caller: Caller) async throws -> SecretSummary {
        try await databaseRead { db in
            let row = try access.requireSecret(db, caller, id: id, .list)
            let templateName = try TemplateRow.fetchOne(db, key: row.templateId)?.name ?? ""
            return self.summary(row, templateName: templateName, folderPaths: try self.folderIndex(db))
        }
    }

    /// What a secret search filters on.
    struct SecretFilter: Sendable, Hashable {
        var searchText: String?
        var isExactMatch = false
        var folderId: Int64?
        var includeSubFolders = false
        var templateIds: [Int64] = []
        var siteId: Int?
        var includeInactive = false
        var includeActive = true
        var sortDescending = false
        /// `name` (default), `id`, `created` or `template`.
        var sortField = "name"
        /// `searchText` matched against this field's value (by name, or by slug) instead of the name. Password
        /// fields are never searched, as on the real server.
        var searchField: String?
        var searchFieldSlug: String?
        /// `searchText` matched against the name or any of these fields' values (field names).
        var extendedFields: [String] = []
        var secretIds: [Int64] = []
        /// Only secrets shared with the caller directly (or through a group), not through a folder.
        var onlySharedWithMe = false
        /// Only secrets where the caller holds at least this role.
        var permissionRequired: SecretRole?
        var onlyCheckedOut = false
        var onlyCheckedOutByCaller = false
        var includeRestricted = true
        /// The local server has no launchers: `true` finds nothing.
        var hasLauncher: Bool?
        var heartbeatStatus: String?
        var allowDoubleLocks = true
        var doubleLockId: Int?
        var onlyRPCEnabled = false

        /// Whether the text is matched against field values (so not in SQL).
        var searchesValues: Bool { searchField != nil || searchFieldSlug != nil || !extendedFields.isEmpty }
        /// Whether rows must be looked at one by one after the query.
        var needsRowFilter: Bool {
            searchesValues || onlySharedWithMe || permissionRequired != nil || onlyCheckedOut || onlyCheckedOutByCaller
                || !includeRestricted || hasLauncher == true || heartbeatStatus != nil || !allowDoubleLocks || doubleLockId != nil
                || onlyRPCEnabled
        }
    }

    /// Secrets matching `filter` that the caller may at least List, one page of summaries and the total.
    ///
    /// The ordered ids of the whole result are kept in the read cache until the next change, so paging through
    /// a large search (`skip` growing by `take`) runs the query once instead of once per page, with its
    /// `LIKE` scan, count and `OFFSET` walk; each page then reads only its own rows.
    func searchSecrets(_ filter: SecretFilter, skip: Int, take: Int?, caller: Caller) async throws -> (records: [SecretSummary], total: Int) {
        let key = ReadCache.SearchKey(filter: filter, userId: caller.userId)
        let generation = readCache.generation
        let cached = readCache.search(key)
        return try await databaseRead { db in
            let folders = try self.folderIndex(db)
            let ids: [Int64]
            if let cached {
                ids = cached
            } else {
                // One policy for the SQL filter and the row filter alike.
                let policy = try AccessPolicy(db, caller: caller, folders: folders)
                let request = Self.visible(self.secretRequest(db, filter, folders: folders), policy)
                var found = try Int64.fetchAll(db, request.select(Column("id")).order(Self.searchOrder(filter)))
                if filter.needsRowFilter { found = try self.rowFilter(db, found, filter, caller: caller, policy: policy) }
                ids = found
                // A check-out ends by its clock, not by a write that would empty the cache: such results are not kept.
                if !filter.onlyCheckedOut && !filter.onlyCheckedOutByCaller {
                    self.readCache.store(search: ids, for: key, generation: generation)
                }
            }
            let start = min(max(skip, 0), ids.count)
            let end = take.map { min(Saturating.add(start, max($0, 0)), ids.count) } ?? ids.count
            let pageIds = ids[start..<end]
            var rows: [Int64: SecretRow] = [:]
            for row in try SecretRow.fetchAll(db, keys: pageIds) { rows[row.id ?? 0] = row }
            var templateNames: [Int64: String] = [:]
            for template in try TemplateRow.fetchAll(db) { templateNames[template.id] = template.name }
            let records = pageIds.compactMap { id in
                rows[id].map { self.summary($0, templateName: templateNames[$0.templateId] ?? "", folderPaths: folders) }
            }
            return (records, ids.count)
        }
    }

    /// The order of a search's results: its sort field, then the id.
    private static func searchOrder(_ filter: SecretFilter) -> [any SQLOrderingTerm] {
        let descending = filter.sortDescending
        switch filter.sortField {
        case "id": return [descending ? Column("id").desc : Column("id").asc]
        case "created": return [descending ? Column("created").desc : Column("created").asc, Column("id")]
        case "template": return [descending ? Column("templateId").desc : Column("templateId").asc, Column("id")]
        default:
            return [descending ? Column("name").collating(.nocase).desc : Column("name").collating(.nocase).asc, Column("id")]
        }
    }

    /// The number of active secrets of each template that the caller may at least List (`filter.includeSecretCount`):
    /// a count is no window onto secrets one cannot see.
    func secretCountsByTemplate(caller: Caller) async throws -> [Int64: Int] {
        try await databaseRead { db in
            let folders = try self.folderIndex(db)
            let request = Self.visible(SecretRow.filter(Column("active") == true), try AccessPolicy(db, caller: caller, folders: folders))
            var counts: [Int64: Int] = [:]
            for templateId in try Int64.fetchAll(db, request.select(Column("templateId"))) { counts[templateId, default: 0] += 1 }
            return counts
        }
    }

    /// The number of secrets matching `filter`: the search's own total (and its cached ids).
    func countSecrets(_ filter: SecretFilter, caller: Caller) async throws -> Int {
        try await searchSecrets(filter, skip: 0, take: 0, caller: caller).total
    }

    /// Narrows `request` to the secrets the caller may at least List (`AccessPolicy.visibleSecrets`, the same rule
    /// as a single secret's role).
    private static func visible(_ request: QueryInterfaceRequest<SecretRow>, _ policy: AccessPolicy) -> QueryInterfaceRequest<SecretRow> {
        // Deactivated secrets are hidden from whoever lacks View Inactive Secrets, filter.includeInactive or not.
        let request = AccessStore.canViewInactive(policy.caller) ? request : request.filter(Column("active") == true)
        return policy.visibleSecrets(request)
    }

    private func secretRequest(_ db: Database, _ filter: SecretFilter, folders: [Int64: FolderRow]) -> QueryInterfaceRequest<SecretRow> {
        var request = SecretRow.all()
        switch (filter.includeActive, filter.includeInactive) {
        case (true, false): request = request.filter(Column("active") == true)
        case (false, true): request = request.filter(Column("active") == false)
        case (false, false): request = request.filter(sql: "0")
        case (true, true): break
        }
        if !filter.secretIds.isEmpty { request = request.filter(filter.secretIds.contains(Column("id"))) }
        if let text = filter.searchText, !text.isEmpty, !filter.searchesValues {
            if filter.isExactMatch {
                request = request.filter(Column("name") == text)
            } else {
                request = request.filter(Column("name").like("%\(SQLFilter.escapeLike(text))%", escape: "\\"))
            }
        }
        if let folderId = filter.folderId {
            if folderId == -1 {
                if !filter.includeSubFolders { request = request.filter(Column("folderId") == nil) }
            } else if filter.includeSubFolders {
                request = request.filter(Self.subtree(of: folderId, in: folders).contains(Column("folderId")))
            } else {
                request = request.filter(Column("folderId") == folderId)
            }
        }
        if !filter.templateIds.isEmpty { request = request.filter(filter.templateIds.contains(Column("templateId"))) }
        if let siteId = filter.siteId { request = request.filter(Column("siteId") == siteId) }
        return request
    }

    /// The filters a query cannot express: values (decrypted here), the caller's roles and shares, check-outs and
    /// settings. Keeps `ids`' order.
    private func rowFilter(_ db: Database, _ ids: [Int64], _ filter: SecretFilter, caller: Caller, policy: AccessPolicy) throws -> [Int64] {
        if filter.hasLauncher == true { return [] }
        var rows: [Int64: SecretRow] = [:]
        for row in try SecretRow.fetchAll(db, keys: ids) { rows[row.id ?? 0] = row }
        let shared = filter.onlySharedWithMe ? policy.explicitlySharedSecretIds : []
        let text = (filter.searchText ?? "").lowercased()
        func matches(_ value: String) -> Bool {
            filter.isExactMatch ? value.lowercased() == text : value.lowercased().contains(text)
        }
        return try ids.filter { id in
            guard let row = rows[id] else { return false }
            let settings = row.settings
            if filter.onlySharedWithMe && !shared.contains(id) { return false }
            if !filter.includeRestricted && settings.restrictsReading { return false }
            if let status = filter.heartbeatStatus, settings.lastHeartBeatStatus.lowercased() != status.lowercased() { return false }
            if !filter.allowDoubleLocks && settings.isDoubleLock { return false }
            if let lock = filter.doubleLockId, !(settings.isDoubleLock && settings.doubleLockId == lock) { return false }
            if filter.onlyRPCEnabled && !settings.autoChangeEnabled { return false }
            if filter.onlyCheckedOut || filter.onlyCheckedOutByCaller {
                guard let checkout = try self.activeCheckout(db, secretId: id) else { return false }
                if filter.onlyCheckedOutByCaller && checkout.userId != caller.userId { return false }
            }
            if let role = filter.permissionRequired {
                guard let held = policy.secretRole(row), held >= role else { return false }
            }
            guard filter.searchesValues, !text.isEmpty else { return true }
            // extendedFields: the name counts for whoever may list the secret.
            if !filter.extendedFields.isEmpty && matches(row.name) { return true }
            // A value is matched only where the caller could read it as it is: View or better, and no restriction
            // to pass (a comment, check-out, approval or DoubleLock); else the search would be a way round them.
            guard !settings.restrictsReading, let held = policy.secretRole(row), held >= .view else {
                return false
            }
            guard let template = try self.template(db, id: row.templateId) else { return false }
            // Password fields are never searched.
            let searchable = template.fields.filter { !$0.isPassword && !$0.isFile }
            var fields: [TemplateFieldRow] = []
            if let name = filter.searchField { fields += searchable.filter { $0.name.lowercased() == name.lowercased() } }
            if let slug = filter.searchFieldSlug { fields += searchable.filter { $0.slug.lowercased() == slug.lowercased() } }
            let extended = Set(filter.extendedFields.map { $0.lowercased() })
            fields += searchable.filter { extended.contains($0.name.lowercased()) || extended.contains($0.slug.lowercased()) }
            for field in fields {
                guard let item = try SecretItemRow.filter(Column("secretId") == id).filter(Column("fieldId") == field.id).fetchOne(db)
                else { continue }
                let value = try self.cipher.openString(item.value, context: Self.itemContext(secretId: id, fieldId: field.id))
                if matches(value) { return true }
            }
            return false
        }
    }

    /// A new secret for `templateId` with empty values, as `/secrets/stub` returns it.
    func secretStub(templateId: Int64, folderId: Int64?) async throws -> SecretModel {
        try await databaseRead { db in
            guard let template = try self.template(db, id: templateId) else { throw EmulatorAPIError.accessDenied }
            if let folderId, try FolderRow.fetchOne(db, key: folderId) == nil { throw EmulatorAPIError.accessDenied }
            var model = SecretModel(
                secretTemplateId: Int(templateId), folderId: folderId.map { Int($0) } ?? -1,
                secretTemplateName: template.row.name
            )
            model.items = template.fields.map { field in
                RestSecretItem(
                    fieldId: Int(field.id), fieldName: field.name, slug: field.slug,
                    fieldDescription: field.description, isFile: field.isFile, isNotes: field.isNotes,
                    isPassword: field.isPassword
                )
            }
            return model
        }
    }

    // MARK: Writing

    /// Creates a secret: Add Secret on its folder (administrators only at the root). A creator who is not an
    /// administrator becomes its Owner.
    func createSecret(_ input: SecretInput, caller: Caller) async throws -> SecretModel {
        let model = try await createSecretRecord(input, caller: caller)
        audit(Int64(model.id), caller, "CREATE")
        return model
    }

    private func createSecretRecord(_ input: SecretInput, caller: Caller) async throws -> SecretModel {
        guard let name = input.name?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty else {
            throw EmulatorAPIError.invalid("Name", "The Name field is required.")
        }
        guard let templateId = input.templateId else {
            throw EmulatorAPIError.invalid("SecretTemplateId", "The SecretTemplateId field is required.")
        }
        let now = self.now()
        // A key pair takes a moment to make: made before the write, not inside it.
        let keys = try await generatedSSHKeys(input, templateId: templateId, comment: name, caller: caller)
        return try await writer.write { db in
            guard let template = try self.template(db, id: templateId), template.row.active else {
                throw EmulatorAPIError.accessDenied
            }
            let folderId = input.folderId ?? nil
            if let folderId { _ = try access.requireFolder(db, caller, id: folderId, .addSecret) } else { try access.requireAdmin(caller) }
            var values = try self.resolveItems(input.items ?? [], template: template, existing: [:])
            if let keys, let passphrase = keys.passphrase { values[keys.passphraseFieldId] = passphrase }
            for field in template.fields where field.isRequired && !field.isFile {
                if (values[field.id] ?? "").isEmpty {
                    throw EmulatorAPIError.badRequest("API_RequiredFieldMissing", "Secret field is required: \(field.name)")
                }
            }
            var settings = SecretSettings()
            settings.apply(input.body)
            var row = SecretRow(
                id: nil, name: name, templateId: templateId, folderId: folderId, siteId: input.siteId ?? 1,
                active: true, created: now, modified: now, settings: settings
            )
            try row.insert(db)
            guard let id = row.id else { throw EmulatorAPIError.accessDenied }
            if !caller.isAdmin {
                var owner = SecretPermissionRow(id: nil, secretId: id, userId: caller.userId, groupId: nil, role: SecretRole.owner.name)
                try owner.insert(db)
            }
            for field in template.fields where !field.isFile {
                var item = SecretItemRow(
                    id: nil, secretId: id, fieldId: field.id,
                    value: try self.cipher.sealString(values[field.id] ?? "", context: Self.itemContext(secretId: id, fieldId: field.id)),
                    fileAttachmentId: nil
                )
                try item.insert(db)
            }
            if let keys, let pair = keys.pair {
                for (fieldId, fileName, content) in [
                    (keys.privateKeyFieldId, "private-key.pem", pair.privateKeyPEM), (keys.publicKeyFieldId, "public-key.pub", pair.publicKey + "\n"),
                ] {
                    var file = FileAttachmentRow(
                        id: nil, secretId: id, fieldId: fieldId, fileName: fileName,
                        content: try self.cipher.seal(Data(content.utf8), context: Self.fileContext(secretId: id, fieldId: fieldId))
                    )
                    try file.insert(db)
                    var item = SecretItemRow(id: nil, secretId: id, fieldId: fieldId, value: Data(), fileAttachmentId: file.id)
                    try item.insert(db)
                }
            }
            return try self.secretModel(db, row)
        }
    }

    /// What `sshKeyArgs` makes for a new secret: where it goes (the template's SSH key mappings), the passphrase
    /// when one is generated, and the key pair, encrypted with the passphrase given or generated.
    struct GeneratedSSHKeys: Sendable, Redacting {
        var privateKeyFieldId: Int64
        var publicKeyFieldId: Int64
        var passphraseFieldId: Int64
        var passphrase: String?
        var pair: SSHKeyPair?

        var redactedDescription: String {
            "fields: \(privateKeyFieldId)/\(publicKeyFieldId)/\(passphraseFieldId), passphrase: \(passphrase == nil ? "none" : "<redacted>"), pair: \(pair.map { "\($0)" } ?? "none")"
        }
    }

    private func generatedSSHKeys(_ input: SecretInput, templateId: Int64, comment: String, caller: Caller) async throws -> GeneratedSSHKeys? {
        guard input.generateSshKeys || input.generatePassphrase else { return nil }
        guard let mapping = Seed.sshKeyMappings[templateId] else {
            throw EmulatorAPIError.badRequest(
                "API_SshKeyGenerationNotSupported",
                "The secret template has no SSH key mappings, so sshKeyArgs cannot generate a key for it (use Unix Account (SSH Key Rotation))."
            )
        }
        let (fields, given, requirement, length) = try await databaseRead { db in
            guard let template = try self.template(db, id: templateId), template.row.active else { throw EmulatorAPIError.accessDenied }
            // The create's own checks first: a caller who may not create the secret makes no key (a key pair costs
            // real work). The write checks them again, in its transaction.
            if let folderId = input.folderId ?? nil {
                _ = try access.requireFolder(db, caller, id: folderId, .addSecret)
            } else {
                try access.requireAdmin(caller)
            }
            let values = try self.resolveItems(input.items ?? [], template: template, existing: [:])
            func field(_ slug: String) throws -> TemplateFieldRow {
                guard let field = template.fields.first(where: { $0.slug == slug }) else { throw EmulatorAPIError.accessDenied }
                return field
            }
            let passphrase = try field(mapping.passphrase)
            let requirement =
                try PasswordRequirementRow.fetchOne(db, key: passphrase.passwordRequirementId ?? Seed.defaultRequirementId)
                ?? Seed.requirements[0]
            return (
                (try field(mapping.privateKey).id, try field(mapping.publicKey).id, passphrase.id), values[passphrase.id],
                requirement, passphrase.generatePasswordLength
            )
        }
        // The passphrase: a new one when asked, else the one the request gives (none: the key is not encrypted).
        let passphrase =
            input.generatePassphrase
            ? PasswordGenerator.generate(requirement: requirement, length: length) : given.flatMap { $0.isEmpty ? nil : $0 }
        let pair = input.generateSshKeys ? try SSHKeyPair.generate(passphrase: passphrase, comment: comment) : nil
        return GeneratedSSHKeys(
            privateKeyFieldId: fields.0, publicKeyFieldId: fields.1, passphraseFieldId: fields.2,
            passphrase: input.generatePassphrase ? passphrase : nil, pair: pair
        )
    }

    /// Saves a secret: replaces its name, place, settings and the values of the items sent (items not sent keep
    /// their values; file fields are changed through `/fields/{slug}` only). The one rule applies with Edit, as
    /// the answer shows the values; Add Secret on a folder it moves to; Owner to change a restriction, the
    /// inheritance of permissions, the policy, or `active`.
    func updateSecret(id: Int64, _ input: SecretInput, options: AccessOptions, caller: Caller) async throws -> SecretModel {
        let model = try await updateSecretRecord(id: id, input, options: options, caller: caller)
        audit(id, caller, "EDIT", notes: options.comment, ticket: options.ticketNumber)
        return model
    }

    private func updateSecretRecord(id: Int64, _ input: SecretInput, options: AccessOptions, caller: Caller) async throws -> SecretModel {
        if let bodyId = input.id, bodyId != id {
            throw EmulatorAPIError.badRequest("API_IdMismatch", "The id in the body (\(bodyId)) does not match the id in the URL (\(id)).")
        }
        if let name = input.name, name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw EmulatorAPIError.invalid("Name", "The Name field is required.")
        }
        // Keys are generated when a secret is made; an update that asks for it is refused (a body that only
        // carries sshKeyArgs with both flags off, as typed clients serialise it, passes).
        if input.generateSshKeys || input.generatePassphrase {
            throw EmulatorAPIError.badRequest("API_SshKeyArgsOnlyOnCreate", "sshKeyArgs generates keys when a secret is created, not on update.")
        }
        let now = self.now()
        var options = options
        // Restoring a secret (active: true) reaches it while it is still inactive.
        if input.active == true { options.includeInactive = true }
        // The answer holds the values, and the change writes them: the one rule, with Edit.
        return try await writeValues(id: id, caller: caller, options: options) { db, row in
            if Self.changesOwnerSettings(input.body, of: row) { _ = try access.requireSecret(db, caller, id: id, .owner, includeInactive: true) }
            guard let template = try self.template(db, id: row.templateId) else { throw EmulatorAPIError.accessDenied }
            if let folderId = input.folderId, folderId != row.folderId {
                if let folderId { _ = try access.requireFolder(db, caller, id: folderId, .addSecret) } else { try access.requireAdmin(caller) }
                row.folderId = folderId
            }
            if let name = input.name { row.name = name.trimmingCharacters(in: .whitespacesAndNewlines) }
            if let siteId = input.siteId { row.siteId = siteId }
            if let active = input.active { row.active = active }
            row.settings.apply(input.body)
            row.modified = now
            let stored = try SecretItemRow.filter(Column("secretId") == id).fetchAll(db)
            var existing: [Int64: SecretItemRow] = [:]
            for item in stored { existing[item.fieldId] = item }
            let values = try self.resolveItems(input.items ?? [], template: template, existing: existing)
            for field in template.fields where field.isRequired && !field.isFile {
                if let value = values[field.id], value.isEmpty {
                    throw EmulatorAPIError.badRequest("API_RequiredFieldMissing", "Secret field is required: \(field.name)")
                }
            }
            try row.update(db)
            for field in template.fields where !field.isFile {
                guard let value = values[field.id] else { continue }
                let sealed = try self.cipher.sealString(value, context: Self.itemContext(secretId: id, fieldId: field.id))
                if var item = existing[field.id] {
                    item.value = sealed
                    try item.update(db)
                } else {
                    var item = SecretItemRow(id: nil, secretId: id, fieldId: field.id, value: sealed, fileAttachmentId: nil)
                    try item.insert(db)
                }
            }
            return try self.secretModel(db, row)
        }
    }

    /// Matches sent items to template fields: by `itemId`, then `fieldId`, then `slug`, then `fieldName`.
    ///
    /// Returns the new text value per field id for the non-file fields that were sent with a value.
    private func resolveItems(
        _ items: [SecretInput.Item], template: Template, existing: [Int64: SecretItemRow]
    ) throws -> [Int64: String] {
        var itemToField: [Int64: Int64] = [:]
        for (fieldId, item) in existing { if let itemId = item.id { itemToField[itemId] = fieldId } }
        var values: [Int64: String] = [:]
        for item in items {
            guard let value = item.value else { continue }
            let field: TemplateFieldRow?
            if let itemId = item.itemId, itemId > 0, let fieldId = itemToField[itemId] {
                field = template.fields.first { $0.id == fieldId }
            } else if let fieldId = item.fieldId, let match = template.fields.first(where: { $0.id == fieldId }) {
                field = match
            } else if let slug = item.slug, let match = template.fields.first(where: { $0.slug.lowercased() == slug.lowercased() }) {
                field = match
            } else if let name = item.fieldName,
                let match = template.fields.first(where: { $0.name.lowercased() == name.lowercased() })
            {
                field = match
            } else {
                field = nil
            }
            guard let field, !field.isFile else { continue }
            values[field.id] = value
        }
        return values
    }

    /// Deactivates a secret (the real server's DELETE is a soft delete): Owner.
    func deactivateSecret(id: Int64, comment: String? = nil, caller: Caller) async throws {
        let now = self.now()
        try await writer.write { db in
            var row = try access.requireSecret(db, caller, id: id, .owner)
            try self.requireNotCheckedOutByOthers(db, caller, secretId: id)
            row.active = false
            row.modified = now
            try row.update(db)
        }
        audit(id, caller, "DEACTIVATE", notes: comment)
    }

    // MARK: Fields

    /// What one field holds.
    enum FieldContent: Sendable {
        case text(String)
        case file(name: String, content: Data)
        case noFile
    }

    /// One field's content, from a row whose access was checked (see `readValues`).
    func fieldContent(_ db: Database, _ row: SecretRow, slug: String) throws -> FieldContent {
        guard let secretId = row.id, let template = try template(db, id: row.templateId), let field = Self.field(slug, in: template) else {
            throw EmulatorAPIError.badRequest("API_FieldNotFound", "The secret has no field '\(slug)'.")
        }
        let item = try SecretItemRow.filter(Column("secretId") == secretId).filter(Column("fieldId") == field.id).fetchOne(db)
        if field.isFile {
            guard let attachmentId = item?.fileAttachmentId, let file = try FileAttachmentRow.fetchOne(db, key: attachmentId) else {
                return .noFile
            }
            return .file(name: file.fileName, content: try cipher.open(file.content, context: Self.fileContext(secretId: secretId, fieldId: field.id)))
        }
        guard let item else { return .text("") }
        return .text(try cipher.openString(item.value, context: Self.itemContext(secretId: secretId, fieldId: field.id)))
    }

    /// A field by slug, else by name (case-insensitive).
    static func field(_ key: String, in template: Template) -> TemplateFieldRow? {
        let folded = key.lowercased()
        return template.fields.first { $0.slug.lowercased() == folded } ?? template.fields.first { $0.name.lowercased() == folded }
    }

    /// What a field write sets.
    enum FieldWrite: Sendable {
        case text(String)
        case file(name: String, content: Data)
    }

    /// Sets one field, under the one rule with Edit (a restricted secret asks the same of a write as of a read).
    ///
    /// Text goes to text fields, files to file fields; the other way round is refused.
    func setField(secretId: Int64, slug: String, _ write: FieldWrite, options: AccessOptions, caller: Caller) async throws {
        let now = self.now()
        try await writeValues(id: secretId, caller: caller, options: options) { db, row in
            guard let template = try self.template(db, id: row.templateId), let field = Self.field(slug, in: template) else {
                throw EmulatorAPIError.badRequest("API_FieldNotFound", "The secret has no field '\(slug)'.")
            }
            var item =
                try SecretItemRow.filter(Column("secretId") == secretId).filter(Column("fieldId") == field.id).fetchOne(db)
                ?? SecretItemRow(id: nil, secretId: secretId, fieldId: field.id, value: Data(), fileAttachmentId: nil)
            switch write {
            case .text(let value):
                guard !field.isFile else {
                    throw EmulatorAPIError.badRequest("API_FileFieldRequiresFile", "'\(field.slug)' is a file field; send fileName and fileAttachment.")
                }
                if field.isRequired && value.isEmpty {
                    throw EmulatorAPIError.badRequest("API_RequiredFieldMissing", "Secret field is required: \(field.name)")
                }
                item.value = try self.cipher.sealString(value, context: Self.itemContext(secretId: secretId, fieldId: field.id))
            case .file(let name, let content):
                guard field.isFile else {
                    throw EmulatorAPIError.badRequest("API_FieldIsNotFile", "'\(field.slug)' is not a file field; send a value.")
                }
                if let old = item.fileAttachmentId { _ = try FileAttachmentRow.deleteOne(db, key: old) }
                var file = FileAttachmentRow(
                    id: nil, secretId: secretId, fieldId: field.id, fileName: name,
                    content: try self.cipher.seal(content, context: Self.fileContext(secretId: secretId, fieldId: field.id))
                )
                try file.insert(db)
                item.fileAttachmentId = file.id
            }
            if item.id == nil { try item.insert(db) } else { try item.update(db) }
            row.modified = now
            try row.update(db)
        }
        audit(secretId, caller, "EDIT", notes: options.comment.map { "field \(slug): \($0)" } ?? "field \(slug)", ticket: options.ticketNumber)
    }
}

extension SecretsStore.FieldWrite: Redacting {
    var redactedDescription: String {
        switch self {
        case .text: "text(<redacted>)"
        case .file(let name, let content): "file(name: \(name), \(content.count) bytes: <redacted>)"
        }
    }
}

extension SecretsStore.FieldContent: Redacting {
    var redactedDescription: String {
        switch self {
        case .text: "text(<redacted>)"
        case .file(let name, let content): "file(name: \(name), \(content.count) bytes: <redacted>)"
        case .noFile: "noFile"
        }
    }
}
