import PropertyBased
import Testing

@testable import Sesame
@testable import SesameCore

/// PropertyBased 2.0.1 runs a property's body under `try?`, so an error it throws would pass silently: record it.
private func recording(_ body: () throws -> Void) {
    do { try body() } catch { Issue.record("threw \(error)") }
}

/// Characters that mean something to the reference grammar or JSON, plus spaces, non-ASCII, an emoji, and
/// characters Unicode joins to their neighbours (a combining accent, a zero-width joiner and a variation selector
/// join what comes before; U+0600, a "prepend" character, what comes after), which must not swallow a separator.
let grammarCharacters: [Character] = Array("aZ09 -_.~/\\#?&=%[]:@+,;'\"{}é中🔑\t") + ["\u{301}", "\u{200D}", "\u{FE0F}", "\u{600}"]
let grammarCharacter = Gen<Character?>.element(of: grammarCharacters).map { $0! }
let grammarText = grammarCharacter.string(of: 1...8)

/// A key path of 1...4 components: keys of any grammar characters, indices 0...20.
let keyPaths = Generator<JSONKeyPath, Shrink.None<JSONKeyPath>> { rng in
    let count = Int.random(in: 1...4, using: &rng)
    return JSONKeyPath(
        (0..<count).map { _ in
            if Bool.random(using: &rng) { return .index(Int.random(in: 0...20, using: &rng)) }
            let length = Int.random(in: 1...8, using: &rng)
            return .key(String((0..<length).map { _ in grammarCharacters.randomElement(using: &rng)! }))
        })
}

/// Property-based tests of the reference grammar and JSON key paths.
@Suite(.timeLimit(.minutes(5)))
struct ReferencePropertyTests {
    /// Any reference made from parts writes a canonical text that parses back to the same parts.
    @Test func canonicalTextParsesBackToTheSameReference() async {
        await propertyCheck(count: 500, input: grammarText.array(of: 1...4), grammarText.array(of: 0...2), keyPaths.optional) {
            segments, optionWords, keyPath in
            recording {
                var options: [String: String] = [:]
                for word in optionWords { options[word] = String(word.reversed()) }
                let reference = SecretReference(scheme: "test", segments: segments, options: options, keyPath: keyPath)
                let parsed = try SecretReference(parsing: reference.canonical, extraSchemes: ["test"])
                #expect(parsed.segments == segments)
                #expect(parsed.options == options)
                #expect(parsed.keyPath == keyPath)
                #expect(parsed.canonical == reference.canonical)
                #expect(parsed == reference)
            }
        }
    }

    /// Any text after a scheme either parses, and then its canonical form parses to the same reference, or is
    /// refused with a position inside the text; it never crashes.
    @Test func anyTextParsesToAFixedPointOrIsRefusedWithAPosition() async {
        await propertyCheck(
            count: 1000, input: grammarCharacter.string(of: 0...24), Gen.element(of: ["tss://", "aws-sm://", "aws-ps:///", "env://"]).map { $0! }
        ) {
            body, prefix in
            recording {
                let text = prefix + body
                do {
                    let reference = try SecretReference(parsing: text)
                    let again = try SecretReference(parsing: reference.canonical)
                    #expect(again == reference, "\(text)")
                    #expect(again.canonical == reference.canonical)
                } catch let error as SecretReferenceError {
                    #expect((0...text.unicodeScalars.count).contains(error.position), "\(text): position \(error.position)")
                    #expect(!error.message.isEmpty)
                }
            }
        }
    }

    /// A key path written out parses back to the same components, whatever its keys contain.
    @Test func keyPathsRoundTripThroughTheirText() async {
        await propertyCheck(count: 1000, input: keyPaths) { path in
            recording {
                let parsed = try JSONKeyPath(parsing: path.description)
                #expect(parsed == path, "\(path.description)")
            }
        }
    }

    /// A value placed in a JSON document at a key path, among other members and elements, is what the key path
    /// finds after the document is written as text and read back.
    @Test func aKeyPathFindsWhatWasPutThere() async {
        await propertyCheck(count: 500, input: keyPaths, grammarText, Gen.int(in: 0...3)) { path, leafText, noise in
            recording {
                let leaf = SecretJSON.string(leafText)
                var document = leaf
                for component in path.components.reversed() {
                    switch component {
                    case .key(let key):
                        var members = (0..<noise).map { SecretJSON.Member(key: "noise-\($0)", value: .number("\($0)")) }
                        members.insert(.init(key: key, value: document), at: min(noise, 1))
                        document = .object(members.filter { $0.key != key || $0.value == document })
                    case .index(let index):
                        var elements = Array(repeating: SecretJSON.null, count: index)
                        elements.append(document)
                        elements += (0..<noise).map { SecretJSON.number("\($0)") }
                        document = .array(elements)
                    }
                }
                let read = try SecretJSON.parse(document.jsonText)
                #expect(read == document)
                #expect(read.value(at: path) == leaf, "\(path.description) in \(document.jsonText)")
            }
        }
    }
}
