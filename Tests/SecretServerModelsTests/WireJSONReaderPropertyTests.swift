import Foundation
import PropertyBased
import SecretServerModels
import Synchronization
import Testing

/// PropertyBased 2.0.1 runs a property's body under `try?`, so an error it throws would pass silently: record it.
private func recording(_ body: () throws -> Void) {
    do { try body() } catch { Issue.record("threw \(error)") }
}

private let characters = Array("aZ09 -_.:\"\\/\n\t\u{01}\u{7F}é中🔑")

private func randomString(using rng: inout some RandomNumberGenerator) -> String {
    String((0..<Int.random(in: 0...12, using: &rng)).map { _ in characters.randomElement(using: &rng)! })
}

private func randomInt(using rng: inout some RandomNumberGenerator) -> Int {
    switch Int.random(in: 0...3, using: &rng) {
    case 0: return Int.random(in: -1...1, using: &rng)
    case 1: return Int.random(in: -100_000...100_000, using: &rng)
    case 2: return [Int.max, Int.min, Int.min + 1].randomElement(using: &rng)!
    default: return Int.random(in: Int.min...Int.max, using: &rng)
    }
}

/// A secret with every property random, and up to five random fields.
private func randomSecret(using rng: inout some RandomNumberGenerator) -> SecretModel {
    func string() -> String { randomString(using: &rng) }
    func int() -> Int { randomInt(using: &rng) }
    func bool() -> Bool { Bool.random(using: &rng) }
    var secret = SecretModel(
        id: int(), name: string(), secretTemplateId: int(), folderId: int(), active: bool(),
        siteId: int(), secretTemplateName: string())
    secret.items = (0..<Int.random(in: 0...5, using: &rng)).map { _ in
        RestSecretItem(
            itemId: int(), fileAttachmentId: bool() ? int() : nil, filename: bool() ? string() : nil, itemValue: string(),
            fieldId: int(), fieldName: string(), slug: string(), fieldDescription: string(), isFile: bool(),
            isNotes: bool(), isPassword: bool(), isList: bool(), listType: string()
        )
    }
    secret.launcherConnectAsSecretId = int()
    secret.checkOutMinutesRemaining = int()
    secret.checkedOut = bool()
    secret.checkOutUserDisplayName = string()
    secret.checkOutUserId = int()
    secret.isRestricted = bool()
    secret.isOutOfSync = bool()
    secret.outOfSyncReason = string()
    secret.autoChangeEnabled = bool()
    secret.autoChangeNextPassword = bool() ? string() : nil
    secret.requiresApprovalForAccess = bool()
    secret.requiresComment = bool()
    secret.checkOutEnabled = bool()
    secret.checkOutIntervalMinutes = int()
    secret.checkOutChangePasswordEnabled = bool()
    secret.accessRequestWorkflowMapId = int()
    secret.proxyEnabled = bool()
    secret.sessionRecordingEnabled = bool()
    secret.restrictSshCommands = bool()
    secret.jumpboxRouteId = bool() ? string() : nil
    secret.allowOwnersUnrestrictedSshCommands = bool()
    secret.isDoubleLock = bool()
    secret.doubleLockId = int()
    secret.enableInheritPermissions = bool()
    secret.passwordTypeWebScriptId = int()
    secret.enableInheritSecretPolicy = bool()
    secret.secretPolicyId = int()
    secret.lastHeartBeatStatus = string()
    secret.lastHeartBeatCheck = string()
    secret.failedPasswordChangeAttempts = int()
    secret.lastPasswordChangeAttempt = string()
    secret.responseCodes = (0..<Int.random(in: 0...3, using: &rng)).map { _ in string() }
    secret.webLauncherRequiresIncognitoMode = bool()
    return secret
}

/// A JSON value of a random kind, for unknown keys and for values of the wrong type.
private func randomValue(depth: Int, using rng: inout some RandomNumberGenerator) -> JSONValue {
    switch Int.random(in: 0...(depth > 0 ? 6 : 4), using: &rng) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &rng))
    case 2: return .int(Int64(randomInt(using: &rng) / 2))
    case 3: return .double(Double(Int.random(in: -1000...1000, using: &rng)) + 0.5)
    case 4: return .string(randomString(using: &rng))
    case 5: return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in randomValue(depth: depth - 1, using: &rng) })
    default:
        var object = JSONObject()
        for index in 0..<Int.random(in: 0...3, using: &rng) { object["k\(index)"] = randomValue(depth: depth - 1, using: &rng) }
        return .object(object)
    }
}

