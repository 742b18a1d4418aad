import Foundation
import Hummingbird
import SecretServerModels

extension EmulatorRoutes {
    func registerTemplates(on router: Groups) {
        api(router, .get, "/v1/secret-templates") { request, _, caller in
            let query = request.query
            let list = try query.list(defaultTake: self.configuration.defaultPageSize)
            let rows = try await self.store.secrets.templates(
                matching: query.string("filter.searchText"),
                includeInactive: try query.bool("filter.includeInactive") ?? false
            )
            // No template here has heartbeat or a ready password type: asking for those finds none.
            let heartbeat = try query.bool("filter.heartbeatEnabled")
            let passwordTypeReady = try query.bool("filter.passwordTypeReady")
            let counts = try query.bool("filter.includeSecretCount") == true ? try await self.store.secrets.secretCountsByTemplate(caller: caller) : nil
            let records = rows.filter { _ in heartbeat != true && passwordTypeReady != true }.map {
                SecretTemplateSummary(id: Int($0.id), name: $0.name, active: $0.active, secretCount: counts.map { [id = $0.id] in $0[id] ?? 0 })
            }
            return try self.page(records, list)
        }
        api(router, .get, "/v1/secret-templates/:id") { _, context, caller in
            guard let template = try await self.store.secrets.template(id: try self.id(context)) else {
                throw EmulatorAPIError.accessDenied
            }
            return try Responses.json(template.model)
        }
        api(router, .post, "/v1/secret-templates/generate-password/:fieldId") { _, context, caller in
            guard let (field, requirement) = try await self.store.secrets.fieldWithRequirement(id: try self.id(context, "fieldId")) else {
                throw EmulatorAPIError.accessDenied
            }
            guard field.isPassword else {
                throw EmulatorAPIError.badRequest("API_FieldIsNotPassword", "Field \(field.id) (\(field.name)) is not a password field.")
            }
            return try Responses.json(PasswordGenerator.generate(requirement: requirement, length: field.generatePasswordLength))
        }
    }
}
