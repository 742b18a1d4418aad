import Foundation
import GRDB
import SecretServerModels

/// The kinds of object metadata can be attached to.
enum MetadataItemType: String, CaseIterable, Sendable {
    case secret = "Secret", folder = "Folder", user = "User", group = "Group"

    init?(caseInsensitive text: String) {
        guard let kind = Self.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else { return nil }
        self = kind
    }
}

/// Metadata: sections, fields, and values on secrets, folders, users and groups.
extension SecretsStore {
    static let metadataDataTypes = ["String", "Boolean", "Number", "DateTime", "User", "Integer"]

    /// Checks that the item exists and the caller may read (`write: false`: View) or change (`write: true`:
    /// Edit) its metadata. Users' and groups' metadata is read by anyone and changed by administrators (and a
    /// user's own by that user).
    private func requireItem(_ db: Database, _ caller: Caller, _ type: MetadataItemType, _ id: Int64, write: Bool) throws {
        switch type {
        case .secret: _ = try access.requireSecret(db, caller, id: id, write ? .edit : .view)
        case .folder: _ = try access.requireFolder(db, caller, id: id, write ? .edit : .view)
        case .user:
            guard try UserRow.fetchOne(db, key: id) != nil else { throw EmulatorAPIError.accessDenied }
            if write && id != caller.userId { try access.requireAdmin(caller) }
        case .group:
            guard try GroupRow.fetchOne(db, key: id) != nil else { throw EmulatorAPIError.accessDenied }
            if write { try access.requireAdmin(caller) }
        }
    }

    func metadataModel(_ db: Database, _ row: MetadataItemRow) throws -> MetadataModel {
        let field = try MetadataFieldRow.fetchOne(db, key: row.fieldId)
        let section = try field.flatMap { try MetadataSectionRow.fetchOne(db, key: $0.sectionId) }
        let creator = try UserRow.fetchOne(db, key: row.createUserId)
        return MetadataModel(
            metadataItemDataId: Int(row.id ?? 0), itemId: Int(row.itemId), metadataType: row.itemType,
            metadataFieldId: Int(row.fieldId), metadataFieldName: field?.name,
            metadataFieldSectionId: Int(field?.sectionId ?? 0), metadataFieldSectionName: section?.name,
            metadataFieldDataType: field?.dataType, valueString: row.valueString, valueBit: row.valueBit,
            valueNumber: row.valueNumber, valueInt: row.valueInt, valueDateTime: row.valueDateTime, sortOrder: row.sortOrder,
            containsPersonalInformation: row.containsPersonalInformation,
            createDateTime: WireDate.string(from: row.createDateTime), createUserId: Int(row.createUserId),
            createUserName: creator?.displayName
        )
    }

    /// Metadata values; a caller who is not an administrator must name the item, and may read it.
    func searchMetadata(itemType: MetadataItemType?, itemId: Int64?, fieldId: Int64?, skip: Int, take: Int, caller: Caller) async throws
        -> (records: [MetadataModel], total: Int)
    {
        try await databaseRead { db in
            if let itemType, let itemId {
                try self.requireItem(db, caller, itemType, itemId, write: false)
            } else {
                try access.requireAdmin(caller)
            }
            var request = MetadataItemRow.order(Column("id"))
            if let itemType { request = request.filter(Column("itemType") == itemType.rawValue) }
            if let itemId { request = request.filter(Column("itemId") == itemId) }
            if let fieldId { request = request.filter(Column("fieldId") == fieldId) }
            let total = try request.fetchCount(db)
            return (try request.limit(take, offset: skip).fetchAll(db).map { try self.metadataModel(db, $0) }, total)
        }
    }

