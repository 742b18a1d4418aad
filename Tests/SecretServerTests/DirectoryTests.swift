import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct DirectoryTests {
    @Test func usersCreateFindUpdateDisableDelete() async throws {
        try await TestEmulator.withClient { client, server in
            let stub = try await client.userStub()
            #expect(stub.id == 0 && stub.enabled)
            let new = NewUser(userName: "alice", displayName: "Alice", password: "Alice-Passw0rd")
            #expect(!new.description.contains("Alice-Passw0rd"))
            let alice = try await client.createUser(new)
            #expect(alice.userName == "alice" && alice.domainId == -1)
            let duplicate = await #expect(throws: SecretServerError.self) { try await client.createUser(new) }
            #expect(duplicate?.errorCode == "API_DuplicateUserName")
            #expect(try await client.user(named: "ALICE")?.id == alice.id)
            #expect(try await client.searchUsers(text: "ali").collect().map(\.userName) == ["alice"])

            let renamed = try await client.updateUser(UserChanges(id: alice.id, displayName: "Alice A."))
            #expect(renamed.displayName == "Alice A.")
            // Alice can sign in; after she is disabled she cannot.
            let aliceClient = SecretServerClient.Configuration(
                baseURL: server.baseURL, credentials: .password(username: "alice", password: "Alice-Passw0rd")
            )
            try await SecretServerClient.withClient(configuration: aliceClient) { client in
                let me = try await client.currentUser()
                #expect(me.userName == "alice")
            }
            try await client.setUserEnabled(id: alice.id, false)
            #expect(try await client.searchUsers(text: "alice").collect().isEmpty)
            #expect(try await client.searchUsers(text: "alice", includeInactive: true).collect().count == 1)
            try await SecretServerClient.withClient(configuration: aliceClient) { client in
                let refused = await #expect(throws: SecretServerError.self) { try await client.currentUser() }
                #expect(refused?.code == .authenticationFailed)
            }
            // A new password takes effect.
            try await client.updateUser(UserChanges(id: alice.id, enabled: true, password: "New-Alice-Pw1"))
            let changed = SecretServerClient.Configuration(
                baseURL: server.baseURL, credentials: .password(username: "alice", password: "New-Alice-Pw1")
            )
            try await SecretServerClient.withClient(configuration: changed) { client in
                let me = try await client.currentUser()
                #expect(me.userName == "alice")
            }
            try await client.deleteUser(id: alice.id)
            #expect(try await client.user(named: "alice") == nil)
        }
    }

    @Test func theLastAdministratorAndYourselfCannotBeRemoved() async throws {
        try await TestEmulator.withClient { client, _ in
            let me = try await client.currentUser()
            let deleteSelf = await #expect(throws: SecretServerError.self) { try await client.deleteUser(id: me.id) }
            #expect(deleteSelf?.errorCode == "API_CannotDeleteSelf")
            let disable = await #expect(throws: SecretServerError.self) { try await client.setUserEnabled(id: me.id, false) }
            #expect(disable?.errorCode == "API_LastAdministrator")
        }
    }

    @Test func groupsAndChainableMembership() async throws {
        try await TestEmulator.withClient { client, _ in
            let bob = try await client.createUser(NewUser(userName: "bob", password: "Bob-Passw0rd"))
            _ = try await client.createUser(NewUser(userName: "carol", password: "Carol-Passw0rd"))
            let group = try await client.createGroup(name: "operators")
            #expect(try await client.groupStub().id == 0)
            try await client.members(ofGroup: group.id).add("bob").add("carol").add(id: 2)
            let names = try await client.members(ofGroup: group.id).list().map(\.userName)
            #expect(names == ["admin", "bob", "carol"])
            #expect(try await client.searchGroups(text: "oper").collect().first?.memberCount == 3)
            #expect(try await client.groups(ofUser: bob.id).map(\.groupName) == ["operators"])
            let twice = await #expect(throws: SecretServerError.self) { try await client.addGroupMember(groupId: group.id, userId: bob.id) }
            #expect(twice?.errorCode == "API_UserAlreadyInGroup")
            try await client.members(ofGroup: group.id).remove("carol")
            #expect(try await client.groupMembers(groupId: group.id).collect().map(\.userName) == ["admin", "bob"])
            let unknown = await #expect(throws: SecretServerError.self) { try await client.members(ofGroup: group.id).add("nobody") }
            #expect(unknown?.code == .notFound)
            let renamed = try await client.updateGroup(id: group.id, name: "ops", enabled: false)
            #expect(renamed.name == "ops" && !renamed.enabled)
            #expect(try await client.searchGroups().collect().isEmpty)
            try await client.deleteGroup(id: group.id)
            let gone = await #expect(throws: SecretServerError.self) { try await client.group(id: group.id) }
            #expect(gone?.code == .accessDenied)
        }
    }

    @Test func permissionsOnSecretsAndFolders() async throws {
        try await TestEmulator.withClient { client, _ in
            let dave = try await client.createUser(NewUser(userName: "dave", password: "Dave-Passw0rd"))
            let team = try await client.createGroup(name: "team")
            let folder = try await client.createFolders(path: "\\Perm")
            var stub = try await client.secretStub(templateId: 2, folderId: folder.id)
            stub.name = "guarded"
            stub.folderId = folder.id
            stub.setValue("u", forItem: "username")
            stub.setValue("p", forItem: "password")
            let secret = try await client.createSecret(stub)

            let view = try await client.grant(.view, onSecret: secret.id, to: .user(dave.id))
            #expect(view.secretAccessRoleName == "View" && view.userName == "dave" && view.groupId == nil)
            _ = try await client.grant(.list, onSecret: secret.id, to: .group(team.id))
            let twice = await #expect(throws: SecretServerError.self) { try await client.grant(.edit, onSecret: secret.id, to: .user(dave.id)) }
            #expect(twice?.errorCode == "API_DuplicatePermission")
            let edit = try await client.updateSecretPermission(id: view.id, secretId: secret.id, role: .edit)
            #expect(edit.secretAccessRoleName == "Edit")
            #expect(try await client.secretPermissions(secretId: secret.id).map(\.secretAccessRoleName).sorted() == ["Edit", "List"])
            try await client.deleteSecretPermission(id: view.id)
            #expect(try await client.secretPermissions(secretId: secret.id).count == 1)

            let onFolder = try await client.grant(.addSecret, onFolder: folder.id, secrets: .view, to: .group(team.id))
            #expect(onFolder.folderAccessRoleName == "Add Secret" && onFolder.secretAccessRoleName == "View")
            let owner = try await client.updateFolderPermission(id: onFolder.id, folderId: folder.id, role: .owner, secrets: .owner)
            #expect(owner.folderAccessRoleName == "Owner")
            #expect(try await client.folderPermissions(folderId: folder.id).count == 1)
            try await client.deleteFolderPermission(id: onFolder.id)
            #expect(try await client.folderPermissions(folderId: folder.id).isEmpty)
            let badRole = await #expect(throws: SecretServerError.self) {
                try await client.send(
                    method: "POST", path: "/v1/secret-permissions",
                    body: Data(#"{"secretId": \#(secret.id), "userId": \#(dave.id), "secretAccessRoleName": "Superuser"}"#.utf8)
                )
            }
            #expect(badRole?.status == 400)
        }
    }

    @Test func metadataOnItems() async throws {
        try await TestEmulator.withClient { client, _ in
            let folder = try await client.createFolders(path: "\\Meta")
            let code = try await client.setMetadata(on: .folder, id: folder.id, section: "Customer", field: "Code", value: .string("TST"))
            #expect(code.valueString == "TST" && code.metadataFieldSectionName == "Customer")
            let again = try await client.setMetadata(on: .folder, id: folder.id, section: "Customer", field: "Code", value: .string("TST2"))
            #expect(again.metadataItemDataId == code.metadataItemDataId)
            try await client.setMetadata(on: .folder, id: folder.id, section: "Customer", field: "Tier", value: .int(3))
            let patched = try await client.updateMetadata(on: .folder, id: folder.id, metadataItemDataId: code.metadataItemDataId, value: .string("XXX"))
            #expect(patched.valueString == "XXX")
            let values = try await client.metadata(of: .folder, id: folder.id)
            #expect(values.map(\.metadataFieldName) == ["Code", "Tier"])
            #expect(values.last?.valueInt == 3)
            #expect(try await client.metadataFields().map(\.metadataFieldName) == ["Code", "Tier"])
            #expect(try await client.metadataSections(of: .folder, id: folder.id).map(\.metadataFieldSectionName) == ["Customer"])
            try await client.deleteMetadata(on: .folder, id: folder.id, metadataItemDataId: code.metadataItemDataId)
            #expect(try await client.metadata(of: .folder, id: folder.id).count == 1)
            let missing = await #expect(throws: SecretServerError.self) {
                try await client.setMetadata(on: .secret, id: 424_242, section: "S", field: "F", value: .bool(true))
            }
            #expect(missing?.code == .accessDenied)
        }
    }
}
