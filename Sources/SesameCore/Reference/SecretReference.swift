/// Where a secret lives, in one grammar for every provider:
///
/// | reference | reads |
/// |---|---|
/// | `tss://12/password` | field `password` (slug, else name) of Secret Server secret 12 |
/// | `tss://Prod/Databases/db01 root/password` | folder `\Prod\Databases`, secret `db01 root`, field `password` |
/// | `aws-sm://prod/db?version-stage=AWSPREVIOUS#user.name` | Secrets Manager secret `prod/db`, a version, a JSON key |
/// | `aws-ps:///prod/db/password` | SSM parameter `/prod/db/password`, decrypted |
/// | `env://NAME` | an environment variable |
///
/// Path segments are percent-decoded (`%2F` is a `/` inside a name). After `#` comes a JSON key path
/// (`user.name`, `hosts[0]`, `a\.b`). Parsing never touches the network; a malformed reference is a
/// `SecretReferenceError` that points at the bad character.
public struct SecretReference: Sendable, Hashable, CustomStringConvertible, LosslessStringConvertible {
    /// The provider scheme: `tss`, `aws-sm`, `aws-ps`, `env` (or one registered by you).
    public let scheme: String
    /// The path after `scheme://`, percent-decoded segments joined by `/` (a leading `/` kept for `aws-ps:///x`).
    public let path: String
    /// The decoded path segments.
    public let segments: [String]
    /// `version-id`, `version-stage` and any other query items, decoded.
    public let options: [String: String]
    /// The JSON key path after `#`, if any.
    public let keyPath: JSONKeyPath?
    /// Whether the path starts with `/` (`aws-ps:///prod/db`), as written: not read back from `path`, where a first
    /// segment that is itself `/…` (`aws-sm://%2Fprod/db`) would look the same.
    public let hasLeadingSlash: Bool
    /// The canonical text: equal references have equal text.
    public let canonical: String
    /// The canonical text without the key path: the key a cache keeps the secret under (computed once, so
    /// a cache hit allocates nothing).
    public let cacheKey: String

    /// The schemes Sesame knows.
    public static let knownSchemes: Set<String> = ["tss", "aws-sm", "aws-ps", "env"]

