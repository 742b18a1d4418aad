import AWSSecrets
import Foundation
import Logging
import SecretServer
import SecretServerEmulator
import SesameTestSupport
import Testing

/// Requests through a real proxy (Debian's tinyproxy on 127.0.0.1): the Secret Server client over HTTPS through a
/// CONNECT tunnel with the server's certificate still verified end to end, the AWS clients, a proxy that wants a
/// user and password, NO_PROXY's exceptions, and the command line with HTTPS_PROXY, --proxy and --proxy none.
@Suite(.serialized, .timeLimit(.minutes(5)), .enabled(if: TinyProxy.shouldRun, "tinyproxy is not installed (scripts/test installs it)"))
struct ProxyTests {
    func withTLSServer(_ body: (EmulatorServer, String) async throws -> Void) async throws {
        var configuration = TestEmulator.configuration()
        configuration.tls = try DevelopmentCertificate.generate(hostnames: ["localhost", "127.0.0.1"])
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let caFile = directory.file("ca.pem")
        try Data(configuration.tls!.caPEM.utf8).write(to: URL(fileURLWithPath: caFile))
        try await TestEmulator.with(configuration) { server in try await body(server, caFile) }
    }

    /// - Parameter connect: how long AsyncHTTPClient's pool keeps trying to connect; a refused certificate or proxy
    ///   password is tried again until then, so the refusals use a short one.
    func client(_ server: EmulatorServer, caFile: String?, proxy: ProxyConfiguration, connect: Duration = .seconds(10)) -> SecretServerClient.Configuration {
        var configuration = TestEmulator.clientConfiguration(server, retry: .none)
        configuration.tls = .init(caFile: caFile)
        configuration.timeouts = .init(connect: connect, request: .seconds(30))
        configuration.proxy = proxy
        return configuration
    }

    @Test func secretServerOverHTTPSGoesThroughTheProxyAndStillVerifiesTheServer() async throws {
        let proxy = try TinyProxy()
        defer { proxy.stop() }
        try await withTLSServer { server, caFile in
            let port = try #require(URL(string: server.baseURL)?.port)
            let through = ProxyConfiguration(all: ProxyServer(host: "127.0.0.1", port: proxy.port))
            try await SecretServerClient.withClient(configuration: client(server, caFile: caFile, proxy: through)) { api in
                let user = try await api.currentUser()
                #expect(user.userName == "admin")
            }
            #expect(proxy.connectTargets().contains("127.0.0.1:\(port)"), "\(proxy.connectTargets())")

            // The proxy only tunnels: without the CA the client still refuses the server's certificate.
            let refused = try await SecretServerClient.withClient(configuration: client(server, caFile: nil, proxy: through, connect: .seconds(2))) {
                api -> SecretServerError? in
                do { _ = try await api.currentUser(); return nil } catch let error as SecretServerError { return error }
            }
            #expect(refused?.code == .transport && refused?.message.contains("TLS") == true, "\(String(describing: refused))")

            // NO_PROXY: the same server reached directly, the proxy never asked.
            let before = proxy.connectTargets().count
            let bypass = ProxyConfiguration(all: ProxyServer(host: "127.0.0.1", port: proxy.port), noProxy: try NoProxyList(parsing: "127.0.0.0/8"))
            try await SecretServerClient.withClient(configuration: client(server, caFile: caFile, proxy: bypass)) { api in
                let user = try await api.currentUser()
                #expect(user.userName == "admin")
            }
            #expect(proxy.connectTargets().count == before)
        }
    }

    @Test func aProxyThatWantsAPasswordGetsItAndNeverShowsIt() async throws {
        let password = "Proxy-Pass-9913"
        let proxy = try TinyProxy(basicAuth: ("proxyuser", password))
        defer { proxy.stop() }
        try await withTLSServer { server, caFile in
            let good = ProxyConfiguration(all: ProxyServer(host: "127.0.0.1", port: proxy.port, username: "proxyuser", password: password))
            try await SecretServerClient.withClient(configuration: client(server, caFile: caFile, proxy: good)) { api in
                let user = try await api.currentUser()
                #expect(user.userName == "admin")
            }
            let wrong = ProxyConfiguration(all: ProxyServer(host: "127.0.0.1", port: proxy.port, username: "proxyuser", password: "Wrong-Pass-1"))
            let refused = try await SecretServerClient.withClient(configuration: client(server, caFile: caFile, proxy: wrong, connect: .seconds(2))) {
                api -> SecretServerError? in
                do { _ = try await api.currentUser(); return nil } catch let error as SecretServerError { return error }
            }
            let text = "\(String(describing: refused))"
            // tinyproxy answers a wrong password with 401 where the standard says 407: either way, the proxy's refusal.
            #expect(refused?.message.contains("the proxy refused") == true, "\(text)")
            #expect(refused != nil && !text.contains("Wrong-Pass-1") && !text.contains(password), "\(text)")
            #expect(!proxy.log().contains(password))
        }
    }

