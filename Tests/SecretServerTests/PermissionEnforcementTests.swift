import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

/// The local server enforces Secret Server's roles on every secret and folder route.
@Suite(.timeLimit(.minutes(5)))
struct PermissionEnforcementTests {
    /// Runs `body` with an admin client and a way to sign in as other users.
    func withUsers(
        _ body: (SecretServerClient, (String) async throws -> SecretServerClient) async throws -> Void
    ) async throws {
        try await TestEmulator.withClient { admin, server in
            var opened: [SecretServerClient] = []
            do {
                try await body(admin) { name in
                    let client = try SecretServerClient(
                        configuration: .init(
                            baseURL: server.baseURL, credentials: .password(username: name, password: "\(name)-Passw0rd"),
                            retry: .none
                        ))
                    opened.append(client)
                    return client
                }
            } catch {
                for client in opened { try? await client.shutdown() }
                throw error
            }
            for client in opened { try await client.shutdown() }
        }
    }

    func makeSecret(_ client: SecretServerClient, name: String, folderId: Int?) async throws -> SecretModel {
        var stub = try await client.secretStub(templateId: 2, folderId: folderId)
        stub.name = name
        stub.folderId = folderId ?? -1
        stub.setValue("u", forItem: "username")
        stub.setValue("Top-Secret-\(name)", forItem: "password")
        return try await client.createSecret(stub)
    }

    func denied(_ work: () async throws -> some Any) async -> Bool {
        do {
            _ = try await work()
            return false
        } catch let error as SecretServerError {
            return error.errorCode == "API_AccessDenied"
        } catch {
            return false
        }
    }

    @Test func rolesDecideWhatEachUserMayDo() async throws {
        try await withUsers { admin, signIn in
            var ids: [String: Int] = [:]
            for name in ["lister", "viewer", "editor", "owner", "outsider"] {
                ids[name] = try await admin.createUser(NewUser(userName: name, password: "\(name)-Passw0rd")).id
            }
            let readers = try await admin.createGroup(name: "readers")
            try await admin.addGroupMember(groupId: readers.id, userId: ids["viewer"]!)
            let shared = try await admin.createFolders(path: "\\Shared")
            _ = try await admin.grant(.view, onFolder: shared.id, secrets: .view, to: .group(readers.id))
            let secret = try await makeSecret(admin, name: "db", folderId: shared.id)
            _ = try await admin.grant(.list, onSecret: secret.id, to: .user(ids["lister"]!))
            _ = try await admin.grant(.edit, onSecret: secret.id, to: .user(ids["editor"]!))
            _ = try await admin.grant(.owner, onSecret: secret.id, to: .user(ids["owner"]!))

            // List: sees it in search, cannot read values.
            let lister = try await signIn("lister")
            #expect(try await lister.searchSecrets().collect().map(\.id) == [secret.id])
            #expect(try await lister.secretSummary(id: secret.id).name == "db")
            #expect(await denied { try await lister.secret(id: secret.id) })
            #expect(await denied { try await lister.fieldValue(secretId: secret.id, slug: "password") })

            // View through a group's folder permission, inherited by the secret.
            let viewer = try await signIn("viewer")
            #expect(try await viewer.fieldValue(secretId: secret.id, slug: "password") == "Top-Secret-db")
            #expect(try await viewer.folder(id: shared.id).folderName == "Shared")
            #expect(await denied { try await viewer.setFieldValue(secretId: secret.id, slug: "notes", value: "x") })
            #expect(await denied { try await viewer.deleteSecret(id: secret.id) })

            // Edit: may change values, may not delete or share.
            let editor = try await signIn("editor")
            try await editor.setFieldValue(secretId: secret.id, slug: "notes", value: "edited")
            #expect(await denied { try await editor.deleteSecret(id: secret.id) })
            #expect(await denied { try await editor.grant(.view, onSecret: secret.id, to: .user(ids["outsider"]!)) })

            // Owner: shares and deletes.
            let owner = try await signIn("owner")
            let shareWithOutsider = try await owner.grant(.view, onSecret: secret.id, to: .user(ids["outsider"]!))
            let outsider = try await signIn("outsider")
            #expect(try await outsider.fieldValue(secretId: secret.id, slug: "notes") == "edited")
            try await owner.deleteSecretPermission(id: shareWithOutsider.id)
            #expect(await denied { try await outsider.secret(id: secret.id) })

            // Nobody's: nothing in search, no folder, no root secret, no user administration.
            #expect(try await outsider.searchSecrets().collect().isEmpty)
            #expect(try await outsider.searchFolders().collect().isEmpty)
            #expect(await denied { try await outsider.folder(id: shared.id) })
            #expect(await denied { try await makeSecret(outsider, name: "rogue", folderId: nil) })
            #expect(await denied { try await makeSecret(outsider, name: "rogue", folderId: shared.id) })
            #expect(await denied { try await outsider.createUser(NewUser(userName: "x", password: "X-Passw0rd1")) })
            #expect(await denied { try await outsider.createGroup(name: "mine") })
            #expect(await denied { try await outsider.addGroupMember(groupId: readers.id, userId: ids["outsider"]!) })

            try await owner.deleteSecret(id: secret.id)
            #expect(try await admin.secret(id: secret.id, includeInactive: true).active == false)
        }
    }

