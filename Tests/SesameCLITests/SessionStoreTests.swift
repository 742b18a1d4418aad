import Foundation
import SesameTestSupport
import Testing

@testable import SesameCLI
@testable import SesameCore

@Suite(.timeLimit(.minutes(5))) struct SessionStoreTests {
    /// Commands end without closing the session store (their exit makes the close moot), so a renewed session must
    /// be on the disk when it is written: the store syncs every write, whichever key seals it.
    @Test func theSessionStoreWritesThroughToTheDisk() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keyFile = try SessionStore(["SESAME_CONFIG_DIR": directory.path])
        #expect(keyFile.cache.synchronousSetting == 2)
        let sealed = try TemporaryDirectory()
        defer { sealed.remove() }
        let passphrase = try SessionStore(["SESAME_CONFIG_DIR": sealed.path, "SESAME_SESSION_PASSPHRASE": "a long enough passphrase"])
        #expect(passphrase.cache.synchronousSetting == 2)
    }

    /// The stored form is read without `JSONDecoder` when it is what `JSONEncoder` wrote, to the same values; anything
    /// else is left to `JSONDecoder` (nil), which then reads it or says what is wrong.
    @Test func theStoredFormReadsAsJSONDecoderReadsIt() throws {
        let samples: [SessionStore.Stored] = [
            .init(
                accessToken: "a.b-c_d", refreshToken: "r\u{00e9}fresh \"quoted\" \\ /", expiresAt: 1_796_293_434.123456,
                url: "https://ss.example.com/SecretServer"),
            .init(accessToken: "t", refreshToken: nil, expiresAt: 0, url: nil),
            .init(accessToken: "t", refreshToken: "", expiresAt: -12.5e-3, url: "http://127.0.0.1:8080/SecretServer"),
        ]
        for sample in samples {
            let bytes = Array(try JSONEncoder().encode(sample))
            let fast = try #require(SessionStore.Stored.read(bytes), "\(String(decoding: bytes, as: UTF8.self))")
            let slow = try JSONDecoder().decode(SessionStore.Stored.self, from: Data(bytes))
            #expect(fast.accessToken == slow.accessToken)
            #expect(fast.refreshToken == slow.refreshToken)
            #expect(fast.expiresAt == slow.expiresAt)
            #expect(fast.url == slow.url)
        }
        // Keys in any order, with unknown ones and whitespace, read alike.
        let reordered = Array(#" { "url" : null, "extra": [1, {"x": true}], "expiresAt": 1e3, "accessToken": "x" } "#.utf8)
        #expect(SessionStore.Stored.read(reordered)?.expiresAt == 1000)
        #expect(SessionStore.Stored.read(reordered)?.url == nil)
        for text in [
            #"{"accessToken":"x"}"#,  // no expiry
            #"{"accessToken":"x","expiresAt":1,"accessToken":"y"}"#,  // a key twice
            #"{"accessToken":"x","expiresAt":01}"#,  // not JSON's number grammar
            #"{"accessToken":"x","expiresAt":"1"}"#,
            #"{"accessToken":"x","expiresAt":1} trailing"#,
            #"["accessToken"]"#,
        ] {
            #expect(SessionStore.Stored.read(Array(text.utf8)) == nil, "\(text)")
        }
    }
}