    @Test(.enabled(if: Moto.shouldRun)) func awsGoesThroughTheProxyUnlessNoProxySaysOtherwise() async throws {
        let proxy = try TinyProxy()
        defer { proxy.stop() }
        let url = try Moto.url()
        let motoPort = try #require(URL(string: url)?.port)
        let name = "/" + Moto.uniqueName("proxy")
        try await Moto.putParameter(name, value: "through-the-proxy", url: url)
        var environment = Moto.environment(url: url)
        environment["HTTP_PROXY"] = proxy.url()
        let session = try AWSSession(configuration: AWSConfiguration(timeouts: Moto.timeouts, environment: environment))
        let value = try await session.ssm().getParameter(name, withDecryption: true).value
        try await session.shutdown()
        #expect(value == "through-the-proxy")
        #expect(proxy.connectTargets().contains("127.0.0.1:\(motoPort)"), "\(proxy.connectTargets())")

        let before = proxy.connectTargets().count
        environment["NO_PROXY"] = "127.0.0.1"
        let direct = try AWSSession(configuration: AWSConfiguration(timeouts: Moto.timeouts, environment: environment))
        #expect(try await direct.ssm().getParameter(name, withDecryption: true).value == "through-the-proxy")
        try await direct.shutdown()
        #expect(proxy.connectTargets().count == before)
    }

    @Test func theCommandLineUsesTheEnvironmentsProxyOrItsOwn() async throws {
        try await onOwnThread {
            let proxy = try TinyProxy()
            defer { proxy.stop() }
            let server = try SesameProcess.Server(adminPassword: TestEmulator.adminPassword)
            defer { server.stop() }
            let port = try #require(URL(string: server.baseURL)?.port)
            let admin = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": TestEmulator.adminPassword]
            let created = try SesameProcess.run(
                ["secret", "create", "--template", "Password", "--name", "proxied", "--field", "username=app", "--field", "password=-"],
                environment: admin, input: "Proxied-Value-1\n")
            #expect(created.status == 0, "\(created.stderr)")
            let before = proxy.connectTargets().count

            let viaEnvironment = try SesameProcess.run(["get", "tss://1/password"], environment: admin.merging(["HTTP_PROXY": proxy.url()]) { $1 })
            #expect(viaEnvironment.status == 0 && viaEnvironment.stdout == "Proxied-Value-1", "\(viaEnvironment.stderr)")
            let afterEnvironment = proxy.connectTargets().count
            #expect(afterEnvironment > before && proxy.connectTargets().last == "127.0.0.1:\(port)")

            let none = try SesameProcess.run(
                ["secret", "get", "1", "--field", "password", "--proxy", "none"], environment: admin.merging(["HTTP_PROXY": proxy.url()]) { $1 })
            #expect(none.status == 0 && none.stdout == "Proxied-Value-1", "\(none.stderr)")
            #expect(proxy.connectTargets().count == afterEnvironment)

            let flag = try SesameProcess.run(["secret", "get", "1", "--field", "password", "--proxy", proxy.url()], environment: admin)
            #expect(flag.status == 0 && flag.stdout == "Proxied-Value-1", "\(flag.stderr)")
            #expect(proxy.connectTargets().count > afterEnvironment)

            // A password on the command line is refused before anything is sent.
            let inline = try SesameProcess.run(["secret", "get", "1", "--proxy", "http://u:Inline-Pw-5@127.0.0.1:\(proxy.port)"], environment: admin)
            #expect(inline.status != 0 && inline.stderr.contains("SESAME_PROXY_PASSWORD") && !inline.stderr.contains("Inline-Pw-5"), "\(inline.stderr)")
            let unreadable = try SesameProcess.run(["secret", "get", "1"], environment: admin.merging(["HTTPS_PROXY": "https://tls-proxy:443"]) { $1 })
            #expect(unreadable.status != 0 && unreadable.stderr.contains("HTTPS_PROXY"), "\(unreadable.stderr)")
        }
    }
}
