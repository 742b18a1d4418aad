/// `DeletedModel`: what a DELETE answers.
public struct DeletedModel: Codable, Sendable, Hashable {
    public var id: Int
    public var objectType: String
    public var responseCodes: [String]

    public init(id: Int, objectType: String, responseCodes: [String] = []) {
        self.id = id
        self.objectType = objectType
        self.responseCodes = responseCodes
    }

    enum CodingKeys: String, CodingKey { case id, objectType, responseCodes }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        objectType = try c.value(.objectType, or: "")
        responseCodes = try c.value(.responseCodes, or: [])
    }
}
