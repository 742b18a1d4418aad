import Foundation
import Testing
import Yams

@testable import SesameCLI

/// `config.yaml` is read from the YAML tree (no regular expressions at start-up); it must read what Yams'
/// `YAMLDecoder` reads, for files `sesame login` writes and for hand-edited ones.
@Suite(.timeLimit(.minutes(5))) struct ProfileFileTests {
    static let files = [
        // As `sesame login` writes it.
        "# comment\ncurrent: prod\nprofiles:\n  prod:\n    url: https://ss.example.com/SecretServer\n    username: alice\n",
        "current: dev\nprofiles:\n  dev:\n    caFile: /etc/ca.pem\n    domain: CORP\n    insecure: true\n    url: https://127.0.0.1:5000\n    username: svc\n",
        // Hand-edited: quotes, flow style, YAML 1.1 booleans, nulls, unknown keys, an empty profile list.
        "current: 'a'\nprofiles: {a: {url: \"http://h/SS\", insecure: no, username: ~, extra: [1, 2]}, b: {url: x, insecure: On}}\nother: 1\n",
        "profiles:\n  x:\n    url: u\n    domain: null\n    caFile:\n",
        "current: x\nprofiles: {}\n",
        "",
    ]

    @Test(arguments: files)
    func readsWhatYAMLDecoderReads(text: String) throws {
        let expected = text.isEmpty ? ProfileFile() : try YAMLDecoder().decode(ProfileFile.self, from: text)
        #expect(try ProfileFile.decode(yaml: text) == expected)
    }

    /// One leniency: `profiles: ~` (which `YAMLDecoder` refuses) reads as no profiles.
    @Test func aNullProfileListIsEmpty() throws {
        #expect(try ProfileFile.decode(yaml: "current: a\nprofiles: ~\n") == ProfileFile(current: "a"))
    }

    @Test(arguments: [
        ("profiles:\n  a:\n    username: bob\n", "profile a has no url"),
        ("profiles:\n  a:\n    url: u\n    insecure: maybe\n", "profiles.a.insecure is not true or false"),
        ("profiles:\n  a:\n    url: u\n    insecure: 'true'\n", "profiles.a.insecure is not true or false"),
        ("profiles: [a, b]\n", "profiles is not a mapping of names to profiles"),
        ("- a\n- b\n", "the file is not a mapping of settings"),
    ])
    func refusesWhatYAMLDecoderRefuses(text: String, message: String) {
        #expect(throws: (any Error).self) { try YAMLDecoder().decode(ProfileFile.self, from: text) }
        #expect { try ProfileFile.decode(yaml: text) } throws: { "\($0)" == message }
    }

    /// What `save` writes, `load` reads back.
    @Test func roundTrips() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sesame-profile-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = ["SESAME_CONFIG_DIR": directory]
        var file = ProfileFile()
        file.current = "prod"
        file.profiles["prod"] = Profile(url: "https://ss/SecretServer", username: "alice", domain: "CORP", caFile: "/ca.pem", insecure: false)
        file.profiles["dev: odd 'name'"] = Profile(url: "http://127.0.0.1:5000", username: "yes", domain: "null", insecure: true)
        // Every setting sesame login writes is read back (the server kind, the proxy, an SDK client's id).
        var machine = Profile(url: "https://ss.example/SecretServer", username: "svc-app", server: "secret-server")
        machine.proxy = "http://proxy.corp:3128"
        machine.auth = Profile.sdkClientAuth
        machine.clientId = "36b03f37-ab20-43d6-a918-886cb00bbdfe"
        file.profiles["machine"] = machine
        try file.save(environment)
        #expect(try ProfileFile.load(environment) == file)
    }
}

/// A profile's settings go with its server: `--url`/`SESAME_URL` naming another server takes none of them (CA file,
/// `insecure`, user, domain, session); the same server (in any case, with a trailing slash) takes all.
@Suite(.timeLimit(.minutes(5))) struct ConnectionTargetTests {
    @Test func aProfilesSettingsApplyToItsOwnServerOnly() throws {
        let directory = NSTemporaryDirectory() + "sesame-target-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
        current: prod
        profiles:
          prod:
            url: https://ss.example.com/SecretServer
            username: alice
            domain: CORP
            caFile: /etc/prod-ca.pem
            insecure: true
        """.write(toFile: directory + "/config.yaml", atomically: true, encoding: .utf8)
        let options = try ConnectionOptions.parse([])
        let own = try options.target(environment: ["SESAME_CONFIG_DIR": directory])
        #expect(own.caFile == "/etc/prod-ca.pem" && own.insecure && own.username == "alice" && own.domain == "CORP" && own.sessionProfile == "prod")
        let same = try options.target(environment: ["SESAME_CONFIG_DIR": directory, "SESAME_URL": "HTTPS://ss.example.com/SecretServer/"])
        #expect(same.caFile == "/etc/prod-ca.pem" && same.insecure && same.sessionProfile == "prod")
        let other = try options.target(environment: ["SESAME_CONFIG_DIR": directory, "SESAME_URL": "https://other.example.com/SecretServer"])
        #expect(other.caFile == nil && !other.insecure && other.username == nil && other.domain == nil && other.sessionProfile == nil)
        let flagged = try ConnectionOptions.parse(["--url", "https://other.example.com/SecretServer"]).target(environment: ["SESAME_CONFIG_DIR": directory])
        #expect(flagged.caFile == nil && !flagged.insecure && flagged.sessionProfile == nil)
        // Another user on the profile's own server: its settings, not its session.
        let bob = try options.target(environment: ["SESAME_CONFIG_DIR": directory, "SESAME_USERNAME": "bob"])
        #expect(bob.caFile == "/etc/prod-ca.pem" && bob.sessionProfile == nil)
    }
}