/// Changes `document` the ways other servers' answers differ: keys left out or `null`, keys this model does not
/// know, a value of another type, numbers written as fractions.
private func mutate(_ document: inout JSONObject, arrayKey: String, using rng: inout some RandomNumberGenerator) {
    for key in document.keys {
        switch Int.random(in: 0...40, using: &rng) {
        case 0: document[key] = nil
        case 1: document[key] = .null
        case 2: document[key] = randomValue(depth: 2, using: &rng)
        case 3:
            if case .int(let value) = document[key] { document[key] = .double(Double(value) + 0.5) }
        default: break
        }
    }
    if case .array(var items) = document[arrayKey], !items.isEmpty {
        let index = Int.random(in: 0..<items.count, using: &rng)
        if case .object(var item) = items[index] {
            for key in item.keys where Int.random(in: 0...8, using: &rng) == 0 {
                item[key] = Bool.random(using: &rng) ? nil : (Bool.random(using: &rng) ? .null : randomValue(depth: 1, using: &rng))
            }
            items[index] = .object(item)
        } else if Int.random(in: 0...10, using: &rng) == 0 {
            items[index] = .null
        }
        document[arrayKey] = .array(items)
    }
    for index in 0..<Int.random(in: 0...2, using: &rng) {
        document["unknown\(index)"] = randomValue(depth: 3, using: &rng)
    }
}

/// Rewrites the text the ways a JSON writer may: non-ASCII letters as `\u` escapes (a surrogate pair for the
/// key emoji), `/` escaped, whitespace between tokens. These characters only occur inside strings here.
private func rewrite(_ text: String, using rng: inout some RandomNumberGenerator) -> String {
    var text = text
    if Bool.random(using: &rng) { text = text.replacingOccurrences(of: "é", with: "\\u00e9") }
    if Bool.random(using: &rng) { text = text.replacingOccurrences(of: "🔑", with: "\\uD83D\\uDD11") }
    if Bool.random(using: &rng) { text = text.replacingOccurrences(of: "/", with: "\\/") }
    if Bool.random(using: &rng) { text = "\n " + text + " \r\n" }
    return text
}

/// A page of up to six random summaries.
private func randomPage(using rng: inout some RandomNumberGenerator) -> Page<SecretSummary> {
    func string() -> String { randomString(using: &rng) }
    func int() -> Int { randomInt(using: &rng) }
    func bool() -> Bool { Bool.random(using: &rng) }
    let records = (0..<Int.random(in: 0...6, using: &rng)).map { _ in
        var summary = SecretSummary(id: int(), name: string(), secretTemplateId: int(), secretTemplateName: string(), folderId: int())
        summary.folderPath = bool() ? string() : nil
        summary.siteId = int()
        summary.active = bool()
        summary.checkedOut = bool()
        summary.checkOutUserId = int()
        summary.checkOutUserName = bool() ? string() : nil
        summary.isRestricted = bool()
        summary.isOutOfSync = bool()
        summary.outOfSyncReason = string()
        summary.lastHeartBeatStatus = string()
        summary.lastPasswordChangeAttempt = string()
        summary.responseCodes = bool() ? (0..<Int.random(in: 0...2, using: &rng)).map { _ in string() } : nil
        summary.lastAccessed = bool() ? string() : nil
        summary.extendedFields =
            bool()
            ? (0..<Int.random(in: 0...2, using: &rng)).map { _ in .init(name: string(), value: bool() ? string() : nil) } : nil
        summary.checkOutEnabled = bool()
        summary.autoChangeEnabled = bool()
        summary.doubleLockEnabled = bool()
        summary.requiresApproval = bool()
        summary.requiresComment = bool()
        summary.inheritsPermissions = bool()
        summary.hidePassword = bool()
        summary.hasLauncher = bool()
        summary.createDate = bool() ? string() : nil
        summary.daysUntilExpiration = bool() ? int() : nil
        return summary
    }
    let sorts = (0..<Int.random(in: 0...2, using: &rng)).map { _ in Sort(name: string(), direction: string(), priority: int()) }
    return Page(
        records: records, skip: Int.random(in: 0...1000, using: &rng), take: Int.random(in: 0...500, using: &rng),
        total: Int.random(in: 0...100_000, using: &rng), sortBy: sorts)
}

