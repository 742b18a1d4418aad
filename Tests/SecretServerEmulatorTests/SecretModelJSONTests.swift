import Foundation
import NIOCore
import SecretServerModels
import Testing

@testable import SecretServerEmulator

/// `SecretModelJSON` must write exactly what the model's `Encodable` conformance says, for every kind of value.
@Suite(.timeLimit(.minutes(5))) struct SecretModelJSONTests {
    static func parsed(_ data: Data) throws -> NSDictionary {
        try #require(JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    static func fast(_ model: SecretModel) throws -> Data {
        var buffer = ByteBuffer()
        SecretModelJSON.write(model, into: &buffer)
        return Data(buffer.readableBytesView)
    }

    static var models: [SecretModel] {
        var plain = SecretModel(
            id: 7, name: "db", secretTemplateId: 2, folderId: 3,
            items: [
                RestSecretItem(
                    itemId: 1, itemValue: "p@ss \"quoted\" \\ back/slash", fieldId: 10, fieldName: "Password",
                    slug: "password", isPassword: true),
                RestSecretItem(
                    itemId: 2, fileAttachmentId: 99, filename: "key.pem", itemValue: RestSecretItem.filePlaceholder,
                    fieldId: 11, fieldName: "Key", slug: "key", isFile: true),
                RestSecretItem(itemId: 3, itemValue: "line1\nline2\r\ttab\u{01}\u{1F}\u{7F} é 🔑", fieldId: 12, slug: "notes", isNotes: true),
            ], secretTemplateName: "Password")
        plain.autoChangeNextPassword = "next \"one\""
        plain.jumpboxRouteId = "route/1"
        plain.responseCodes = ["a", "b\"c"]
        plain.checkedOut = true
        plain.checkOutMinutesRemaining = 12
        plain.checkOutUserDisplayName = "Ann \\ Admin"
        var empty = SecretModel(secretTemplateId: 6003)
        empty.active = false
        empty.folderId = -1
        return [plain, empty, SecretModel(id: 1, name: "", secretTemplateId: 1, items: [RestSecretItem(fieldId: 1)])]
    }

    @Test func writesWhatTheEncoderWrites() throws {
        for model in Self.models {
            let expected = try Self.parsed(WireCoding.makeEncoder().encode(model))
            let written = try Self.fast(model)
            #expect(try Self.parsed(written) == expected, "\(String(decoding: written, as: UTF8.self))")
            #expect(try WireCoding.makeDecoder().decode(SecretModel.self, from: written) == model)
        }
    }

    /// A key written twice would hide behind the parser (the last one wins), so the keys are counted as written.
    @Test func writesEveryKeyOnce() throws {
        let model = Self.models[0]
        let keys = { (data: Data) -> [String] in
            // Top-level keys in order of appearance: every `"name":` at depth 1.
            var depth = 0, keys: [String] = [], inString = false, escaped = false, current = "", collecting = false
            for scalar in String(decoding: data, as: UTF8.self).unicodeScalars {
                if inString {
                    if escaped {
                        escaped = false
                    } else if scalar == "\\" {
                        escaped = true
                    } else if scalar == "\"" {
                        inString = false
                    } else if collecting {
                        current.unicodeScalars.append(scalar)
                    }
                    continue
                }
                switch scalar {
                case "{", "[": depth += 1
                case "}", "]": depth -= 1
                case "\"": inString = true; collecting = depth == 1; current = ""
                case ":": if depth == 1, !current.isEmpty { keys.append(current); current = "" }
                default: break
                }
            }
            return keys
        }
        let written = keys(try Self.fast(model))
        #expect(written.count == Set(written).count)
        #expect(Set(written) == Set(try Self.parsed(WireCoding.makeEncoder().encode(model)).allKeys.compactMap { $0 as? String }))
    }
}
