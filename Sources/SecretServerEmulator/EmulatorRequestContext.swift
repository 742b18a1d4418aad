import Hummingbird
import Logging
import NIOCore

/// The request context of the local server.
public struct EmulatorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}
