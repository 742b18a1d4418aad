import Hummingbird
import Logging
import NIOCore

/// The request context of the local server.
public struct EmulatorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection, so a planned fault can cut it.
    let channel: any Channel
    /// Who is calling, once `AuthenticationMiddleware` has checked the bearer token (API routes only).
    var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
