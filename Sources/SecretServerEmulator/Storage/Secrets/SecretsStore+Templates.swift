import Foundation
import GRDB
import SecretServerModels

extension SecretsStore {
    /// A template with its fields in display order.
    struct Template: Sendable {
        var row: TemplateRow
        var fields: [TemplateFieldRow]

        var model: SecretTemplateModel {
            SecretTemplateModel(id: Int(row.id), name: row.name, fields: fields.map(\.model))
        }
    }

    /// A template with its fields, from the read cache when it was read since the last commit (every secret read
    /// needs its template).
    func template(_ db: Database, id: Int64) throws -> Template? {
        if let cached = readCache.template(id: id) { return cached }
        let generation = readCache.generation
        guard let template = try readTemplate(db, id: id) else { return nil }
        // Kept only from plain reads (a pool's read-only connection, or the queue outside a transaction): a write
        // may see its own uncommitted change, which other readers must not get from the cache.
        if db.configuration.readonly || !db.isInsideTransaction {
            readCache.store(template: template, generation: generation)
        }
        return template
    }

    private func readTemplate(_ db: Database, id: Int64) throws -> Template? {
        guard let row = try TemplateRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM template WHERE id = ?"), arguments: [id]) else {
            return nil
        }
        let fields = try TemplateFieldRow.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM template_field WHERE templateId = ? ORDER BY sortOrder"), arguments: [id]
        )
        return Template(row: row, fields: fields)
    }

    func template(id: Int64) async throws -> Template? {
        try await databaseRead { db in try self.template(db, id: id) }
    }

    /// Templates whose name contains `text` (case-insensitive), by name.
    func templates(matching text: String?, includeInactive: Bool) async throws -> [TemplateRow] {
        try await databaseRead { db in
            var request = TemplateRow.order(Column("name").collating(.nocase))
            if !includeInactive { request = request.filter(Column("active") == true) }
            if let text, !text.isEmpty { request = request.filter(Column("name").like("%\(SQLFilter.escapeLike(text))%", escape: "\\")) }
            return try request.fetchAll(db)
        }
    }

    /// A template field and the requirement its generated passwords satisfy.
    func fieldWithRequirement(id: Int64) async throws -> (TemplateFieldRow, PasswordRequirementRow)? {
        try await databaseRead { db in
            guard let field = try TemplateFieldRow.fetchOne(db, key: id) else { return nil }
            let requirementId = field.passwordRequirementId ?? Seed.defaultRequirementId
            guard let requirement = try PasswordRequirementRow.fetchOne(db, key: requirementId) else { return nil }
            return (field, requirement)
        }
    }
}

extension TemplateFieldRow {
    var model: SecretTemplateField {
        SecretTemplateField(
            secretTemplateFieldId: Int(id), name: name, fieldSlugName: slug, description: description,
            isRequired: isRequired, isPassword: isPassword, isUrl: isUrl, isNotes: isNotes, isFile: isFile,
            sortOrder: sortOrder, passwordRequirementId: passwordRequirementId.map { Int($0) } ?? -1,
            generatePasswordLength: generatePasswordLength
        )
    }
}
