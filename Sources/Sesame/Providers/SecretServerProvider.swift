import Foundation
import SecretServer
import SecretServerModels
import SesameCore

/// `tss://12/password` and `tss://Folder/Sub/Secret name/password`: a field of a Secret Server secret, by
/// slug or else by field name; file fields as bytes.
///
/// - `tss://12/field`: secret 12 (a number and a field: always an id);
/// - `tss://A/B/Secret/field`: the secret `Secret` in folder `\A\B`;
/// - `list(tss://12)`: the fields of secret 12; `list(tss://A/B)`: the secrets in folder `\A\B` and below.
public struct SecretServerProvider: SecretProvider {
    public let scheme = "tss"
    public let cacheScope: String
    let client: SecretServerClient
    /// What reads of restricted secrets send, unless a reference's options say otherwise.
    let access: SecretAccess
    /// The check-outs held for reads, one per secret however many of its fields are read at once.
    let checkOuts = CheckOutLedger()

    /// A provider over `client`. The client stays yours: shut it down when done.
    public init(client: SecretServerClient, access: SecretAccess = SecretAccess()) {
        self.client = client
        self.access = access
        self.cacheScope = CacheScope.secretServer(client.configuration)
    }

    enum Target {
        case id(Int, field: String)
        case path(folder: String, secret: String, field: String)
    }

    static func target(_ reference: SecretReference) throws -> Target {
        let segments = reference.segments
        guard segments.count >= 2 else {
            throw SesameError(
                code: .invalidReference,
                message: "name a secret and a field: tss://12/password or tss://Folder/Secret/password", reference: reference
            )
        }
        if segments.count == 2 {
            guard let id = Int(segments[0]), id > 0 else {
                throw SesameError(
                    code: .invalidReference,
                    message: "'\(segments[0])' is not a secret id; for a secret by name give its folder too: tss://Folder/Secret/field",
                    reference: reference
                )
            }
            return .id(id, field: segments[1])
        }
        return .path(
            folder: "\\" + segments.dropLast(2).joined(separator: "\\"), secret: segments[segments.count - 2], field: segments[segments.count - 1]
        )
    }

    /// Asks who is signed in: the token is renewed when due, and signed in again when the server refused it, so a
    /// long-running agent's session never lapses between reads.
    public func keepAlive() async throws -> Bool {
        _ = try await client.currentUser()
        return true
    }

    public func get(_ reference: SecretReference) async throws -> SecretValue {
        let target = try Self.target(reference)
        let access = access.applying(reference)
        return try await ProviderErrors.mapping(reference) {
            do {
                return try await read(target, access: access, doubleLockPassword: nil, reference: reference)
            } catch let error as SecretServerError where error.errorCode.map(SecretAccess.doubleLockCodes.contains) == true {
                // The server asks for the reader's DoubleLock password: ask once, and read again with it.
                guard let password = access.doubleLockPassword?() else { throw error }
                return try await read(target, access: access, doubleLockPassword: password, reference: reference)
            }
        }
    }

    /// One read: checked out first and in afterwards when `access` says so (also when the read fails), through the
    /// restricted routes when it carries a comment, ticket or DoubleLock password.
    private func read(_ target: Target, access: SecretAccess, doubleLockPassword: String?, reference: SecretReference) async throws -> SecretValue {
        let restricted = access.isRestricted || doubleLockPassword != nil
        let arguments = access.arguments(doubleLockPassword: doubleLockPassword)
        let noAutoCheckout = !access.automaticCheckOut
        let client = client
        func content(_ id: Int, _ slug: String) async throws -> SecretFieldContent {
            restricted
                ? try await client.fieldContent(secretId: id, slug: slug, access: arguments)
                : try await client.fieldContent(secretId: id, slug: slug, noAutoCheckout: noAutoCheckout)
        }
        func secret(_ target: Target) async throws -> SecretModel {
            switch target {
            case .id(let id, _):
                return restricted ? try await client.secret(id: id, access: arguments) : try await client.secret(id: id, noAutoCheckout: noAutoCheckout)
            case .path(let folder, let name, _):
                let path = folder + "\\" + name
                return restricted ? try await client.secret(path: path, access: arguments) : try await client.secret(path: path, noAutoCheckout: noAutoCheckout)
            }
        }
        return try await withCheckOut(target, access: access, arguments: arguments) {
            var value: SecretValue
            switch target {
            case .id(let id, let field):
                do {
                    value = Self.value(try await content(id, field))
                } catch let error as SecretServerError
                    where error.code == .notFound || (error.code == .badRequest && !SecretAccess.isRestriction(error.errorCode))
                {
                    // Not a slug: look the field up by name.
                    value = try await self.value(of: try await secret(target), field: field, reference: reference, content: content)
                }
            case .path(_, _, let field):
                value = try await self.value(of: try await secret(target), field: field, reference: reference, content: content)
            }
            value.metadata.restricted = access.unlocksRestriction(doubleLockPassword: doubleLockPassword)
            return value
        }
    }

