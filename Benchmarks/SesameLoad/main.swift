import AWSSecrets
import HTTPTypes
import Hummingbird
import NIOCore
import Foundation
import Sesame

// sesame-load: the Sesame side of Benchmarks/compare. Reads N secrets through Sesame's providers with bounded
// concurrency, uncached, and prints one JSON line: {"workload", "count", "concurrency", "seconds"}.
//
//   sesame-load aws-ps PREFIX COUNT CONCURRENCY   # GetParameter PREFIX/p0 ... PREFIX/p{COUNT-1}
//   sesame-load aws-sm PREFIX COUNT CONCURRENCY   # GetSecretValue PREFIX/s0 ...
// AWS settings come from the environment (AWS_ENDPOINT_URL, keys, region).
//
//   sesame-load cache-hit COUNT                   # COUNT cache hits through SecretStore (for profiles)
//   sesame-load serve-aws PORT                    # a keep-alive GetParameter/GetSecretValue responder (no moto)
//
// Secret Server (URL and credentials from SESAME_URL, SESAME_USERNAME, SESAME_PASSWORD):
//   sesame-load tss-seed FOLDER COUNT             # creates COUNT Password secrets in folder FOLDER; prints their ids
//   sesame-load tss-bulk FIRST COUNT CONCURRENCY  # reads secrets FIRST ... FIRST+COUNT-1 (all fields)
//   sesame-load tss-search TEXT PAGESIZE          # pages through every secret whose name contains TEXT
// SESAME_LOAD_CONNECTIONS=N sets the client's connection limit (maximumConnections; default: CONCURRENCY for
// tss-bulk, the client's 8 otherwise).

let arguments = CommandLine.arguments
if arguments.count >= 2, arguments[1].hasPrefix("tss-") {
    do {
        try await SecretServerLoad.run(Array(arguments.dropFirst()))
    } catch {
        FileHandle.standardError.write(Data("sesame-load: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
if arguments.count == 3, arguments[1] == "cache-hit", let count = Int(arguments[2]) {
    try await cacheHits(count)
    exit(0)
}
if arguments.count == 3, arguments[1] == "serve-aws", let port = Int(arguments[2]) {
    try await AWSResponder.run(port: port)
    exit(0)
}
guard arguments.count == 5, let count = Int(arguments[3]), let concurrency = Int(arguments[4]), concurrency > 0 else {
    FileHandle.standardError.write(Data("usage: sesame-load aws-ps|aws-sm PREFIX COUNT CONCURRENCY\n".utf8))
    exit(1)
}
let workload = arguments[1]
let prefix = arguments[2]

let session = try AWSSession()
let provider: any SecretProvider
let references: [SecretReference]
switch workload {
case "aws-ps":
    provider = try ParameterStoreProvider(session: session)
    references = try (0..<count).map { try SecretReference(parsing: "aws-ps://\(prefix)/p\($0)") }
case "aws-sm":
    provider = try SecretsManagerProvider(session: session)
    references = try (0..<count).map { try SecretReference(parsing: "aws-sm://\(prefix)/s\($0)") }
default:
    FileHandle.standardError.write(Data("unknown workload \(workload)\n".utf8))
    exit(1)
}

let start = ContinuousClock.now
let bytes = try await withThrowingTaskGroup(of: Int.self) { group in
    var next = 0
    var total = 0
    for _ in 0..<min(concurrency, references.count) {
        let reference = references[next]
        next += 1
        group.addTask { try await provider.get(reference).bytes.count }
    }
    while let read = try await group.next() {
        total += read
        if next < references.count {
            let reference = references[next]
            next += 1
            group.addTask { try await provider.get(reference).bytes.count }
        }
    }
    return total
}
let elapsed = ContinuousClock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(#"{"workload":"\#(workload)","count":\#(count),"concurrency":\#(concurrency),"seconds":\#(seconds),"bytes":\#(bytes)}"#)
try await session.shutdown()

/// A provider that answers from memory: the loop measures the cache in front of it.
final class StaticProvider: SecretProvider {
    let scheme = "aws-ps"
    func get(_ reference: SecretReference) async throws -> SecretValue {
        SecretValue(text: "value-of-" + reference.path, metadata: .init(source: .provider, fetchedAt: Date(), version: "1"))
    }
    func list(under reference: SecretReference) async throws -> [SecretReference] { [] }
    func exists(_ reference: SecretReference) async throws -> Bool { true }
    func update(_ reference: SecretReference, to value: SecretValue.Content) async throws {}
}

func cacheHits(_ count: Int) async throws {
    let provider = CachingProvider(StaticProvider())
    let store = SecretStore(providers: [provider])
    let reference = try SecretReference(parsing: "aws-ps:///prod/db/password")
    var total = 0
    var start = ContinuousClock.now
    for _ in 0..<count { total &+= try await store.get(reference).text?.utf8.count ?? 0 }
    print("store: \(count) hits in \(ContinuousClock.now - start)")
    start = ContinuousClock.now
    for _ in 0..<count { total &+= try await provider.get(reference).text?.utf8.count ?? 0 }
    print("provider: \(count) hits in \(ContinuousClock.now - start)")
    start = ContinuousClock.now
    let now = ContinuousClock.now
    for _ in 0..<count { total &+= provider.memory.lookup(reference.cacheKey, now: now)?.value.text?.utf8.count ?? 0 }
    print("memory.lookup: \(count) hits in \(ContinuousClock.now - start) (\(total))")
}

/// Answers SSM GetParameter and Secrets Manager GetSecretValue with a fixed value for any name, over
/// keep-alive HTTP/1.1: a server that is not the bottleneck, to show what each client itself can do.
enum AWSResponder {
    static func run(port: Int) async throws {
        let router = Router()
        router.post("/") { request, _ -> Response in
            let target = request.headers[HTTPField.Name("X-Amz-Target")!] ?? ""
            let body = try await request.body.collect(upTo: 1 << 20)
            let input = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
            let answer: String
            switch target {
            case "AmazonSSM.GetParameter":
                let name = input["Name"] as? String ?? "/x"
                answer = #"{"Parameter":{"Name":"\#(name)","Type":"SecureString","Value":"parameter-value","Version":1,"DataType":"text"}}"#
            case "secretsmanager.GetSecretValue":
                let name = input["SecretId"] as? String ?? "x"
                answer = #"{"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:\#(name)","Name":"\#(name)","VersionId":"v1","SecretString":"{\"user\":\"u\"}","VersionStages":["AWSCURRENT"],"CreatedDate":1.7e9}"#
            default:
                return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: #"{"__type":"UnknownOperationException"}"#)))
            }
            return Response(
                status: .ok, headers: [.contentType: "application/x-amz-json-1.1"],
                body: .init(byteBuffer: ByteBuffer(string: answer))
            )
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