    func metadataFields() async throws -> [MetadataFieldSummaryModel] {
        try await databaseRead { db in
            var sections: [Int64: String] = [:]
            for section in try MetadataSectionRow.fetchAll(db) { sections[section.id ?? 0] = section.name }
            return try MetadataFieldRow.order(Column("name").collating(.nocase)).fetchAll(db).map { field in
                MetadataFieldSummaryModel(
                    metadataFieldId: Int(field.id ?? 0), metadataFieldName: field.name, metadataFieldSectionId: Int(field.sectionId),
                    metadataFieldSectionName: sections[field.sectionId], fieldDataType: field.dataType,
                    containsPersonalInformation: field.containsPersonalInformation, defaultSortOrder: field.defaultSortOrder
                )
            }
        }
    }

    /// Sections; with an item, only those holding metadata of that item.
    func metadataSections(itemType: MetadataItemType?, itemId: Int64?) async throws -> [MetadataFieldSectionSummaryModel] {
        try await databaseRead { db in
            var sections = try MetadataSectionRow.order(Column("name").collating(.nocase)).fetchAll(db)
            if let itemId {
                var sql = "SELECT DISTINCT f.sectionId FROM metadata_item i JOIN metadata_field f ON f.id = i.fieldId WHERE i.itemId = ?"
                var arguments: StatementArguments = [itemId]
                if let itemType {
                    sql += " AND i.itemType = ?"
                    arguments += [itemType.rawValue]
                }
                let used = Set(try Int64.fetchAll(db, sql: sql, arguments: arguments))
                sections = sections.filter { used.contains($0.id ?? 0) }
            }
            return sections.map { section in
                MetadataFieldSectionSummaryModel(
                    metadataFieldSectionId: Int(section.id ?? 0), metadataFieldSectionName: section.name,
                    metadataFieldSectionDescription: section.description,
                    requiresAdministerMetadata: section.requiresAdministerMetadata, requiresEntityEdit: section.requiresEntityEdit,
                    actions: ["EditSection", "AddField", "EditItem", "DeleteItem"]
                )
            }
        }
    }

    /// `POST /metadata/{type}/{id}` with `{"data": {...}}`: creates the section and field when named anew, then
    /// creates the value, or updates it when the item already has a value for that field.
    func createMetadata(itemType: MetadataItemType, itemId: Int64, data: JSONObject, caller: Caller) async throws -> MetadataModel {
        let now = self.now()
        let userId = caller.userId
        return try await writer.write { db in
            try self.requireItem(db, caller, itemType, itemId, write: true)
            // The section.
            var section: MetadataSectionRow?
            if let id = data["metadataFieldSectionId"]?.intValue, id > 0 {
                section = try MetadataSectionRow.fetchOne(db, key: Int64(id))
                if section == nil { throw EmulatorAPIError.accessDenied }
            } else if let name = data["metadataFieldSectionName"]?.stringValue, !name.isEmpty {
                section = try MetadataSectionRow.filter(Column("name") == name).fetchOne(db)
                if section == nil {
                    var created = MetadataSectionRow(
                        id: nil, name: name, description: data["metadataFieldSectionDescription"]?.stringValue,
                        requiresAdministerMetadata: data["metadataFieldSectionRequiresAdministerMetadata"]?.boolValue ?? false,
                        requiresEntityEdit: data["metadataFieldSectionRequiresEntityEdit"]?.boolValue ?? false
                    )
                    try created.insert(db)
                    section = created
                }
            }
            // The field.
            var field: MetadataFieldRow?
            if let id = data["metadataFieldId"]?.intValue, id > 0 {
                field = try MetadataFieldRow.fetchOne(db, key: Int64(id))
                if field == nil { throw EmulatorAPIError.accessDenied }
            } else if let name = data["metadataFieldName"]?.stringValue, !name.isEmpty {
                field = try MetadataFieldRow.filter(Column("name") == name).fetchOne(db)
                if field == nil {
                    guard let section, let sectionId = section.id else {
                        throw EmulatorAPIError.invalid("MetadataFieldSectionName", "A new metadata field needs a section id or name.")
                    }
                    let typeText = data["fieldDataType"]?.stringValue ?? "String"
                    guard let dataType = Self.metadataDataTypes.first(where: { $0.lowercased() == typeText.lowercased() }) else {
                        throw EmulatorAPIError.invalid("FieldDataType", "FieldDataType must be one of \(Self.metadataDataTypes.joined(separator: ", ")).")
                    }
                    var created = MetadataFieldRow(
                        id: nil, name: name, sectionId: sectionId, dataType: dataType,
                        containsPersonalInformation: data["containsPersonalInformation"]?.boolValue ?? false, defaultSortOrder: nil
                    )
                    try created.insert(db)
                    field = created
                }
            }
            guard let field, let fieldId = field.id else {
                throw EmulatorAPIError.invalid("MetadataFieldId", "Name the metadata field by id or by name.")
            }
            var row =
                try MetadataItemRow.filter(Column("itemType") == itemType.rawValue).filter(Column("itemId") == itemId)
                .filter(Column("fieldId") == fieldId).fetchOne(db)
                ?? MetadataItemRow(
                    id: nil, itemType: itemType.rawValue, itemId: itemId, fieldId: fieldId,
                    containsPersonalInformation: data["containsPersonalInformation"]?.boolValue ?? field.containsPersonalInformation,
                    createUserId: userId, createDateTime: now
                )
            try Self.applyValues(data, to: &row, patch: false)
            if row.id == nil { try row.insert(db) } else { try row.update(db) }
            return try self.metadataModel(db, row)
        }
    }

