import Foundation
import SecretServer
import SecretServerModels

/// The Secret Server workloads of `Benchmarks/compare`, through Sesame's client: seeding, the bulk read by id
/// (bounded concurrency, every field), and paging through a search (one page in memory at a time).
enum SecretServerLoad {
    static func run(_ arguments: [String]) async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["SESAME_URL"], let username = environment["SESAME_USERNAME"],
            let password = environment["SESAME_PASSWORD"]
        else { throw LoadError("set SESAME_URL, SESAME_USERNAME and SESAME_PASSWORD") }
        var configuration = SecretServerClient.Configuration(
            baseURL: url, credentials: .password(username: username, password: password)
        )
        // One connection per request in flight for the bulk read (16 by default in Benchmarks/compare: the best of
        // 8/16/32 here); SESAME_LOAD_CONNECTIONS overrides it for experiments.
        if arguments.first == "tss-bulk", arguments.count == 4, let concurrency = Int(arguments[3]), concurrency > 0 {
            configuration.maximumConnections = concurrency
        }
        if let connections = environment["SESAME_LOAD_CONNECTIONS"].flatMap(Int.init) {
            configuration.maximumConnections = connections
        }
        let client = try SecretServerClient(configuration: configuration)
        // Signed in before any timing starts, as the peers' constructors do.
        _ = try await client.session()
        switch (arguments.first, arguments.count) {
        case ("tss-seed", 3):
            guard let count = Int(arguments[2]) else { throw LoadError("COUNT must be a number") }
            try await seed(client, folder: arguments[1], count: count)
        case ("tss-bulk", 4):
            guard let first = Int(arguments[1]), let count = Int(arguments[2]), let concurrency = Int(arguments[3]),
                concurrency > 0
            else { throw LoadError("FIRST, COUNT and CONCURRENCY must be numbers") }
            try await bulk(client, first: first, count: count, concurrency: concurrency)
        case ("tss-search", 3):
            guard let pageSize = Int(arguments[2]), pageSize > 0 else { throw LoadError("PAGESIZE must be a number") }
            try await search(client, text: arguments[1], pageSize: pageSize)
        default:
            throw LoadError("usage: sesame-load tss-seed FOLDER COUNT | tss-bulk FIRST COUNT CONCURRENCY | tss-search TEXT PAGESIZE")
        }
        try await client.shutdown()
    }

    /// Creates `count` secrets `NAME-i` (Password template) in folder `folder` (made when missing), 16 at a time.
    static func seed(_ client: SecretServerClient, folder: String, count: Int) async throws {
        let folderModel = try await client.createFolders(path: "\\" + folder)
        guard let template = try await client.template(named: "Password") else { throw LoadError("no Password template") }
        let stub = try await client.secretStub(templateId: template.id, folderId: folderModel.id)
        let start = ContinuousClock.now
        let ids = try await withThrowingTaskGroup(of: Int.self) { group in
            var ids: [Int] = []
            var next = 0
            func add() {
                let index = next
                next += 1
                group.addTask {
                    var secret = stub
                    secret.name = "\(folder)-\(index)"
                    for position in secret.items.indices {
                        secret.items[position].itemValue = "\(secret.items[position].slug)-\(index)"
                    }
                    return try await client.createSecret(secret).id
                }
            }
            for _ in 0..<min(16, count) { add() }
            while let id = try await group.next() {
                ids.append(id)
                if next < count { add() }
            }
            return ids.sorted()
        }
        print(#"{"workload":"tss-seed","count":\#(ids.count),"first":\#(ids.first ?? 0),"last":\#(ids.last ?? 0),"seconds":\#(seconds(since: start))}"#)
    }

    /// Reads every secret of `first ..< first + count` with `concurrency` requests in flight, and checks each.
    static func bulk(_ client: SecretServerClient, first: Int, count: Int, concurrency: Int) async throws {
        let start = ContinuousClock.now
        let fields = try await withThrowingTaskGroup(of: Int.self) { group in
            var next = first
            var fields = 0
            func add() {
                let id = next
                next += 1
                group.addTask {
                    let secret = try await client.secret(id: id)
                    guard secret.id == id, !secret.items.isEmpty else { throw LoadError("secret \(id) came back wrong") }
                    return secret.items.count
                }
            }
            for _ in 0..<min(concurrency, count) { add() }
            while let read = try await group.next() {
                fields += read
                if next < first + count { add() }
            }
            return fields
        }
        print(#"{"workload":"tss-bulk","count":\#(count),"concurrency":\#(concurrency),"fields":\#(fields),"seconds":\#(seconds(since: start))}"#)
    }

    /// Pages through the search, keeping no more than the page being read.
    static func search(_ client: SecretServerClient, text: String, pageSize: Int) async throws {
        let start = ContinuousClock.now
        var count = 0
        for try await summary in client.searchSecrets(SecretSearch(text: text, pageSize: pageSize)) {
            if summary.id > 0 { count += 1 }
        }
        // VmHWM, this process's own peak: getrusage's ru_maxrss keeps the peak of the process it was forked from
        // (Linux carries it across exec), here the benchmark's Python, which is larger.
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let hwm = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        guard let kilobytes = hwm?.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap({ Double($0) }) else {
            throw LoadError("no VmHWM in /proc/self/status: this process's peak memory cannot be read")
        }
        let peakMB = kilobytes / 1024
        print(#"{"workload":"tss-search","count":\#(count),"pageSize":\#(pageSize),"seconds":\#(seconds(since: start)),"peakMB":\#(peakMB)}"#)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

struct LoadError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
