import Crypto
import Foundation

/// The scope of a cache entry: which store answered and as whom. The encrypted disk cache is shared by every
/// profile of a user, so its entries are kept per scope: a value read from one server, account, region or endpoint
/// never answers a read for another.
public enum CacheScope {
    /// `tss https://host/secretserver as user:alice`: a Secret Server and the principal signed in to it.
    public static func secretServer(baseURL: String, principal: String) -> String {
        "tss " + normalized(baseURL) + " as " + principal
    }

    /// `aws-ps https://ssm.eu-west-1.amazonaws.com eu-west-1 as role:arn:...`: an AWS service endpoint, the
    /// region requests are signed for (one endpoint, such as a local emulator, can serve several), and the principal.
    public static func aws(scheme: String, endpointURL: String, region: String, principal: String) -> String {
        scheme + " " + normalized(endpointURL) + " " + region + " as " + principal
    }

    /// A scope as it may travel (to the agent, in a header): a SHA-256 of it, in hex, so the server, user or account it
    /// names is compared without being shown.
    public static func fingerprint(_ scope: String) -> String {
        SHA256.hash(data: Data(scope.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A URL compared as servers compare it: without surrounding space or trailing slashes, in lower case.
    public static func normalized(_ url: String) -> String {
        // Foundation's `.whitespaces` on Linux (the tab, Unicode's space separators and the zero-width space U+200B;
        // checked scalar by scalar against it), trimmed by scalar: String's trimmingCharacters goes through NSString
        // and UTF-16 there, on the start-up path of every cached read.
        let scalars = Array(url.unicodeScalars)
        let isSpace = { (scalar: Unicode.Scalar) in
            scalar == "\t" || scalar == "\u{200B}" || scalar.properties.generalCategory == .spaceSeparator
        }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        var text = ScalarText.string(scalars[first...last])
        while text.hasSuffix("/") { text.removeLast() }
        return text.lowercased()
    }
}
