import NIOCore
import NIOHTTP1
import SesameHTTP

/// One API call, before it is sent.
struct APIRequest: Sendable {
    var method: HTTPMethod
    /// The path below `{base}/api`, e.g. `/v1/secrets/12`.
    var path: String
    var query: [(String, String)] = []
    var body: ByteBuffer?
    var contentType: String = "application/json"
    /// Whether sending it twice has the same effect as once. Only idempotent requests are retried after a
    /// connection error or a 429/502/503/504.
    var idempotent: Bool

    init(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: ByteBuffer? = nil, idempotent: Bool? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.idempotent = idempotent ?? [.GET, .HEAD, .PUT, .DELETE, .OPTIONS].contains(method)
    }
}

/// What the server answered.
typealias APIResponse = CollectedResponse

/// Percent-encoding for URL query components and path segments.
enum URLEncoding {
    static func component(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }

    static func query(_ items: [(String, String)]) -> String {
        items.map { component($0.0) + "=" + component($0.1) }.joined(separator: "&")
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
