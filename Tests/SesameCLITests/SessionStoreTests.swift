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
}
