"""isss 1.0.2, unmodified, against `sesame server --dev`: its README's flows through its own API.

isss builds everything from "stubs" (the server's /stub answers), so these tests also prove that every
stub carries the keys isss sets. What the server stored is read back through Sesame's own CLI.
"""
import pytest
from isss import ISSS
from isss.stubs import SecretStub


@pytest.fixture(scope="module")
def isss(server):
    # No trailing slash: isss concatenates url + "/oauth2/token".
    return ISSS(server.base_url, server.username, server.password)


@pytest.fixture(scope="module")
def lucifer(isss):
    stub = isss.getUserStub()
    stub["username"] = "lucifer"
    stub["displayname"] = "Lucifer Morningstar"
    stub["password"] = "Passw0rd-Lucifer"
    return stub.create()


def test_search_and_get_users(server, isss):
    admin = isss.getUser(2)
    assert admin["userName"] == "admin"
    found = isss.getUser("admin")
    assert [u["id"] for u in found] == [2]


def test_create_and_update_a_user(server, isss, lucifer):
    assert lucifer["userName"] == "lucifer"
    lucifer["displayName"] = "Lucifer M."
    lucifer.update()
    stored = server.stored(f"/v1/users/{lucifer['id']}")
    assert stored["displayName"] == "Lucifer M."
    assert stored["enabled"] is True
    assert "password" not in stored
    # The user can sign in with the password isss set.
    from delinea.secrets.server import PasswordGrantAuthorizer
    assert PasswordGrantAuthorizer(server.base_url, "lucifer", "Passw0rd-Lucifer").get_access_token()


def test_groups_and_members(server, isss, lucifer):
    stub = isss.getGroupStub()
    stub["name"] = "awesome people"
    group = stub.create()
    group.add("lucifer").add(2)  # by unique name, then by id; chained as the README shows
    assert sorted(u["username"] for u in group.getUsers()) == ["admin", "lucifer"]
    members = server.stored(f"/v1/groups/{group['id']}/users")
    assert sorted(r["userName"] for r in members["records"]) == ["admin", "lucifer"]
    group.remove("lucifer")
    assert [u["username"] for u in group.getUsers()] == ["admin"]
    group.delete()
    status, _, err = server.sesame("api", "GET", f"/v1/groups/{group['id']}")
    assert status == 4, err


def test_templates_and_password_generation_per_field(isss):
    template_id = isss.getTemplate("Unix Account (SSH)")[0]["id"]
    assert template_id == 6007
    template = isss.getTemplate(6007)
    assert [f["secretTemplateFieldId"] for f in template["fields"]] == [108, 111, 110, 109, 189, 190]


def test_secret_from_a_template_stub_with_permissions(server, isss, lucifer):
    folder_stub = isss.getFolderStub()
    folder_stub["folderName"] = "Linux"
    folder_stub["parentFolderId"] = -1
    folder_stub["folderTypeId"] = 1
    folder = folder_stub.create()
    assert isss.getFolder("Linux")[0]["id"] == folder["id"]

    # isss's own getSecretStub() is broken (NameError on `idOrText`); the README's flow is run through
    # the stub route it should have called, with isss's SecretStub and its generatePassword().
    with pytest.raises(NameError):
        isss.getSecretStub(6007)
    stub = SecretStub(isss, isss.get("/secrets/stub", {"secretTemplateId": 6007, "folderId": folder["id"]}))
    stub["name"] = "python"
    stub["machine"] = "srv01"
    stub["username"] = "root"
    stub["password"] = stub.generatePassword()
    stub["Private Key Passphrase"] = stub.generatePassword("Private Key Passphrase")
    stub["folderId"] = folder["id"]
    stub["enableInheritPermissions"] = False
    secret = stub.create()
    assert len(secret["password"]) >= 12
    assert len(secret["Private Key Passphrase"]) >= 24  # the passphrase field has the stricter requirement
    status, out, err = server.sesame("secret", "get", str(secret["id"]), "--field", "password")
    assert status == 0 and out == secret["password"], err

    permission = isss.getSecretPermissionStub(secret["id"])
    permission["userId"] = lucifer["id"]
    permission["secretAccessRoleName"] = "View"
    permission = permission.create()
    assert [p["secretAccessRoleName"] for p in isss.getSecretPermission(secret["id"])] == ["View"]
    permission["secretAccessRoleName"] = "Edit"
    permission.update()
    stored = server.stored(f"/v1/secret-permissions/{permission['id']}")
    assert stored["secretAccessRoleName"] == "Edit" and stored["userName"] == "lucifer"
    with pytest.raises(Exception):
        permission["secretAccessRoleName"] = "Superuser"  # isss validates roles itself

    folder_permission = isss.getFolderPermissionStub(folder["id"])
    folder_permission["userId"] = lucifer["id"]
    folder_permission["folderAccessRoleName"] = "View"
    folder_permission = folder_permission.create()
    stored = server.stored(f"/v1/folder-permissions?filter.folderId={folder['id']}")
    assert [(r["userName"], r["folderAccessRoleName"]) for r in stored["records"]] == [("lucifer", "View")]
    assert len(folder.getPermissions()) == 1

    # Update goes through PUT /secrets/{id}/restricted, which the server accepts as an update.
    secret["name"] = secret["name"] + " (updated)"
    secret.update()
    assert isss.getSecret(secret["id"])["name"] == "python (updated)"
    assert server.stored(f"/v1/secrets/{secret['id']}")["name"] == "python (updated)"

    permission.delete()
    assert isss.getSecretPermission(secret["id"]) == []
    secret.delete()
    assert server.stored(f"/v1/secrets/{secret['id']}?includeInactive=true")["active"] is False


def test_delete_a_user(server, isss):
    stub = isss.getUserStub()
    stub["username"] = "temporary"
    stub["displayname"] = "Temporary"
    stub["password"] = "Temp-Passw0rd"
    user = stub.create()
    user.delete()
    assert isss.getUser("temporary") == []
