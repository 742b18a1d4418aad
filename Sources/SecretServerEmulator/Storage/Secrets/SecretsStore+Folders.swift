import Foundation
import GRDB
import SecretServerModels

extension SecretsStore {
    /// Every folder by id, for building paths and walking trees.
    func folderIndex(_ db: Database) throws -> [Int64: FolderRow] {
        var index: [Int64: FolderRow] = [:]
        for row in try FolderRow.fetchAll(db) { if let id = row.id { index[id] = row } }
        return index
    }

    /// `\Parent\Child` for `id`, from `index`.
    static func path(of id: Int64, in index: [Int64: FolderRow]) -> String {
        var names: [String] = []
        var current: Int64? = id
        var seen: Set<Int64> = []
        while let folderId = current, let row = index[folderId], seen.insert(folderId).inserted {
            names.append(row.name)
            current = row.parentId
        }
        return "\\" + names.reversed().joined(separator: "\\")
    }

    /// The ids of `id` and every folder below it.
    static func subtree(of id: Int64, in index: [Int64: FolderRow]) -> Set<Int64> {
        var children: [Int64: [Int64]] = [:]
        for (childId, row) in index { if let parent = row.parentId { children[parent, default: []].append(childId) } }
        var result: Set<Int64> = [id]
        var queue = [id]
        while let next = queue.popLast() {
            for child in children[next] ?? [] where result.insert(child).inserted { queue.append(child) }
        }
        return result
    }

    /// The folder at `path` (`\A\B` or `/A/B`; names compare without regard to case), or `nil`.
    func folderId(_ db: Database, path: String) throws -> Int64? {
        let names = FolderPath.names(path)
        guard !names.isEmpty else { return nil }
        var parent: Int64?
        for name in names {
            guard
                let row =
                    try FolderRow
                    .filter(Column("parentId") == parent)
                    .filter(Column("name") == name)
                    .order(Column("id"))
                    .fetchOne(db)
            else { return nil }
            parent = row.id
        }
        return parent
    }

    func folderModel(_ row: FolderRow, index: [Int64: FolderRow], children: Bool = false) -> FolderModel {
        let id = row.id ?? 0
        var model = FolderModel(
            id: Int(id), folderName: row.name, folderPath: Self.path(of: id, in: index),
            parentFolderId: row.parentId.map { Int($0) } ?? -1, folderTypeId: row.folderTypeId,
            secretPolicyId: row.secretPolicyId, inheritSecretPolicy: row.inheritSecretPolicy,
            inheritPermissions: row.inheritPermissions
        )
        if children {
            model.childFolders = index.values
                .filter { $0.parentId == id }
                .sorted { ($0.name.lowercased(), $0.id ?? 0) < ($1.name.lowercased(), $1.id ?? 0) }
                .map { folderModel($0, index: index, children: true) }
        }
        return model
    }

    /// A folder the caller holds a permission on (children limited to those they may see too).
    func folder(id: Int64, children: Bool, caller: Caller) async throws -> FolderModel? {
        try await databaseRead { db in try self.visibleFolder(db, id: id, children: children, caller: caller) }
    }

    func folder(path: String, children: Bool, caller: Caller) async throws -> FolderModel? {
        try await databaseRead { db in
            guard let id = try self.folderId(db, path: path) else { return nil }
            return try self.visibleFolder(db, id: id, children: children, caller: caller)
        }
    }

    private func visibleFolder(_ db: Database, id: Int64, children: Bool, caller: Caller) throws -> FolderModel? {
        var index = try folderIndex(db)
        guard index[id] != nil else { return nil }
        if !caller.isAdmin {
            let visible = try access.visibleFolderIds(db, caller, index: index)
            guard visible.contains(id) else { throw EmulatorAPIError.accessDenied }
            index = index.filter { visible.contains($0.key) }
        }
        return index[id].map { folderModel($0, index: index, children: children) }
    }

    /// What a folder search filters on.
    struct FolderFilter: Sendable {
        var searchText: String?
        var parentFolderId: Int64?
        var limitToDirectDescendents = false
        var onlyIncludeRootFolders = false
        var folderTypeId: Int?
    }

