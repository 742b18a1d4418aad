import Foundation
import Hummingbird
import SecretServerModels

/// SDK client onboarding rules and accounts.
extension EmulatorRoutes {
    func registerSdkClients(on router: Groups) {
        // Onboarding needs no sign-in: the onboarding key is the credential.
        open(router, .post, "/api/v1/sdk-client-accounts") { request, context in
            let body = try await request.jsonObject(limit: 64 * 1024)
            return try Responses.json(
                try await self.store.admin.onboardSdkClient(
                    clientId: body["clientId"]?.stringValue, name: body["name"]?.stringValue, details: body["description"]?.stringValue,
                    ruleName: body["ruleName"]?.stringValue, onboardingKey: body["onboardingKey"]?.stringValue,
                    ipAddress: context.channel.remoteAddress?.ipAddress
                ))
        }
        api(router, .get, "/v1/sdk-client-accounts") { request, _, caller in
            let list = try request.query.list(defaultTake: self.configuration.defaultPageSize)
            let query = request.query
            var accounts = try Self.matching(
                try await self.store.admin.sdkClientAccounts(caller: caller), query.string("filter.searchText"),
                in: ["name", "details", "clientId"])
            if let userId = try query.int("filter.userId") { accounts.removeAll { $0.userId != userId } }
            return try self.page(accounts, list)
        }
        api(router, .post, "/v1/sdk-client-accounts/:id/revoke") { _, context, caller in
            let clientId = try await self.store.admin.revokeSdkClient(id: try self.id(context), caller: caller)
            // Its tokens end with it, refresh tokens included.
            self.tokens.revokeAll(client: clientId)
            return try Responses.json(true)
        }
        api(router, .get, "/v1/sdk-client-rules") { request, _, caller in
            let list = try request.query.list(defaultTake: self.configuration.defaultPageSize)
            let query = request.query
            var rules = try Self.matching(
                try await self.store.admin.sdkClientRules(caller: caller), query.string("filter.searchText"),
                in: ["name", "details"])
            if let userId = try query.int("filter.userId") { rules.removeAll { $0.userId != userId } }
            return try self.page(rules, list)
        }
        api(router, .get, "/v1/sdk-client-rules/stub") { _, _, _ in try Responses.json(SdkClientRuleModel()) }
        api(router, .get, "/v1/sdk-client-rules/:id") { _, context, caller in
            try Responses.json(try await self.store.admin.sdkClientRule(id: try self.id(context), caller: caller))
        }
        api(router, .post, "/v1/sdk-client-rules") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            return try Responses.json(
                try await self.store.admin.createSdkClientRule(
                    name: body["name"]?.stringValue, details: body["details"]?.stringValue,
                    requireOnboardingKey: body["requireOnboardingKey"]?.boolValue, userId: body["userId"]?.intValue.map { Int64($0) },
                    caller: caller
                ))
        }
        deletion(router, "/v1/sdk-client-rules/:id", objectType: "SdkClientRule") { id, caller in
            try await self.store.admin.deleteSdkClientRule(id: id, caller: caller)
        }
        api(router, .get, "/v1/sdk-client-rules/:id/onboarding-key") { _, context, caller in
            try Responses.json(try await self.store.admin.onboardingKey(ruleId: try self.id(context), caller: caller))
        }
    }
}