    /// `PATCH /metadata/{type}/{id}` with `{"data": {"metadataItemDataId": N, "valueString": {"dirty": true, "value": ...}}}`.
    func updateMetadata(itemType: MetadataItemType, itemId: Int64, data: JSONObject, caller: Caller) async throws -> MetadataModel {
        guard let dataId = data["metadataItemDataId"]?.intValue else {
            throw EmulatorAPIError.invalid("MetadataItemDataId", "The MetadataItemDataId field is required.")
        }
        return try await writer.write { db in
            try self.requireItem(db, caller, itemType, itemId, write: true)
            guard var row = try MetadataItemRow.fetchOne(db, key: Int64(dataId)), row.itemId == itemId,
                row.itemType == itemType.rawValue
            else { throw EmulatorAPIError.accessDenied }
            try Self.applyValues(data, to: &row, patch: true)
            try row.update(db)
            return try self.metadataModel(db, row)
        }
    }

    func deleteMetadata(itemType: MetadataItemType, itemId: Int64, dataId: Int64, caller: Caller) async throws {
        try await writer.write { db in
            try self.requireItem(db, caller, itemType, itemId, write: true)
            try db.execute(
                sql: "DELETE FROM metadata_item WHERE id = ? AND itemId = ? AND itemType = ?",
                arguments: [dataId, itemId, itemType.rawValue]
            )
            guard db.changesCount > 0 else { throw EmulatorAPIError.accessDenied }
        }
    }

    /// Copies the `value*` members of `data` into `row`. In a patch each is `{"dirty": bool, "value": ...}` and
    /// only dirty ones apply; in a create they are plain values.
    private static func applyValues(_ data: JSONObject, to row: inout MetadataItemRow, patch: Bool) throws {
        func value(_ key: String) -> JSONValue?? {
            guard let raw = data[key] else { return nil }
            if patch {
                guard let object = raw.objectValue else { return .some(raw) }
                guard object["dirty"]?.boolValue ?? false else { return nil }
                return .some(object["value"] ?? .null)
            }
            return .some(raw)
        }
        if let v = value("valueString") { row.valueString = v?.isNull == false ? v?.stringValue : nil }
        if let v = value("valueBit") { row.valueBit = v?.isNull == false ? v?.boolValue : nil }
        if let v = value("valueNumber") { row.valueNumber = v?.isNull == false ? v?.doubleValue : nil }
        if let v = value("valueInt") { row.valueInt = v?.isNull == false ? v?.intValue : nil }
        if let v = value("valueDateTime") { row.valueDateTime = v?.isNull == false ? v?.stringValue : nil }
        if let v = value("containsPersonalInformation"), let flag = v?.boolValue { row.containsPersonalInformation = flag }
    }
}
