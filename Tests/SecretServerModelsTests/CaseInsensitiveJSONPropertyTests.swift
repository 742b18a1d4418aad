import Foundation
import PropertyBased
import SecretServerModels
import SesameTestKit
import Testing

/// PropertyBased 2.0.1 runs a property's body under `try?`, so an error it throws would pass silently: record it.
private func recording(_ body: () throws -> Void) {
    do { try body() } catch { Issue.record("threw \(error)") }
}

/// A random JSON document: scalars of every kind, arrays and objects (keys unique without regard to case),
/// nested up to `depth`.
private func randomJSON(depth: Int, using rng: inout any SeededRandomNumberGenerator) -> JSONValue {
    let kind = Int.random(in: 0...(depth > 0 ? 7 : 4), using: &rng)
    switch kind {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &rng))
    case 2: return .int(Int64.random(in: -1_000_000...1_000_000, using: &rng))
    // Not integral: Foundation writes 5.0 as 5, which reads back as an integer (JSON has one number type).
    case 3: return .double(Double(Int.random(in: -10_000...10_000, using: &rng)) + 0.125)
    case 4: return .string(String((0..<Int.random(in: 0...8, using: &rng)).map { _ in "aZ09 \"\\/é中🔑\n\t".randomElement(using: &rng)! }))
    case 5: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomJSON(depth: depth - 1, using: &rng) })
    default:
        var object = JSONObject()
        for index in 0..<Int.random(in: 0...5, using: &rng) {
            let key = ["id", "name", "Value", "itemValue", "a.b", "é", "x\(index)"].randomElement(using: &rng)! + "\(index)"
            object[key] = randomJSON(depth: depth - 1, using: &rng)
        }
        return .object(object)
    }
}

private let documents = Generator<JSONValue, Shrink.None<JSONValue>> { rng in randomJSON(depth: 3, using: &rng) }

private let recasings = Generator<JSONValue, Shrink.None<JSONValue>> { rng in
    let document = randomJSON(depth: 3, using: &rng)
    return .array([document, document.recasedKeys(using: &rng)])
}

/// Property-based tests of the case-insensitive JSON reader that reads request and response bodies.
@Suite(.timeLimit(.minutes(5)))
struct CaseInsensitiveJSONPropertyTests {
    /// Any document written and read back is the same document.
    @Test func documentsRoundTrip() async {
        await propertyCheck(count: 500, input: documents) { document in
            recording {
                let text = try WireCoding.makeEncoder().encode(document)
                #expect(try WireCoding.makeDecoder().decode(JSONValue.self, from: text) == document)
            }
        }
    }

    /// Whatever case an object's keys are written in, every value is found under the key as first spelled.
    @Test func keysAreFoundInAnyCase() async {
        await propertyCheck(count: 500, input: recasings) { pair in
            recording {
                let original = pair.arrayValue![0]
                let text = try WireCoding.makeEncoder().encode(pair.arrayValue![1])
                let read = try WireCoding.makeDecoder().decode(JSONValue.self, from: text)
                func check(_ expected: JSONValue, _ actual: JSONValue, _ path: String) {
                    switch expected {
                    case .object(let object):
                        for member in object.members {
                            guard let found = actual[member.key] ?? actual[member.key.uppercased()] else {
                                Issue.record("\(path).\(member.key) not found")
                                continue
                            }
                            check(member.value, found, path + "." + member.key)
                            #expect(actual[member.key.lowercased()] == found)
                        }
                    case .array(let elements):
                        for (index, element) in elements.enumerated() {
                            guard let found = actual.arrayValue?[safe: index] else {
                                Issue.record("\(path)[\(index)] not found")
                                continue
                            }
                            check(element, found, path + "[\(index)]")
                        }
                    default:
                        #expect(actual == expected, "\(path)")
                    }
                }
                check(original, read, "$")
            }
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
