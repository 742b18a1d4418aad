import Foundation
import Hummingbird
import SecretServerModels

/// Metadata on secrets, folders, users and groups.
extension EmulatorRoutes {
    func registerMetadata(on router: Groups) {
        api(router, .get, "/v1/metadata") { request, _, caller in
            let query = request.query
            let (skip, take) = try query.list(defaultTake: self.configuration.defaultPageSize).window  // by id (QueryContract)
            let result = try await self.store.secrets.searchMetadata(
                itemType: try query.string("filter.metadataType").map(Self.itemType),
                itemId: try query.int("filter.itemId").map { Int64($0) },
                fieldId: try query.int("filter.metaDataFieldId", "filter.metadataFieldId").map { Int64($0) }, skip: skip, take: take,
                caller: caller
            )
            return try self.page(result.records, total: result.total, skip: skip, take: take)
        }
        api(router, .get, "/v1/metadata/fields") { _, _, caller in
            let fields = try await self.store.secrets.metadataFields()
            return try self.page(fields, total: fields.count, skip: 0, take: max(fields.count, 1))
        }
        api(router, .get, "/v1/metadata/field-sections") { request, _, caller in
            let query = request.query
            let list = try query.list(defaultTake: self.configuration.defaultPageSize)
            var sections = try await self.store.secrets.metadataSections(
                itemType: try query.string("filter.metadataType").map(Self.itemType), itemId: try query.int("filter.itemId").map { Int64($0) }
            )
            if let sectionId = try query.int("filter.metadataSectionFilterId") { sections.removeAll { $0.metadataFieldSectionId != sectionId } }
            return try self.page(sections, list)
        }
        api(router, .post, "/v1/metadata/:itemType/:itemId") { request, context, caller in
            let data = try await Self.metadataData(request, limit: self.configuration.maximumBodySize)
            return try Responses.json(
                try await self.store.secrets.createMetadata(
                    itemType: try Self.itemType(self.text(context, "itemType")), itemId: try self.id(context, "itemId"), data: data, caller: caller
                ))
        }
        api(router, .patch, "/v1/metadata/:itemType/:itemId") { request, context, caller in
            let data = try await Self.metadataData(request, limit: self.configuration.maximumBodySize)
            return try Responses.json(
                try await self.store.secrets.updateMetadata(
                    itemType: try Self.itemType(self.text(context, "itemType")), itemId: try self.id(context, "itemId"), data: data,
                    caller: caller
                ))
        }
        api(router, .delete, "/v1/metadata/:itemType/:itemId/:dataId") { _, context, caller in
            try await self.store.secrets.deleteMetadata(
                itemType: try Self.itemType(self.text(context, "itemType")), itemId: try self.id(context, "itemId"),
                dataId: try self.id(context, "dataId"), caller: caller
            )
            return try Responses.json(JSONValue.object(JSONObject([("success", .bool(true))])))
        }
    }

    static func itemType(_ text: String) throws -> MetadataItemType {
        guard let type = MetadataItemType(caseInsensitive: text) else {
            throw EmulatorAPIError.invalid("ItemType", "The item type must be Secret, Folder, User or Group; found '\(text.prefix(40))'.")
        }
        return type
    }

    /// The `data` object of a metadata body (`{"data": {...}}`).
    static func metadataData(_ request: Request, limit: Int) async throws -> JSONObject {
        let body = try await request.jsonObject(limit: limit)
        guard let data = body["data"]?.objectValue else {
            throw EmulatorAPIError.invalid("Data", "The body must be {\"data\": {...}}.")
        }
        return data
    }
}
