import Foundation
import SecretServer
import SecretServerModels
import SesameTestSupport
import Testing

/// Concurrent saves of one secret: each PUT is applied whole (no field of it lost or mixed with another PUT's),
/// the last writer wins for the whole secret, and a reader never sees a mix of two saves.
@Suite(.timeLimit(.minutes(5)))
struct ConcurrentUpdateTests {
    @Test func concurrentSavesOfOneSecretNeverMixFields() async throws {
        try await TestEmulator.withClient { client, _ in
            var stub = try await client.secretStub(templateId: 2)
            stub.name = "contended"
            stub.setValue("u-start", forItem: "username")
            stub.setValue("p-start", forItem: "password")
            stub.setValue("n-start", forItem: "notes")
            let secret = try await client.createSecret(stub)

            let writers = 40
            let (saved, reads) = try await withThrowingTaskGroup(of: (SecretModel?, [SecretModel]).self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var mine = secret
                        mine.setValue("u-\(writer)", forItem: "username")
                        mine.setValue("p-\(writer)", forItem: "password")
                        mine.setValue("n-\(writer)", forItem: "notes")
                        return (try await client.updateSecret(mine), [])
                    }
                    if writer % 4 == 0 {
                        group.addTask { (nil, [try await client.secret(id: secret.id)]) }
                    }
                }
                var saved: [SecretModel] = []
                var reads: [SecretModel] = []
                for try await (answer, read) in group {
                    if let answer { saved.append(answer) }
                    reads += read
                }
                return (saved, reads)
            }
            #expect(saved.count == writers)

            /// The writer whose save `model` shows, or `nil` when its fields come from different saves.
            func writer(of model: SecretModel) -> String? {
                let values = ["username", "password", "notes"].map { model.item($0)?.itemValue ?? "" }
                let owners = Set(values.map { $0.split(separator: "-", maxSplits: 1).last.map(String.init) ?? "" })
                return owners.count == 1 ? owners.first : nil
            }
            // Every answer to a PUT is that PUT's secret, whole.
            for answer in saved { #expect(writer(of: answer) != nil, "a save answered mixed fields: \(answer.items.map(\.itemValue))") }
            // Every read in the middle of the saves saw one save (or the start), never a mix.
            for read in reads { #expect(writer(of: read) != nil, "a read saw mixed fields: \(read.items.map(\.itemValue))") }
            // The end state is one writer's whole secret.
            let final = try await client.secret(id: secret.id)
            let winner = try #require(writer(of: final), "the final secret mixes saves: \(final.items.map(\.itemValue))")
            #expect(Set((0..<writers).map(String.init)).contains(winner))
            // Its audit trail has one entry per save.
            let audits = try await client.secretAudits(id: secret.id).collect()
            #expect(audits.filter { $0.action == "EDIT" }.count == writers)
        }
    }
}
