import Foundation
import Hummingbird
import SecretServerModels

extension EmulatorRoutes {
    func registerTemplates(on router: Router<Context>) {
        api(router, .get, "/v1/secret-templates") { request, _, caller in
            let query = request.query
            let (skip, take) = try query.paging(defaultTake: self.configuration.defaultPageSize)
            let rows = try await self.store.templates(
                matching: query.string("filter.searchText"),
                includeInactive: try query.bool("filter.includeInactive") ?? false
            )
            let records = rows.dropFirst(skip).prefix(take).map {
                SecretTemplateSummary(id: Int($0.id), name: $0.name, active: $0.active)
            }
            return try self.page(Array(records), total: rows.count, skip: skip, take: take)
        }
        api(router, .get, "/v1/secret-templates/:id") { _, context, caller in
            guard let template = try await self.store.template(id: try self.id(context)) else {
                throw EmulatorAPIError.accessDenied
            }
            return try Responses.json(template.model)
        }
        api(router, .post, "/v1/secret-templates/generate-password/:fieldId") { _, context, caller in
            guard let (field, requirement) = try await self.store.fieldWithRequirement(id: try self.id(context, "fieldId")) else {
                throw EmulatorAPIError.accessDenied
            }
            guard field.isPassword else {
                throw EmulatorAPIError.badRequest("API_FieldIsNotPassword", "Field \(field.id) (\(field.name)) is not a password field.")
            }
            return try Responses.json(PasswordGenerator.generate(requirement: requirement, length: field.generatePasswordLength))
        }
    }
}
