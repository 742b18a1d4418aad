import Hummingbird
import NIOCore
import SecretServerModels
import Synchronization

/// Makes the local server fail on purpose, for tests of clients: planned faults (the next requests whose path
/// contains a given text are answered with a chosen fault) and a random fault mode (a share of requests fail,
/// every request is delayed).
///
/// Every request asks it whether to fail, so its state sits behind a `Mutex`; with nothing planned and no mode
/// the check is one atomic read.
public final class FaultInjector: Sendable {
    /// What a fault does.
    public enum Fault: Sendable, Equatable, Hashable {
        /// Answer with this status and a JSON error body, without running the route.
        case status(Int)
        /// Run the route (so its effect happens), then answer with this status instead of its result.
        case statusAfterHandling(Int)
        /// Close the connection without answering, before running the route.
        case dropConnection
        /// Run the route, then close the connection without answering (an ambiguous failure).
        case dropConnectionAfterHandling
        /// Start a 200 answer (head and the first bytes of a 4 KiB body), then close the connection mid-response.
        case dropMidResponse
        /// Delinea's answer when it rate-limits: 403 (not 429) with a message saying so.
        case rateLimited
        /// 200 with an HTML page instead of JSON, as a proxy or an error page sends.
        case htmlPage
        /// 200 with JSON cut off in the middle.
        case truncatedJSON
        /// 200 with JSON whose values have the wrong types (`"id": "seven"`, `"items": "none"`).
        case wrongTypes
        /// 200 with a JSON array of `bytes` bytes, streamed (how much was written is in `hugeBytesWritten`).
        case hugeBody(bytes: Int)
        /// 200 with a JSON body of about 330 bytes sent one byte per `interval`.
        case slowDrip(interval: Duration)
    }

    private struct Plan {
        var fault: Fault
        var remaining: Int
        var pathContains: String
        var method: HTTPRequest.Method?
    }

    private struct State {
        var plans: [Plan] = []
        var mode: FaultMode?
        var random = SplitMix64(seed: 0)
        var injectedCount = 0
    }

    private let state = Mutex(State())
    private let hugeWritten = Atomic<Int>(0)

    /// How many bytes `hugeBody` faults managed to write before the client stopped reading or they ended.
    public var hugeBytesWritten: Int { hugeWritten.load(ordering: .relaxed) }

    func addHugeBytes(_ count: Int) { hugeWritten.add(count, ordering: .relaxed) }
    /// Whether anything is planned or a mode is on: the fast path reads only this.
    private let armed = Atomic<Bool>(false)

    public init(mode: FaultMode? = nil) {
        if let mode { setMode(mode) }
    }

    /// How many requests were answered with a fault.
    public var injectedCount: Int { state.withLock { $0.injectedCount } }

    /// Plans `fault` for the next `count` requests whose path contains `pathContains` (case-insensitive).
    public func fail(next count: Int, with fault: Fault, pathContains: String = "", method: HTTPRequest.Method? = nil) {
        state.withLock { state in
            state.plans.append(Plan(fault: fault, remaining: count, pathContains: pathContains.lowercased(), method: method))
            armed.store(true, ordering: .releasing)
        }
    }

    /// Turns the random fault mode on (or off with `nil`).
    public func setMode(_ mode: FaultMode?) {
        state.withLock { state in
            state.mode = mode
            if let mode { state.random = SplitMix64(seed: mode.seed) }
            armed.store(mode != nil || !state.plans.isEmpty, ordering: .releasing)
        }
    }

    /// Drops every plan and turns the mode off.
    public func reset() {
        state.withLock { state in
            state.plans.removeAll()
            state.mode = nil
            armed.store(false, ordering: .releasing)
        }
    }

    /// What to do with one request: a delay first (the mode's latency), then a fault or none.
    func take(path: String, method: HTTPRequest.Method) -> (delay: Duration, fault: Fault?) {
        guard armed.load(ordering: .acquiring) else { return (.zero, nil) }
        return state.withLock { state in
            let folded = path.lowercased()
            if let index = state.plans.firstIndex(where: {
                $0.remaining > 0 && folded.contains($0.pathContains) && ($0.method == nil || $0.method == method)
            }) {
                state.plans[index].remaining -= 1
                let fault = state.plans[index].fault
                if state.plans[index].remaining == 0 {
                    state.plans.remove(at: index)
                    // Back to the one-atomic-read path once the last plan is used up.
                    if state.plans.isEmpty, state.mode == nil { armed.store(false, ordering: .releasing) }
                }
                state.injectedCount += 1
                return (state.mode?.latency ?? .zero, fault)
            }
            guard let mode = state.mode, folded.contains(mode.pathContains.lowercased()) else { return (.zero, nil) }
            guard !mode.faults.isEmpty, mode.failureRate > 0, state.random.nextUnit() < mode.failureRate else {
                return (mode.latency, nil)
            }
            state.injectedCount += 1
            let fault = mode.faults[Int(state.random.next() % UInt64(mode.faults.count))]
            return (mode.latency, fault)
        }
    }
}

