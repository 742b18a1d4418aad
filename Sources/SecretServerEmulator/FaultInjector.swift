import Hummingbird
import NIOCore
import SecretServerModels

/// Makes the local server fail on purpose, for tests of clients: the next requests whose path contains a
/// given text (and method, if set) are answered with a chosen status, or cut off before any answer.
public actor FaultInjector {
    /// What a planned fault does.
    public enum Fault: Sendable, Equatable {
        /// Answer with this status and a JSON error body, without running the route.
        case status(Int)
        /// Run the route (so its effect happens), then answer with this status instead of its result.
        case statusAfterHandling(Int)
        /// Close the connection without answering, before running the route.
        case dropConnection
        /// Run the route, then close the connection without answering (an ambiguous failure).
        case dropConnectionAfterHandling
    }

    private struct Plan {
        var fault: Fault
        var remaining: Int
        var pathContains: String
        var method: HTTPRequest.Method?
    }

    private var plans: [Plan] = []
    /// How many requests were answered with a planned fault.
    public private(set) var injectedCount = 0

    public init() {}

    /// Plans `fault` for the next `count` requests whose path contains `pathContains` (case-insensitive).
    public func fail(next count: Int, with fault: Fault, pathContains: String = "", method: HTTPRequest.Method? = nil) {
        plans.append(Plan(fault: fault, remaining: count, pathContains: pathContains.lowercased(), method: method))
    }

    /// Drops every plan.
    public func reset() {
        plans.removeAll()
    }

    func take(path: String, method: HTTPRequest.Method) -> Fault? {
        let folded = path.lowercased()
        guard let index = plans.firstIndex(where: {
            $0.remaining > 0 && folded.contains($0.pathContains) && ($0.method == nil || $0.method == method)
        }) else { return nil }
        plans[index].remaining -= 1
        let fault = plans[index].fault
        if plans[index].remaining == 0 { plans.remove(at: index) }
        injectedCount += 1
        return fault
    }
}

/// Applies the `FaultInjector`'s plans to requests.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let faults: FaultInjector

    /// Thrown to make the server close the connection without an answer.
    struct DroppedConnection: Error {}

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let fault = await faults.take(path: request.uri.path, method: request.method) else {
            return try await next(request, context)
        }
        switch fault {
        case .status(let code):
            return Responses.error(EmulatorAPIError(status: .init(code: code), body: .init(message: "Injected fault \(code).")))
        case .statusAfterHandling(let code):
            _ = try await next(request, context)
            return Responses.error(EmulatorAPIError(status: .init(code: code), body: .init(message: "Injected fault \(code).")))
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
