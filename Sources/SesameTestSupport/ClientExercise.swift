import Foundation
import SecretServer
import SecretServerModels

/// Calls every typed call of `SecretServerClient` once, against a fresh local server, so a test can check
/// what went over the wire (for example, that every route exists in the official API).
package enum ClientExercise {
    package static func run(_ client: SecretServerClient) async throws {
        _ = try await client.healthCheck()
        _ = try await client.version()
        _ = try await client.currentUser()

        // Templates and folders.
        let template = try await client.template(id: 2)
        _ = try await client.template(named: "Password")
        _ = try await client.searchTemplates().collect()
        _ = try await client.generatePassword(fieldId: 7)
        _ = try await client.folderStub()
        let folder = try await client.createFolders(path: "\\Exercise\\Sub")
        _ = try await client.folder(id: folder.id, includeChildren: true)
        _ = try await client.folder(path: "\\Exercise")
        _ = try await client.searchFolders(FolderSearch(text: "Sub")).collect()
        var args = FolderUpdateArgs(folder)
        args.folderName = "Sub2"
        _ = try await client.updateFolder(args)
        let spare = try await client.createFolder(FolderCreateArgs(folderName: "Spare"))
        try await client.deleteFolder(id: spare.id)

        // Secrets and fields.
        var stub = try await client.secretStub(templateId: template.id, folderId: folder.id)
        stub.name = "exercise"
        stub.folderId = folder.id
        stub.setValue("u", forItem: "username")
        stub.setValue("p", forItem: "password")
        let secret = try await client.createSecret(stub)
        _ = try await client.secret(id: secret.id)
        _ = try await client.secret(path: "\\Exercise\\Sub2\\exercise")
        _ = try await client.searchSecrets(SecretSearch(text: "exercise")).collect()
        _ = try await client.countSecrets()
        _ = try await client.secretSummary(id: secret.id)
        try await client.modifySecret(id: secret.id) { $0.setValue("n", forItem: "notes") }
        try await client.setFieldValue(secretId: secret.id, slug: "notes", value: "m")
        _ = try await client.fieldValue(secretId: secret.id, slug: "notes")
        var ssh = try await client.secretStub(templateId: 6007)
        ssh.name = "exercise ssh"
        ssh.setValue("m", forItem: "machine")
        ssh.setValue("u", forItem: "username")
        let sshSecret = try await client.createSecret(ssh)
        try await client.setFieldFile(secretId: sshSecret.id, slug: "private-key", data: Data("k".utf8), fileName: "k.pem")
        _ = try await client.fieldFile(secretId: sshSecret.id, slug: "private-key")
        try await client.removeFieldFile(secretId: sshSecret.id, slug: "private-key")
        try await client.patchSecretGeneral(id: sshSecret.id, name: "exercise ssh 2")

        // Users, groups, members.
        _ = try await client.userStub()
        let user = try await client.createUser(NewUser(userName: "exercise-user", password: "Exercise-Passw0rd"))
        _ = try await client.user(id: user.id)
        _ = try await client.user(named: "exercise-user")
        _ = try await client.updateUser(UserChanges(id: user.id, displayName: "Exercise"))
        _ = try await client.groupStub()
        let group = try await client.createGroup(name: "exercise-group")
        _ = try await client.group(id: group.id)
        _ = try await client.searchGroups().collect()
        _ = try await client.updateGroup(id: group.id, name: "exercise-group-2")
        try await client.members(ofGroup: group.id).add("exercise-user").add(id: 2)
        _ = try await client.members(ofGroup: group.id).list()
        _ = try await client.groups(ofUser: user.id)
        try await client.members(ofGroup: group.id).remove("exercise-user")

        // Permissions.
        let secretGrant = try await client.grant(.view, onSecret: secret.id, to: .user(user.id))
        _ = try await client.secretPermissions(secretId: secret.id)
        _ = try await client.updateSecretPermission(id: secretGrant.id, secretId: secret.id, role: .edit)
        try await client.deleteSecretPermission(id: secretGrant.id)
        let folderGrant = try await client.grant(.view, onFolder: folder.id, secrets: .view, to: .group(group.id))
        _ = try await client.folderPermissions(folderId: folder.id)
        _ = try await client.updateFolderPermission(id: folderGrant.id, folderId: folder.id, role: .edit, secrets: .edit)
        try await client.deleteFolderPermission(id: folderGrant.id)

        // Metadata.
        let value = try await client.setMetadata(on: .secret, id: secret.id, section: "S", field: "F", value: .string("v"))
        _ = try await client.updateMetadata(on: .secret, id: secret.id, metadataItemDataId: value.metadataItemDataId, value: .string("w"))
        _ = try await client.metadata(of: .secret, id: secret.id)
        _ = try await client.metadataFields()
        _ = try await client.metadataSections(of: .secret, id: secret.id)
        try await client.deleteMetadata(on: .secret, id: secret.id, metadataItemDataId: value.metadataItemDataId)

        // Restricted access and lifecycle.
        _ = try await client.secret(id: secret.id, access: SecretRestrictedArgs(comment: "exercise"))
        _ = try await client.fieldValue(secretId: secret.id, slug: "username", access: SecretRestrictedArgs(comment: "exercise"))
        var checked = try await client.secret(id: secret.id)
        checked.checkOutEnabled = true
        _ = try await client.updateSecret(checked)
        try await client.checkOut(secretId: secret.id)
        _ = try await client.extendCheckOut(secretId: secret.id, minutes: 5)
        _ = try await client.secretState(id: secret.id)
        try await client.checkIn(secretId: secret.id)
        try await client.heartbeat(id: secret.id)
        try await client.expireSecret(id: secret.id)
        try await client.changePassword(id: secret.id)
        _ = try await client.secretAudits(id: secret.id).collect()

        // SDK clients.
        let rule = try await client.createSdkClientRule(name: "exercise rule", userId: user.id)
        let key = try await client.sdkClientOnboardingKey(ruleId: rule.id)
        let account = try await SecretServerClient.onboardSdkClient(
            baseURL: client.configuration.baseURL, ruleName: "exercise rule", onboardingKey: key, name: "exercise agent"
        )
        _ = try await client.sdkClientAccounts()
        try await client.revokeSdkClient(id: account.id)

        // User scripts.
        let script = try await client.createScript(name: "exercise.sh", type: .ssh, script: "echo hi")
        _ = try await client.searchScripts(text: "exercise").collect()
        _ = try await client.script(id: script.scriptId)
        try await client.updateScript(id: script.scriptId, script: "echo bye")

        // Roles, sites, teams, policies.
        let role = try await client.createRole(name: "exercise role")
        _ = try await client.roles()
        try await client.updateRole(id: role.id, enabled: false)
        _ = try await client.sites()
        try await client.assignRoles([role.id], toUser: user.id)
        _ = try await client.roles(ofUser: user.id)
        try await client.removeRoles([role.id], fromUser: user.id)
        try await client.assignRoles([role.id], toGroup: group.id)
        _ = try await client.roles(ofGroup: group.id)
        try await client.removeRoles([role.id], fromGroup: group.id)
        let team = try await client.createTeam(name: "exercise team")
        _ = try await client.teams()
        try await client.addTeamMembers(teamId: team.teamId, groupIds: [group.id])
        _ = try await client.teamMembers(teamId: team.teamId)
        try await client.removeTeamMembers(teamId: team.teamId, groupIds: [group.id])
        let policy = try await client.createSecretPolicy(name: "exercise policy")
        _ = try await client.secretPolicies()
        _ = try await client.secretPolicy(id: policy.secretPolicyId)
        try await client.updateSecretPolicy(id: policy.secretPolicyId, active: false)

        // Access requests.
        let workflow = try await client.createWorkflowTemplate(name: "exercise workflow", approverUserIds: [user.id])
        _ = try await client.workflowTemplates()
        var gated = try await client.secret(id: secret.id)
        gated.requiresApprovalForAccess = true
        gated.accessRequestWorkflowMapId = workflow.workflowTemplateId
        gated.checkOutEnabled = false
        _ = try await client.updateSecret(gated)
        let request = try await client.requestAccess(secretId: secret.id, comment: "exercise")
        _ = try await client.accessRequests(mine: true)
        _ = try await client.accessRequest(id: request.secretAccessRequestId)
        try await client.decideAccessRequest(id: request.secretAccessRequestId, .cancel)
        _ = try await client.accessRequestHistory(id: request.secretAccessRequestId)
        _ = try await client.send(method: "GET", path: "/v1/secret-access-requests/secrets/\(secret.id)")

        // Clean-up through the delete calls.
        try await client.deleteGroup(id: group.id)
        try await client.deleteUser(id: user.id)
        try await client.deleteSecret(id: secret.id)
        try await client.deleteSecret(id: sshSecret.id)
        try await client.activateSecret(id: sshSecret.id)
    }
}
