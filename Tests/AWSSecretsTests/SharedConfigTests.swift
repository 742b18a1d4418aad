import AWSSigV4
import Foundation
import SesameTestSupport
import Testing

@testable import AWSSecrets

@Suite(.timeLimit(.minutes(5))) struct SharedConfigTests {
    @Test func parsesProfilesFromBothFilesWithCredentialsWinning() throws {
        let directory = try TemporaryDirectory()
        try """
        # comment
        [default]
        region = eu-west-1
        [profile dev]
        region = eu-central-1 ; trailing comment
        aws_access_key_id = FROMCONFIG
        s3 =
          max_concurrent_requests = 20
        [sso-session corp]
        sso_region = us-east-1
        """.write(toFile: directory.path + "/config", atomically: true, encoding: .utf8)
        try """
        [dev]
        aws_access_key_id = AKIADEV
        aws_secret_access_key = devsecret
        """.write(toFile: directory.path + "/credentials", atomically: true, encoding: .utf8)
        let config = try AWSSharedConfig.load(environment: [
            "AWS_CONFIG_FILE": directory.path + "/config", "AWS_SHARED_CREDENTIALS_FILE": directory.path + "/credentials",
        ])
        #expect(config.profile("default") == ["region": "eu-west-1"])
        #expect(
            config.profile("dev") == [
                "region": "eu-central-1", "aws_access_key_id": "AKIADEV", "aws_secret_access_key": "devsecret",
            ])
        #expect(config.profile("corp") == nil)
    }

    @Test func aBrokenFileSaysWhereItIsBroken() throws {
        #expect {
            _ = try AWSSharedConfig.parse("[default]\nregion eu-west-1\n", isConfigFile: true, path: "/x/config")
        } throws: { error in
            (error as? AWSError)?.message == "/x/config:2: expected 'key = value'"
        }
        #expect(throws: AWSError.self) { _ = try AWSSharedConfig.parse("[default\n", isConfigFile: true, path: "c") }
    }

    @Test func regionComesFromConfigurationThenEnvironmentThenProfile() throws {
        let directory = try TemporaryDirectory()
        try "[default]\nregion = ap-south-1\n[profile other]\nregion = sa-east-1\naws_access_key_id = A\naws_secret_access_key = B\n"
            .write(toFile: directory.path + "/config", atomically: true, encoding: .utf8)
        let base = ["AWS_CONFIG_FILE": directory.path + "/config", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"]
        #expect(try AWSSession(configuration: .init(environment: base)).region == "ap-south-1")
        #expect(try AWSSession(configuration: .init(environment: base.merging(["AWS_PROFILE": "other"]) { $1 })).region == "sa-east-1")
        #expect(try AWSSession(configuration: .init(environment: base.merging(["AWS_DEFAULT_REGION": "us-west-1"]) { $1 })).region == "us-west-1")
        #expect(
            try AWSSession(configuration: .init(environment: base.merging(["AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "x"]) { $1 })).region == "us-west-2"
        )
        #expect(
            try AWSSession(configuration: .init(region: "eu-north-1", environment: base.merging(["AWS_REGION": "us-west-2"]) { $1 })).region == "eu-north-1")
        #expect {
            _ = try AWSSession(configuration: .init(environment: ["AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"]))
        } throws: { error in
            (error as? AWSError)?.code == .invalidConfiguration && "\(error)".contains("no AWS region")
        }
        #expect {
            _ = try AWSSession(configuration: .init(profile: "missing", environment: base))
        } throws: { error in
            "\(error)".contains("'missing' is in neither")
        }
    }

    @Test func credentialsChainPrefersEnvironmentUnlessAProfileIsNamed() async throws {
        let directory = try TemporaryDirectory()
        try
            "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s1\n[work]\naws_access_key_id = AKIAWORK\naws_secret_access_key = s2\naws_session_token = tok\n"
            .write(toFile: directory.path + "/credentials", atomically: true, encoding: .utf8)
        let base = ["AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": directory.path + "/credentials", "AWS_REGION": "us-east-1"]
        let fromFile = try await AWSSession(configuration: .init(environment: base)).credentialsProvider.credentials()
        #expect(fromFile.accessKeyId == "AKIADEFAULT")
        let environment = base.merging(["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s3", "AWS_SESSION_TOKEN": "t"]) { $1 }
        let fromEnvironment = try await AWSSession(configuration: .init(environment: environment)).credentialsProvider.credentials()
        #expect(fromEnvironment == AWSCredentials(accessKeyId: "AKIAENV", secretAccessKey: "s3", sessionToken: "t"))
        let named = try await AWSSession(configuration: .init(profile: "work", environment: environment)).credentialsProvider.credentials()
        #expect(named == AWSCredentials(accessKeyId: "AKIAWORK", secretAccessKey: "s2", sessionToken: "tok"))
        let explicit = AWSCredentials(accessKeyId: "AKIAEXPLICIT", secretAccessKey: "s4")
        #expect(
            try await AWSSession(configuration: .init(credentials: .explicit(explicit), environment: environment)).credentialsProvider.credentials() == explicit
        )
    }

    @Test func noCredentialsAnywhereIsAClearError() async throws {
        let session = try AWSSession(
            configuration: .init(environment: [
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_REGION": "us-east-1",
                "AWS_EC2_METADATA_DISABLED": "true",
            ]))
        await #expect {
            _ = try await session.credentialsProvider.credentials()
        } throws: { error in
            (error as? AWSError)?.code == .noCredentials && "\(error)".contains("AWS_ACCESS_KEY_ID")
        }
        let half = EnvironmentCredentialsProvider(environment: ["AWS_ACCESS_KEY_ID": "A"])
        await #expect(throws: AWSError.self) { _ = try await half.credentials() }
        try await session.shutdown()
    }

    @Test func rolesInProfilesNeedASource() throws {
        let directory = try TemporaryDirectory()
        try "[profile lost]\nrole_arn = arn:aws:iam::123456789012:role/x\n[profile loop]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = loop\n"
            .write(toFile: directory.path + "/config", atomically: true, encoding: .utf8)
        let base = ["AWS_CONFIG_FILE": directory.path + "/config", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_REGION": "us-east-1"]
        #expect { _ = try AWSSession(configuration: .init(profile: "lost", environment: base)) } throws: { error in
            "\(error)".contains("no source_profile, credential_source or web_identity_token_file")
        }
        #expect { _ = try AWSSession(configuration: .init(profile: "loop", environment: base)) } throws: { error in
            "\(error)".contains("loop")
        }
    }

    @Test func endpointsComeFromServiceVariablesThenTheGeneralOneThenAWS() throws {
        let configuration = AWSConfiguration(environment: [
            "AWS_ENDPOINT_URL": "http://127.0.0.1:5000/", "AWS_ENDPOINT_URL_SSM": "http://localhost:80",
        ])
        let ssm = try AWSEndpoint.resolve(service: "ssm", environmentSuffix: "SSM", region: "eu-west-1", configuration: configuration, profile: [:])
        #expect(ssm.url == "http://localhost:80" && ssm.host == "localhost")
        let sm = try AWSEndpoint.resolve(
            service: "secretsmanager", environmentSuffix: "SECRETS_MANAGER", region: "eu-west-1", configuration: configuration, profile: [:])
        #expect(sm.url == "http://127.0.0.1:5000" && sm.host == "127.0.0.1:5000")
        let aws = try AWSEndpoint.resolve(
            service: "sts", environmentSuffix: "STS", region: "eu-west-1", configuration: AWSConfiguration(environment: [:]), profile: [:])
        #expect(aws.url == "https://sts.eu-west-1.amazonaws.com" && aws.host == "sts.eu-west-1.amazonaws.com")
        #expect(throws: AWSError.self) { _ = try AWSEndpoint(service: "ssm", region: "x", url: "ftp://host") }
    }

    @Test func xmlTextDecodesEntities() {
        #expect(XMLText.first("Code", in: "<Error><Code>A&amp;B &lt;&#65;&#x42;&gt;</Code></Error>") == "A&B <AB>")
        #expect(XMLText.first("Missing", in: "<Error/>") == nil)
        #expect(FormEncoding.encode("a b/+=~") == "a%20b%2F%2B%3D~")
    }

    /// The principal a session's cache entries are kept under is whose credentials the chain really uses.
    @Test func thePrincipalIsWhoseCredentialsTheChainUses() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try """
        [profile regiononly]
        region = eu-west-1
        [profile keyed]
        region = eu-west-1
        [profile role]
        role_arn = arn:aws:iam::123456789012:role/reader
        credential_source = Environment
        """.write(toFile: directory.path + "/config", atomically: true, encoding: .utf8)
        try "[keyed]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = s\n"
            .write(toFile: directory.path + "/credentials", atomically: true, encoding: .utf8)
        func principal(_ extra: [String: String]) throws -> String {
            var environment = [
                "AWS_CONFIG_FILE": directory.path + "/config", "AWS_SHARED_CREDENTIALS_FILE": directory.path + "/credentials",
                "AWS_REGION": "eu-west-1",
            ]
            environment.merge(extra) { $1 }
            let session = try AWSSession(configuration: AWSConfiguration(environment: environment))
            defer { Task { try? await session.shutdown() } }
            return session.principal
        }
        let keys = ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "x"]
        #expect(try principal(keys) == "key:AKIAENV")
        // A profile with no credentials of its own: the chain falls back to the environment's keys, and so does the scope.
        #expect(try principal(keys.merging(["AWS_PROFILE": "regiononly"]) { $1 }) == "key:AKIAENV")
        // AWS_PROFILE does not outrank the environment's keys (as in the AWS CLI); the profile's own come after them.
        #expect(try principal(keys.merging(["AWS_PROFILE": "keyed"]) { $1 }) == "key:AKIAENV")
        #expect(try principal(keys.merging(["AWS_PROFILE": "role"]) { $1 }) == "key:AKIAENV")
        #expect(try principal(["AWS_PROFILE": "keyed"]) == "key:AKIAPROFILE")
        #expect(try principal(["AWS_PROFILE": "role"]) == "role:arn:aws:iam::123456789012:role/reader")
        #expect(try principal(["AWS_PROFILE": "regiononly", "AWS_EC2_METADATA_DISABLED": "true"]) == "profile:regiononly")
        // Nothing else: the instance metadata service, named by its endpoint.
        #expect(try principal(["AWS_PROFILE": "regiononly"]) == "instance-metadata:http://169.254.169.254")
        let custom = try AWSSession(
            configuration: AWSConfiguration(
                region: "eu-west-1",
                credentials: .provider(
                    StaticCredentialsProvider(
                        AWSCredentials(accessKeyId: "A", secretAccessKey: "s")))))
        let another = try AWSSession(
            configuration: AWSConfiguration(
                region: "eu-west-1",
                credentials: .provider(
                    StaticCredentialsProvider(
                        AWSCredentials(accessKeyId: "B", secretAccessKey: "s")))))
        #expect(custom.principal != another.principal)
        try await custom.shutdown()
        try await another.shutdown()
    }

    @Test func aRegionMustLookLikeOneBeforeItBecomesAHostName() throws {
        for bad in ["x.evil.com/", "eu-west-1.evil", "EU-WEST-1", "-eu", "eu--west", ""] {
            #expect(!AWSSession.isValidRegion(bad), "\(bad)")
        }
        #expect(AWSSession.isValidRegion("eu-west-1") && AWSSession.isValidRegion("us-gov-west-1") && AWSSession.isValidRegion("cn-north-1"))
        #expect {
            _ = try AWSSession(
                configuration: .init(region: "x.evil.com", environment: ["AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"]))
        } throws: { "\($0)".contains("not an AWS region name") }
    }
}
