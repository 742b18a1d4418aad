import NIOHTTP1
import SecretServerModels

/// What metadata can be attached to.
public enum MetadataItemKind: String, Sendable, CaseIterable {
    case secret = "Secret", folder = "Folder", user = "User", group = "Group"
}

/// A metadata value, typed.
public enum MetadataValue: Sendable, Hashable {
    case string(String)
    case bool(Bool)
    case number(Double)
    case int(Int)
    /// The wire date-time text (`2024-01-22T08:55:54`).
    case dateTime(String)

    var dataType: String {
        switch self {
        case .string: "String"
        case .bool: "Boolean"
        case .number: "Number"
        case .int: "Integer"
        case .dateTime: "DateTime"
        }
    }
}

extension SecretServerClient {
    /// The metadata of one secret, folder, user or group.
    public func metadata(of kind: MetadataItemKind, id: Int) async throws -> [MetadataModel] {
        try await paged(
            "/v1/metadata", query: [("filter.itemId", String(id)), ("filter.metadataType", kind.rawValue)], pageSize: 500, of: MetadataModel.self
        ).collect()
    }

    /// Sets a metadata value on an item: creates the section and the field when they are new, and updates the
    /// value when the item already has one for that field (`POST /api/v1/metadata/{type}/{id}`).
    @discardableResult
    public func setMetadata(
        on kind: MetadataItemKind, id: Int, section: String, field: String, value: MetadataValue
    ) async throws -> MetadataModel {
        var data: [(key: String, value: JSONValue)] = [
            ("metadataFieldSectionName", .string(section)), ("metadataFieldName", .string(field)),
            ("fieldDataType", .string(value.dataType)),
        ]
        switch value {
        case .string(let text): data.append(("valueString", .string(text)))
        case .bool(let flag): data.append(("valueBit", .bool(flag)))
        case .number(let number): data.append(("valueNumber", .double(number)))
        case .int(let number): data.append(("valueInt", .int(Int64(number))))
        case .dateTime(let text): data.append(("valueDateTime", .string(text)))
        }
        let body = JSONValue.object(JSONObject([("data", .object(JSONObject(data)))]))
        return try await send(.POST, "/v1/metadata/\(kind.rawValue)/\(id)", body: body)
    }

    /// Changes one metadata value in place (`PATCH`, the `dirty`/`value` shape).
    @discardableResult
    public func updateMetadata(on kind: MetadataItemKind, id: Int, metadataItemDataId: Int, value: MetadataValue) async throws -> MetadataModel {
        func dirty(_ value: JSONValue) -> JSONValue { .object(JSONObject([("dirty", .bool(true)), ("value", value)])) }
        var data: [(key: String, value: JSONValue)] = [("metadataItemDataId", .int(Int64(metadataItemDataId)))]
        switch value {
        case .string(let text): data.append(("valueString", dirty(.string(text))))
        case .bool(let flag): data.append(("valueBit", dirty(.bool(flag))))
        case .number(let number): data.append(("valueNumber", dirty(.double(number))))
        case .int(let number): data.append(("valueInt", dirty(.int(Int64(number)))))
        case .dateTime(let text): data.append(("valueDateTime", dirty(.string(text))))
        }
        let body = JSONValue.object(JSONObject([("data", .object(JSONObject(data)))]))
        return try await send(.PATCH, "/v1/metadata/\(kind.rawValue)/\(id)", body: body, idempotent: true)
    }

    public func deleteMetadata(on kind: MetadataItemKind, id: Int, metadataItemDataId: Int) async throws {
        let _: JSONValue = try await send(.DELETE, "/v1/metadata/\(kind.rawValue)/\(id)/\(metadataItemDataId)")
    }

    /// Every metadata field definition.
    public func metadataFields() async throws -> [MetadataFieldSummaryModel] {
        try await get("/v1/metadata/fields", as: Page<MetadataFieldSummaryModel>.self).records
    }

    /// The metadata sections; for an item, those holding its metadata.
    public func metadataSections(of kind: MetadataItemKind? = nil, id: Int? = nil) async throws -> [MetadataFieldSectionSummaryModel] {
        var query: [(String, String)] = [("take", "1000")]
        if let kind { query.append(("filter.metadataType", kind.rawValue)) }
        if let id { query.append(("filter.itemId", String(id))) }
        return try await get("/v1/metadata/field-sections", query: query, as: Page<MetadataFieldSectionSummaryModel>.self).records
    }
}
