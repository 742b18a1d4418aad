"""Delinea's python-tss-sdk 2.0.1, unmodified, against `sesame server --dev`.

The data is written the way the "create a new secret" script writes it (its exact JSON body, with
folderId as the string raw_input() returns), read through the SDK's public API, and checked again
through Sesame's own CLI.
"""
import json

import pytest
import requests
from delinea.secrets.server import (
    AccessTokenAuthorizer,
    DomainPasswordGrantAuthorizer,
    PasswordGrantAuthorizer,
    SecretServer,
    SecretServerError,
    ServerSecret,
)

NEW_PASSWORD = "Tss-Conformance-Pw1!"


def create_secret_script_body(name, username, password, folder_id):
    """The body of the 'Thycotic Python REST API - Create New Secret' script, verbatim but for values."""
    return {u'requiresComment': False, u'enableInheritPermissions': True, u'isOutOfSync': False,
            u'checkOutEnabled': False, u'allowOwnersUnrestrictedSshCommands': False,
            u'checkOutChangePasswordEnabled': False, u'enableInheritSecretPolicy': True,
            u'autoChangeEnabled': False, u'sessionRecordingEnabled': False, u'lastHeartBeatStatus': u'Pending',
            u'restrictSshCommands': False, u'active': True, u'isDoubleLock': False, u'siteId': 1,
            u'folderId': folder_id, u'items': [
                {u'isNotes': False, u'fieldDescription': u'The URL or location where information is being secured.',
                 u'isPassword': False, u'isFile': False, u'filename': None, u'fieldName': u'Resource',
                 u'itemValue': u'', u'fileAttachmentId': None, u'fieldId': 60, u'slug': u'resource'},
                {u'isNotes': False, u'fieldDescription': u'The name assocated with the password.', u'isPassword': False,
                 u'isFile': False, u'filename': None, u'fieldName': u'Username', u'itemValue': username,
                 u'fileAttachmentId': None, u'fieldId': 61, u'slug': u'username'},
                {u'isNotes': False, u'fieldDescription': u'The password used to access information.',
                 u'isPassword': True, u'isFile': False, u'filename': None, u'fieldName': u'Password',
                 u'itemValue': password, u'fileAttachmentId': None, u'fieldId': 7, u'slug': u'password'},
                {u'isNotes': True, u'fieldDescription': u'Any comments or additional information for the secret.',
                 u'isPassword': False, u'isFile': False, u'filename': None, u'fieldName': u'Notes', u'itemValue': u'',
                 u'fileAttachmentId': None, u'fieldId': 8, u'slug': u'notes'}], u'name': name,
            u'secretTemplateId': 2}


@pytest.fixture(scope="module")
def seeded(server):
    folder = server.api("POST", "/folders", {"folderName": "TSS Conformance", "folderTypeId": 1, "parentFolderId": -1})
    secret = server.api("POST", "/secrets/", create_secret_script_body(
        "tss db01", "dbadmin", NEW_PASSWORD, str(folder["id"])))
    ssh = server.api("POST", "/secrets", {
        "name": "tss web01", "secretTemplateId": 6007, "folderId": folder["id"], "siteId": 1,
        "items": [{"fieldId": 108, "itemValue": "web01"}, {"fieldId": 111, "itemValue": "root"},
                  {"fieldId": 110, "itemValue": "ssh-pw"}]})
    server.api("PUT", f"/secrets/{ssh['id']}/fields/private-key",
               {"fileName": "id_rsa", "fileAttachment": list(b"-----BEGIN KEY-----\nabc\n")})
    return {"folder": folder, "secret": secret, "ssh": ssh}


def sdk(server):
    return SecretServer(server.base_url, PasswordGrantAuthorizer(server.base_url, server.username, server.password))


def test_password_login_and_get_secret_by_id(server, seeded):
    secret = sdk(server).get_secret(seeded["secret"]["id"])
    assert secret["name"] == "tss db01"
    assert secret["folderId"] == seeded["folder"]["id"]
    fields = {item["slug"]: item["itemValue"] for item in secret["items"]}
    assert fields["username"] == "dbadmin"
    assert fields["password"] == NEW_PASSWORD
    # The SDK's own model parses dates and indexes fields by slug.
    model = ServerSecret(**secret)
    assert model.fields["password"].value == NEW_PASSWORD
    assert model.fields["username"].field_id == 61
    # What Sesame's own client reads back is the same.
    status, out, err = server.sesame("secret", "get", str(seeded["secret"]["id"]), "--field", "password")
    assert status == 0, err
    assert out == NEW_PASSWORD


def test_domain_password_login(server, seeded):
    # The server has one domain, SESAME (id 1); a user created in it signs in with domain=SESAME.
    user = server.api("POST", "/users", {"userName": "alice", "displayName": "Alice", "password": "Alice-Pw-123",
                                          "domainId": 1})
    assert user["domainId"] == 1
    # Note the SDK's argument order: domain before password.
    authorizer = DomainPasswordGrantAuthorizer(server.base_url, "alice", "SESAME", "Alice-Pw-123")
    token = authorizer.get_access_token()
    me = requests.get(server.base_url + "/api/v1/users/current", headers={"Authorization": "Bearer " + token}, timeout=10)
    assert me.json()["userName"] == "alice"
    # Without the domain the same name and password do not sign in.
    with pytest.raises(SecretServerError):
        PasswordGrantAuthorizer(server.base_url, "alice", "Alice-Pw-123").get_access_token()
    assert server.stored(f"/v1/users/{user['id']}")["domainId"] == 1


