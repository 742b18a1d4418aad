import Foundation

/// Hosts reached without the proxy, read from `NO_PROXY` as curl reads it: a comma-separated list of host names
/// (each also matching its subdomains; a leading dot changes nothing), IP addresses, CIDR ranges
/// (`10.0.0.0/8`, `fd00::/8`), `*` for every host, and (beyond curl, as Go reads it) `host:port` for one port only.
public struct NoProxyList: Sendable, Hashable {
    enum Entry: Sendable, Hashable {
        case everything
        case domain(String, port: Int?)
        case address([UInt8], prefix: Int, port: Int?)
    }

    let entries: [Entry]

    /// No exceptions: every host goes through the proxy.
    public static let empty = NoProxyList(entries: [])

    init(entries: [Entry]) {
        self.entries = entries
    }

    /// Reads a `NO_PROXY` value. Empty entries are skipped; an entry that cannot be read is an error naming it.
    public init(parsing text: String, source: String = "NO_PROXY") throws {
        var entries: [Entry] = []
        for raw in text.split(separator: ",") {
            var item = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if item.isEmpty { continue }
            if item == "*" {
                entries.append(.everything)
                continue
            }
            var port: Int?
            // `[::1]:8080`, `host:8080`; a bare IPv6 address has several colons and no port.
            if item.hasPrefix("[") {
                guard let close = item.firstIndex(of: "]") else {
                    throw ProxyError(code: .invalidNoProxy, message: "\(source): '\(item)' opens '[' without closing it")
                }
                let rest = item[item.index(after: close)...]
                if rest.hasPrefix(":") {
                    port = try Self.port(rest.dropFirst(), item: item, source: source)
                } else if !rest.isEmpty {
                    throw ProxyError(code: .invalidNoProxy, message: "\(source): '\(item)' has text after ']'")
                }
                item = String(item[item.index(after: item.startIndex)..<close])
            } else if item.filter({ $0 == ":" }).count == 1, let colon = item.firstIndex(of: ":") {
                port = try Self.port(item[item.index(after: colon)...], item: item, source: source)
                item = String(item[..<colon])
            }
            if let slash = item.firstIndex(of: "/") {
                let addressText = String(item[..<slash])
                guard let address = IPAddressBytes.parse(addressText), let prefix = Int(item[item.index(after: slash)...]),
                    (0...(address.count * 8)).contains(prefix)
                else {
                    throw ProxyError(code: .invalidNoProxy, message: "\(source): '\(raw)' is not an address range like 10.0.0.0/8")
                }
                entries.append(.address(address, prefix: prefix, port: port))
            } else if let address = IPAddressBytes.parse(item) {
                entries.append(.address(address, prefix: address.count * 8, port: port))
            } else {
                while item.hasPrefix(".") || item.hasPrefix("*.") { item.removeFirst(item.hasPrefix(".") ? 1 : 2) }
                while item.hasSuffix(".") { item.removeLast() }
                guard !item.isEmpty else { continue }
                entries.append(.domain(item, port: port))
            }
        }
        self.entries = entries
    }

    private static func port(_ text: Substring, item: String, source: String) throws -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw ProxyError(code: .invalidNoProxy, message: "\(source): '\(item)' has a port that is not 1 to 65535")
        }
        return port
    }

    /// Whether a request to `host:port` skips the proxy.
    public func matches(host: String, port: Int) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        while name.hasSuffix(".") { name.removeLast() }
        let address = IPAddressBytes.parse(name)
        for entry in entries {
            switch entry {
            case .everything:
                return true
            case .domain(let domain, let entryPort):
                if let entryPort, entryPort != port { continue }
                if name == domain || name.hasSuffix("." + domain) { return true }
            case .address(let network, let prefix, let entryPort):
                if let entryPort, entryPort != port { continue }
                if let address, IPAddressBytes.contains(network: network, prefix: prefix, address: address) { return true }
            }
        }
        return false
    }
}

/// IPv4 and IPv6 addresses as bytes, for `NO_PROXY` ranges.
enum IPAddressBytes {
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if text.withCString({ inet_pton(AF_INET, $0, &v4) }) == 1 {
            return withUnsafeBytes(of: v4) { Array($0) }
        }
        var v6 = in6_addr()
        if text.withCString({ inet_pton(AF_INET6, $0, &v6) }) == 1 {
            return withUnsafeBytes(of: v6) { Array($0) }
        }
        return nil
    }

    static func contains(network: [UInt8], prefix: Int, address: [UInt8]) -> Bool {
        guard network.count == address.count else { return false }
        var remaining = prefix
        for index in network.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if network[index] & mask != address[index] & mask { return false }
            remaining -= bits
        }
        return true
    }
}
