"""The two scripts of the seed documents, with their exact requests, against `sesame server --dev`.
What the server stored is read back through Sesame's own CLI."""
import json
from urllib.parse import urlsplit

import requests

from test_python_tss_sdk import create_secret_script_body


def test_create_new_secret_script(server):
    """'Thycotic Python REST API - Create New Secret': token with the script's headers, then POST
    /api/v1/secrets/ with the Password template's four items and folderId as typed (a string), under the
    script's lowercase app path '/secretserver'."""
    parts = urlsplit(server.base_url)
    app = f"{parts.scheme}://{parts.netloc}/secretserver"
    payload = {"username": server.username, "password": server.password, "grant_type": "password"}
    headers = {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"}
    response = requests.request("POST", app + "/oauth2/token", data=payload, headers=headers, timeout=10)
    assert response.status_code < 400, response.text
    token = json.loads(response.text)["access_token"]

    folder = server.api("POST", "/folders", {"folderName": "Scripts", "folderTypeId": 1, "parentFolderId": -1})
    headers = {"authorization": "Bearer {}".format(token), "Accept-Encoding": "gzip,deflate",
               "Accept": "application/json", "Content-Type": "application/json"}
    data = create_secret_script_body("newSecretfoo", "foo", "Verified-Pw-42", str(folder["id"]))
    response = requests.request("POST", app + "/api/v1/secrets/", headers=headers, data=json.dumps(data), timeout=10)
    assert response.status_code == 200, response.text
    created = response.json()
    assert created["secretTemplateId"] == 2 and created["folderId"] == folder["id"]

    status, out, err = server.sesame("secret", "get", r"\Scripts\newSecretfoo", "--field", "password")
    assert status == 0 and out == "Verified-Pw-42", err
    status, out, _ = server.sesame("secret", "get", str(created["id"]), "--field", "username")
    assert out == "foo"


def test_rest_api_script_update_item_by_slug(server):
    """'REST API Python Scripts': GET a secret, change its "notes" item found by slug, PUT the whole secret
    back, and read the item from the answer."""
    created = server.api("POST", "/secrets", create_secret_script_body("slug target", "svc", "Keep-This-Pw1", "-1"))
    api = server.base_url + "/api/v1"
    token = server.token()

    def GetSecret(token, secretId):
        headers = {"Authorization": "Bearer " + token, "content-type": "application/json"}
        resp = requests.get(api + "/secrets/" + str(secretId), headers=headers, timeout=10)
        if resp.status_code not in (200, 304):
            raise Exception("Error retrieving Secret. %s %s" % (resp.status_code, resp))
        return resp.json()

    def UpdateSecret(token, secret):
        headers = {"Authorization": "Bearer " + token, "content-type": "application/json"}
        resp = requests.put(api + "/secrets/" + str(secret["id"]), json=secret, headers=headers, timeout=10)
        if resp.status_code not in (200, 304):
            raise Exception("Error updating Secret. %s %s" % (resp.status_code, resp))
        return resp.json()

    def GetItemBySlug(secret, slug):
        for x in secret["items"]:
            if x["slug"] == slug:
                return x
        raise Exception("Item not found for slug: %s" % slug)

    def UpdateSecretItem(secret, updatedItem):
        for index, x in enumerate(secret["items"]):
            if x["itemId"] == updatedItem["itemId"]:
                secret["items"][index] = updatedItem
                return
        raise Exception("Secret item not found for item id: %s" % str(updatedItem["itemId"]))

    secret = GetSecret(token, created["id"])
    assert secret["active"] is True
    notes = GetItemBySlug(secret, "notes")
    notes.update({"itemValue": "New Notes Value"})
    UpdateSecretItem(secret, notes)
    secret["name"] = "Updated Secret Name"
    updated = UpdateSecret(token, secret)
    assert updated["name"] == "Updated Secret Name"
    assert GetItemBySlug(updated, "notes")["itemValue"] == "New Notes Value"
    assert GetItemBySlug(updated, "password")["itemValue"] == "Keep-This-Pw1"

    status, out, err = server.sesame("secret", "get", str(created["id"]), "--field", "notes")
    assert status == 0 and out == "New Notes Value", err
