import GRDB

/// The permission rule, written once: what a caller holds on a secret or a folder, from which both the role on one
/// row (`secretRole`, `folderRole`) and the set of secrets and folders a search may show (`visibleSecrets`,
/// `visibleFolderIds`) are derived, so the two can never disagree.
///
/// A folder's grants in force are its own (the caller's, directly or through a group) plus, while it inherits, its
/// parent's, all the way up. A secret's role is the strongest of its explicit permissions and, while it inherits,
/// the secret role of its folder's grants in force. A search shows a secret whose role is at least List, a folder
/// whose folder role is at least View. Administrators hold every role.
struct AccessPolicy {
    /// The strongest folder role and secret role among some grants.
    struct Grants: Equatable {
        var folder: FolderRole?
        var secret: SecretRole?

        static let none = Grants()

        func merged(_ other: Grants) -> Grants {
            Grants(folder: [folder, other.folder].compactMap { $0 }.max(), secret: [secret, other.secret].compactMap { $0 }.max())
        }
    }

    let caller: Caller
    /// Secret id → the strongest of the caller's explicit roles on it.
    private let explicit: [Int64: SecretRole]
    /// Folder id → the grants in force on it (its own and, while it inherits, its parent's), for every folder.
    private let inForce: [Int64: Grants]
    private let folders: [Int64: FolderRow]

    /// The caller's grants on every secret and folder (two queries; nothing for administrators).
    init(_ db: Database, caller: Caller, folders: [Int64: FolderRow]) throws {
        self.caller = caller
        self.folders = folders
        guard !caller.isAdmin else {
            explicit = [:]
            inForce = [:]
            return
        }
        let (condition, arguments) = Self.principalCondition(caller)
        var explicit: [Int64: SecretRole] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT secretId, role FROM secret_permission WHERE \(condition)", arguments: arguments) {
            guard let role = SecretRole(name: row["role"]) else { continue }
            let id: Int64 = row["secretId"]
            explicit[id] = max(explicit[id] ?? role, role)
        }
        var own: [Int64: Grants] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT folderId, folderRole, secretRole FROM folder_permission WHERE \(condition)", arguments: arguments) {
            let id: Int64 = row["folderId"]
            own[id] = (own[id] ?? .none).merged(Grants(folder: FolderRole(name: row["folderRole"]), secret: SecretRole(name: row["secretRole"])))
        }
        self.explicit = explicit
        self.inForce = Self.inForce(own: own, folders: folders)
    }

    /// The grants in force on every folder, each computed once from its parent's (linear in the folders, whatever
    /// their depth); a cycle or a missing parent ends a chain.
    static func inForce(own: [Int64: Grants], folders: [Int64: FolderRow]) -> [Int64: Grants] {
        var done: [Int64: Grants] = [:]
        for start in folders.keys where done[start] == nil {
            // Walk up to a folder already done (or the top), then fill the chain in from the top down.
            var chain: [Int64] = []
            var onChain: Set<Int64> = []
            var current: Int64? = start
            while let id = current, done[id] == nil, let folder = folders[id], onChain.insert(id).inserted {
                chain.append(id)
                current = folder.inheritPermissions ? folder.parentId : nil
            }
            var above = current.flatMap { done[$0] } ?? .none
            for id in chain.reversed() {
                let inherits = folders[id]?.inheritPermissions == true && folders[id]?.parentId != nil
                let grants = (own[id] ?? .none).merged(inherits ? above : .none)
                done[id] = grants
                above = grants
            }
        }
        return done
    }

    /// `userId = ? OR groupId IN (...)` for the caller and their groups.
    static func principalCondition(_ caller: Caller) -> (String, StatementArguments) {
        guard !caller.groupIds.isEmpty else { return ("userId = ?", [caller.userId]) }
        let placeholders = Array(repeating: "?", count: caller.groupIds.count).joined(separator: ",")
        return ("(userId = ? OR groupId IN (\(placeholders)))", StatementArguments([caller.userId] + Array(caller.groupIds)))
    }

    /// The grants in force on a folder: its own and, while it inherits, its parent's.
    func inForce(folderId: Int64) -> Grants { inForce[folderId] ?? .none }

    /// The caller's role on a secret, or `nil` for none.
    func secretRole(_ secret: SecretRow) -> SecretRole? {
        if caller.isAdmin { return .owner }
        guard let id = secret.id else { return nil }
        var roles = [explicit[id]].compactMap { $0 }
        if secret.settings.enableInheritPermissions, let folderId = secret.folderId, let inherited = inForce(folderId: folderId).secret {
            roles.append(inherited)
        }
        return roles.max()
    }

    /// The caller's role on a folder, or `nil` for none.
    func folderRole(_ folderId: Int64) -> FolderRole? {
        caller.isAdmin ? .owner : inForce(folderId: folderId).folder
    }

    /// The folders whose folder role the caller holds (at least View).
    var visibleFolderIds: Set<Int64> {
        if caller.isAdmin { return Set(folders.keys) }
        return Set(folders.keys.filter { inForce(folderId: $0).folder != nil })
    }

    /// The ids of the secrets the caller holds an explicit permission on.
    var explicitlySharedSecretIds: Set<Int64> { Set(explicit.keys) }

    /// `request` narrowed to the secrets whose role (`secretRole`) is at least List, as SQL: explicitly shared, or
    /// inheriting from a folder whose grants in force give a secret role.
    func visibleSecrets(_ request: QueryInterfaceRequest<SecretRow>) -> QueryInterfaceRequest<SecretRow> {
        if caller.isAdmin { return request }
        let viaFolders = folders.keys.filter { inForce(folderId: $0).secret != nil }
        let inherits = SQL("json_extract(settings, '$.enableInheritPermissions') = 1")
        return request.filter(explicit.keys.contains(Column("id")) || (viaFolders.contains(Column("folderId")) && inherits))
    }
}
