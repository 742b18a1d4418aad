/// A user script as search returns it, without its text (`ScriptSummaryModel`).
public struct ScriptSummaryModel: Codable, Sendable, Hashable {
    public var scriptId: Int
    public var name: String
    public var description: String?
    /// `PowerShell`, `SQL` or `SSH`.
    public var scriptType: String
    public var scriptCategoryId: Int
    public var scriptCategoryName: String?
    public var isActive: Bool
    public var usageCount: Int

    public init(
        scriptId: Int = 0,
        name: String = "",
        description: String? = nil,
        scriptType: String = "PowerShell",
        scriptCategoryId: Int = -1,
        scriptCategoryName: String? = nil,
        isActive: Bool = true,
        usageCount: Int = 0
    ) {
        self.scriptId = scriptId
        self.name = name
        self.description = description
        self.scriptType = scriptType
        self.scriptCategoryId = scriptCategoryId
        self.scriptCategoryName = scriptCategoryName
        self.isActive = isActive
        self.usageCount = usageCount
    }

    enum CodingKeys: String, CodingKey {
        case scriptId, name, description, scriptType, scriptCategoryId, scriptCategoryName, isActive
        case usageCount
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scriptId = try c.value(.scriptId, or: 0)
        name = try c.value(.name, or: "")
        description = try c.decodeIfPresent(String.self, forKey: .description)
        scriptType = try c.value(.scriptType, or: "PowerShell")
        scriptCategoryId = try c.value(.scriptCategoryId, or: -1)
        scriptCategoryName = try c.decodeIfPresent(String.self, forKey: .scriptCategoryName)
        isActive = try c.value(.isActive, or: true)
        usageCount = try c.value(.usageCount, or: 0)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scriptId, forKey: .scriptId)
        try c.encode(name, forKey: .name)
        try c.encodeOrNull(description, forKey: .description)
        try c.encode(scriptType, forKey: .scriptType)
        try c.encode(scriptCategoryId, forKey: .scriptCategoryId)
        try c.encodeOrNull(scriptCategoryName, forKey: .scriptCategoryName)
        try c.encode(isActive, forKey: .isActive)
        try c.encode(usageCount, forKey: .usageCount)
    }

    /// The summary of `script`.
    public init(_ script: ScriptModel) {
        self.init(
            scriptId: script.scriptId, name: script.name, description: script.description, scriptType: script.scriptType,
            scriptCategoryId: script.scriptCategoryId, scriptCategoryName: script.scriptCategoryName, isActive: script.isActive,
            usageCount: script.usageCount
        )
    }
}