    /// Parses `text`. Schemes other than `knownSchemes` are refused unless listed in `extraSchemes`.
    public init(parsing text: String, extraSchemes: Set<String> = []) throws(SecretReferenceError) {
        func fail(_ at: Int, _ message: String) -> SecretReferenceError {
            SecretReferenceError(reference: text, position: at, message: message)
        }
        // Unicode scalars, not characters: a name may end with a character Unicode joins to what follows (U+0600)
        // or a segment begin with one joined to what precedes (a combining mark), which would hide a '/' or '?'.
        let characters = Array(text.unicodeScalars)
        guard let colon = characters.firstIndex(of: ":") else {
            throw fail(0, "a reference starts with a scheme, as in tss://12/password or aws-ps:///prod/db/password")
        }
        let scheme = ScalarText.string(characters[..<colon])
        guard Self.knownSchemes.contains(scheme) || extraSchemes.contains(scheme) else {
            let known = (Self.knownSchemes.union(extraSchemes)).sorted().joined(separator: ", ")
            throw fail(0, "unknown scheme '\(scheme)' (use one of: \(known))")
        }
        guard characters.count >= colon + 3, characters[colon + 1] == "/", characters[colon + 2] == "/" else {
            throw fail(colon + 1, "expected '//' after '\(scheme):'")
        }
        var position = colon + 3
        // The path runs to '?' or '#'.
        let pathEnd = characters[position...].firstIndex { $0 == "?" || $0 == "#" } ?? characters.count
        let rawPath = characters[position..<pathEnd]
        guard !rawPath.isEmpty else { throw fail(position, "nothing after '\(scheme)://'; name the secret") }
        var segments: [String] = []
        var segmentStart = position
        var current: [Unicode.Scalar] = []
        let leadingSlash = rawPath.first == "/"
        if leadingSlash { segmentStart += 1 }
        for index in (leadingSlash ? position + 1 : position)..<pathEnd {
            if characters[index] == "/" {
                guard !current.isEmpty else { throw fail(index, "empty path segment ('//'); remove one '/'") }
                segments.append(try Self.percentDecode(current, reference: text, offset: segmentStart))
                current = []
                segmentStart = index + 1
            } else {
                current.append(characters[index])
            }
        }
        guard !current.isEmpty else { throw fail(pathEnd - 1, "the path ends with '/'; name the secret after it") }
        segments.append(try Self.percentDecode(current, reference: text, offset: segmentStart))
        position = pathEnd

        var options: [String: String] = [:]
        if position < characters.count, characters[position] == "?" {
            let queryEnd = characters[position...].firstIndex(of: "#") ?? characters.count
            // Slices keep the indices of `characters`, so positions below are positions in the reference.
            for item in characters[(position + 1)..<queryEnd].split(separator: "&", omittingEmptySubsequences: false) {
                let itemStart = item.startIndex
                guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                    throw fail(itemStart, "expected name=value in the query, as in ?version-stage=AWSPREVIOUS")
                }
                let name = try Self.percentDecode(Array(item[..<equals]), reference: text, offset: itemStart)
                let value = try Self.percentDecode(Array(item[(equals + 1)...]), reference: text, offset: equals + 1)
                guard options[name] == nil else { throw fail(itemStart, "'\(name)' is given twice") }
                options[name] = value
            }
            position = queryEnd
        }
        var keyPath: JSONKeyPath?
        if position < characters.count, characters[position] == "#" {
            keyPath = try JSONKeyPath(
                parsing: ScalarText.string(characters[(position + 1)...]), reference: text, offset: position + 1)
        }
        try Self.validate(scheme: scheme, segments: segments, leadingSlash: leadingSlash, options: options, reference: text, pathStart: colon + 3)
        self.init(scheme: scheme, segments: segments, leadingSlash: leadingSlash, options: options, keyPath: keyPath)
    }

    /// A reference from its parts (no validation of provider rules).
    public init(scheme: String, segments: [String], leadingSlash: Bool = false, options: [String: String] = [:], keyPath: JSONKeyPath? = nil) {
        self.scheme = scheme
        self.hasLeadingSlash = leadingSlash
        self.segments = segments
        self.options = options
        self.keyPath = keyPath
        let path = (leadingSlash ? "/" : "") + ScalarText.join(segments, separator: "/")
        self.path = path
        let base = scheme + "://" + (leadingSlash ? "/" : "") + ScalarText.join(segments.map(Self.percentEncode), separator: "/")
        func query(_ options: [String: String]) -> String {
            options.isEmpty
                ? ""
                : "?"
                    + options.sorted { $0.key < $1.key }.map { Self.percentEncode($0.key) + "=" + Self.percentEncode($0.value) }
                    .joined(separator: "&")
        }
        var canonical = base + query(options)
        // What a read carries to a restricted secret (a comment, a check-out) does not change the value: one entry,
        // which a write of the field (under any of its names) removes.
        self.cacheKey = base + query(scheme == "tss" ? options.filter { !Self.accessOptions.contains($0.key) } : options)
        if let keyPath { canonical += "#" + keyPath.description }
        self.canonical = canonical
    }

    /// The `tss://` options that say what a restricted secret asks of a read (see `SecretAccess`).
    public static let accessOptions: Set<String> = ["comment", "ticket-number", "ticket-system", "check-out"]

    public init?(_ description: String) {
        guard let reference = try? SecretReference(parsing: description) else { return nil }
        self = reference
    }

    public var description: String { canonical }

    /// The same reference without its key path: what a provider fetches (and a cache keeps).
    public var withoutKeyPath: SecretReference {
        keyPath == nil ? self : SecretReference(scheme: scheme, segments: segments, leadingSlash: hasLeadingSlash, options: options)
    }

    /// Whether `text` looks like a reference at all (a known scheme followed by `://`), for `sesame run`.
    public static func looksLikeReference(_ text: String) -> Bool {
        knownSchemes.contains { text.hasPrefix($0 + "://") }
    }

    // MARK: Rules per provider

    private static func validate(
        scheme: String, segments: [String], leadingSlash: Bool, options: [String: String], reference: String, pathStart: Int
    ) throws(SecretReferenceError) {
        func fail(_ message: String, at: Int = pathStart) -> SecretReferenceError {
            SecretReferenceError(reference: reference, position: at, message: message)
        }
        let allowed: Set<String>
        switch scheme {
        case "tss":
            // Whether the segments name a field (get) or a folder or secret (list) is the provider's call. The
            // options say what a restricted secret asks of a read (see SecretAccess).
            allowed = accessOptions
        case "aws-sm":
            allowed = ["version-id", "version-stage"]
            if options["version-id"] != nil, options["version-stage"] != nil {
                throw fail("give version-id or version-stage, not both", at: reference.unicodeScalars.count - 1)
            }
        case "aws-ps":
            allowed = []
        case "env":
            guard segments.count == 1 else { throw fail("an env reference names one variable: env://NAME") }
            allowed = []
        default:
            allowed = Set(options.keys)
        }
        if let unknown = options.keys.sorted().first(where: { !allowed.contains($0) }) {
            let scalars = reference.unicodeScalars
            let position = scalars.firstIndex(of: "?").map { scalars.distance(from: scalars.startIndex, to: $0) } ?? 0
            throw fail(
                "'\(unknown)' is not an option of \(scheme)"
                    + (allowed.isEmpty ? " (it takes none)" : " (use \(allowed.sorted().joined(separator: " or ")))"),
                at: position
            )
        }
    }

    // MARK: Percent encoding

    static func percentDecode(_ characters: [Unicode.Scalar], reference: String, offset: Int) throws(SecretReferenceError) -> String {
        guard characters.contains("%") else { return ScalarText.string(characters) }
        var bytes: [UInt8] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "%" {
                // ASCII hex digits only (Character.hexDigitValue also takes fullwidth ones: '%２Ｆ' is not '/').
                let hex = { (scalar: Unicode.Scalar?) in scalar.flatMap { $0.isASCII ? Character($0).hexDigitValue : nil } }
                guard let high = hex(characters[safe: index + 1]), let low = hex(characters[safe: index + 2])
                else {
                    throw SecretReferenceError(reference: reference, position: offset + index, message: "'%' must be followed by two hex digits")
                }
                bytes.append(UInt8(high * 16 + low))
                index += 3
            } else {
                bytes.append(contentsOf: UTF8.encode(character)!)
                index += 1
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SecretReferenceError(reference: reference, position: offset, message: "the percent-encoded bytes are not UTF-8")
        }
        return text
    }

    /// Encodes what the grammar gives a meaning to (`%`, `/`, `?`, `#`, `&`, `=`) so the canonical text parses back.
    static func percentEncode(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { "%/?#&=".unicodeScalars.contains($0) }) else { return text }
        var result = ""
        for character in text.unicodeScalars {
            switch character {
            case "%": result += "%25"
            case "/": result += "%2F"
            case "?": result += "%3F"
            case "#": result += "%23"
            case "&": result += "%26"
            case "=": result += "%3D"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