/// The random fault mode of the local server (`sesame server --dev --fault-rate 0.2 ...`).
public struct FaultMode: Sendable, Equatable {
    /// Added before every matching request is answered.
    public var latency: Duration
    /// The share of matching requests that fail, 0...1.
    public var failureRate: Double
    /// The faults a failing request gets, picked at random with equal weight.
    public var faults: [FaultInjector.Fault]
    /// Only requests whose path contains this (case-insensitive) are touched; `"/api/"` spares the token route.
    public var pathContains: String
    /// Seeds the choice of failing requests, so a run can be repeated.
    public var seed: UInt64

    public init(
        latency: Duration = .zero,
        failureRate: Double = 0,
        faults: [FaultInjector.Fault] = FaultMode.transientFaults,
        pathContains: String = "/api/",
        seed: UInt64 = 1
    ) {
        self.latency = latency
        self.failureRate = min(max(failureRate, 0), 1)
        self.faults = faults
        self.pathContains = pathContains
        self.seed = seed
    }

    /// Every fault a client should survive by retrying an idempotent request: 500, 502, 503, Delinea's 403
    /// rate-limit answer, 200 with HTML, and connections dropped before and after the route ran and in the middle of
    /// an answer.
    public static let transientFaults: [FaultInjector.Fault] = [
        .status(500), .status(502), .status(503), .rateLimited, .htmlPage, .dropConnection, .dropConnectionAfterHandling,
        .dropMidResponse,
    ]

    /// Parses a fault name as `sesame server --faults` takes it: 500, 502, 503 (any 4xx/5xx status), rate-limit,
    /// html, drop, drop-after, drop-mid, and the garbage answers truncated, wrong-types, huge (64 MiB) and slow-drip
    /// (a byte every 200 ms).
    public static func fault(named name: String) -> FaultInjector.Fault? {
        switch name.lowercased() {
        case "truncated": return .truncatedJSON
        case "wrong-types": return .wrongTypes
        case "huge": return .hugeBody(bytes: 64 << 20)
        case "slow-drip": return .slowDrip(interval: .milliseconds(200))
        case "rate-limit", "ratelimit", "403-rate-limit": return .rateLimited
        case "html": return .htmlPage
        case "drop": return .dropConnection
        case "drop-after": return .dropConnectionAfterHandling
        case "drop-mid": return .dropMidResponse
        default:
            guard let code = Int(name), (400...599).contains(code) else { return nil }
            return .status(code)
        }
    }
}

/// A small seeded generator (SplitMix64): the same seed gives the same faults.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<1.
    mutating func nextUnit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}

/// Applies the `FaultInjector`'s plans and mode to requests.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let faults: FaultInjector

    /// Thrown to make the server close the connection without an answer.
    struct DroppedConnection: Error {}

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let (delay, fault) = faults.take(path: request.uri.path, method: request.method)
        if delay > .zero { try await Task.sleep(for: delay) }
        guard let fault else { return try await next(request, context) }
        switch fault {
        case .status(let code):
            return Responses.error(EmulatorAPIError(status: .init(code: code), body: .init(message: "Injected fault \(code).")))
        case .statusAfterHandling(let code):
            _ = try await next(request, context)
            return Responses.error(EmulatorAPIError(status: .init(code: code), body: .init(message: "Injected fault \(code).")))
        case .rateLimited:
            return Responses.error(
                EmulatorAPIError(
                    status: .forbidden,
                    body: .init(errorCode: "API_RateLimitExceeded", message: "Rate limit exceeded. Please try again later.")
                ))
        case .htmlPage:
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(
                    byteBuffer: ByteBuffer(string: "<html><head><title>Service Unavailable</title></head><body><h1>Please try again</h1></body></html>"))
            )
        case .truncatedJSON:
            return Self.json(#"{"id": 12, "name": "db01 root", "secretTemplateId": 6003, "items": [{"itemId": 1, "itemVal"#)
        case .wrongTypes:
            return Self.json(#"{"id": "seven", "name": 12, "secretTemplateId": [], "folderId": {}, "active": "maybe", "items": "none"}"#)
        case .hugeBody(let bytes):
            let faults = self.faults
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init { writer in
                    let chunk = ByteBuffer(repeating: UInt8(ascii: " "), count: 64 << 10)
                    try await writer.write(ByteBuffer(string: "["))
                    var written = 1
                    while written < bytes - 1 {
                        try await writer.write(chunk)
                        written += chunk.readableBytes
                        faults.addHugeBytes(chunk.readableBytes)
                    }
                    try await writer.write(ByteBuffer(string: "]"))
                    try await writer.finish(nil)
                })
        case .slowDrip(let interval):
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init { writer in
                    let text = #"{"id": 12, "name": "slow"}"# + String(repeating: " ", count: 300)
                    for byte in text.utf8 {
                        try await writer.write(ByteBuffer(bytes: [byte]))
                        try await Task.sleep(for: interval)
                    }
                    try await writer.finish(nil)
                })
        case .dropMidResponse:
            let channel = context.channel
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(contentLength: 4096) { writer in
                    try await writer.write(ByteBuffer(string: #"{"id": 12, "name": "cut off", "items": [{"itemId": 1, "itemValue": "#))
                    try await Task.sleep(for: .milliseconds(2))
                    channel.close(promise: nil)
                    throw DroppedConnection()
                })
        case .dropConnection:
            context.channel.close(promise: nil)
            throw DroppedConnection()
        case .dropConnectionAfterHandling:
            _ = try await next(request, context)
            context.channel.close(promise: nil)
            throw DroppedConnection()
        }
    }
}
