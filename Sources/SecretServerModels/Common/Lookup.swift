/// `{id, value}`: a record of the lookup routes (`/folders/lookup`, `/secrets/lookup`).
public struct Lookup: Codable, Sendable, Hashable {
    public var id: Int
    public var value: String

    public init(id: Int, value: String) {
        self.id = id
        self.value = value
    }
}