    /// Runs `body` with the secret `target` names checked out when `access` asks: once per secret however many
    /// reads hold it at a time (`CheckOutLedger`), a secret without check-out used as it is, and checked in once
    /// afterwards, also when `body` fails.
    private func withCheckOut<Result>(
        _ target: Target, access: SecretAccess, arguments: SecretRestrictedArgs, _ body: () async throws -> Result
    ) async throws -> Result {
        guard access.checkOut else { return try await body() }
        let client = client
        let id: Int
        switch target {
        case .id(let number, _): id = number
        case .path(let folder, let name, _): id = try await client.secretSummary(path: folder + "\\" + name).id
        }
        do {
            try await checkOuts.acquire(id) { try await client.checkOut(secretId: id) }
        } catch let error as SecretServerError where error.errorCode == SecretAccess.checkOutNotEnabled {
            // Asked for every secret a command reads: one without check-out is used as it is.
            return try await body()
        }
        let result: Result
        do {
            result = try await body()
        } catch {
            _ = try? await checkOuts.release(id) { try await client.checkIn(secretId: id, access: arguments) }
            throw error
        }
        try await checkOuts.release(id) { try await client.checkIn(secretId: id, access: arguments) }
        return result
    }

    private func value(
        of secret: SecretModel, field: String, reference: SecretReference, content: (Int, String) async throws -> SecretFieldContent
    ) async throws -> SecretValue {
        guard let item = secret.item(field) else {
            throw SesameError(
                code: .notFound,
                message: "secret \(secret.id) has no field with slug or name '\(field)' (it has: \(secret.items.map(\.slug).joined(separator: ", ")))",
                reference: reference
            )
        }
        if item.isFile { return Self.value(try await content(secret.id, item.slug)) }
        return SecretValue(text: item.itemValue, metadata: .init(source: .provider, fetchedAt: Date()))
    }

    private static func value(_ content: SecretFieldContent) -> SecretValue {
        let metadata = SecretValue.Metadata(source: .provider, fetchedAt: Date())
        switch content {
        case .text(let text): return SecretValue(text: text, metadata: metadata)
        case .file(let data, _): return SecretValue(bytes: Array(data), metadata: metadata)
        }
    }

    public func list(under reference: SecretReference) async throws -> [SecretReference] {
        try await ProviderErrors.mapping(reference) {
            if reference.segments.count == 1, let id = Int(reference.segments[0]) {
                let secret = try await client.secret(id: id)
                return secret.items.map { SecretReference(scheme: "tss", segments: [String(id), $0.slug]) }
            }
            let folder = try await client.folder(path: "\\" + reference.segments.joined(separator: "\\"))
            var result: [SecretReference] = []
            for try await summary in client.searchSecrets(SecretSearch(folderId: folder.id, includeSubFolders: true)) {
                let folderPath = summary.folderPath ?? folder.folderPath
                let segments = FolderPath.names(folderPath) + [summary.name]
                result.append(SecretReference(scheme: "tss", segments: segments))
            }
            return result
        }
    }