def test_get_secret_by_path(server, seeded):
    secret = sdk(server).get_secret_by_path(r"\TSS Conformance\tss db01")
    assert secret["id"] == seeded["secret"]["id"]
    with_slashes = sdk(server).get_secret_by_path("/TSS Conformance/tss db01")
    assert with_slashes["id"] == seeded["secret"]["id"]


def test_pre_issued_token(server, seeded):
    token = server.token()
    client = SecretServer(server.base_url, AccessTokenAuthorizer(token, server.base_url))
    assert client.get_secret(seeded["secret"]["id"], fetch_file_attachments=False)["name"] == "tss db01"


def test_server_detection_through_the_health_check(server):
    # AccessTokenAuthorizer detects the server type in its constructor; it needs "Healthy" in the JSON.
    AccessTokenAuthorizer("any", server.base_url)
    health = requests.get(server.base_url + "/api/v1/healthcheck", timeout=10).json()
    assert health["Healthy"] is True
    # Negative control: a base URL that serves no health check is not detected.
    with pytest.raises(SecretServerError):
        AccessTokenAuthorizer("any", server.base_url + "/nowhere")


def test_file_attachment_is_served_as_bytes(server, seeded):
    secret = sdk(server).get_secret(seeded["ssh"]["id"])
    item = next(i for i in secret["items"] if i["slug"] == "private-key")
    # python-tss-sdk 2.0.1 stores the requests.Response itself in itemValue (its issue #78);
    # the bytes the server sent are in it.
    assert isinstance(item["itemValue"], requests.Response)
    assert item["itemValue"].content == b"-----BEGIN KEY-----\nabc\n"
    assert item["filename"] == "id_rsa"
    status, out, _ = server.sesame("secret", "get", str(seeded["ssh"]["id"]), "--field", "private-key")
    assert status == 0 and out == "-----BEGIN KEY-----\nabc\n"


def test_folder_by_id_and_secret_ids_in_folder(server, seeded):
    client = sdk(server)
    folder = client.get_folder(seeded["folder"]["id"])
    assert folder["folderName"] == "TSS Conformance"
    assert folder["folderPath"] == r"\TSS Conformance"
    ids = client.get_secret_ids_by_folderid(seeded["folder"]["id"])
    assert sorted(ids) == sorted([seeded["secret"]["id"], seeded["ssh"]["id"]])


def test_missing_secret_is_a_client_error(server, seeded):
    from delinea.secrets.server import SecretServerClientError
    with pytest.raises(SecretServerClientError) as raised:
        sdk(server).get_secret(987654)
    assert raised.value.message == "Access Denied"


# Delinea Platform: the same SDK, unmodified, given the local server's Platform front door as its base URL. It
# detects the Platform (its Secret Server health check is not served there, /health is healthy), signs the service
# user in at the xpmplatform route, asks the vault broker for the vault and reads through it with the Platform
# token, as the mapped user platform-service, who reads what is shared with it and nothing else.

@pytest.fixture(scope="module")
def platform_seeded(server, seeded):
    hidden = server.api("POST", "/folders", {"folderName": "TSS Not Shared", "folderTypeId": 1, "parentFolderId": -1})
    secret = server.api("POST", "/secrets", create_secret_script_body("tss hidden", "root", "Hidden-Pw-1!", hidden["id"]))
    status, _, err = server.sesame("permission", "grant", "--folder", str(seeded["folder"]["id"]), "--user", "platform-service",
                                   "--role", "view")
    assert status == 0, err
    return {"hidden": secret}


def platform_sdk(server):
    authorizer = PasswordGrantAuthorizer(server.platform_url, server.platform_client_id, server.platform_secret)
    return SecretServer(server.platform_url, authorizer), authorizer


def test_platform_detection_token_and_vault(server, seeded, platform_seeded):
    client, authorizer = platform_sdk(server)
    secret = client.get_secret(seeded["secret"]["id"], fetch_file_attachments=False)
    assert authorizer._server_type == "platform"
    # The vault broker pointed the SDK at this server's Secret Server.
    assert client.base_url == server.base_url
    assert {i["slug"]: i["itemValue"] for i in secret["items"]}["password"] == NEW_PASSWORD
    # The token is a Platform token (xpmheadless, no refresh token), taken by the Secret Server API as the
    # mapped user.
    grant = authorizer.access_grant
    assert grant["scope"] == "xpmheadless" and "refresh_token" not in grant
    me = requests.get(server.base_url + "/api/v1/users/current",
                      headers={"Authorization": "Bearer " + grant["access_token"]}, timeout=10).json()
    assert me["userName"] == "platform-service"
    # Stored state, through Sesame: the read is in the secret's audit under the mapped user.
    audits = server.stored(f"/v1/secrets/{seeded['secret']['id']}/audits?take=50")["records"]
    assert any(a["username"] == "platform-service" for a in audits)


