import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
@testable import SecretServerEmulator
import SecretServer
import SecretServerModels
import SesameTestSupport
import Testing

/// The wire contract against the official 11.7.61 API: every route the local server serves and every route
/// the typed client calls exists there (or in the legacy list), and every JSON property our models encode
/// exists in the matching spec model.
@Suite(.timeLimit(.minutes(5)))
struct SpecContractTests {
    struct Contract: Decodable {
        var operations: [[String]]
        var legacy: [[String]]
        var outsideTokenAuth: [[String]]
        var models: [String: [String]]
        /// `[method, path, name, type]` of every query parameter of every operation.
        var queryParameters: [[String]]
    }

    static let contract: Contract = {
        let url = Bundle.module.url(forResource: "secret-server-11.7.61-contract", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Contract.self, from: Data(contentsOf: url))
    }()

    /// `GET /v1/secrets/{}`: the method, and the path below `/api` with every parameter as `{}`, lower-cased.
    static func normalize(method: String, path: String) -> String {
        var path = path.lowercased()
        for prefix in ["/secretserver", "/api"] where path.hasPrefix(prefix) { path.removeFirst(prefix.count) }
        let segments = path.split(separator: "/").map { segment -> String in
            segment.hasPrefix(":") || segment.hasPrefix("{") ? "{}" : String(segment)
        }
        return method.uppercased() + " /" + segments.joined(separator: "/")
    }

    static var known: Set<String> {
        Set((contract.operations + contract.legacy + contract.outsideTokenAuth).map { normalize(method: $0[0], path: $0[1]) })
    }

