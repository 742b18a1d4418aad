import Foundation
import NIOCore
import SecretServerModels
import Testing

@testable import SecretServerEmulator

/// `SummaryPageJSON` must write exactly what `Page<SecretSummary>`'s `Encodable` conformance writes.
@Suite(.timeLimit(.minutes(5))) struct SummaryPageJSONTests {
    static var pages: [Page<SecretSummary>] {
        var full = SecretSummary(
            id: 12, name: "db \"prod\" \\ one/two", secretTemplateId: 6003,
            secretTemplateName: "Password", folderId: 4)
        full.folderPath = "\\Team\\Sub"
        full.checkedOut = true
        full.checkOutUserId = 2
        full.checkOutUserName = "Ann\nAdmin é 🔑"
        full.responseCodes = ["a", "b\u{01}"]
        full.lastAccessed = "2026-11-23T10:00:00"
        full.extendedFields = [.init(name: "Machine", value: "host"), .init(name: "Empty", value: nil)]
        full.createDate = "2026-11-01T00:00:00"
        full.daysUntilExpiration = 0
        full.isRestricted = true
        let bare = SecretSummary(id: 1, name: "", secretTemplateId: 1, secretTemplateName: "", folderId: -1)
        var emptyLists = bare
        emptyLists.responseCodes = []
        emptyLists.extendedFields = []
        return [
            Page(records: [full, bare, emptyLists], skip: 0, take: 3, total: 7, sortBy: [Sort(name: "Name", direction: "Desc")]),
            Page(records: [], skip: 500, take: 500, total: 0),
            Page(records: [bare], skip: 6, take: 3, total: 7, sortBy: [Sort(name: "a\"b", priority: 2), Sort(name: "Id")]),
        ]
    }

    @Test func writesWhatTheEncoderWrites() throws {
        for page in Self.pages {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            let expected = try #require(JSONSerialization.jsonObject(with: encoder.encode(page)) as? NSDictionary)
            var buffer = ByteBuffer()
            SummaryPageJSON.write(page, into: &buffer)
            let written = Data(buffer.readableBytesView)
            let parsed = try #require(JSONSerialization.jsonObject(with: written) as? NSDictionary)
            #expect(parsed == expected, "\(String(decoding: written, as: UTF8.self))")
            let decoded = try JSONDecoder().decode(Page<SecretSummary>.self, from: written)
            #expect(decoded.records == page.records && decoded.total == page.total && decoded.sortBy == page.sortBy)
        }
    }
}