private struct Case: Sendable, CustomStringConvertible {
    var text: String
    var mutated: Bool
    var description: String { text }
}

private let cases = Generator<Case, Shrink.None<Case>> { rng in
    let secret = randomSecret(using: &rng)
    let encoder = JSONEncoder()
    if Bool.random(using: &rng) { encoder.outputFormatting = [.prettyPrinted, .sortedKeys] }
    let plain = try! encoder.encode(secret)
    guard Int.random(in: 0...2, using: &rng) == 0 else {
        return Case(text: rewrite(String(decoding: plain, as: UTF8.self), using: &rng), mutated: false)
    }
    guard case .object(var document) = try! JSONDecoder().decode(JSONValue.self, from: plain) else { fatalError() }
    mutate(&document, arrayKey: "items", using: &rng)
    let text = String(decoding: try! JSONEncoder().encode(JSONValue.object(document)), as: UTF8.self)
    return Case(text: rewrite(text, using: &rng), mutated: true)
}

private let pageCases = Generator<Case, Shrink.None<Case>> { rng in
    let page = randomPage(using: &rng)
    let plain = try! JSONEncoder().encode(page)
    guard Int.random(in: 0...2, using: &rng) == 0 else {
        return Case(text: rewrite(String(decoding: plain, as: UTF8.self), using: &rng), mutated: false)
    }
    guard case .object(var document) = try! JSONDecoder().decode(JSONValue.self, from: plain) else { fatalError() }
    mutate(&document, arrayKey: "records", using: &rng)
    let text = String(decoding: try! JSONEncoder().encode(JSONValue.object(document)), as: UTF8.self)
    return Case(text: rewrite(text, using: &rng), mutated: true)
}

/// Property-based tests of the hand-written secret reader: it reads every answer `JSONDecoder` reads the same
/// way, or leaves it to `JSONDecoder`; it never reads one differently, nor one `JSONDecoder` refuses.
@Suite(.timeLimit(.minutes(5)))
struct WireJSONReaderPropertyTests {
    private static func decodeBoth(_ text: String) -> (wire: SecretModel?, codable: Result<SecretModel, any Error>) {
        let data = Data(text.utf8)
        let wire = data.withUnsafeBytes { SecretModel.decodeWireJSON($0) }
        return (wire, Result { try JSONDecoder().decode(SecretModel.self, from: data) })
    }

    @Test func readsWhatJSONDecoderReads() async {
        let counts = Counts()
        await propertyCheck(count: 2_000, input: cases) { testCase in
            recording {
                let (wire, codable) = Self.decodeBoth(testCase.text)
                if testCase.mutated {
                    counts.add(mutated: true, read: wire != nil)
                    if let wire {
                        let expected = try codable.get()
                        #expect(wire == expected, "\(testCase.text)")
                    }
                } else {
                    // Any secret a JSON encoder writes is read by the fast path, and read the same.
                    counts.add(mutated: false, read: wire != nil)
                    let expected = try codable.get()
                    #expect(wire != nil, "\(testCase.text)")
                    #expect(wire == expected)
                }
            }
        }
        // Both kinds of case were made, and mutated ones that still decode were read too (about one in five; the
        // fast path is used, not only the fallback).
        let (plain, mutated, mutatedRead) = counts.values
        #expect(plain > 1_000)
        #expect(mutated > 400)
        #expect(mutatedRead > mutated / 10, "only \(mutatedRead) of \(mutated) mutated answers were read")
    }

