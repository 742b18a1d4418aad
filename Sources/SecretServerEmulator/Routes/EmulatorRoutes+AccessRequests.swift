import Foundation
import Hummingbird
import SecretServerModels

/// Secret access requests and workflow templates.
extension EmulatorRoutes {
    func registerAccessRequests(on router: Groups) {
        api(router, .get, "/v1/secret-access-requests") { request, _, caller in
            let query = request.query
            let list = try query.list(defaultTake: self.configuration.defaultPageSize)
            let requests = try await self.store.access.accessRequests(
                mine: try query.bool("filter.isMyRequest") ?? false, status: query.string("filter.status"), secretId: nil, caller: caller
            )
            return try self.page(requests, list)
        }
        api(router, .post, "/v1/secret-access-requests") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            guard let secretId = body["secretId"]?.intValue else { throw EmulatorAPIError.invalid("SecretId", "The SecretId field is required.") }
            return try Responses.json(
                try await self.store.access.createAccessRequest(
                    secretId: Int64(secretId), comment: body["requestComment"]?.stringValue, ticketNumber: body["ticketNumber"]?.stringValue,
                    start: try Self.date(body["startDate"], "StartDate"), end: try Self.date(body["expirationDate"], "ExpirationDate"), caller: caller
                ))
        }
        api(router, .put, "/v1/secret-access-requests") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            guard let id = body["secretAccessRequestId"]?.intValue else {
                throw EmulatorAPIError.invalid("SecretAccessRequestId", "The SecretAccessRequestId field is required.")
            }
            return try Responses.json(
                try await self.store.access.reviewAccessRequest(
                    id: Int64(id), status: body["status"]?.stringValue, comment: body["responseComment"]?.stringValue,
                    start: try Self.date(body["startDate"], "StartDate"), end: try Self.date(body["expirationDate"], "ExpirationDate"), caller: caller
                ))
        }
        api(router, .get, "/v1/secret-access-requests/secrets/:id") { request, context, caller in
            let list = try request.query.list(defaultTake: self.configuration.defaultPageSize)
            let requests = try await self.store.access.accessRequests(mine: false, status: nil, secretId: try self.id(context), caller: caller)
            return try self.page(requests, list)
        }
        api(router, .get, "/v1/secret-access-requests/:id") { _, context, caller in
            try Responses.json(try await self.store.access.accessRequest(id: try self.id(context), caller: caller))
        }
        api(router, .get, "/v1/secret-access-requests/:id/history") { request, context, caller in
            let list = try request.query.list(defaultTake: self.configuration.defaultPageSize)
            let history = try await self.store.access.accessRequestHistory(id: try self.id(context), caller: caller)
            return try self.page(history, list)
        }

        api(router, .get, "/v1/workflows/templates") { request, _, caller in
            let list = try request.query.list(defaultTake: self.configuration.defaultPageSize)
            var templates = try await self.store.access.workflowTemplates(
                includeInactive: try request.query.bool("filter.includeInactive") ?? false, caller: caller)
            if let type = request.query.string("filter.workflowType"), !type.isEmpty {
                templates.removeAll { $0.workflowType.caseInsensitiveCompare(type) != .orderedSame }
            }
            return try self.page(templates, list)
        }
        api(router, .get, "/v1/workflows/templates/stub") { _, _, _ in try Responses.json(WorkflowTemplateDetailModel()) }
        api(router, .get, "/v1/workflows/templates/:id") { _, context, caller in
            try Responses.json(try await self.store.access.workflowTemplate(id: try self.id(context), caller: caller))
        }
        api(router, .post, "/v1/workflows/templates") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            let data = body["data"]?.objectValue ?? body
            return try Responses.json(
                try await self.store.access.createWorkflowTemplate(
                    name: data["name"]?.stringValue, description: data["description"]?.stringValue,
                    expirationMinutes: data["expirationMinutes"]?.intValue, configurationJson: data["configurationJson"]?.stringValue, caller: caller
                ))
        }
    }

    /// A date-time in the wire format (with or without an offset), or an error naming the field.
    static func date(_ value: JSONValue?, _ field: String) throws -> Date? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue, let date = WireDate.date(from: text) ?? ISO8601DateFormatter().date(from: text) else {
            throw EmulatorAPIError.invalid(field, "\(field) must be a date-time like 2024-01-22T08:55:54.")
        }
        return date
    }
}
