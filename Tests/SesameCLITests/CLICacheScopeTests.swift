import Foundation
import Sesame
import SesameTestSupport
import Testing

/// The encrypted disk cache is shared by every profile of a user, so its entries are kept per server and account
/// (Secret Server URL and user; AWS principal, region and endpoint): the same reference read from two servers that
/// hold different values, through two profiles, with and without `--allow-expired`, always answers the right one.
/// `logout` and `profile remove` take their account's entries with them.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLICacheScopeTests {
    static let password = "Scope-Admin-Passw0rd!"

    /// A server whose secret 1 holds `value` as its password.
    func server(holding value: String) throws -> SesameProcess.Server {
        let server = try SesameProcess.Server(adminPassword: Self.password)
        let env = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]
        let created = try SesameProcess.run(
            [
                "secret", "create", "--template", "Password", "--folder", "\\Personal Folders", "--name", "db", "--field", "username=app",
                "--field", "password=-",
            ], environment: env, input: value + "\n")
        #expect(created.status == 0, "\(created.stderr)")
        return server
    }

    func entries(_ directory: TemporaryDirectory) throws -> Int {
        try DiskCache(path: directory.file("cache.sqlite"), key: .keyFile(directory.file("cache.key"))).count()
    }

    @Test func twoServersThroughTwoProfilesNeverAnswerForEachOther() async throws {
        try await onOwnThread {
            let serverA = try server(holding: "value-of-A")
            defer { serverA.stop() }
            let serverB = try server(holding: "value-of-B")
            defer { serverB.stop() }
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let config = ["SESAME_CONFIG_DIR": directory.path]
            for (profile, server) in [("a", serverA), ("b", serverB)] {
                let login = try SesameProcess.run(
                    ["login", "--profile", profile, "--url", server.baseURL, "--username", "admin", "--password-stdin"],
                    environment: config, input: Self.password + "\n")
                #expect(login.status == 0, "\(login.stderr)")
            }
            func get(_ profile: String, _ extra: [String] = [], env: [String: String] = [:]) throws -> SesameProcess.Result {
                try SesameProcess.run(
                    ["get", "tss://1/password", "--cache", "--cache-ttl", "2", "--profile", profile] + extra,
                    environment: config.merging(env) { $1 })
            }
            // Fresh reads, then reads the cache answers: each profile its own server's value.
            for _ in 0..<2 {
                for (profile, value) in [("a", "value-of-A"), ("b", "value-of-B")] {
                    let read = try get(profile)
                    #expect(read.status == 0 && read.stdout == value, "\(profile): \(read.stdout) \(read.stderr)")
                }
            }
            #expect(try entries(directory) == 2)
            // The same reference through the environment's URL and another account of server A: not A's admin entry.
            _ = try SesameProcess.run(
                ["user", "create", "viewer", "--password-stdin"],
                environment: ["SESAME_URL": serverA.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password],
                input: "Viewer-Passw0rd-1\n")
            let viewer = try SesameProcess.run(
                ["get", "tss://1/password", "--cache"],
                environment: config.merging([
                    "SESAME_URL": serverA.baseURL, "SESAME_USERNAME": "viewer", "SESAME_PASSWORD": "Viewer-Passw0rd-1",
                ]) { $1 })
            #expect(viewer.status != 0 && !viewer.stdout.contains("value-of-A"), "another account got A's admin's cached value: \(viewer.stdout)")

            // Both entries expire; server A goes away. --allow-expired answers A's last value for A only; B is asked.
            try DiskCacheAging.age(directory.file("cache.sqlite"), by: 3)
            serverA.stop()
            let staleA = try get("a", ["--allow-expired"], env: ["SESAME_CONNECT_TIMEOUT": "1"])
            #expect(staleA.status == 0 && staleA.stdout == "value-of-A" && staleA.stderr.contains("expired cached value"), "\(staleA.stderr)")
            let freshB = try get("b", ["--allow-expired"])
            #expect(freshB.status == 0 && freshB.stdout == "value-of-B" && !freshB.stderr.contains("expired"), "\(freshB.stderr)")
            let noStaleWithout = try get("a", [], env: ["SESAME_CONNECT_TIMEOUT": "1"])
            #expect(noStaleWithout.status == 6 && noStaleWithout.stdout.isEmpty, "\(noStaleWithout.status): \(noStaleWithout.stdout) \(noStaleWithout.stderr)")
            serverB.stop()
            try DiskCacheAging.age(directory.file("cache.sqlite"), by: 3)
            let staleB = try get("b", ["--allow-expired"], env: ["SESAME_CONNECT_TIMEOUT": "1"])
            #expect(
                staleB.status == 0 && staleB.stdout == "value-of-B" && staleB.stderr.contains("expired cached value"),
                "\(staleB.stdout) \(staleB.stderr)")

            // Signing out of A takes A's entries; removing profile B takes B's.
            let logout = try SesameProcess.run(["logout", "--profile", "a"], environment: config)
            #expect(logout.status == 0 && logout.stdout.contains("cached value"), "\(logout.stdout)")
            #expect(try entries(directory) == 1)
            let gone = try get("a", ["--allow-expired"], env: ["SESAME_CONNECT_TIMEOUT": "1", "SESAME_PASSWORD": "x"])
            #expect(gone.status != 0 && !gone.stdout.contains("value-of-A"))
            let removed = try SesameProcess.run(["profile", "remove", "b"], environment: config)
            #expect(removed.status == 0)
            #expect(try entries(directory) == 0)
        }
    }

    @Test(.enabled(if: Moto.shouldRun)) func awsEntriesAreKeptPerRegion() async throws {
        let url = try Moto.url()
        let name = "/" + Moto.uniqueName("scope")
        try await Moto.putParameter(name, value: "east-value", url: url, region: "us-east-1")
        try await Moto.putParameter(name, value: "west-value", url: url, region: "eu-west-1")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await onOwnThread {
            for _ in 0..<2 {
                for (region, value) in [("us-east-1", "east-value"), ("eu-west-1", "west-value")] {
                    var env = Moto.environment(url: url, region: region)
                    env["SESAME_CONFIG_DIR"] = directory.path
                    let read = try SesameProcess.run(["get", "aws-ps://\(name)", "--cache"], environment: env)
                    #expect(read.status == 0 && read.stdout == value, "\(region): \(read.stdout) \(read.stderr)")
                }
            }
            #expect(try entries(directory) == 2)
        }
    }

    /// The scopes themselves: who and where, never a secret.
    @Test func scopesNameTheServerAndThePrincipal() async {
        let a = CacheScope.secretServer(baseURL: "https://ss.example.com/SecretServer/", principal: "user:alice")
        #expect(a == CacheScope.secretServer(baseURL: "HTTPS://ss.example.com/SecretServer", principal: "user:alice"))
        #expect(a != CacheScope.secretServer(baseURL: "https://ss.example.com/SecretServer", principal: "user:bob"))
        // Blanks around the URL (spaces, tabs, a no-break space, a zero-width space: Foundation's `.whitespaces`, which
        // the client trims the URL with) are not part of it; a line break is no blank.
        let blanks = [
            " https://ss.example.com/SecretServer//\t", "\u{A0}https://ss.example.com/SecretServer\u{3000}", "https://ss.example.com/SecretServer\u{200B}",
        ]
        for padded in blanks {
            #expect(a == CacheScope.secretServer(baseURL: padded, principal: "user:alice"), "\(Array(padded.unicodeScalars))")
        }
        #expect(CacheScope.normalized(" \t ") == "" && CacheScope.normalized("\nhttps://x/") == "\nhttps://x")
        // The same blanks as Foundation's set, scalar by scalar (the Basic Multilingual Plane and the next one).
        for value in 0...0x1_FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(Character(scalar)) + "x"
            #expect(CacheScope.normalized(text) == text.trimmingCharacters(in: .whitespaces).lowercased(), "U+\(String(value, radix: 16))")
        }
        #expect(a != CacheScope.secretServer(baseURL: "https://other.example.com/SecretServer", principal: "user:alice"))
        let east = CacheScope.aws(scheme: "aws-ps", endpointURL: "http://127.0.0.1:5000", region: "us-east-1", principal: "key:AKID")
        #expect(east != CacheScope.aws(scheme: "aws-ps", endpointURL: "http://127.0.0.1:5000", region: "eu-west-1", principal: "key:AKID"))
        #expect(east != CacheScope.aws(scheme: "aws-ps", endpointURL: "http://127.0.0.1:5001", region: "us-east-1", principal: "key:AKID"))
        #expect(east != CacheScope.aws(scheme: "aws-ps", endpointURL: "http://127.0.0.1:5000", region: "us-east-1", principal: "role:arn:x"))
    }
}
