import AWSSecrets
import Foundation
import SecretServer
import SecretServerEmulator
import SesameTestSupport
import Testing

@testable import Sesame
@testable import SesameCore

/// Each provider against the real thing: the local Secret Server over 127.0.0.1, and moto.
@Suite(.timeLimit(.minutes(5))) struct SecretServerProviderTests {
    @Test func readsByIdPathSlugNameAndFileAndListsAndUpdates() async throws {
        try await TestEmulator.withClient { client, _ in
            let folder = try await client.createFolders(path: "\\Prod\\Databases")
            var stub = try await client.secretStub(templateId: 6007, folderId: folder.id)
            stub.name = "db01 root"
            stub.setValue("db01", forItem: "machine")
            stub.setValue("root", forItem: "username")
            stub.setValue(#"{"port":"5432"}"#, forItem: "password")
            let secret = try await client.createSecret(stub)
            let key = Data("-----BEGIN KEY-----\n".utf8) + Data([0, 255])
            try await client.setFieldFile(secretId: secret.id, slug: "private-key", data: key, fileName: "id")

            let store = SecretStore(providers: [CachingProvider(SecretServerProvider(client: client))])
            #expect(try await store.text("tss://\(secret.id)/username") == "root")
            #expect(try await store.text("tss://Prod/Databases/db01 root/username") == "root")
            #expect(try await store.text("tss://Prod/Databases/db01%20root/Machine") == "db01")  // by field name
            #expect(try await store.text("tss://\(secret.id)/password#port") == "5432")  // JSON text stays text
            let file = try await store.get("tss://\(secret.id)/private-key")
            #expect(file.content == .bytes(Array(key)))

            let listed = try await store.list("tss://Prod")
            #expect(listed.map(\.canonical) == ["tss://Prod/Databases/db01 root"])
            let fields = try await store.list("tss://\(secret.id)")
            #expect(fields.map(\.canonical).contains("tss://\(secret.id)/password"))

            #expect(try await store.exists("tss://\(secret.id)/username"))
            #expect(try await !store.exists("tss://\(secret.id)/no-such-field"))
            #expect(try await !store.exists("tss://99999/username"))
            #expect(try await !store.exists("tss://Prod/Databases/db01/username"))  // a prefix of the name is not a match

            try await store.update("tss://Prod/Databases/db01 root/username", to: "admin")
            #expect(try await store.text("tss://\(secret.id)/username") == "admin")
            #expect(try await client.fieldValue(secretId: secret.id, slug: "username") == "admin")

            await #expect {
                _ = try await store.text("tss://\(secret.id)/nothing")
            } throws: { error in
                (error as? SesameError)?.code == .notFound && "\(error)".contains("no field")
            }
            await #expect {
                _ = try await store.text("tss://Prod/x")
            } throws: { error in
                (error as? SesameError)?.code == .invalidReference
            }
        }
    }

    /// The allow-expired strategy keeps answering from the last good values when the server goes away.
    @Test func theServerGoingAwayKeepsAllowExpiredReadsAnswering() async throws {
        let time = ManualTime()
        try await TestEmulator.with { server in
            var configuration = TestEmulator.clientConfiguration(server, retry: .none)
            // A refused connection is retried by the pool for the whole connect timeout: keep it short.
            configuration.timeouts.connect = .milliseconds(300)
            try await SecretServerClient.withClient(configuration: configuration) { client in
                let id = try await Self.makeSecret(client)
                let provider = CachingProvider(
                    SecretServerProvider(client: client),
                    configuration: .init(strategy: .cacheThenServerAllowExpired, timeToLive: .seconds(30), now: { time.instant })
                )
                let store = SecretStore(providers: [provider])
                #expect(try await store.text("tss://\(id)/username") == "svc")
                await server.stop()
                time.advance(by: .seconds(120))
                let stale = try await store.get("tss://\(id)/username")
                #expect(stale.text == "svc" && stale.metadata.source == .expiredCache && stale.metadata.staleReason != nil)
                await #expect {
                    _ = try await store.get("tss://\(id)/password")  // never read before: nothing to fall back on
                } throws: { error in
                    (error as? SesameError)?.code == .unavailable
                }
            }
        }
    }

    static func makeSecret(_ client: SecretServerClient) async throws -> Int {
        var stub = try await client.secretStub(templateId: 6007)
        stub.name = "svc-" + UUID().uuidString.prefix(6)
        stub.setValue("host", forItem: "machine")
        stub.setValue("svc", forItem: "username")
        stub.setValue("pw", forItem: "password")
        return try await client.createSecret(stub).id
    }
}

@Suite(.timeLimit(.minutes(5)), .enabled(if: Moto.shouldRun, "moto is not running (scripts/test starts it)"))
struct AWSProviderTests {
    func withStore<T>(_ body: (SecretStore, AWSSession) async throws -> T) async throws -> T {
        let session = try AWSSession(configuration: AWSConfiguration(timeouts: Moto.timeouts, environment: Moto.environment(url: try Moto.url())))
        let store = SecretStore(providers: [
            CachingProvider(try ParameterStoreProvider(session: session)),
            CachingProvider(try SecretsManagerProvider(session: session)),
        ])
        do {
            let result = try await body(store, session)
            try await session.shutdown()
            return result
        } catch {
            try? await session.shutdown()
            throw error
        }
    }