    /// A secret's fields (`tss://12`), or a folder's folders and secrets (`tss://Prod/Databases`; all below it with
    /// `recursive`).
    public func entries(under reference: SecretReference, recursive: Bool) async throws -> [SecretEntry] {
        try await ProviderErrors.mapping(reference) {
            // A secret's fields come from its template: no value is read (so a restricted secret lists too).
            func fields(of summary: SecretSummary, segments: [String]) async throws -> [SecretEntry] {
                try await client.template(id: summary.secretTemplateId).fields.map {
                    SecretEntry(SecretReference(scheme: "tss", segments: segments + [$0.fieldSlugName]), kind: .field)
                }
            }
            if reference.segments.count == 1, let id = Int(reference.segments[0]) {
                return try await fields(of: try await client.secretSummary(id: id), segments: [String(id)])
            }
            if reference.segments.isEmpty {
                // The root: the top folders (every folder, recursively) and the secrets in no folder (or every secret).
                var result: [SecretEntry] = []
                let folders = try await client.searchFolders(FolderSearch(parentFolderId: -1, directChildrenOnly: !recursive)).collect()
                for child in folders.sorted(by: { $0.folderPath < $1.folderPath }) {
                    result.append(SecretEntry(SecretReference(scheme: "tss", segments: FolderPath.names(child.folderPath)), kind: .folder))
                }
                for try await summary in client.searchSecrets(SecretSearch(includeSubFolders: true)) where recursive || (summary.folderId ?? -1) <= 0 {
                    result.append(
                        SecretEntry(SecretReference(scheme: "tss", segments: FolderPath.names(summary.folderPath ?? "") + [summary.name]), kind: .secret))
                }
                return result
            }
            let path = "\\" + reference.segments.joined(separator: "\\")
            let folder: FolderModel
            do {
                folder = try await client.folder(path: path)
            } catch let error as SecretServerError where error.code == .accessDenied && reference.segments.count > 1 {
                // Not a folder: a secret by path, whose fields are listed.
                guard let secret = try? await client.secretSummary(path: path) else { throw error }
                return try await fields(of: secret, segments: reference.segments)
            }
            var result: [SecretEntry] = []
            let folders = try await client.searchFolders(FolderSearch(parentFolderId: folder.id, directChildrenOnly: !recursive)).collect()
            for child in folders.sorted(by: { $0.folderPath < $1.folderPath }) {
                result.append(SecretEntry(SecretReference(scheme: "tss", segments: FolderPath.names(child.folderPath)), kind: .folder))
            }
            for try await summary in client.searchSecrets(SecretSearch(folderId: folder.id, includeSubFolders: recursive)) {
                let path = summary.folderPath ?? folder.folderPath
                result.append(SecretEntry(SecretReference(scheme: "tss", segments: FolderPath.names(path) + [summary.name]), kind: .secret))
            }
            return result
        }
    }

    /// Whether exactly what `reference` names is there: a secret's field (`tss://12/password`,
    /// `tss://Folder/Secret/password`), a secret (`tss://12`, `tss://Folder/Secret`) or a folder (`tss://Folder`).
    /// No value is read: a field is looked up in the secret's template, so a restricted secret answers too.
    public func exists(_ reference: SecretReference) async throws -> Bool {
        let segments = reference.segments
        guard !segments.isEmpty else { return true }
        func absent(_ error: any Error) -> Bool {
            // The real server answers "access denied" for secrets that do not exist, too.
            guard let error = error as? SecretServerError else { return false }
            return error.code == .notFound || error.code == .accessDenied
        }
        func summary(_ body: () async throws -> SecretSummary) async throws -> SecretSummary? {
            do { return try await body() } catch  where absent(error) { return nil }
        }
        func hasField(_ summary: SecretSummary, _ field: String) async throws -> Bool {
            let template = try await client.template(id: summary.secretTemplateId)
            return template.fields.contains { $0.fieldSlugName.lowercased() == field.lowercased() || $0.name.lowercased() == field.lowercased() }
        }
        do {
            if let id = Int(segments[0]), id > 0, segments.count <= 2 {
                guard let found = try await summary({ try await client.secretSummary(id: id) }) else { return false }
                return segments.count == 1 ? true : try await hasField(found, segments[1])
            }
            let path = "\\" + segments.joined(separator: "\\")
            if segments.count >= 2 {
                let secretPath = "\\" + segments.dropLast().joined(separator: "\\")
                if let found = try await summary({ try await client.secretSummary(path: secretPath) }) {
                    return try await hasField(found, segments[segments.count - 1])
                }
                if try await summary({ try await client.secretSummary(path: path) }) != nil { return true }
            }
            do {
                _ = try await client.folder(path: path)
                return true
            } catch  where absent(error) {
                return false
            }
        } catch {
            throw ProviderErrors.map(error, reference: reference)
        }
    }

