import Foundation
import Hummingbird
import SecretServerModels

extension EmulatorRoutes {
    func registerSecrets(on router: Groups) {
        for version in ["v1", "v2"] {
            api(router, .get, "/\(version)/secrets") { request, _, caller in try await self.searchSecrets(request, caller: caller) }
            api(router, .get, "/\(version)/secrets/search-total") { request, _, caller in
                let filter = try self.secretFilter(request.query)
                _ = try request.query.list(defaultTake: self.configuration.defaultPageSize)  // a total is the same on every page
                return try Responses.json(try await self.store.secrets.countSecrets(filter, caller: caller))
            }
            api(router, .get, "/\(version)/secrets/:id") { request, context, caller in
                let id = try await self.secretId(request, context)
                let options = try Self.accessOptions(request.query, body: nil)
                return Responses.secret(try await self.store.secrets.readSecretModel(id: id, caller: caller, options: options))
            }
        }
        api(router, .get, "/v1/secrets/stub") { request, _, caller in
            let query = request.query
            guard let templateId = try query.int("secretTemplateId", "filter.secretTemplateId") else {
                throw EmulatorAPIError.invalid("SecretTemplateId", "The secretTemplateId query parameter is required.")
            }
            let folderId = try query.int("folderId", "filter.folderId").flatMap { $0 > 0 ? Int64($0) : nil }
            return try Responses.json(try await self.store.secrets.secretStub(templateId: Int64(templateId), folderId: folderId))
        }
        api(router, .post, "/v1/secrets") { request, _, caller in
            let input = try SecretInput(try await request.jsonObject(limit: self.configuration.maximumBodySize))
            return try Responses.json(try await self.store.secrets.createSecret(input, caller: caller))
        }
        for path in ["/v1/secrets/:id", "/v1/secrets/:id/restricted"] {
            api(router, .put, path) { request, context, caller in
                let id = try await self.secretId(request, context)
                let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
                let options = try Self.accessOptions(request.query, body: body)
                let input = try SecretInput(body)
                return try Responses.json(try await self.store.secrets.updateSecret(id: id, input, options: options, caller: caller))
            }
        }
        api(router, .delete, "/v1/secrets/:id") { request, context, caller in
            let id = try await self.secretId(request, context)
            // Deactivating reads no value, so nothing is checked out; the comment goes into the audit.
            let options = try Self.accessOptions(request.query, body: nil)
            try await self.store.secrets.deactivateSecret(id: id, comment: options.comment, caller: caller)
            return try Responses.json(DeletedModel(id: Int(id), objectType: "Secret"))
        }
        api(router, .get, "/v1/secrets/:id/summary") { request, context, caller in
            let id = try await self.secretId(request, context)
            _ = try Self.accessOptions(request.query, body: nil)  // checked; a summary reads no value, so nothing is checked out
            return try Responses.json(try await self.store.secrets.secretSummary(id: id, caller: caller))
        }
        api(router, .get, "/v1/secrets/:id/fields/:slug") { request, context, caller in
            let id = try await self.secretId(request, context)
            return try await self.readField(
                id: id, slug: self.text(context, "slug"), options: try Self.accessOptions(request.query, body: nil),
                caller: caller)
        }
        api(router, .post, "/v1/secrets/:id/restricted") { request, context, caller in
            let id = try await self.secretId(request, context)
            let body = try await request.jsonBody(limit: self.configuration.maximumBodySize)?.objectValue
            let options = try Self.accessOptions(request.query, body: body)
            return try Responses.json(
                try await self.store.secrets.readValues(id: id, caller: caller, options: options) { db, row in
                    try self.store.secrets.secretModel(db, row)
                })
        }
        api(router, .post, "/v1/secrets/:id/restricted/fields/:slug") { request, context, caller in
            let id = try await self.secretId(request, context)
            let body = try await request.jsonBody(limit: self.configuration.maximumBodySize)?.objectValue
            return try await self.readField(
                id: id, slug: self.text(context, "slug"), options: try Self.accessOptions(request.query, body: body),
                caller: caller)
        }
        api(router, .post, "/v1/secrets/:id/check-out") { request, context, caller in
            try await self.store.secrets.checkOut(id: try await self.secretId(request, context), caller: caller)
            return try Responses.json(SecretResponseCodeModel())
        }
        api(router, .post, "/v1/secrets/:id/check-in") { request, context, caller in
            let body = try await request.jsonBody(limit: self.configuration.maximumBodySize)?.objectValue
            return try Responses.json(
                try await self.store.secrets.checkIn(
                    id: try await self.secretId(request, context), caller: caller, options: try Self.accessOptions(request.query, body: body)
                ))
        }
        api(router, .post, "/v1/secrets/:id/extend-check-out") { request, context, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            let data = body["data"]?.objectValue ?? body
            guard let minutes = data["minutesToAdd"]?.intValue else {
                throw EmulatorAPIError.invalid("MinutesToAdd", "The MinutesToAdd field is required.")
            }
            let until = try await self.store.secrets.extendCheckout(
                id: try self.id(context), minutes: minutes, notes: data["notes"]?.stringValue, caller: caller
            )
            return try Responses.json(SecretCheckOutExtensionResponseModel(checkOutEndTime: WireDate.string(from: until)))
        }
        for version in ["v1", "v2"] {
            api(router, .patch, "/\(version)/secrets/:id/general") { request, context, caller in
                let id = try await self.secretId(request, context)
                let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
                let options = try Self.accessOptions(request.query, body: body)
                guard let data = body["data"]?.objectValue else { throw EmulatorAPIError.invalid("Data", "The body must be {\"data\": {...}}.") }
                return try Responses.json(try await self.store.secrets.patchGeneral(id: id, data: data, options: options, caller: caller))
            }
        }
        api(router, .get, "/v1/secrets/:id/state") { request, context, caller in
            let id = try await self.secretId(request, context)
            _ = try Self.accessOptions(request.query, body: nil)  // checked; the state reads no value, so nothing is checked out
            return try Responses.json(try await self.store.secrets.state(id: id, caller: caller))
        }
        api(router, .get, "/v1/secrets/:id/audits") { request, context, caller in
            let query = request.query
            let (skip, take) = try query.list(defaultTake: self.configuration.defaultPageSize).window  // newest first (QueryContract)
            let actions = Self.commaList(query.string("filter.auditActions"))
            guard actions.count <= QueryParameters.maximumListCount else { throw QueryParameters.tooMany("filter.auditActions") }
            // false is all that is served (QueryContract refuses true): pages, with no separate password change log.
            _ = try query.bool("isExporting")
            _ = try query.bool("filter.includePasswordChangeLog")
            let result = try await self.store.secrets.secretAudits(
                id: try await self.secretId(request, context), actions: actions, caller: caller, skip: skip, take: take
            )
            return try self.page(result.records, total: result.total, skip: skip, take: take)
        }
        api(router, .put, "/v3/secrets/:id/activate") { request, context, caller in
            try await self.store.secrets.activateSecret(id: try await self.secretId(request, context), caller: caller)
            return try Responses.json(ActivateSecretResponseModel(success: true))
        }
        api(router, .post, "/v1/secrets/:id/expire") { request, context, caller in
            let body = try await request.jsonBody(limit: self.configuration.maximumBodySize)?.objectValue
            return try Responses.json(
                try await self.store.secrets.expireSecret(
                    id: try await self.secretId(request, context), caller: caller, options: try Self.accessOptions(request.query, body: body)
                ))
        }
        api(router, .post, "/v1/secrets/:id/heartbeat") { request, context, caller in
            let id = try await self.secretId(request, context)
            _ = try Self.accessOptions(request.query, body: nil)  // checked; a heartbeat reads no value, so nothing is checked out
            return try Responses.json(try await self.store.secrets.heartbeat(id: id, caller: caller))
        }
        api(router, .post, "/v1/secrets/:id/change-password") { request, context, caller in
            let body = try await request.jsonBody(limit: self.configuration.maximumBodySize)?.objectValue
            return try Responses.json(
                try await self.store.secrets.changePassword(
                    id: try await self.secretId(request, context), newPassword: body?["newPassword"]?.stringValue, caller: caller,
                    options: try Self.accessOptions(request.query, body: body)
                ))
        }
        api(router, .put, "/v1/secrets/:id/fields/:slug") { request, context, caller in
            let id = try await self.secretId(request, context)
            let slug = self.text(context, "slug")
            let write: SecretsStore.FieldWrite
            let options: SecretsStore.AccessOptions
            if let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/") {
                write = try await Self.multipartFieldWrite(request, contentType: type, limit: self.configuration.maximumBodySize)
                options = try Self.accessOptions(request.query, body: nil)
            } else {
                let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
                options = try Self.accessOptions(request.query, body: body)
                write = try Self.fieldWrite(body)
            }
            try await self.store.secrets.setField(secretId: id, slug: slug, write, options: options, caller: caller)
            if case .text(let value) = write { return try Responses.json(value) }
            return try Responses.json("")
        }
    }

    /// Reads one field, with the restrictions of reading values.
    func readField(id: Int64, slug: String, options: SecretsStore.AccessOptions, caller: Caller) async throws -> Response {
        let content = try await store.secrets.readValues(id: id, caller: caller, options: options) { db, row in
            try self.store.secrets.fieldContent(db, row, slug: slug)
        }
        switch content {
        case .text(let value): return try Responses.json(value)
        case .file(let name, let content): return Responses.bytes(content, fileName: name)
        case .noFile: throw EmulatorAPIError.badRequest("API_FileNotFound", "No file is attached to this field.")
        }
    }

    /// The access options of a request: the `SecretRestrictedArgs` body when there is one, else the shared
    /// query options (`autoComment`, `noAutoCheckout`, `autoCheckIn`, `forceCheckIn`, `includeInactive`).
    static func accessOptions(_ query: QueryParameters, body: JSONObject?) throws -> SecretsStore.AccessOptions {
        var options = SecretsStore.AccessOptions()
        options.comment = body?["comment"]?.stringValue ?? query.string("autoComment")
        options.ticketNumber = body?["ticketNumber"]?.stringValue
        options.doubleLockPassword = body?["doubleLockPassword"]?.stringValue
        let noAutoCheckout = try query.bool("noAutoCheckout")
        let forceCheckIn = try query.bool("forceCheckIn")
        // `includeInactive` is read (and must be a boolean), but it opens nothing: a deactivated secret is reached
        // through View Inactive Secrets and Owner, whatever the request says (see `requireSecret`).
        _ = try query.bool("includeInactive")
        // autoCheckout=false is noAutoCheckout=true: a secret that needs a check-out is then refused, not checked out.
        let autoCheckout = try query.bool("autoCheckout")
        if let autoCheckout, let noAutoCheckout, autoCheckout == noAutoCheckout {
            throw EmulatorAPIError.invalid("autoCheckout", "autoCheckout and noAutoCheckout say opposite things; send one of them.")
        }
        options.noAutoCheckout = body?["noAutoCheckout"]?.boolValue ?? noAutoCheckout ?? autoCheckout.map { !$0 } ?? false
        options.autoCheckIn = try query.bool("autoCheckIn") ?? false
        options.forceCheckIn = body?["forceCheckIn"]?.boolValue ?? forceCheckIn ?? false
        return options
    }

    /// The secret id of a `/secrets/{id}` route; id 0 with `secretPath` looks the secret up by path.
    func secretId(_ request: Request, _ context: Context) async throws -> Int64 {
        let id = try self.id(context)
        let path = request.query.string("secretPath")
        guard id == 0 else { return id }
        guard let path, !path.isEmpty else { throw EmulatorAPIError.accessDenied }
        _ = try request.query.bool("includeInactive")
        // Inactive secrets are found too (an active one of the same name first); whether the caller may reach one
        // is the access rule's to say.
        guard let found = try await store.secrets.secretId(path: path) else {
            throw EmulatorAPIError.accessDenied
        }
        return found
    }

    /// The body of `PUT /secrets/{id}/fields/{slug}`: `{value}` for text, `{fileName, fileAttachment}` for a
    /// file (the attachment as a base64 string or an array of byte values).
    static func fieldWrite(_ body: JSONObject) throws -> SecretsStore.FieldWrite {
        if let attachment = body["fileAttachment"], !attachment.isNull {
            let name = body["fileName"]?.stringValue ?? "File.txt"
            guard !name.isEmpty, !FolderPath.containsSeparator(name) else {
                throw EmulatorAPIError.invalid("FileName", "The file name must be a plain name without folders.")
            }
            switch attachment {
            case .string(let base64):
                guard let data = Data(base64Encoded: base64) else {
                    throw EmulatorAPIError.invalid("FileAttachment", "fileAttachment is not valid base64.")
                }
                return .file(name: name, content: data)
            case .array(let values):
                var bytes: [UInt8] = []
                bytes.reserveCapacity(values.count)
                for value in values {
                    guard let number = value.intValue, (0...255).contains(number) else {
                        throw EmulatorAPIError.invalid("FileAttachment", "fileAttachment must hold byte values 0 to 255.")
                    }
                    bytes.append(UInt8(number))
                }
                return .file(name: name, content: Data(bytes))
            default:
                throw EmulatorAPIError.invalid("FileAttachment", "fileAttachment must be base64 text or an array of bytes.")
            }
        }
        guard let value = body["value"] else {
            throw EmulatorAPIError.invalid("Value", "Send {\"value\": ...} for a text field or {\"fileName\", \"fileAttachment\"} for a file.")
        }
        return .text(value.isNull ? "" : value.stringValue ?? "")
    }

    /// A file sent as `multipart/form-data` with a part named `file` (tss-sdk-go's form). A name without an
    /// extension is kept as sent.
    static func multipartFieldWrite(_ request: Request, contentType: String, limit: Int) async throws -> SecretsStore.FieldWrite {
        guard let boundary = MultipartForm.boundary(contentType: contentType) else {
            throw EmulatorAPIError.invalid("File", "The multipart content type has no boundary.")
        }
        let buffer = try await request.body.collect(upTo: limit)
        let form = try MultipartForm(body: Data(buffer.readableBytesView), boundary: boundary)
        guard let part = form.parts.first(where: { $0.name.lowercased() == "file" }) ?? form.parts.first(where: { $0.fileName != nil }) else {
            throw EmulatorAPIError.invalid("File", "The multipart body has no part named file.")
        }
        let name = (part.fileName?.isEmpty == false ? part.fileName! : "File.txt")
        guard !FolderPath.containsSeparator(name) else {
            throw EmulatorAPIError.invalid("FileName", "The file name must be a plain name without folders.")
        }
        return .file(name: name, content: part.content)
    }

    func secretFilter(_ query: QueryParameters) throws -> SecretsStore.SecretFilter {
        var filter = SecretsStore.SecretFilter()
        filter.searchText = query.string("filter.searchText")
        filter.isExactMatch = try query.bool("filter.isExactMatch") ?? false
        filter.folderId = try query.int("filter.folderId").map { Int64($0) }
        filter.includeSubFolders = try query.bool("filter.includeSubFolders") ?? false
        var templateIds: [Int64] = []
        if let single = try query.int("filter.secretTemplateId") { templateIds.append(Int64(single)) }
        for text in query.strings("filter.secretTemplateIds") {
            guard let value = Int32(text).map(Int64.init) else {
                throw EmulatorAPIError.invalid("filter.secretTemplateIds", "'\(text.prefix(40))' is not a template id.")
            }
            templateIds.append(value)
        }
        filter.templateIds = templateIds
        for name in ["filter.secretIds", "filter.secretTemplateIds", "filter.extendedFields"] where query.strings(name).count > QueryParameters.maximumListCount
        {
            throw QueryParameters.tooMany(name)
        }
        filter.siteId = try query.int("filter.siteId")
        filter.includeInactive = try query.bool("filter.includeInactive") ?? false
        filter.includeActive = try query.bool("filter.includeActive") ?? true
        // The sort keys QueryContract lets through.
        let list = try query.list(defaultTake: configuration.defaultPageSize)
        switch list.sortName?.lowercased() ?? "name" {
        case "id", "secretid": filter.sortField = "id"
        case "created", "createdate": filter.sortField = "created"
        case "secrettemplatename", "secrettemplateid", "template": filter.sortField = "template"
        default: filter.sortField = "name"
        }
        filter.sortDescending = list.descending
        filter.searchField = query.string("filter.searchField").flatMap { $0.isEmpty ? nil : $0 }
        filter.searchFieldSlug = query.string("filter.searchFieldSlug").flatMap { $0.isEmpty ? nil : $0 }
        filter.extendedFields =
            query.strings("filter.extendedFields").filter { !$0.isEmpty }
            + Self.commaList(query.string("filter.extFieldsCombined"))
        for text in Self.commaList(query.string("filter.secretTemplateIdsCombined")) {
            guard let value = Int32(text).map(Int64.init) else {
                throw EmulatorAPIError.invalid("filter.secretTemplateIdsCombined", "'\(text.prefix(40))' is not a template id.")
            }
            filter.templateIds.append(value)
        }
        for text in query.strings("filter.secretIds") {
            guard let value = Int32(text).map(Int64.init) else {
                throw EmulatorAPIError.invalid("filter.secretIds", "'\(text.prefix(40))' is not a secret id.")
            }
            filter.secretIds.append(value)
        }
        filter.onlySharedWithMe = try query.bool("filter.onlySharedWithMe") ?? false
        if let role = query.string("filter.permissionRequired"), !role.isEmpty {
            guard let parsed = SecretRole(name: role) else {
                throw EmulatorAPIError.invalid("filter.permissionRequired", "'\(role.prefix(40))' is not List, View, Edit or Owner.")
            }
            filter.permissionRequired = parsed
        }
        filter.onlyCheckedOut = try query.bool("filter.onlyCheckedOutSecrets") ?? false
        filter.onlyCheckedOutByCaller = try query.bool("filter.onlySecretsCheckedOutByUser") ?? false
        filter.includeRestricted = try query.bool("filter.includeRestricted") ?? true
        filter.hasLauncher = try query.bool("filter.hasLauncher")
        filter.heartbeatStatus = query.string("filter.heartbeatStatus").flatMap { $0.isEmpty ? nil : $0 }
        filter.allowDoubleLocks = try query.bool("filter.allowDoubleLocks") ?? true
        filter.doubleLockId = try query.int("filter.doubleLockId")
        filter.onlyRPCEnabled = try query.bool("filter.onlyRPCEnabled") ?? false
        _ = try query.bool("filter.doNotCalculateTotal")  // the total is cheap here: always given
        // scope=All is the only scope (QueryContract refuses the others, and the recent, password-type and
        // extended-type filters, before this runs).
        _ = query.string("filter.scope")
        return filter
    }

    /// `a,b,c` as `[a, b, c]`, blanks dropped.
    static func commaList(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func searchSecrets(_ request: Request, caller: Caller) async throws -> Response {
        let query = request.query
        let filter = try secretFilter(query)
        let (skip, take) = try query.list(defaultTake: configuration.defaultPageSize).window
        let result = try await store.secrets.searchSecrets(filter, skip: skip, take: take, caller: caller)
        let sortName = query.string("sortBy[0].name") ?? "Name"
        return Responses.summaries(
            Page(
                records: result.records, skip: skip, take: take, total: result.total,
                sortBy: [Sort(name: sortName, direction: filter.sortDescending ? "Desc" : "Asc")]
            ))
    }
}
