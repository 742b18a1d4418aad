import Testing

@testable import Sesame
@testable import SesameCore

@Suite(.timeLimit(.minutes(5))) struct SecretReferenceTests {
    @Test func theDesignExamplesParse() throws {
        let byId = try SecretReference(parsing: "tss://12/password")
        #expect(byId.scheme == "tss" && byId.segments == ["12", "password"] && byId.keyPath == nil)

        let byPath = try SecretReference(parsing: "tss://Prod/Databases/db01 root/password")
        #expect(byPath.segments == ["Prod", "Databases", "db01 root", "password"])

        let sm = try SecretReference(parsing: "aws-sm://prod/db?version-stage=AWSPREVIOUS#user.name")
        #expect(sm.path == "prod/db" && sm.options == ["version-stage": "AWSPREVIOUS"])
        #expect(sm.keyPath?.components == [.key("user"), .key("name")])
        #expect(sm.cacheKey == "aws-sm://prod/db?version-stage=AWSPREVIOUS")

        let ps = try SecretReference(parsing: "aws-ps:///prod/db/password")
        #expect(ps.path == "/prod/db/password" && ps.segments == ["prod", "db", "password"])

        let env = try SecretReference(parsing: "env://HOME")
        #expect(env.path == "HOME")
    }

    @Test func segmentsArePercentDecodedAndTheCanonicalFormParsesBack() throws {
        let reference = try SecretReference(parsing: "tss://Team%2FOps/db%20root/pass%23word#a\\.b[2].c")
        #expect(reference.segments == ["Team/Ops", "db root", "pass#word"])
        #expect(reference.keyPath?.components == [.key("a.b"), .index(2), .key("c")])
        let again = try SecretReference(parsing: reference.canonical)
        #expect(again == reference)
        #expect(reference.canonical == "tss://Team%2FOps/db root/pass%23word#a\\.b[2].c")
    }

    @Test func keyPathsWithIndicesEscapesAndRootArrays() throws {
        #expect(try JSONKeyPath(parsing: "hosts[0].port").components == [.key("hosts"), .index(0), .key("port")])
        #expect(try JSONKeyPath(parsing: "[1]").components == [.index(1)])
        #expect(try JSONKeyPath(parsing: "a[0][1]").components == [.key("a"), .index(0), .index(1)])
        #expect(try JSONKeyPath(parsing: "back\\\\slash").components == [.key("back\\slash")])
        #expect(try JSONKeyPath(parsing: "ünï.cödé").components == [.key("ünï"), .key("cödé")])
    }

    /// A leading or trailing '/' is found beside characters Unicode joins to it (read by scalar).
    @Test func slashesBesideJoiningCharactersAreSeen() throws {
        let parsed = try SecretReference(parsing: "aws-ps:///\u{301}x/y#k")
        #expect(parsed.hasLeadingSlash)
        #expect(parsed.withoutKeyPath.canonical == "aws-ps:///\u{301}x/y")
        // A first segment that is itself '/…' is not a leading slash: the key path's removal keeps the same name.
        let escaped = try SecretReference(parsing: "aws-sm://%2Fprod/db#user")
        #expect(!escaped.hasLeadingSlash && escaped.withoutKeyPath.path == escaped.path)
        let listed = try SecretStore.prefix("tss://A\u{0600}/")
        #expect(listed.segments == ["A\u{0600}"])
    }

    /// The caret goes under the character that holds the offending scalar, as a terminal shows it.
    @Test func theCaretIsUnderTheCharacterHoldingTheBadScalar() throws {
        let text = "tss://a\u{0600}/"  // the '/' joins U+0600 in one character; the path ends with it
        let error = try #require(throws: SecretReferenceError.self) { try SecretReference(parsing: text) }
        #expect(error.position == 8)
        #expect(error.description.contains("at character 8:"))
        #expect(error.description.hasSuffix("\n  " + String(repeating: " ", count: 7) + "^"))
    }

    /// Each malformed reference names the offending character.
    @Test(arguments: [
        ("tsss://12/password", 0, "unknown scheme 'tsss'"),
        ("12/password", 0, "starts with a scheme"),
        ("tss:/12/password", 4, "expected '//'"),
        ("tss://", 6, "nothing after"),
        ("tss://12//password", 9, "empty path segment"),
        ("tss://12/password/", 17, "ends with '/'"),
        ("tss://12/pass%2word", 13, "two hex digits"),
        ("aws-sm://prod/db?version=1", 16, "'version' is not an option"),
        ("aws-sm://prod/db?stage", 17, "name=value"),
        ("aws-sm://prod/db#", 17, "is empty"),
        ("aws-sm://prod/db#a..b", 19, "empty key"),
        ("aws-sm://prod/db#a[x]", 19, "must be a number"),
        ("aws-sm://prod/db#a[0", 18, "is not closed"),
        ("aws-sm://prod/db#a.", 18, "ends with '.'"),
        ("aws-sm://prod/db#a\\b", 18, "must be followed by"),
        ("aws-sm://prod/db#a[0]b", 21, "after an array index"),
        ("env://A/B", 6, "one variable"),
        ("tss://12/pass%\u{FF12}\u{FF26}", 13, "two hex digits"),  // fullwidth digits are not hex digits
    ])
    func malformedReferencesPointAtTheBadCharacter(text: String, position: Int, message: String) {
        #expect {
            _ = try SecretReference(parsing: text)
        } throws: { error in
            guard let error = error as? SecretReferenceError else { return false }
            return error.position == position && error.message.contains(message)
                && error.description.hasSuffix("\n  " + text + "\n  " + String(repeating: " ", count: position) + "^")
        }
    }

    @Test func versionIdAndStageAreExclusive() {
        #expect(throws: SecretReferenceError.self) {
            _ = try SecretReference(parsing: "aws-sm://prod/db?version-id=1&version-stage=AWSCURRENT")
        }
    }

    @Test func looksLikeReferenceIsForKnownSchemesOnly() {
        #expect(SecretReference.looksLikeReference("aws-ps:///x"))
        #expect(!SecretReference.looksLikeReference("https://example.com"))
        #expect(!SecretReference.looksLikeReference("plain value"))
    }
}