    /// Sets the field: text for a text field, bytes for a file field (keeping its file name).
    static func aliases(of reference: SecretReference, secretId: Int, item: RestSecretItem) -> [String] {
        var keys: [String] = []
        for field in Set([item.slug, item.fieldName, reference.segments.last ?? item.slug]) {
            keys.append(SecretReference(scheme: "tss", segments: [String(secretId), field]).cacheKey)
            if reference.segments.count > 2 {
                keys.append(SecretReference(scheme: "tss", segments: reference.segments.dropLast() + [field]).cacheKey)
            }
        }
        return keys
    }

    public func update(_ reference: SecretReference, to value: SecretValue.Content) async throws {
        let target = try Self.target(reference)
        let access = access.applying(reference)
        try await ProviderErrors.mapping(reference) {
            do {
                try await write(target, value, access: access, doubleLockPassword: nil, reference: reference)
            } catch let error as SecretServerError where error.errorCode.map(SecretAccess.doubleLockCodes.contains) == true {
                guard let password = access.doubleLockPassword?() else { throw error }
                try await write(target, value, access: access, doubleLockPassword: password, reference: reference)
            }
        }
    }

    /// One write, with the restricted options `access` gives (checked out and in around it when asked).
    private func write(
        _ target: Target, _ value: SecretValue.Content, access: SecretAccess, doubleLockPassword: String?, reference: SecretReference
    ) async throws {
        let arguments = access.arguments(doubleLockPassword: doubleLockPassword)
        // Checked out first (when asked): the read of the secret before the write needs the check-out too.
        try await withCheckOut(target, access: access, arguments: arguments) {
            let secret: SecretModel
            let field: String
            switch target {
            case .id(let id, let name):
                secret = try await client.secret(id: id, access: arguments)
                field = name
            case .path(let folder, let name, let fieldName):
                secret = try await client.secret(path: folder + "\\" + name, access: arguments)
                field = fieldName
            }
            try await write(value, to: secret, field: field, arguments: arguments, reference: reference)
        }
    }

    private func write(
        _ value: SecretValue.Content, to secret: SecretModel, field: String, arguments: SecretRestrictedArgs, reference: SecretReference
    ) async throws {
        guard let item = secret.item(field) else {
            throw SesameError(code: .notFound, message: "secret \(secret.id) has no field '\(field)'", reference: reference)
        }
        // The same field has other names (by id or path, by slug or field name): drop them all from the caches.
        defer { CacheInvalidation.invalidate(Self.aliases(of: reference, secretId: secret.id, item: item), scope: cacheScope) }
        switch (value, item.isFile) {
        case (.text(let text), false):
            try await client.setFieldValue(secretId: secret.id, slug: item.slug, value: text, access: arguments)
        case (.bytes(let bytes), true):
            try await client.setFieldFile(
                secretId: secret.id, slug: item.slug, data: Data(bytes), fileName: item.filename ?? "\(item.slug).bin", access: arguments
            )
        case (.text(let text), true):
            try await client.setFieldFile(
                secretId: secret.id, slug: item.slug, data: Data(text.utf8), fileName: item.filename ?? "\(item.slug).txt", access: arguments
            )
        case (.bytes(let bytes), false):
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw SesameError(code: .invalidValue, message: "'\(item.slug)' is a text field; the bytes are not UTF-8", reference: reference)
            }
            try await client.setFieldValue(secretId: secret.id, slug: item.slug, value: text, access: arguments)
        }
    }
}
