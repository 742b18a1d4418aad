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

    /// `text` as it may be shown (errors, logs, `description`): in a URL that does not pass `url(_:)`, everything
    /// from its authority's start to the last `@` becomes `***` (`https://***@host/SecretServer`), since a password
    /// may hold `/`, `?` or `#`, and the text may have no scheme at all; and what follows a `?` or `#` after that
    /// (a query or fragment may carry a token) becomes `***` too.
    static func shown(_ text: String) -> String {
        guard url(text) == nil else { return text }
        var shown = text
        if let at = text.lastIndex(of: "@") {
            let start = text.range(of: "://").map(\.upperBound) ?? text.startIndex
            if start <= at { shown = text[..<start] + "***" + text[at...] }
        }
        let rest = shown.lastIndex(of: "@").map { shown.index(after: $0) } ?? shown.startIndex
        if let mark = shown[rest...].firstIndex(where: { $0 == "?" || $0 == "#" }) {
            shown = shown[...mark] + "***"
        }
        return shown
    }
}
