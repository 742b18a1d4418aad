import Foundation
import SecretServerModels
import Testing

@Suite(.timeLimit(.minutes(5)))
struct JSONValueTests {
    func parse(_ text: String) throws -> JSONValue {
        try WireCoding.makeDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test func keysMatchWithoutRegardToCase() throws {
        let value = try parse(#"{"FolderID": 5, "Items": [{"FieldID": 7, "ItemValue": "x"}]}"#)
        #expect(value["folderId"]?.intValue == 5)
        #expect(value["FOLDERID"]?.intValue == 5)
        #expect(value["items"]?.arrayValue?.first?["fieldid"]?.intValue == 7)
        #expect(value["missing"] == nil)
    }

    @Test func scalarsConvertLikeNewtonsoft() throws {
        let value = try parse(#"{"a": "5804", "b": 1, "c": "TRUE", "d": 12.0, "e": null, "f": true, "g": "x"}"#)
        #expect(value["a"]?.intValue == 5804)
        #expect(value["b"]?.boolValue == true)
        #expect(value["c"]?.boolValue == true)
        #expect(value["d"]?.intValue == 12)
        #expect(value["e"]?.isNull == true)
        #expect(value["f"]?.intValue == 1)
        #expect(value["f"]?.stringValue == "true")
        #expect(value["g"]?.intValue == nil)
        #expect(value["g"]?.boolValue == nil)
    }

    @Test func objectKeepsLastDuplicateAndRemoves() {
        var object = JSONObject([("Name", .string("a")), ("name", .string("b"))])
        #expect(object.members.count == 1)
        #expect(object["NAME"] == .string("b"))
        object["name"] = nil
        #expect(object.members.isEmpty)
        #expect(!object.contains("name"))
    }

    @Test func objectsAreEqualInAnyKeyOrder() {
        let one = JSONObject([("a", .int(1)), ("b", .object(JSONObject([("x", .null), ("y", .bool(true))])))])
        let two = JSONObject([("b", .object(JSONObject([("y", .bool(true)), ("x", .null)]))), ("a", .int(1))])
        #expect(one == two)
        #expect(one.hashValue == two.hashValue)
        #expect(one != JSONObject([("a", .int(1)), ("b", .null)]))
        #expect(one != JSONObject([("A", .int(1)), ("b", .object(JSONObject([("x", .null), ("y", .bool(true))])))]))
        #expect(JSONObject([("a", .int(1))]) != JSONObject([("a", .int(1)), ("c", .int(1))]))
    }

    @Test func roundTripsThroughEncoding() throws {
        let value = try parse(#"{"a": [1, 2.5, "three", false, null, {"b": {}}]}"#)
        let again = try parse(String(decoding: try WireCoding.makeEncoder().encode(value), as: UTF8.self))
        #expect(again == value)
    }
}

@Suite(.timeLimit(.minutes(5)))
struct WireDateTests {
    @Test func formatsWithoutOffsetAndParsesBack() throws {
        let date = Date(timeIntervalSince1970: 1_705_913_754.657)
        let text = WireDate.string(from: date)
        #expect(text == "2024-01-22T08:55:54.657")
        let parsed = try #require(WireDate.date(from: text))
        #expect(abs(parsed.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.001)
        #expect(WireDate.date(from: "2024-01-22T08:55:54") != nil)
        #expect(WireDate.date(from: "2024-01-22T08:55:54Z") != nil)
    }

    @Test func neverIsNil() {
        #expect(WireDate.date(from: WireDate.never) == nil)
        #expect(WireDate.date(from: "not a date") == nil)
        #expect(WireDate.date(from: nil) == nil)
    }
}

@Suite(.timeLimit(.minutes(5)))
struct ModelTests {
    @Test func secretItemWritesExplicitNullsForNonFileFields() throws {
        let item = RestSecretItem(itemValue: "v", fieldId: 7, fieldName: "Password", slug: "password", isPassword: true)
        let object = try WireCoding.makeDecoder().decode(JSONValue.self, from: try WireCoding.makeEncoder().encode(item))
        guard case .object(let members) = object else {
            Issue.record("not an object")
            return
        }
        #expect(members.contains("fileAttachmentId"))
        #expect(members["fileAttachmentId"] == .null)
        #expect(members["filename"] == .null)
        #expect(
            Set(members.keys) == [
                "itemId", "fileAttachmentId", "filename", "itemValue", "fieldId", "fieldName", "slug", "fieldDescription",
                "isFile", "isNotes", "isPassword", "isList", "listType",
            ])
    }

    @Test func descriptionsNeverShowValues() {
        var secret = SecretModel(id: 4, name: "db", secretTemplateId: 2)
        secret.items = [RestSecretItem(itemValue: "hunter2-Secret", fieldId: 7, slug: "password", isPassword: true)]
        for text in [
            secret.description, secret.debugDescription, String(describing: secret), String(reflecting: secret),
            "\(secret.items[0])",
        ] {
            #expect(!text.contains("hunter2"))
        }
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
    }

    @Test func secretDecodesFromSparseJSON() throws {
        let secret = try WireCoding.makeDecoder().decode(
            SecretModel.self, from: Data(#"{"id": 3, "name": "x", "items": [{"fieldId": 7, "slug": "password", "itemValue": "p"}]}"#.utf8)
        )
        #expect(secret.id == 3)
        #expect(secret.folderId == -1)
        #expect(secret.item("PASSWORD")?.itemValue == "p")
        #expect(secret.lastHeartBeatCheck == WireDate.never)
    }

    @Test func itemLookupPrefersSlugThenName() {
        var secret = SecretModel(secretTemplateId: 6007)
        secret.items = [
            RestSecretItem(fieldId: 110, fieldName: "Password", slug: "password-1"),
            RestSecretItem(fieldId: 190, fieldName: "Private Key Passphrase", slug: "private-key-passphrase"),
        ]
        #expect(secret.item("password")?.fieldId == 110)
        #expect(secret.item("Private Key Passphrase")?.fieldId == 190)
        let known = secret.setValue("x", forItem: "password-1")
        let unknown = secret.setValue("x", forItem: "nope")
        #expect(known)
        #expect(!unknown)
        #expect(secret.item("password-1")?.itemValue == "x")
    }

    @Test func pageCountersFollowTheRealServer() {
        let page = Page(records: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], skip: 10, take: 10, total: 42)
        #expect(page.pageCount == 5)
        #expect(page.currentPage == 2)
        #expect(page.nextSkip == 20)
        #expect(page.prevSkip == 0)
        #expect(page.hasNext)
        #expect(page.hasPrev)
        let last = Page(records: [1, 2], skip: 40, take: 10, total: 42)
        #expect(!last.hasNext)
        let empty = Page<Int>(records: [], skip: 0, take: 10, total: 0)
        #expect(!empty.hasNext && empty.pageCount == 0)
    }
}
