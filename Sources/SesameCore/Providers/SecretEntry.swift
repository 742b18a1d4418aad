/// One thing a listing shows: a secret (or a field of one), or a folder that holds more.
public struct SecretEntry: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case folder, secret, field
    }

    public var reference: SecretReference
    public var kind: Kind

    public init(_ reference: SecretReference, kind: Kind) {
        self.reference = reference
        self.kind = kind
    }

    /// The entries directly under `parent` made from `references` (everything below it, as `list` answers): those one
    /// level down as they are, deeper ones as the folder one level down that holds them (once). With `recursive`,
    /// every reference as a secret.
    public static func entries(_ references: [SecretReference], under parent: SecretReference, recursive: Bool) -> [SecretEntry] {
        if recursive { return references.map { SecretEntry($0, kind: .secret) } }
        let depth = parent.segments.count
        var result: [SecretEntry] = []
        var folders: Set<String> = []
        for reference in references where reference.segments.count > depth {
            if reference.segments.count == depth + 1 {
                result.append(SecretEntry(reference, kind: .secret))
            } else if folders.insert(reference.segments[depth]).inserted {
                let folder = SecretReference(
                    scheme: reference.scheme, segments: Array(reference.segments.prefix(depth + 1)), leadingSlash: reference.hasLeadingSlash
                )
                result.append(SecretEntry(folder, kind: .folder))
            }
        }
        return result.sorted { ($0.kind == .folder ? 0 : 1, $0.reference.canonical) < ($1.kind == .folder ? 0 : 1, $1.reference.canonical) }
    }
}

extension SecretReference: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try SecretReference(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(canonical)
    }
}
