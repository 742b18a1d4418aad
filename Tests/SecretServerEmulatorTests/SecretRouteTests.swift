import Foundation
import HummingbirdTesting
import NIOCore
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct SecretRouteTests {
    /// The body the "create a new secret" script sends (folderId as the string raw_input returned).
    static func scriptBody(name: String, folderId: String, password: String = "S3cret-Value!") -> String {
        """
        {"requiresComment": false, "enableInheritPermissions": true, "isOutOfSync": false, "checkOutEnabled": false,
         "active": true, "siteId": 1, "folderId": "\(folderId)", "name": "\(name)", "secretTemplateId": 2,
         "items": [
          {"isNotes": false, "isPassword": false, "isFile": false, "filename": null, "fieldName": "Resource",
           "itemValue": "", "fileAttachmentId": null, "fieldId": 60, "slug": "resource"},
          {"fieldName": "Username", "itemValue": "svc", "fieldId": 61, "slug": "username"},
          {"fieldName": "Password", "itemValue": "\(password)", "fieldId": 7, "slug": "password", "isPassword": true},
          {"isNotes": true, "fieldName": "Notes", "itemValue": "", "fieldId": 8, "slug": "notes"}]}
        """
    }

    @Test func createReadUpdateDeleteWithTheScriptsBodies() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            let folder = try await client.api(
                .post, "/v1/folders", token: token,
                json: #"{"folderName": "Prod", "folderTypeId": 1, "parentFolderId": -1}"#)
            #expect(folder.status == .ok)
            let folderId = try #require(folder.json["id"]?.intValue)
            #expect(folder.json["folderPath"]?.stringValue == "\\Prod")

            let created = try await client.api(
                .post, "/v1/secrets/", token: token,
                json: Self.scriptBody(name: "db01", folderId: String(folderId)))
            #expect(created.status == .ok)
            let id = try #require(created.json["id"]?.intValue)
            #expect(created.json["folderId"]?.intValue == folderId)
            #expect(created.json["secretTemplateName"]?.stringValue == "Password")
            let items = try #require(created.json["items"]?.arrayValue)
            #expect(items.map { $0["fieldId"]?.intValue } == [60, 61, 7, 8])
            #expect(items.map { $0["slug"]?.stringValue } == ["resource", "username", "password", "notes"])
            #expect(items[2]["itemValue"]?.stringValue == "S3cret-Value!")
            #expect(items[0]["fileAttachmentId"] == .null)

            // The "REST API Python scripts" flow: GET, change notes by slug, PUT the whole body back.
            var secret = try await client.api(.get, "/v1/secrets/\(id)", token: token).json.objectValue!
            var changed = secret["items"]!.arrayValue!.map { item -> JSONValue in
                guard item["slug"]?.stringValue == "notes", var object = item.objectValue else { return item }
                object["itemValue"] = .string("New Notes Value")
                return .object(object)
            }
            secret["items"] = .array(changed)
            secret["name"] = .string("Updated Secret Name")
            let body = String(decoding: try WireCoding.makeEncoder().encode(JSONValue.object(secret)), as: UTF8.self)
            let updated = try await client.api(.put, "/v1/secrets/\(id)", token: token, json: body)
            #expect(updated.status == .ok)
            #expect(updated.json["name"]?.stringValue == "Updated Secret Name")
            changed = updated.json["items"]!.arrayValue!
            #expect(changed.first { $0["slug"]?.stringValue == "notes" }?["itemValue"]?.stringValue == "New Notes Value")
            #expect(changed.first { $0["slug"]?.stringValue == "password" }?["itemValue"]?.stringValue == "S3cret-Value!")

            let field = try await client.api(.get, "/v1/secrets/\(id)/fields/notes", token: token)
            #expect(field.text == "\"New Notes Value\"")
            let put = try await client.api(.put, "/v1/secrets/\(id)/fields/password", token: token, json: #"{"value": "n3w"}"#)
            #expect(put.status == .ok)
            #expect(try await client.api(.get, "/v1/secrets/\(id)/fields/PASSWORD", token: token).text == "\"n3w\"")

            let deleted = try await client.api(.delete, "/v1/secrets/\(id)", token: token)
            #expect(deleted.json["objectType"]?.stringValue == "Secret")
            // Deactivated, not gone: the administrator (View Inactive Secrets and Owner) still reads it.
            let deactivated = try await client.api(.get, "/v1/secrets/\(id)", token: token)
            #expect(deactivated.status == .ok && deactivated.json["active"] == .bool(false))
            let inactive = try await client.api(.get, "/v1/secrets/\(id)?includeInactive=true", token: token)
            #expect(inactive.json["active"] == .bool(false))
        }
    }

    @Test func goStylePascalCaseBodyWithFieldIdsOnly() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            let body =
                #"{"Name":"web01","FolderID":-1,"SiteID":1,"SecretTemplateID":6007,"Items":[{"FieldID":108,"ItemValue":"web01"},{"FieldID":111,"ItemValue":"root"},{"FieldID":110,"ItemValue":"pw"}]}"#
            let created = try await client.api(.post, "/v1/secrets", token: token, json: body)
            #expect(created.status == .ok)
            #expect(created.json["secretTemplateId"]?.intValue == 6007)
            let file = created.json["items"]?.arrayValue?.first { $0["slug"]?.stringValue == "private-key" }
            #expect(file?["isFile"] == .bool(true))
            #expect(file?["fileAttachmentId"] == .null)
        }
    }

    @Test func requiredFieldMissingWritesNothing() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            let body = #"{"name": "half", "secretTemplateId": 2, "items": [{"fieldId": 61, "itemValue": "u"}]}"#
            let response = try await client.api(.post, "/v1/secrets", token: token, json: body)
            #expect(response.status == .badRequest)
            #expect(response.json["errorCode"]?.stringValue == "API_RequiredFieldMissing")
            let total = try await client.api(.get, "/v1/secrets/search-total?filter.includeInactive=true", token: token)
            #expect(total.text == "0")
        }
    }

    @Test func badInputGetsTheRealErrorShapes() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            let badJSON = try await client.api(.post, "/v1/secrets", token: token, json: "{not json")
            #expect(badJSON.status == .badRequest)
            #expect(badJSON.json["message"]?.stringValue == "The request is invalid.")
            let noName = try await client.api(.post, "/v1/secrets", token: token, json: #"{"secretTemplateId": 2, "items": []}"#)
            #expect(noName.status == .badRequest)
            #expect(noName.json["modelState"]?["args.Name"] != nil)
            let unknownTemplate = try await client.api(.post, "/v1/secrets", token: token, json: #"{"name": "x", "secretTemplateId": 99999, "items": []}"#)
            #expect(unknownTemplate.json["errorCode"]?.stringValue == "API_AccessDenied")
            let wrongType = try await client.api(.post, "/v1/secrets", token: token, json: #"{"name": "x", "secretTemplateId": "two"}"#)
            #expect(wrongType.status == .badRequest)
            let array = try await client.api(.post, "/v1/secrets", token: token, json: "[1,2]")
            #expect(array.status == .badRequest)
            let badId = try await client.api(.get, "/v1/secrets/abc", token: token)
            #expect(badId.status == .badRequest)
            let badTake = try await client.api(.get, "/v1/secrets?take=lots", token: token)
            #expect(badTake.status == .badRequest)
            let unknown = try await client.api(.get, "/v1/no-such-thing", token: token)
            #expect(unknown.status == .notFound)
            #expect(unknown.json["message"]?.stringValue?.contains("No HTTP resource was found") == true)
            let mismatch = try await client.api(.put, "/v1/secrets/5", token: token, json: #"{"id": 6, "name": "x", "items": []}"#)
            #expect(mismatch.status == .badRequest)
            // Found by schemathesis: a group in a domain that does not exist (was a 500 from the foreign key).
            let noDomain = try await client.api(.post, "/v1/groups", token: token, json: #"{"name": "g", "domainId": 2147483647}"#)
            #expect(noDomain.status == .badRequest)
            #expect(noDomain.json["errorCode"]?.stringValue == "API_DomainNotFound")
            // Also found by schemathesis: renaming a team to another team's name (was a 500 from the unique index).
            _ = try await client.api(.post, "/v1/teams", token: token, json: #"{"teamName": "first"}"#)
            let second = try await client.api(.post, "/v1/teams", token: token, json: #"{"teamName": "second"}"#)
            let secondId = try #require(second.json.intValue)
            let duplicate = try await client.api(
                .put, "/v1/teams/\(secondId)", token: token,
                json: #"{"data": {"teamName": {"dirty": true, "value": "FIRST"}}}"#)
            #expect(duplicate.status == .badRequest)
            #expect(duplicate.json["errorCode"]?.stringValue == "API_DuplicateTeamName")
            for response in [badJSON, noName, unknownTemplate, wrongType, array, badId, badTake, unknown, mismatch, noDomain, duplicate] {
                #expect(response.status != .internalServerError)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            }
        }
    }

    @Test func searchPagesCaseInsensitiveKeysAndPagingPrefix() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            for index in 0..<23 {
                let body = Self.scriptBody(name: "app-\(index < 10 ? "0" : "")\(index)", folderId: "-1")
                #expect(try await client.api(.post, "/v1/secrets", token: token, json: body).status == .ok)
            }
            let first = try await client.api(.get, "/v1/secrets?filter.searchtext=APP&paging.take=10&&paging.skip=0", token: token)
            #expect(first.json["total"]?.intValue == 23)
            #expect(first.json["records"]?.arrayValue?.count == 10)
            #expect(first.json["hasNext"] == .bool(true))
            #expect(first.json["records"]?.arrayValue?.first?["name"]?.stringValue == "app-00")
            let last = try await client.api(.get, "/v2/secrets/?Filter.SearchText=app&skip=20&take=10", token: token)
            #expect(last.json["records"]?.arrayValue?.count == 3)
            #expect(last.json["hasNext"] == .bool(false))
            let exact = try await client.api(.get, "/v1/secrets?filter.searchText=app-07&filter.isExactMatch=true", token: token)
            #expect(exact.json["total"]?.intValue == 1)
            let defaultTake = try await client.api(.get, "/v1/secrets", token: token)
            #expect(defaultTake.json["take"]?.intValue == 10)
            let desc = try await client.api(.get, "/v1/secrets?sortBy[0].name=Name&sortBy[0].direction=desc&take=1", token: token)
            #expect(desc.json["records"]?.arrayValue?.first?["name"]?.stringValue == "app-22")
            let records = try #require(first.json["records"]?.arrayValue)
            #expect(records.allSatisfy { $0["items"] == nil && $0["itemValue"] == nil })
            #expect(!first.text.contains("S3cret-Value!"))
        }
    }

    @Test func secretAndFolderByPath() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            let prod = try await client.api(.post, "/v1/folders", token: token, json: #"{"folderName": "Prod", "folderTypeId": 1, "parentFolderId": -1}"#).json
            let db = try await client.api(
                .post, "/v1/folders", token: token,
                json: #"{"folderName": "Databases", "folderTypeId": 1, "parentFolderId": \#(prod["id"]!.intValue!)}"#
            ).json
            #expect(db["folderPath"]?.stringValue == "\\Prod\\Databases")
            let dbId = try #require(db["id"]?.intValue)
            _ = try await client.api(.post, "/v1/secrets", token: token, json: Self.scriptBody(name: "db01 root", folderId: String(dbId)))
            let byPath = try await client.api(.get, "/v1/secrets/0?secretPath=%5CProd%5CDatabases%5Cdb01%20root", token: token)
            #expect(byPath.json["name"]?.stringValue == "db01 root")
            let slashes = try await client.api(.get, "/v1/secrets/0?secretPath=/prod/databases/DB01%20ROOT", token: token)
            #expect(slashes.json["id"] == byPath.json["id"])
            let missing = try await client.api(.get, "/v1/secrets/0?secretPath=%5CProd%5Cnope", token: token)
            #expect(missing.json["errorCode"]?.stringValue == "API_AccessDenied")
            let folder = try await client.api(.get, "/v1/folders/0?folderPath=%5CProd&getAllChildren=true", token: token)
            #expect(folder.json["childFolders"]?.arrayValue?.first?["folderName"]?.stringValue == "Databases")
            let field = try await client.api(.get, "/v1/secrets/0/fields/username?secretPath=%5CProd%5CDatabases%5Cdb01%20root", token: token)
            #expect(field.text == "\"svc\"")
            let inFolder = try await client.api(.get, "/v1/secrets?filter.folderId=\(prod["id"]!.intValue!)&filter.includeSubFolders=true", token: token)
            #expect(inFolder.json["total"]?.intValue == 1)
            #expect(inFolder.json["records"]?.arrayValue?.first?["folderPath"]?.stringValue == "\\Prod\\Databases")
            let notDirect = try await client.api(.get, "/v1/secrets?filter.folderId=\(prod["id"]!.intValue!)", token: token)
            #expect(notDirect.json["total"]?.intValue == 0)
        }
    }

    @Test func multipartUploadAsTssSdkGoSendsIt() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            let body = #"{"Name":"mp","SecretTemplateID":6007,"Items":[{"FieldID":108,"ItemValue":"m"},{"FieldID":111,"ItemValue":"u"}]}"#
            let id = try #require(try await client.api(.post, "/v1/secrets", token: token, json: body).json["id"]?.intValue)
            let content = Data("line one\r\n--not-the-boundary\r\n".utf8) + Data([0, 1, 2, 255, 13, 10])
            var multipart = Data("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"id_rsa.txt\"\r\n".utf8)
            multipart += Data("Content-Type: application/octet-stream\r\n\r\n".utf8) + content + Data("\r\n--XyZ--\r\n".utf8)
            let upload = try await client.execute(
                uri: "/SecretServer/api/v1/secrets/\(id)/fields/private-key", method: .put,
                headers: [.authorization: "Bearer \(token)", .contentType: "multipart/form-data; boundary=XyZ"],
                body: ByteBuffer(bytes: multipart)
            )
            #expect(upload.status == .ok, "\(upload.text)")
            let download = try await client.api(.get, "/v1/secrets/\(id)/fields/private-key", token: token)
            #expect(Data(download.body.readableBytesView) == content)
            #expect(download.headers[.contentDisposition]?.contains("id_rsa.txt") == true)
            let broken = try await client.execute(
                uri: "/SecretServer/api/v1/secrets/\(id)/fields/private-key", method: .put,
                headers: [.authorization: "Bearer \(token)", .contentType: "multipart/form-data; boundary=XyZ"],
                body: ByteBuffer(string: "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end")
            )
            #expect(broken.status == .badRequest)
        }
    }

    @Test func stubSummaryAndFileFields() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            let stub = try await client.api(.get, "/v1/secrets/stub?filter.secretTemplateId=6007", token: token)
            #expect(stub.json["id"]?.intValue == 0)
            #expect(stub.json["items"]?.arrayValue?.map { $0["fieldId"]?.intValue } == [108, 111, 110, 109, 189, 190])
            let stub2 = try await client.api(.get, "/v1/secrets/stub?secretTemplateId=2", token: token)
            #expect(stub2.json["secretTemplateName"]?.stringValue == "Password")
            var body = stub.json.objectValue!
            body["name"] = .string("web01")
            body["items"] = .array(
                stub.json["items"]!.arrayValue!.map { item in
                    var object = item.objectValue!
                    switch item["slug"]?.stringValue {
                    case "machine": object["itemValue"] = .string("web01")
                    case "username": object["itemValue"] = .string("root")
                    default: break
                    }
                    return .object(object)
                })
            let created = try await client.api(
                .post, "/v1/secrets", token: token,
                json: String(decoding: try WireCoding.makeEncoder().encode(JSONValue.object(body)), as: UTF8.self))
            let id = try #require(created.json["id"]?.intValue)
            let noFile = try await client.api(.get, "/v1/secrets/\(id)/fields/private-key", token: token)
            #expect(noFile.status == .badRequest)
            let upload = try await client.api(
                .put, "/v1/secrets/\(id)/fields/private-key", token: token,
                json: #"{"fileName": "id_rsa.pem", "fileAttachment": [75, 69, 89, 10]}"#)
            #expect(upload.status == .ok, "\(upload.text)")
            let download = try await client.api(.get, "/v1/secrets/\(id)/fields/private-key", token: token)
            #expect(download.text == "KEY\n")
            #expect(download.headers[.contentType] == "application/octet-stream")
            #expect(download.headers[.contentDisposition]?.contains("id_rsa.pem") == true)
            let item = try await client.api(.get, "/v1/secrets/\(id)", token: token).json["items"]?.arrayValue?
                .first { $0["slug"]?.stringValue == "private-key" }
            #expect(item?["itemValue"]?.stringValue == RestSecretItem.filePlaceholder)
            #expect(item?["filename"]?.stringValue == "id_rsa.pem")
            #expect((item?["fileAttachmentId"]?.intValue ?? 0) > 0)
            let base64 = try await client.api(
                .put, "/v1/secrets/\(id)/fields/private-key", token: token,
                json: #"{"fileName": "k2.pem", "fileAttachment": "S0VZMg=="}"#)
            #expect(base64.status == .ok)
            #expect(try await client.api(.get, "/v1/secrets/\(id)/fields/private-key", token: token).text == "KEY2")
            let summary = try await client.api(.get, "/v1/secrets/\(id)/summary", token: token)
            #expect(summary.json["name"]?.stringValue == "web01")
            #expect(summary.json["secretTemplateName"]?.stringValue == "Unix Account (SSH)")
            #expect(summary.json["items"] == nil)
        }
    }
}