@Suite(.timeLimit(.minutes(5))) struct SecretJSONTests {
    @Test func typesAreKeptAsWritten() throws {
        let json = try SecretJSON.parse(#"{"port":"5432","n":1.50,"ok":true,"none":null,"list":[1,"2"],"nested":{"a":"\u00e9\n"}}"#)
        #expect(json["port"] == .string("5432"))
        #expect(json["port"]?.secretText == "5432")
        #expect(json["n"]?.secretText == "1.50")
        #expect(json["ok"]?.secretText == "true")
        #expect(json["none"]?.secretText == nil)
        #expect(json["list"]?.secretText == #"[1,"2"]"#)
        #expect(json["nested"]?["a"] == .string("é\n"))
        #expect(json.value(at: try JSONKeyPath(parsing: "list[1]")) == .string("2"))
        #expect(json.value(at: try JSONKeyPath(parsing: "list[2]")) == nil)
        #expect(try SecretJSON.parse(#""\ud83d\ude00""#) == .string("😀"))
        var dumped = ""
        dump(json, to: &dumped)
        #expect(!"\(json)".contains("5432") && !dumped.contains("5432") && "\(json)".contains("6 members"))
    }

    @Test(arguments: [#"{"a":"secret-value""#, #"{"a":01}"#, #"[1,]"#, #"{"a" 1}"#, #""\ud800""#, "tru", "{} x"])
    func invalidJSONIsRefusedWithoutShowingIt(text: String) {
        #expect {
            _ = try SecretJSON.parse(text)
        } throws: { error in
            (error as? SesameError)?.code == .invalidValue && !"\(error)".contains("secret-value")
        }
    }
}
