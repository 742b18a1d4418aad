import Foundation

/// Where a credential may be sent (a password, a token, an onboarding key): one rule for the base URL, the
/// onboarding route and a Platform's vault.
enum CredentialDestination {
    /// The URL `text` names when it is an `http(s)` URL with a host and no user, password, query or fragment.
    static func url(_ text: String) -> URL? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty, url.user == nil, url.password == nil, url.query == nil, url.fragment == nil
        else { return nil }
        return url
    }

    /// Whether a credential sent to `url` would cross the network in clear without leave: plain `http` to a host
    /// that is not this machine, unless `allowsPlainHTTP`.
    static func isPlainHTTPRefused(_ url: URL, allowsPlainHTTP: Bool) -> Bool {
        url.scheme?.lowercased() == "http" && !allowsPlainHTTP && !Loopback.contains(url.host ?? "")
    }

    /// `text` as it may be shown (errors, logs, `description`): a user and password in its authority become `***`
    /// (`https://***@host/SecretServer`), whether or not the rest parses.
    static func shown(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let authorityEnd = text[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
        guard let at = text[scheme.upperBound..<authorityEnd].lastIndex(of: "@") else { return text }
        return text[..<scheme.upperBound] + "***" + text[at...]
    }
}
