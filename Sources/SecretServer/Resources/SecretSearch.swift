import NIOHTTP1
/// The filters of a secret search (`GET /api/v1/secrets`).
public struct SecretSearch: Sendable, Hashable {
    /// Text the secret name contains (or equals, with `exactMatch`).
    public var text: String?
    public var exactMatch: Bool
    public var folderId: Int?
    public var includeSubFolders: Bool
    public var templateId: Int?
    public var includeInactive: Bool
    /// `Name` (default), `SecretId`, `Created`...
    public var sortBy: String?
    public var descending: Bool
    /// Records per request. Larger pages mean fewer round trips.
    public var pageSize: Int

    public init(
        text: String? = nil, exactMatch: Bool = false, folderId: Int? = nil, includeSubFolders: Bool = false,
        templateId: Int? = nil, includeInactive: Bool = false, sortBy: String? = nil, descending: Bool = false,
        pageSize: Int = 500
    ) {
        self.text = text
        self.exactMatch = exactMatch
        self.folderId = folderId
        self.includeSubFolders = includeSubFolders
        self.templateId = templateId
        self.includeInactive = includeInactive
        self.sortBy = sortBy
        self.descending = descending
        self.pageSize = pageSize
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let text, !text.isEmpty { items.append(("filter.searchText", text)) }
        if exactMatch { items.append(("filter.isExactMatch", "true")) }
        if let folderId { items.append(("filter.folderId", String(folderId))) }
        if includeSubFolders { items.append(("filter.includeSubFolders", "true")) }
        if let templateId { items.append(("filter.secretTemplateId", String(templateId))) }
        if includeInactive { items.append(("filter.includeInactive", "true")) }
        if let sortBy {
            items.append(("sortBy[0].name", sortBy))
            items.append(("sortBy[0].direction", descending ? "desc" : "asc"))
        }
        return items
    }
}

/// The filters of a folder search (`GET /api/v1/folders`).
public struct FolderSearch: Sendable, Hashable {
    public var text: String?
    public var parentFolderId: Int?
    public var directChildrenOnly: Bool
    public var rootFoldersOnly: Bool
    public var pageSize: Int

    public init(
        text: String? = nil, parentFolderId: Int? = nil, directChildrenOnly: Bool = false, rootFoldersOnly: Bool = false,
        pageSize: Int = 500
    ) {
        self.text = text
        self.parentFolderId = parentFolderId
        self.directChildrenOnly = directChildrenOnly
        self.rootFoldersOnly = rootFoldersOnly
        self.pageSize = pageSize
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let text, !text.isEmpty { items.append(("filter.searchText", text)) }
        if let parentFolderId { items.append(("filter.parentFolderId", String(parentFolderId))) }
        if directChildrenOnly { items.append(("filter.limitToDirectDescendents", "true")) }
        if rootFoldersOnly { items.append(("filter.onlyIncludeRootFolders", "true")) }
        return items
    }
}