    @Test func parameterStoreGetListExistsAndUpdate() async throws {
        try await withStore { store, session in
            let root = "/" + Moto.uniqueName()
            let ssm = try session.ssm()
            try await ssm.putParameter("\(root)/app/password", value: "pw", type: .secureString)
            try await ssm.putParameter("\(root)/app/config", value: #"{"port":"5432","tls":true}"#, type: .string)
            try await ssm.putParameter("\(root)/application", value: "sibling", type: .string)

            let password = try await store.get("aws-ps://\(root)/app/password")
            #expect(password.text == "pw" && password.metadata.version == "1")
            #expect(try await store.text("aws-ps://\(root)/app/config#port") == "5432")  // s1crets ignored key paths for SSM
            #expect(try await store.text("aws-ps://\(root)/app/config#tls") == "true")
            #expect(
                try await store.list("aws-ps://\(root)/app").map(\.canonical) == [
                    "aws-ps://\(root)/app/config", "aws-ps://\(root)/app/password",
                ])
            #expect(try await store.exists("aws-ps://\(root)/app/password"))
            #expect(try await !store.exists("aws-ps://\(root)/app/pass"))  // s1crets matched prefixes here
            #expect(try await !store.exists("aws-ps://\(root)/app"))

            // An update is seen at once (s1crets served the old value from its cache), and keeps the type.
            #expect(try await store.text("aws-ps://\(root)/app/password") == "pw")
            try await store.update("aws-ps://\(root)/app/password", to: "rotated")
            #expect(try await store.text("aws-ps://\(root)/app/password") == "rotated")
            #expect(try await ssm.getParameter("\(root)/app/password").type == "SecureString")
            try await store.update("aws-ps://\(root)/new", to: "created")
            #expect(try await ssm.getParameter("\(root)/new").type == "SecureString")

            await #expect {
                _ = try await store.get("aws-ps://\(root)/missing")
            } throws: { error in
                (error as? SesameError)?.code == .notFound
            }
        }
    }

    @Test func secretsManagerVersionsKeyPathsBinaryAndListing() async throws {
        try await withStore { store, session in
            let name = "svc/" + Moto.uniqueName()
            let sm = try session.secretsManager()
            try await sm.createSecret(name, value: .string(#"{"user":{"name":"app"},"pin":"0042","hosts":["a","b"]}"#))
            try await sm.createSecret(name + "x", value: .string("sibling"))
            try await sm.createSecret(name + "/child", value: .binary([1, 2, 3]))
            #expect(try await store.text("aws-sm://\(name)#user.name") == "app")
            #expect(try await store.text("aws-sm://\(name)#pin") == "0042")  // s1crets turned this into 42
            #expect(try await store.text("aws-sm://\(name)#hosts[1]") == "b")
            #expect(try await store.get("aws-sm://\(name)/child").content == .bytes([1, 2, 3]))
            #expect(try await store.list("aws-sm://\(name)").map(\.canonical) == ["aws-sm://\(name)/child"])
            #expect(try await store.exists("aws-sm://\(name)"))
            #expect(try await !store.exists("aws-sm://\(name.dropLast())"))

            try await store.update("aws-sm://\(name)", to: #"{"user":{"name":"v2"}}"#)
            #expect(try await store.text("aws-sm://\(name)#user.name") == "v2")
            #expect(try await store.text("aws-sm://\(name)?version-stage=AWSPREVIOUS#user.name") == "app")
            try await store.update("aws-sm://\(name)-created", to: "fresh")
            #expect(try await store.text("aws-sm://\(name)-created") == "fresh")
        }
    }

    @Test func theSimpleAPIReadsEveryProviderFromTheEnvironment() async throws {
        let environment = Moto.environment(url: try Moto.url()).merging(["SESAME_TEST_VARIABLE": "from-env"]) { $1 }
        let session = try AWSSession(configuration: AWSConfiguration(timeouts: Moto.timeouts, environment: environment))
        let name = "/" + Moto.uniqueName()
        try await session.ssm().putParameter(name, value: "simple", type: .secureString)
        try await session.shutdown()
        let store = SecretStore.fromEnvironment(environment)
        #expect(try await store.text("aws-ps://\(name)") == "simple")
        await #expect {
            _ = try await store.text("tss://12/password")
        } throws: { error in
            (error as? SesameError)?.code == .invalidConfiguration && "\(error)".contains("SESAME_URL")
        }
        setenv("SESAME_TEST_VARIABLE", "from-env", 1)
        Sesame.configure(store)
        #expect(try await Sesame.text("env://SESAME_TEST_VARIABLE") == "from-env")
        #expect(try await Sesame.exists("aws-ps://\(name)"))
    }
}
