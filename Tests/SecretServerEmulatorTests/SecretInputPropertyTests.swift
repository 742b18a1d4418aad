import Foundation
import PropertyBased
import SecretServerModels
import SesameTestSupport
import Testing

@testable import SecretServerEmulator

/// PropertyBased 2.0.1 runs a property's body under `try?`, so an error it throws would pass silently: record it.
private func recording(_ body: () throws -> Void) {
    do { try body() } catch { Issue.record("threw \(error)") }
}

/// Property-based test of the local server's case-insensitive reading of secret bodies.
@Suite(.timeLimit(.minutes(5)))
struct SecretInputPropertyTests {
    /// A secret as the typed client writes it, with its keys re-cased at random (python-tss-sdk's Go sibling
    /// writes PascalCase), reads as the same secret.
    @Test func aSecretBodyReadsTheSameInAnyKeyCasing() async {
        let secrets = Generator<(SecretModel, Data), Shrink.None<(SecretModel, Data)>> { rng in
            var secret = SecretModel(
                id: Int.random(in: 1...100_000, using: &rng), name: "db-\(Int.random(in: 0...99, using: &rng))",
                secretTemplateId: Int.random(in: 1...9, using: &rng), folderId: Int.random(in: 1...50, using: &rng))
            secret.items = (0..<Int.random(in: 0...4, using: &rng)).map { index in
                RestSecretItem(
                    itemValue: String((0..<6).map { _ in "aZ9 é\"\\".randomElement(using: &rng)! }), fieldId: index + 1,
                    fieldName: "Field \(index)", slug: "field-\(index)")
            }
            let written = try! WireCoding.makeDecoder().decode(JSONValue.self, from: try! WireCoding.makeEncoder().encode(secret))
            return (secret, try! WireCoding.makeEncoder().encode(written.recasedKeys(using: &rng)))
        }
        await propertyCheck(count: 300, input: secrets) { secret, text in
            recording {
                let body = try #require(try WireCoding.makeDecoder().decode(JSONValue.self, from: text).objectValue)
                let input = try SecretInput(body)
                #expect(input.id == Int64(secret.id) && input.name == secret.name)
                #expect(input.templateId == Int64(secret.secretTemplateId))
                #expect(input.folderId == .some(Int64(secret.folderId)))
                #expect(input.items?.map(\.value) == secret.items.map { Optional($0.itemValue) })
                #expect(input.items?.map(\.slug) == secret.items.map { Optional($0.slug) })
                #expect(input.items?.map(\.fieldId) == secret.items.map { Optional(Int64($0.fieldId)) })
            }
        }
    }
}
