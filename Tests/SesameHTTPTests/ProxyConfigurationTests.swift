import Foundation
import SesameHTTP
import Testing

/// Which requests go through which proxy, read as curl reads the environment: `NO_PROXY` hosts, domains, `*`,
/// ports and CIDR ranges; proxy URLs with a user and password that never show; the lower-case names first.
@Suite(.timeLimit(.minutes(5)))
struct ProxyConfigurationTests {
    @Test func noProxyMatchesHostsDomainsPortsAndRanges() throws {
        let list = try NoProxyList(parsing: " internal.example.com, .corp.example, 10.0.0.0/8, 192.168.1.7,[::1], fd00::/8, metadata:8080 ,, ")
        #expect(list.matches(host: "internal.example.com", port: 443))
        #expect(list.matches(host: "api.internal.example.com", port: 443))
        #expect(list.matches(host: "INTERNAL.example.com.", port: 443))
        #expect(!list.matches(host: "notinternal.example.com", port: 443))
        #expect(list.matches(host: "corp.example", port: 443) && list.matches(host: "ss.corp.example", port: 80))
        #expect(list.matches(host: "10.200.3.4", port: 443) && !list.matches(host: "11.0.0.1", port: 443))
        #expect(list.matches(host: "192.168.1.7", port: 1) && !list.matches(host: "192.168.1.8", port: 1))
        #expect(list.matches(host: "::1", port: 443) && list.matches(host: "[::1]", port: 443))
        #expect(list.matches(host: "fd12:3456::1", port: 443) && !list.matches(host: "fe80::1", port: 443))
        #expect(list.matches(host: "metadata", port: 8080) && !list.matches(host: "metadata", port: 80))
        #expect(!list.matches(host: "example.com", port: 443))
        #expect(try NoProxyList(parsing: "*").matches(host: "anything.at.all", port: 1))
        #expect(!NoProxyList.empty.matches(host: "localhost", port: 80))
        #expect(try NoProxyList(parsing: "localhost:3000").matches(host: "localhost", port: 3000))
    }

    @Test func badNoProxyEntriesAreNamed() {
        for bad in ["10.0.0.0/33", "host:99999", "[::1", "10.0.0.0/x"] {
            #expect(throws: ProxyError.self) { try NoProxyList(parsing: bad) }
            do {
                _ = try NoProxyList(parsing: bad, source: "no_proxy")
            } catch let error as ProxyError {
                #expect(error.code == .invalidNoProxy && error.message.hasPrefix("no_proxy:"), "\(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func proxyURLsAreReadAsCurlReadsThem() throws {
        let full = try ProxyServer(parsing: "http://al%40ce:p%3Ass@proxy.corp:3128", source: "HTTPS_PROXY")
        #expect(full.host == "proxy.corp" && full.port == 3128 && full.kind == .http)
        #expect(full.username == "al@ce" && full.password == "p:ss")
        #expect(!"\(full)".contains("p:ss") && !"\(full)".contains("p%3Ass") && "\(full)".contains("al@ce:<redacted>@proxy.corp:3128"))
        let bare = try ProxyServer(parsing: "proxy.corp", source: "HTTPS_PROXY")
        #expect(bare.port == 1080 && bare.kind == .http && bare.username == nil)
        let socks = try ProxyServer(parsing: "socks5h://[::1]:1081", source: "ALL_PROXY")
        #expect(socks.kind == .socks5 && socks.host == "::1" && socks.port == 1081)
        for (bad, code) in [
            ("https://proxy:443", ProxyError.Code.unsupported), ("ftp://proxy", .unsupported), ("http://", .invalidURL),
            ("http://proxy:3128/path", .invalidURL), ("socks5://u:p@proxy", .unsupported), ("http://:pw@proxy", .invalidURL),
        ] {
            do {
                _ = try ProxyServer(parsing: bad, source: "--proxy")
                Issue.record("\(bad) was accepted")
            } catch let error as ProxyError {
                #expect(error.code == code && error.message.hasPrefix("--proxy"), "\(bad): \(error)")
                #expect(!error.description.contains("pw"), "\(error)")
            }
        }
    }

    @Test func theEnvironmentIsReadLowerCaseFirstAndPerScheme() throws {
        let configuration = try ProxyConfiguration.environment([
            "HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:2", "HTTP_PROXY": "http://plain:3", "NO_PROXY": "skip.me",
        ])
        #expect(configuration.https?.host == "lower" && configuration.http?.host == "plain")
        #expect(configuration.server(for: "https://ss.example.com/SecretServer")?.host == "lower")
        #expect(configuration.server(for: "http://ss.example.com")?.host == "plain")
        #expect(configuration.server(for: "https://api.skip.me") == nil)
        // ALL_PROXY fills in; an empty value is unset; HTTP_PROXY is ignored in a CGI program (httpoxy).
        let all = try ProxyConfiguration.environment(["ALL_PROXY": "http://all:4", "https_proxy": "", "HTTP_PROXY": "http://evil:5", "REQUEST_METHOD": "GET"])
        #expect(all.https?.host == "all" && all.http?.host == "all")
        #expect(try ProxyConfiguration.environment([:]).isEmpty)
        // --proxy none wins over the environment; --proxy URL keeps NO_PROXY's exceptions.
        let environment = ["HTTPS_PROXY": "http://env:1", "no_proxy": "internal"]
        #expect(try ProxyConfiguration.explicit("none", source: "--proxy", environment: environment).isEmpty)
        let explicit = try ProxyConfiguration.explicit("http://flag:8", source: "--proxy", environment: environment)
        #expect(explicit.server(for: "https://a.example")?.host == "flag" && explicit.server(for: "https://ss.internal") == nil)
        #expect(throws: ProxyError.self) { try ProxyConfiguration.environment(["HTTPS_PROXY": "https://tls-proxy:443"]) }
    }

    @Test func loopbackIsReachedDirectlyUnlessTheProxyIsOnThisMachineToo() throws {
        let remote = ProxyConfiguration(all: ProxyServer(host: "proxy.corp", port: 3128))
        for url in ["http://127.0.0.1:5000/SecretServer", "http://localhost:5000", "https://[::1]:8443", "http://127.8.9.10"] {
            #expect(remote.server(for: url) == nil, "\(url)")
        }
        #expect(remote.server(for: "https://ss.example.com")?.host == "proxy.corp")
        // A proxy on this machine (a debugging proxy, the tests' tinyproxy) can reach this machine's servers.
        let local = ProxyConfiguration(all: ProxyServer(host: "127.0.0.1", port: 8888))
        #expect(local.server(for: "http://127.0.0.1:5000")?.port == 8888)
        #expect(!Loopback.contains("128.0.0.1") && !Loopback.contains("localhost.evil.com"))
        // Brackets go from both ends (as `trimmingCharacters(in:)` took them), and nothing else does.
        for host in ["[::1]", "::1", "[[::1]]", "LocalHost", "[localhost.]", "127.0.0.1]", "[127.9.9.9"] { #expect(Loopback.contains(host), "\(host)") }
        for host in ["", "[]", "][", "[ ::1]", "[::2]", "::1%lo", "local[host]", "127.0.0.1 "] { #expect(!Loopback.contains(host), "\(host)") }
    }
}
