import NIOHTTP1
import SecretServerModels

extension SecretServerClient {
    /// A folder (`GET /api/v1/folders/{id}`), with its whole subtree when `includeChildren`.
    public func folder(id: Int, includeChildren: Bool = false) async throws -> FolderModel {
        try await get("/v1/folders/\(id)", query: includeChildren ? [("getAllChildren", "true")] : [])
    }

    /// The folder at `path`, e.g. `\Prod\Databases`.
    public func folder(path: String, includeChildren: Bool = false) async throws -> FolderModel {
        var query = [("folderPath", FolderPath.normalized(path))]
        if includeChildren { query.append(("getAllChildren", "true")) }
        return try await get("/v1/folders/0", query: query)
    }

    /// Every folder matching `search`, page by page.
    public func searchFolders(_ search: FolderSearch = FolderSearch()) -> PagedSequence<FolderSummary> {
        let query = search.queryItems
        return paged("/v1/folders", query: query, pageSize: search.pageSize)
    }

    /// A new folder's defaults (`GET /api/v1/folders/stub`).
    public func folderStub() async throws -> FolderModel {
        try await get("/v1/folders/stub")
    }

    /// Creates a folder (`POST /api/v1/folders`).
    public func createFolder(_ folder: FolderCreateArgs) async throws -> FolderModel {
        try await send(.POST, "/v1/folders", body: folder)
    }

    /// Creates every missing folder of `path` (like `mkdir -p`) and returns the last one.
    public func createFolders(path: String) async throws -> FolderModel {
        var parent: FolderModel?
        var walked = ""
        for name in FolderPath.names(path) {
            walked += "\\" + name
            do {
                parent = try await folder(path: walked)
            } catch let error as SecretServerError where error.code == .accessDenied {
                parent = try await createFolder(FolderCreateArgs(folderName: name, parentFolderId: parent?.id ?? -1))
            }
        }
        guard let parent else {
            throw SecretServerError(code: .invalidArgument, message: "the folder path '\(path)' names no folder")
        }
        return parent
    }

    /// Saves a folder (`PUT /api/v1/folders/{id}`).
    public func updateFolder(_ folder: FolderUpdateArgs) async throws -> FolderModel {
        try await send(.PUT, "/v1/folders/\(folder.id)", body: folder)
    }

    /// Deletes an empty folder (`DELETE /api/v1/folders/{id}`).
    @discardableResult
    public func deleteFolder(id: Int) async throws -> DeletedModel {
        try await send(.DELETE, "/v1/folders/\(id)")
    }
}