def test_platform_get_by_path_folders_and_files(server, seeded, platform_seeded):
    client, _ = platform_sdk(server)
    by_path = client.get_secret_by_path(r"\TSS Conformance\tss db01")
    assert by_path["id"] == seeded["secret"]["id"]
    status, out, err = server.sesame("secret", "get", r"\TSS Conformance\tss db01", "--field", "password")
    assert status == 0 and out == {i["slug"]: i["itemValue"] for i in by_path["items"]}["password"], err
    folder = client.get_folder(seeded["folder"]["id"])
    assert folder["folderName"] == "TSS Conformance"
    assert client.get_folder_by_path(r"\TSS Conformance")["id"] == seeded["folder"]["id"]
    status, out, err = server.sesame("folder", "list", "--output", "json")
    assert status == 0, err
    assert any(f.get("id") == folder["id"] and f.get("folderPath") == r"\TSS Conformance" for f in json.loads(out)), out
    ids = client.get_secret_ids_by_folderid(seeded["folder"]["id"])
    assert sorted(ids) == sorted([seeded["secret"]["id"], seeded["ssh"]["id"]])
    status, out, err = server.sesame("secret", "search", "--folder", r"\TSS Conformance", "--output", "json")
    assert status == 0 and sorted(s["id"] for s in json.loads(out)) == sorted(ids), err
    ssh = client.get_secret(seeded["ssh"]["id"])
    key = next(i for i in ssh["items"] if i["slug"] == "private-key")
    status, out, _ = server.sesame("secret", "get", str(seeded["ssh"]["id"]), "--field", "private-key")
    assert status == 0 and key["itemValue"].content.decode() == out


def test_platform_user_reads_nothing_unshared(server, platform_seeded):
    from delinea.secrets.server import SecretServerClientError
    client, _ = platform_sdk(server)
    with pytest.raises(SecretServerClientError):
        client.get_secret(platform_seeded["hidden"]["id"], fetch_file_attachments=False)
    # The admin still reads it: it exists.
    assert server.stored(f"/v1/secrets/{platform_seeded['hidden']['id']}")["name"] == "tss hidden"


def test_platform_pre_issued_token_and_wrong_secret(server, seeded, platform_seeded):
    token = requests.post(server.platform_url + "/identity/api/oauth2/token/xpmplatform", data={
        "grant_type": "client_credentials", "client_id": server.platform_client_id,
        "client_secret": server.platform_secret, "scope": "xpmheadless"}, timeout=10).json()["access_token"]
    client = SecretServer(server.platform_url, AccessTokenAuthorizer(token, server.platform_url))
    assert client.get_secret(seeded["secret"]["id"], fetch_file_attachments=False)["name"] == "tss db01"
    wrong = SecretServer(server.platform_url,
                         PasswordGrantAuthorizer(server.platform_url, server.platform_client_id, "not-the-secret"))
    with pytest.raises(SecretServerError):
        wrong.get_secret(seeded["secret"]["id"], fetch_file_attachments=False)


def test_search_secrets_by_field_value_and_lookup_folders(server, seeded):
    # The raw query dict the SDK passes on: a field-value search, an exact one, and a refused filter.
    client = sdk(server)
    by_value = json.loads(client.search_secrets(query_params={
        "filter.searchText": "dbadmin", "filter.searchField": "Username", "filter.isExactMatch": "true"}))
    assert [r["id"] for r in by_value["records"]] == [seeded["secret"]["id"]]
    by_slug = json.loads(client.search_secrets(query_params={
        "filter.searchText": "web0", "filter.searchFieldSlug": "machine", "filter.folderId": seeded["folder"]["id"]}))
    assert [r["id"] for r in by_slug["records"]] == [seeded["ssh"]["id"]]
    # Password fields are never searched.
    assert json.loads(client.search_secrets(query_params={
        "filter.searchText": NEW_PASSWORD, "filter.searchFieldSlug": "password"}))["records"] == []
    with pytest.raises(SecretServerError) as refused:
        client.search_secrets(query_params={"filter.scope": "Recent"})
    assert "filter.scope" in str(refused.value.message)
    # Sorted as asked, by a record property.
    ordered = json.loads(client.search_secrets(query_params={
        "filter.folderId": seeded["folder"]["id"], "sortBy[0].name": "name", "sortBy[0].direction": "desc"}))
    names = [r["name"] for r in ordered["records"]]
    assert names == sorted(names, reverse=True) and len(names) == 2
    folders = json.loads(client.lookup_folders(query_params={"filter.searchText": "TSS Conf"}))
    assert [f["id"] for f in folders["records"]] == [seeded["folder"]["id"]]
    # The same through Sesame.
    status, out, err = server.sesame("secret", "search", "tss", "--folder", r"\TSS Conformance", "--output", "json")
    assert status == 0 and sorted(s["id"] for s in json.loads(out)) == sorted([seeded["secret"]["id"], seeded["ssh"]["id"]]), err