    /// Folders matching `filter` that the caller holds a permission on, by path, as one page and the total.
    func folders(_ filter: FolderFilter, skip: Int, take: Int, caller: Caller) async throws -> (records: [FolderModel], total: Int) {
        try await databaseRead { db in
            let index = try self.folderIndex(db)
            var rows = Array(index.values)
            if !caller.isAdmin {
                let visible = try access.visibleFolderIds(db, caller, index: index)
                rows = rows.filter { visible.contains($0.id ?? 0) }
            }
            if let text = filter.searchText?.lowercased(), !text.isEmpty {
                rows = rows.filter { $0.name.lowercased().contains(text) }
            }
            if let typeId = filter.folderTypeId { rows = rows.filter { $0.folderTypeId == typeId } }
            if filter.onlyIncludeRootFolders { rows = rows.filter { $0.parentId == nil } }
            if let parent = filter.parentFolderId {
                if filter.limitToDirectDescendents {
                    rows = rows.filter { parent == -1 ? $0.parentId == nil : $0.parentId == parent }
                } else if parent != -1 {
                    let below = Self.subtree(of: parent, in: index).subtracting([parent])
                    rows = rows.filter { below.contains($0.id ?? 0) }
                }
            }
            let models = rows.map { self.folderModel($0, index: index) }
                .sorted { ($0.folderPath.lowercased(), $0.id) < ($1.folderPath.lowercased(), $1.id) }
            let page = models.dropFirst(skip).prefix(take)
            return (Array(page), models.count)
        }
    }

    /// Creates the folder `input` describes (its `id` is not read): Edit on the parent (administrators only at the root).
    func createFolder(_ input: FolderRow, caller: Caller) async throws -> FolderModel {
        try await writer.write { db in
            if let parent = input.parentId { _ = try access.requireFolder(db, caller, id: parent, .edit) } else { try access.requireAdmin(caller) }
            try self.validateFolderPlacement(db, name: input.name, parentId: input.parentId, excluding: nil)
            var row = input
            row.id = nil
            try row.insert(db)
            return self.folderModel(row, index: try self.folderIndex(db))
        }
    }

    /// Saves folder `id` as `input` describes it (its `id` is not read): Edit (and Edit on a new parent; Owner to
    /// change how it inherits).
    func updateFolder(id: Int64, _ input: FolderRow, caller: Caller) async throws -> FolderModel {
        try await writer.write { db in
            var row = try access.requireFolder(db, caller, id: id, .edit)
            if input.parentId != row.parentId {
                if let parent = input.parentId { _ = try access.requireFolder(db, caller, id: parent, .edit) } else { try access.requireAdmin(caller) }
            }
            if input.inheritPermissions != row.inheritPermissions { _ = try access.requireFolder(db, caller, id: id, .owner) }
            if let parent = input.parentId {
                let index = try self.folderIndex(db)
                if Self.subtree(of: id, in: index).contains(parent) {
                    throw EmulatorAPIError.badRequest(
                        "API_FolderParentInvalid", "A folder cannot be moved into itself or one of its children."
                    )
                }
            }
            try self.validateFolderPlacement(db, name: input.name, parentId: input.parentId, excluding: id)
            row = input
            row.id = id
            try row.update(db)
            return self.folderModel(row, index: try self.folderIndex(db))
        }
    }

    /// Deletes an empty folder (Owner). A folder that still holds folders or active secrets is refused.
    func deleteFolder(id: Int64, caller: Caller) async throws {
        try await writer.write { db in
            _ = try access.requireFolder(db, caller, id: id, .owner)
            if try FolderRow.filter(Column("parentId") == id).fetchCount(db) > 0 {
                throw EmulatorAPIError.badRequest("API_FolderNotEmpty", "The folder has child folders; delete them first.")
            }
            if try SecretRow.filter(Column("folderId") == id).filter(Column("active") == true).fetchCount(db) > 0 {
                throw EmulatorAPIError.badRequest("API_FolderNotEmpty", "The folder holds active secrets; delete or move them first.")
            }
            try db.execute(sql: "UPDATE secret SET folderId = NULL, active = 0 WHERE folderId = ?", arguments: [id])
            _ = try FolderRow.deleteOne(db, key: id)
        }
    }

    private func validateFolderPlacement(_ db: Database, name: String, parentId: Int64?, excluding: Int64?) throws {
        if let parentId, try FolderRow.fetchOne(db, key: parentId) == nil {
            throw EmulatorAPIError.accessDenied
        }
        var request = FolderRow.filter(Column("parentId") == parentId).filter(Column("name") == name)
        if let excluding { request = request.filter(Column("id") != excluding) }
        if try request.fetchCount(db) > 0 {
            throw EmulatorAPIError.badRequest(
                "API_DuplicateFolderName", "A folder named '\(name)' already exists in that parent folder."
            )
        }
    }
}