    /// The same for pages of search results, whose fallbacks depend on other keys (`total`, `nextSkip`, `hasPrev`).
    @Test func readsPagesAsJSONDecoderReadsThem() async {
        let counts = Counts()
        await propertyCheck(count: 1_500, input: pageCases) { testCase in
            recording {
                let data = Data(testCase.text.utf8)
                let wire = data.withUnsafeBytes { Page<SecretSummary>.decodeWireJSON($0) }
                let codable = Result { try JSONDecoder().decode(Page<SecretSummary>.self, from: data) }
                counts.add(mutated: testCase.mutated, read: wire != nil)
                guard testCase.mutated || wire != nil else {
                    Issue.record("a plain page was not read: \(testCase.text)")
                    return
                }
                if let wire {
                    let expected = try codable.get()
                    #expect(Self.same(wire, expected), "\(testCase.text)")
                }
            }
        }
        let (plain, mutated, mutatedRead) = counts.values
        #expect(plain > 700 && mutated > 300)
        #expect(mutatedRead > mutated / 10, "only \(mutatedRead) of \(mutated) mutated pages were read")
    }

    private static func same(_ a: Page<SecretSummary>, _ b: Page<SecretSummary>) -> Bool {
        a.skip == b.skip && a.take == b.take && a.total == b.total && a.pageCount == b.pageCount
            && a.currentPage == b.currentPage && a.batchCount == b.batchCount && a.prevSkip == b.prevSkip
            && a.nextSkip == b.nextSkip && a.hasPrev == b.hasPrev && a.hasNext == b.hasNext && a.records == b.records
            && a.sortBy == b.sortBy && a.success == b.success && a.severity == b.severity
    }

    /// Texts `JSONDecoder` refuses or reads another way are never read by the fast path.
    @Test(arguments: [
        #"{"id": 1, "id": 2}"#,  // duplicate key
        #"{"id": 01}"#, #"{"id": 1.0}"#, #"{"id": 1e2}"#, #"{"id": -}"#, #"{"id": +1}"#,
        #"{"id": 99999999999999999999}"#,  // does not fit
        #"{"name": "a\u0001"}"#.replacingOccurrences(of: "\\u0001", with: "\u{01}"),  // raw control character
        #"{"name": "\x"}"#, #"{"name": "\uD800"}"#, #"{"name": "\uDC00\uD800"}"#,
        #"{"name": "abc}"#, #"{"id": 1,}"#, #"{"id": 1} x"#, #"[]"#, #"{"items": [null]}"#, #"{"items": [{"itemId": true}]}"#,
        #"{"active": 1}"#, #"{"active": tru}"#, #"{"i\u0064": 5}"#, #"{"other": [1, 2,]}"#, #"{"other": {"a": 1, "a": 2}}"#,
        #"{"responseCodes": [null]}"#, #"{"other": nul}"#,
    ])
    func leavesDoubtfulTextsToJSONDecoder(text: String) {
        let (wire, _) = Self.decodeBoth(text)
        #expect(wire == nil)
    }

    /// Invalid UTF-8 in a value or an unknown key is left to `JSONDecoder`.
    @Test func leavesInvalidUTF8ToJSONDecoder() {
        for bytes: [UInt8] in [
            Array(#"{"name": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
            Array(#"{""#.utf8) + [0xFF] + Array(#"": 1}"#.utf8),
        ] {
            #expect(bytes.withUnsafeBytes { SecretModel.decodeWireJSON($0) } == nil)
        }
    }

    /// What the emulator answers reads the same both ways (the client reads it with the fast path).
    @Test func readsEscapesAndMissingKeys() throws {
        let text =
            #"{"id": 7, "name": "a\"b\\c\/d\u00e9\ud83d\udd11\n", "items": [{"slug": "password", "itemValue": null}], "extra": {"x": [1, -2, "y", null, true]}}"#
        let (wire, codable) = Self.decodeBoth(text)
        let read = try #require(wire)
        let expected = try codable.get()
        #expect(read == expected)
        #expect(read.name == "a\"b\\c/dé🔑\n")
        #expect(read.items.first?.slug == "password")
        #expect(read.folderId == -1 && read.siteId == 1 && read.enableInheritPermissions)
    }
}

/// Tallies across the property's runs.
private final class Counts: Sendable {
    private let state = Mutex((plain: 0, mutated: 0, mutatedRead: 0))

    func add(mutated isMutated: Bool, read: Bool) {
        state.withLock { state in
            if isMutated {
                state.mutated += 1
                if read { state.mutatedRead += 1 }
            } else {
                state.plain += 1
            }
        }
    }

    var values: (Int, Int, Int) { state.withLock { ($0.plain, $0.mutated, $0.mutatedRead) } }
}
