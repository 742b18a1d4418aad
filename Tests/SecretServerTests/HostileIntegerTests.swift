import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SecretServer
import SecretServerModels
import SesameTestSupport
import Testing

/// Numbers from outside cannot crash either side: every integer parameter of every route the local server serves
/// (path, query and JSON body, as its OpenAPI document lists them; a body with its other members filled in) is sent
/// as `Int64.min`, `-1`, `Int32.max + 1`, `Int64.max` and two values generated outside `Int32` from a seed
/// (`SESAME_FUZZ_SEED`) to a `sesame server --dev` process, which must answer each with a 4xx or a normal answer and
/// still be alive afterwards; and the client reads hostile pages without trapping.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct HostileIntegerTests {
    /// The seed of the generated values (`SESAME_FUZZ_SEED` to vary it, as the schemathesis step).
    static let seed = ProcessInfo.processInfo.environment["SESAME_FUZZ_SEED"].flatMap(UInt64.init) ?? 20261123

    /// The edges, and two values generated from `seed` outside `Int32`'s range, one of each sign.
    static let hostile: [String] = {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let above = Int64(Int32.max) + 1 + Int64(next() % UInt64(Int64.max - Int64(Int32.max) - 1))
        let below = Int64(Int32.min) - 1 - Int64(next() % UInt64(Int64.max - Int64(Int32.max) - 1))
        return [String(Int64.min), "-1", String(Int64(Int32.max) + 1), String(Int64.max), String(above), String(below)]
    }()
    static let password = "Hostile-Int-Passw0rd!"

    /// One request the walk sends.
    struct Probe: CustomStringConvertible {
        var method: String
        var path: String
        var query: [(String, String)]
        var body: String?
        var what: String
        var description: String { "\(method) \(path) [\(what)]" }
    }

    @Test func everyIntegerOfEveryServedRouteGetsA4xxOrAnAnswer() async throws {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { server.stop() }
        let root = server.baseURL.replacingOccurrences(of: "/SecretServer", with: "")
        let http = HTTPClient.shared

        var token = try await Self.signIn(http, server.baseURL)
        let document = try await Self.send(http, root + "/openapi.json", method: .GET, token: nil, body: nil)
        #expect(document.status == 200)
        let spec = try #require(try JSONSerialization.jsonObject(with: Data(document.body.utf8)) as? [String: Any])
        let probes = Self.probes(spec)
        // The walk covers what the document lists: ids, paging and filters in paths and queries, and body numbers.
        #expect(probes.count > 1_200, "only \(probes.count) probes were made from the document")
        #expect(probes.contains { $0.path == "/api/v1/users" && $0.query.contains { $0.0 == "skip" && $0.1 == String(Int64.max) } })
        #expect(probes.contains { $0.body != nil })

        var failures: [String] = []
        var answered = 0
        for probe in probes {
            var url = root + probe.path
            if !probe.query.isEmpty { url += "?" + probe.query.map { "\($0.0)=\($0.1)" }.joined(separator: "&") }
            var answer: (status: Int, body: String)
            do {
                answer = try await Self.send(http, url, method: HTTPMethod(rawValue: probe.method), token: token, body: probe.body)
                if answer.status == 401 || (answer.status == 403 && answer.body.contains("expired")) {
                    token = try await Self.signIn(http, server.baseURL)
                    answer = try await Self.send(http, url, method: HTTPMethod(rawValue: probe.method), token: token, body: probe.body)
                }
            } catch {
                Issue.record("\(probe): no answer (\(error)); the server is \(server.process.isRunning ? "running" : "DEAD")")
                return
            }
            answered += 1
            if answer.status >= 500 { failures.append("\(probe): HTTP \(answer.status) \(answer.body.prefix(200))") }
        }
        #expect(failures.isEmpty, "server errors (seed \(Self.seed)):\n\(failures.prefix(20).joined(separator: "\n"))")
        #expect(answered == probes.count)
        #expect(server.process.isRunning, "the server died")
        let health = try await Self.send(http, server.baseURL + "/api/v1/healthcheck", method: .GET, token: nil, body: nil)
        #expect(health.status == 200)
        // The reproduction of the report: a signed-in user's one request used to trap the whole process.
        let report = try await Self.send(http, server.baseURL + "/api/v1/users?skip=9223372036854775807", method: .GET, token: token, body: nil)
        #expect((400..<500).contains(report.status), "\(report.status) \(report.body)")
        let largest = try await Self.send(http, server.baseURL + "/api/v1/users?skip=2147483647&take=2147483647", method: .GET, token: token, body: nil)
        #expect(largest.status == 200, "\(largest.body)")
        let page = try WireCoding.makeDecoder().decode(Page<UserSummary>.self, from: Data(largest.body.utf8))
        #expect(page.skip == 2147483647 && page.records.isEmpty && !page.hasNext)
    }

    /// The client reads pages whose counters are hostile (and whose keys are missing) without trapping, through
    /// both of its readers.
    @Test func theClientReadsHostilePages() async throws {
        let numbers = ["-9223372036854775808", "-1", "0", "2147483648", "9223372036854775807"]
        let record = #"{"id": 1, "name": "x", "secretTemplateId": 2, "folderId": -1, "active": true}"#
        var read = 0
        var compared = 0
        for skip in numbers {
            for total in numbers {
                for withRecord in [false, true] {
                    let records = withRecord ? "[\(record)]" : "[]"
                    for text in [
                        #"{"skip": \#(skip), "take": \#(total), "total": \#(total), "records": \#(records)}"#,
                        #"{"skip": \#(skip), "records": \#(records)}"#,
                        #"{"skip": \#(skip), "take": \#(skip), "total": \#(total), "nextSkip": \#(total), "hasNext": true, "records": \#(records)}"#,
                    ] {
                        let decoded = try? WireCoding.makeDecoder().decode(Page<SecretSummary>.self, from: Data(text.utf8))
                        let fast = text.utf8.withContiguousStorageIfAvailable { Page<SecretSummary>.decodeWireJSON(UnsafeRawBufferPointer($0)) } ?? nil
                        if decoded != nil { read += 1 }
                        if let fast, let decoded {
                            compared += 1
                            #expect(fast.nextSkip == decoded.nextSkip, "\(text)")
                        }
                        _ = Page<SecretSummary>(
                            records: decoded?.records ?? [], skip: decoded?.skip ?? 0, take: decoded?.take ?? 0,
                            total: decoded?.total ?? 0)
                    }
                }
            }
        }
        #expect(read > 100)
        // The fast reader did read hostile pages (it answers nil only for what it does not handle).
        #expect(compared > 50, "the fast reader decoded \(compared) pages")
    }

    // MARK: Building the probes

    static func probes(_ spec: [String: Any]) -> [Probe] {
        let paths = spec["paths"] as? [String: [String: Any]] ?? [:]
        let schemas = (spec["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        var probes: [Probe] = []
        for (path, methods) in paths.sorted(by: { $0.key < $1.key }) {
            // Revoking the token is a plain sign-out; it has no integer.
            if path.hasSuffix("/oauth-expiration") { continue }
            for (method, value) in methods.sorted(by: { $0.key < $1.key }) {
                guard let operation = value as? [String: Any] else { continue }
                let parameters = operation["parameters"] as? [[String: Any]] ?? []
                let integers = parameters.filter { (($0["schema"] as? [String: Any])?["type"] as? String) == "integer" }
                func concrete(_ override: (name: String, value: String)?) -> String {
                    var result = path
                    for parameter in parameters where parameter["in"] as? String == "path" {
                        let name = parameter["name"] as? String ?? ""
                        result = result.replacingOccurrences(of: "{\(name)}", with: override?.name == name ? override!.value : "1")
                    }
                    return result
                }
                for parameter in integers {
                    let name = parameter["name"] as? String ?? ""
                    for number in hostile {
                        if parameter["in"] as? String == "path" {
                            probes.append(Probe(method: method.uppercased(), path: concrete((name, number)), query: [], body: nil, what: "\(name)=\(number)"))
                        } else if parameter["in"] as? String == "query" {
                            probes.append(
                                Probe(method: method.uppercased(), path: concrete(nil), query: [(name, number)], body: nil, what: "\(name)=\(number)"))
                        }
                    }
                }
                let content = (operation["requestBody"] as? [String: Any])?["content"] as? [String: Any]
                guard let schema = (content?["application/json"] as? [String: Any])?["schema"] as? [String: Any] else { continue }
                let base = skeleton(schema, schemas: schemas)
                for leaf in integerLeaves(schema, schemas: schemas, depth: 0) {
                    for number in hostile {
                        probes.append(
                            Probe(
                                method: method.uppercased(), path: concrete(nil), query: [], body: filled(leaf.body(number), from: base),
                                what: "body \(leaf.name)=\(number)"
                            ))
                    }
                }
            }
        }
        return probes
    }

    /// Every top-level member of a body schema with a plain value, so that a probe is not refused for a missing
    /// member before its number is read.
    static func skeleton(_ schema: [String: Any], schemas: [String: Any]) -> [String: Any] {
        let properties = resolve(schema, schemas)["properties"] as? [String: Any] ?? [:]
        var result: [String: Any] = [:]
        for (name, property) in properties {
            guard let property = property as? [String: Any] else { continue }
            switch resolve(property, schemas)["type"] as? String {
            case "string": result[name] = "x"
            case "integer", "number": result[name] = 1
            case "boolean": result[name] = false
            case "array": result[name] = [Any]()
            default: result[name] = [String: Any]()
            }
        }
        return result
    }

    /// The probe's body (an object, or anything else as it is) with the skeleton's members it does not set.
    static func filled(_ body: String, from base: [String: Any]) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return body }
        let merged = base.merging(object) { $1 }
        guard let data = try? JSONSerialization.data(withJSONObject: merged, options: [.sortedKeys]) else { return body }
        return String(decoding: data, as: UTF8.self)
    }

    /// A place for an integer in a request body: its dotted name and how to write a body with a number there.
    struct Leaf {
        var name: String
        var body: (String) -> String
    }

    static func resolve(_ schema: [String: Any], _ schemas: [String: Any]) -> [String: Any] {
        if let reference = schema["$ref"] as? String, let name = reference.split(separator: "/").last,
            let target = schemas[String(name)] as? [String: Any]
        {
            return target
        }
        if let all = schema["allOf"] as? [[String: Any]], let first = all.first { return resolve(first, schemas) }
        return schema
    }

    static func integerLeaves(_ schema: [String: Any], schemas: [String: Any], depth: Int) -> [Leaf] {
        let resolved = resolve(schema, schemas)
        if resolved["type"] as? String == "integer" { return [Leaf(name: "", body: { $0 })] }
        if resolved["type"] as? String == "array", let items = resolved["items"] as? [String: Any], depth < 3 {
            return integerLeaves(items, schemas: schemas, depth: depth + 1).map { leaf in
                Leaf(name: leaf.name + "[]", body: { "[" + leaf.body($0) + "]" })
            }
        }
        guard let properties = resolved["properties"] as? [String: Any], depth < 3 else { return [] }
        // Patch models mark the members they change as dirty.
        let dirty = properties["dirty"] != nil ? #""dirty": true, "# : ""
        var leaves: [Leaf] = []
        for (name, property) in properties.sorted(by: { $0.key < $1.key }) {
            guard let property = property as? [String: Any] else { continue }
            for leaf in integerLeaves(property, schemas: schemas, depth: depth + 1) {
                leaves.append(
                    Leaf(
                        name: leaf.name.isEmpty ? name : name + "." + leaf.name,
                        body: { "{\(dirty)\"\(name)\": " + leaf.body($0) + "}" }
                    ))
            }
        }
        return leaves
    }

    // MARK: HTTP

    static func signIn(_ http: HTTPClient, _ baseURL: String) async throws -> String {
        var request = HTTPClientRequest(url: baseURL + "/oauth2/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "grant_type=password&username=admin&password=\(password)"))
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return try WireCoding.makeDecoder().decode(TokenResponse.self, from: Data(buffer: body)).accessToken
    }

    static func send(_ http: HTTPClient, _ url: String, method: HTTPMethod, token: String?, body: String?) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let answer = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), String(buffer: answer))
    }
}