    @Test func nobodyRaisesTheirOwnAccess() async throws {
        try await withUsers { admin, signIn in
            let mallory = try await admin.createUser(NewUser(userName: "mallory", password: "mallory-Passw0rd"))
            let folder = try await admin.createFolders(path: "\\Vault")
            let folderGrant = try await admin.grant(.view, onFolder: folder.id, secrets: .view, to: .user(mallory.id))
            let secret = try await makeSecret(admin, name: "crown", folderId: folder.id)
            let explicit = try await admin.grant(.edit, onSecret: secret.id, to: .user(mallory.id))
            let client = try await signIn("mallory")

            #expect(await denied { try await client.updateSecretPermission(id: explicit.id, secretId: secret.id, role: .owner) })
            #expect(await denied { try await client.grant(.owner, onSecret: secret.id, to: .user(mallory.id)) })
            #expect(await denied { try await client.updateFolderPermission(id: folderGrant.id, folderId: folder.id, role: .owner, secrets: .owner) })
            #expect(await denied { try await client.grant(.owner, onFolder: folder.id, secrets: .owner, to: .user(mallory.id)) })
            #expect(await denied { try await client.deleteFolderPermission(id: folderGrant.id) })
            #expect(await denied { try await client.updateUser(UserChanges(id: mallory.id, isLockedOut: false)) })
            #expect(await denied { try await client.deleteFolder(id: folder.id) })
            // Her own display name she may change.
            #expect(try await client.updateUser(UserChanges(id: mallory.id, displayName: "Mal")).displayName == "Mal")

            // Nothing changed.
            #expect(try await admin.secretPermissions(secretId: secret.id).map(\.secretAccessRoleName) == ["Edit"])
            #expect(try await admin.folderPermissions(folderId: folder.id).map(\.folderAccessRoleName) == ["View"])
        }
    }

    @Test func inheritanceFollowsTheFolderTree() async throws {
        try await withUsers { admin, signIn in
            let erin = try await admin.createUser(NewUser(userName: "erin", password: "erin-Passw0rd"))
            let top = try await admin.createFolders(path: "\\Top")
            _ = try await admin.grant(.addSecret, onFolder: top.id, secrets: .view, to: .user(erin.id))
            let child = try await admin.createFolders(path: "\\Top\\Child")
            let sealed = try await admin.createFolder(FolderCreateArgs(folderName: "Sealed", parentFolderId: top.id, inheritPermissions: false))
            let inChild = try await makeSecret(admin, name: "child secret", folderId: child.id)
            let inSealed = try await makeSecret(admin, name: "sealed secret", folderId: sealed.id)
            let client = try await signIn("erin")

            #expect(try await client.secret(id: inChild.id).name == "child secret")
            #expect(await denied { try await client.secret(id: inSealed.id) })
            #expect(Set(try await client.searchSecrets().collect().map(\.id)) == [inChild.id])
            // Add Secret lets her create in the folder, and she owns what she creates.
            let hers = try await makeSecret(client, name: "erin's", folderId: child.id)
            try await client.setFieldValue(secretId: hers.id, slug: "notes", value: "mine")
            try await client.deleteSecret(id: hers.id)
        }
    }
}
