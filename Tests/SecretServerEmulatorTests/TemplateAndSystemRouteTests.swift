import Foundation
import HummingbirdTesting
import NIOCore
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct TemplateAndSystemRouteTests {
    @Test func healthCheckSpellsHealthyAsConfigured() async throws {
        try await withRouter { client in
            let response = try await client.execute(uri: "/SecretServer/api/v1/healthcheck", method: .get)
            #expect(response.status == .ok)
            #expect(response.text.contains("\"Healthy\":true"))
        }
        var camel = TestEmulator.configuration()
        camel.healthCheckCasing = .camel
        try await withRouter(camel) { client in
            let text = try await client.execute(uri: "/api/v1/healthcheck", method: .get).text
            #expect(text.contains("\"healthy\":true"))
            #expect(!text.contains("\"Healthy\""))
        }
    }

    @Test func servedUnderBasePathAndRoot() async throws {
        try await withRouter { client in
            let token = try await client.adminToken(prefix: "")
            for path in ["/SecretServer/api/v1/version", "/api/v1/version", "/secretserver/API/V1/Version"] {
                let response = try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(token)"])
                #expect(response.status == .ok)
                #expect(response.json["model"]?["version"]?.stringValue == "11.7.000061")
                #expect(response.json["version"]?.stringValue == "11.7.000061")
            }
        }
    }

    @Test func seededTemplatesCarryTheRealFieldIds() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            let password = try await client.api(.get, "/v1/secret-templates/2", token: token).json
            #expect(password["name"]?.stringValue == "Password")
            let fields = try #require(password["fields"]?.arrayValue)
            #expect(fields.map { $0["secretTemplateFieldId"]?.intValue } == [60, 61, 7, 8])
            #expect(fields.map { $0["fieldSlugName"]?.stringValue } == ["resource", "username", "password", "notes"])
            #expect(fields[2]["isPassword"] == .bool(true))
            #expect((fields[2]["passwordRequirementId"]?.intValue ?? -1) > 0)
            let ssh = try await client.api(.get, "/v1/secret-templates/6007", token: token).json
            #expect(ssh["name"]?.stringValue == "Unix Account (SSH)")
            #expect(ssh["fields"]?.arrayValue?.map { $0["secretTemplateFieldId"]?.intValue } == [108, 111, 110, 109, 189, 190])
            #expect(
                ssh["fields"]?.arrayValue?.map { $0["fieldSlugName"]?.stringValue }
                    == ["machine", "username", "password", "notes", "private-key", "private-key-passphrase"])
            #expect(ssh["fields"]?.arrayValue?[4]["isFile"] == .bool(true))
            let search = try await client.api(.get, "/v1/secret-templates?filter.searchText=account&take=100", token: token).json
            let names = search["records"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.contains("Unix Account (SSH)") && names.contains("Active Directory Account"))
            #expect(!names.contains("Password"))
        }
    }

    @Test func generatedPasswordsMeetTheFieldsRequirement() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            for _ in 0..<20 {
                let answer = try await client.api(.post, "/v1/secret-templates/generate-password/7", token: token)
                let password = try #require(answer.json.stringValue)
                #expect(password.count >= 12)
                #expect(password.contains { $0.isUppercase })
                #expect(password.contains { $0.isLowercase })
                #expect(password.contains { $0.isNumber })
                #expect(password.contains(where: { "!#$%&*+-.:;=?@^_~".contains($0) }))
                #expect(!password.contains("\"") && !password.contains("\\"))
            }
            let passphraseAnswer = try await client.api(.post, "/v1/secret-templates/generate-password/190", token: token)
            let passphrase = try #require(passphraseAnswer.json.stringValue)
            #expect(passphrase.count >= 24)
            let pinAnswer = try await client.api(.post, "/v1/secret-templates/generate-password/1042", token: token)
            let pin = try #require(pinAnswer.json.stringValue)
            #expect(pin.count >= 6)
            #expect(pin.allSatisfy { $0.isNumber })
            let notPassword = try await client.api(.post, "/v1/secret-templates/generate-password/61", token: token)
            #expect(notPassword.status == .badRequest)
            let unknown = try await client.api(.post, "/v1/secret-templates/generate-password/424242", token: token)
            #expect(unknown.json["errorCode"]?.stringValue == "API_AccessDenied")
        }
    }

    @Test func foldersCreateUpdateDeleteAndRules() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            let stub = try await client.api(.get, "/v1/folders/stub", token: token).json
            #expect(stub["folderTypeId"]?.intValue == 1 && stub["parentFolderId"]?.intValue == -1)
            let a = try await client.api(.post, "/v1/folders", token: token, json: #"{"FolderName": "A", "FolderTypeId": 1, "ParentFolderId": -1}"#).json
            let aId = try #require(a["id"]?.intValue)
            let b = try await client.api(.post, "/v1/folders", token: token, json: #"{"folderName": "B", "folderTypeId": 1, "parentFolderId": \#(aId)}"#).json
            let bId = try #require(b["id"]?.intValue)
            let duplicate = try await client.api(
                .post, "/v1/folders", token: token, json: #"{"folderName": "b", "folderTypeId": 1, "parentFolderId": \#(aId)}"#)
            #expect(duplicate.status == .badRequest)
            let cycle = try await client.api(
                .put, "/v1/folders/\(aId)", token: token, json: #"{"id": \#(aId), "folderName": "A", "folderTypeId": 1, "parentFolderId": \#(bId)}"#)
            #expect(cycle.status == .badRequest)
            let renamed = try await client.api(.put, "/v1/folders/\(bId)", token: token, json: #"{"id": \#(bId), "folderName": "Bee", "folderTypeId": 1}"#)
            #expect(renamed.json["folderPath"]?.stringValue == "\\A\\Bee")
            let lookup = try await client.api(.get, "/v1/folders/lookup?filter.parentFolderId=\(aId)&filter.limitToDirectDescendents=True&take=1", token: token)
                .json
            #expect(lookup["total"]?.intValue == 1 && lookup["records"]?.arrayValue?.first?["value"]?.stringValue == "Bee")
            let search = try await client.api(.get, "/v1/folders/?filter.searchText=bee", token: token).json
            #expect(search["records"]?.arrayValue?.first?["folderPath"]?.stringValue == "\\A\\Bee")
            #expect(search["records"]?.arrayValue?.first?["childFolders"] == nil)
            let notEmpty = try await client.api(.delete, "/v1/folders/\(aId)", token: token)
            #expect(notEmpty.json["errorCode"]?.stringValue == "API_FolderNotEmpty")
            #expect(try await client.api(.delete, "/v1/folders/\(bId)", token: token).json["objectType"]?.stringValue == "Folder")
            #expect(try await client.api(.delete, "/v1/folders/\(aId)", token: token).status == .ok)
            #expect(try await client.api(.get, "/v1/folders/\(aId)", token: token).json["errorCode"]?.stringValue == "API_AccessDenied")
        }
    }
}