    @Test func everyServedRouteIsInTheSpec() throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let served = try EmulatorApplication.registeredRoutes(TestEmulator.configuration(), logger: logger)
        #expect(served.count > 60)
        let unknown = served.map { line -> String in
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            return Self.normalize(method: parts[0], path: parts[1])
        }.filter {
            // The local server's own description, and the Platform front door (the Platform's API, not Secret Server's).
            !Self.known.contains($0) && $0 != "GET /openapi.json" && !$0.hasPrefix("GET /platform/") && !$0.hasPrefix("POST /platform/")
        }
        #expect(Set(unknown).isEmpty, "served but not in the 11.7.61 spec: \(Set(unknown).sorted())")
    }

    /// The OpenAPI document served at /openapi.json (and fuzzed by schemathesis in scripts/test) describes every API
    /// route the server registers, and nothing else. Regenerate it with scripts/openapi after changing routes.
    @Test func theOpenAPIDocumentDescribesExactlyTheServedRoutes() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let served = Set(
            try EmulatorApplication.registeredRoutes(TestEmulator.configuration(), logger: logger).compactMap { line -> String? in
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                guard parts[1].lowercased().hasPrefix("/api/") || parts[1] == "/oauth2/token" else { return nil }
                return Self.normalize(method: parts[0], path: parts[1])
            })
        let document = try WireCoding.makeDecoder().decode(JSONValue.self, from: Data(OpenAPIDocument.json.utf8))
        #expect(document["openapi"]?.stringValue?.hasPrefix("3.") == true)
        var described: Set<String> = []
        for path in document["paths"]?.objectValue?.keys ?? [] {
            for method in document["paths"]?[path]?.objectValue?.keys ?? [] {
                described.insert(Self.normalize(method: method, path: path))
            }
        }
        #expect(served.count > 100)
        #expect(served.subtracting(described).isEmpty, "served but not in /openapi.json (run scripts/openapi): \(served.subtracting(described).sorted())")
        #expect(described.subtracting(served).isEmpty, "in /openapi.json but not served: \(described.subtracting(served).sorted())")
        // And it is served.
        try await withRouter { client in
            try await client.execute(uri: "/SecretServer/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.json["paths"]?["/api/v1/secrets/{id}"]?["get"] != nil)
            }
        }
    }

    @Test func everyRouteTheClientCallsIsInTheSpec() async throws {
        var configuration = TestEmulator.configuration()
        configuration.recordRoutes = true
        try await TestEmulator.withClient(configuration) { client, server in
            try await ClientExercise.run(client)
            let called = try #require(await server.info.routeLog?.routes)
            #expect(called.count >= 45, "the exercise reached only \(called.count) routes")
            let unknown = called.map { line -> String in
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                return Self.normalize(method: parts[0], path: parts[1])
            }.filter { !Self.known.contains($0) }
            #expect(unknown.isEmpty, "called but not in the 11.7.61 spec: \(unknown.sorted())")
        }
    }

    /// The JSON keys `value` encodes to.
    static func keys(_ value: some Encodable) throws -> Set<String> {
        let json = try WireCoding.makeDecoder().decode(JSONValue.self, from: WireCoding.makeEncoder().encode(value))
        return Set(json.objectValue?.keys ?? [])
    }

    func check(_ value: some Encodable, against models: String...) throws {
        var allowed: Set<String> = []
        for model in models {
            let properties = try #require(Self.contract.models[model], "no model \(model) in the spec")
            allowed.formUnion(properties)
        }
        let extra = try Self.keys(value).subtracting(allowed)
        #expect(extra.isEmpty, "\(type(of: value)) encodes \(extra.sorted()), which \(models) does not have")
    }

    @Test func everyModelPropertyIsInTheSpec() throws {
        try check(SecretModel(secretTemplateId: 2), against: "SecretModel")
        try check(RestSecretItem(fieldId: 7), against: "RestSecretItem")
        try check(SecretSummary(id: 1, name: "n", secretTemplateId: 2, secretTemplateName: "t", folderId: -1), against: "SecretSummary")
        try check(SecretSummary.ExtendedField(name: "n", value: "v"), against: "ISecretSummaryExtendedField")
        try check(FolderModel(folderName: "f"), against: "FolderModel")
        try check(FolderSummary(FolderModel(folderName: "f")), against: "FolderSummary")
        try check(FolderCreateArgs(folderName: "f"), against: "FolderCreateArgs")
        try check(FolderUpdateArgs(FolderModel(folderName: "f")), against: "FolderUpdateArgs")
        try check(SecretTemplateSummary(id: 2, name: "t"), against: "SecretTemplateSummary")
        try check(SecretTemplateModel(id: 2, name: "t", fields: []), against: "SecretTemplateModel")
        try check(SecretTemplateField(secretTemplateFieldId: 7, name: "n", fieldSlugName: "s"), against: "SecretTemplateField")
        try check(Page(records: [1], skip: 0, take: 1, total: 1), against: "PagingOfSecretSummary")
        try check(Sort(name: "Name"), against: "Sort")
        try check(Lookup(id: 1, value: "v"), against: "FolderLookup")
        try check(DeletedModel(id: 1, objectType: "Secret"), against: "DeletedModel")
        try check(HealthCheckModel(healthy: true, now: nil, utcNow: nil), against: "HealthCheckModel")
        try check(VersionSummary(version: "1"), against: "VersionSummary")
        try check(CurrentUserModel(id: 1, userName: "u", displayName: "d", emailAddress: nil, permissions: ["p"]), against: "CurrentUserModel")
        try check(CurrentUserModel.Permission(name: "p"), against: "RestRolePermission")
        try check(UserModel(), against: "UserModel")
        try check(UserSummary(), against: "UserSummary")
        try check(GroupModel(), against: "GroupModel")
        try check(GroupSummary(), against: "GroupSummary")
        try check(GroupUserSummary(), against: "GroupUserSummary")
        try check(GroupUserModel(), against: "GroupUserModel")
        try check(SecretPermissionModel(), against: "SecretPermissionSummary")
        try check(FolderPermissionModel(), against: "FolderPermissionSummary")
        try check(MetadataModel(), against: "MetadataModel", "MetadataSummaryModel")
        try check(MetadataFieldSummaryModel(), against: "MetadataFieldSummaryModel")
        try check(MetadataFieldSectionSummaryModel(), against: "MetadataFieldSectionSummaryModel")
        try check(SecretAccessModel(), against: "SecretAccessModel")
        try check(SecretAccessRequestHistoryModel(), against: "SecretAccessRequestHistoryModel")
        try check(WorkflowTemplateDetailModel(), against: "WorkflowTemplateDetailModel")
        try check(RoleModel(), against: "RoleModel")
        try check(RoleSummary(), against: "RoleSummary")
        try check(SiteModel(), against: "SiteModel")
        try check(TeamDetailModel(), against: "TeamDetailModel")
        try check(TeamGroupMembershipModel(), against: "TeamGroupMembershipModel")
        try check(SecretPolicyModel(), against: "SecretPolicyModel")
        try check(SecretPolicyDetailModel(), against: "SecretPolicyDetailModelV2")
        try check(ScriptModel(), against: "ScriptModelV2")
        try check(ScriptSummaryModel(), against: "ScriptSummaryModel")
        try check(SdkClientRuleModel(), against: "SdkClientRuleModel")
        try check(SdkClientAccountModel(clientSecret: "s"), against: "SdkClientAccountModel")
        try check(SecretAuditModel(), against: "SecretAuditModel")
        try check(SecretDetailStateViewModel(), against: "SecretDetailStateViewModel")
        try check(
            SecretRestrictedArgs(
                comment: "c", ticketNumber: "t", ticketSystemId: 1, forceCheckIn: true, includeInactive: true,
                noAutoCheckout: true), against: "SecretRestrictedArgs")
        try check(SecretCheckOutExtensionResponseModel(checkOutEndTime: "t"), against: "SecretCheckOutExtensionResponseModel")
        try check(SecretResponseCodeModel(), against: "SecretResponseCodeModel")
        try check(ActivateSecretResponseModel(success: true), against: "ActivateSecretResponseModel")
        try check(NewUser(userName: "u", password: "p"), against: "UserCreateArgs")
        try check(
            UserChanges(
                id: 1, displayName: "d", emailAddress: "e", enabled: true, isLockedOut: false,
                isApplicationAccount: false, password: "p"), against: "UserUpdateArgs")
        try check(APIErrorBody(errorCode: "c", message: "m", messageDetail: "d", modelState: [:]), against: "BadRequestResponse")
    }

    // MARK: Query parameters

    /// A value of the spec's `type` that the route accepts, to see whether its handler looks the parameter up.
    static func sample(_ name: String, type: String) -> String {
        switch (name.lowercased(), type) {
        case ("take", _): return "5"
        case ("skip", _): return "0"
        case ("sortby[0].direction", _): return "asc"
        case ("sortby[0].name", _): return "id"
        case ("filter.scope", _): return "All"
        case (_, "bool"): return "false"
        case (_, "i32"), (_, "i64"), (_, "Vec<i32>"): return "1"
        default: return "x"
        }
    }

    /// Every query parameter the 11.7.61 spec lists for a served route is honoured (its handler looks it up) or
    /// refused with a 400 that names it (`QueryContract`, enforced by one middleware for every route); none is
    /// ignored in silence.
    @Test func everySpecQueryParameterOfAServedRouteIsHonouredOrRefused() async throws {
        var configuration = TestEmulator.configuration()
        configuration.recordRoutes = true
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let (app, info) = try EmulatorApplication.build(configuration, logger: logger)
        let log = try #require(info.routeLog)
        // The served API routes (under the base path), by their spec form.
        let served = Dictionary(
            try EmulatorApplication.registeredRoutes(configuration, logger: logger).compactMap { line -> (String, String)? in
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                guard parts[1].lowercased().hasPrefix("/secretserver/api/") else { return nil }
                return (Self.normalize(method: parts[0], path: parts[1]), line)
            }, uniquingKeysWith: { first, _ in first })
        let parameters = Dictionary(grouping: Self.contract.queryParameters) { Self.normalize(method: $0[0], path: $0[1]) }
            .mapValues { $0.map { (name: $0[2], type: $0[3]) } }
        try await app.test(.router) { client in
            let token = try await client.adminToken()
            let (folderId, secretId) = try await client.folderWithSecret(
                token: token, folder: "Contract", secret: "contract", password: "Contract-Passw0rd!"
            )
            var checked = 0
            var failures: [String] = []
            for (route, line) in served.sorted(by: { $0.key < $1.key }) {
                guard let listed = parameters[route], !listed.isEmpty else { continue }
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                let template = parts[1]
                // Path parameters: the secret, the folder, the admin (user 1), and the secret's Password field.
                let path = template.split(separator: "/").map { segment -> String in
                    guard segment.hasPrefix("{") || segment.hasPrefix(":") else { return String(segment) }
                    let name = segment.trimmingCharacters(in: CharacterSet(charactersIn: "{}:")).lowercased()
                    if name.contains("slug") { return "password" }
                    if route.contains("/folder") { return String(folderId) }
                    if route.contains("/users/") || route.contains("/groups/") || route.contains("/teams/") { return "1" }
                    return String(secretId)
                }.joined(separator: "/")
                let refusals = QueryContract.refusals(for: route)
                for (name, type) in listed {
                    checked += 1
                    if let refusal = refusals.first(where: { $0.name.lowercased() == name.lowercased() }) {
                        // Refused: a value outside what it accepts gets a 400 naming it.
                        let value = refusal.accepted.isEmpty ? Self.sample(name, type: type) : "refused-value"
                        let answer = try await client.execute(
                            uri: "/\(path)?\(name)=\(value)",
                            method: HTTPRequest.Method(rawValue: parts[0])!, headers: [.authorization: "Bearer \(token)"]
                        ) { $0 }
                        if answer.status != .badRequest || !answer.text.contains(name) {
                            failures.append("\(route) ?\(name)=\(value): refused, but answered \(answer.status.code) \(answer.text.prefix(120))")
                        }
                        if refusal.accepted.isEmpty { continue }
                    }
                    let value =
                        refusals.first(where: { $0.name.lowercased() == name.lowercased() })?.accepted.sorted().first
                        ?? Self.sample(name, type: type)
                    // Writes get an empty JSON object, so the handler gets as far as its options.
                    let write = ["PUT", "PATCH", "POST"].contains(parts[0])
                    let answer = try await client.execute(
                        uri: "/\(path)?\(name)=\(value)", method: HTTPRequest.Method(rawValue: parts[0])!,
                        headers: write ? [.authorization: "Bearer \(token)", .contentType: "application/json"] : [.authorization: "Bearer \(token)"],
                        body: write ? ByteBuffer(string: "{}") : nil
                    ) { $0 }
                    if answer.status.code >= 500 { failures.append("\(route) ?\(name)=\(value): \(answer.status.code)") }
                    let read = await log.queryParametersRead("\(parts[0]) \(template)")
                    if !read.contains(name.lowercased()) {
                        failures.append("\(route) ?\(name): neither read by the handler nor refused (answered \(answer.status.code))")
                    }
                }
            }
            // 365 in the 11.7.61 spec for the routes served when this was written; fewer means routes went unwalked.
            #expect(checked >= 365, "only \(checked) parameters were walked")
            #expect(failures.isEmpty, "\(failures.count) parameters:\n\(failures.joined(separator: "\n"))")
        }
    }
}
