"""The Ansible `community.general.tss` lookup (the `ansible` package from PyPI, pinned in
scripts/requirements-test.txt), unmodified, against `sesame server --dev`: by id, by secret_path, with
fetch_attachments downloading a file field, the secret ids of a folder, and against the Platform front door (with
the service user's credentials and with a Platform token). Every answer is checked against what Sesame reads."""
import json
import os
import shutil
import subprocess
import tempfile

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK_BIN = os.path.join(ROOT, ".venv", "bin", "ansible-playbook")
PASSWORD = "Ansible-Conformance-Pw1!"


@pytest.fixture(scope="module")
def seeded(server):
    folder = server.api("POST", "/folders", {"folderName": "Ansible", "folderTypeId": 1, "parentFolderId": -1})
    secret = server.api("POST", "/secrets", {
        "name": "ansible db", "secretTemplateId": 2, "folderId": folder["id"], "siteId": 1,
        "items": [{"fieldId": 61, "itemValue": "ansible"}, {"fieldId": 7, "itemValue": PASSWORD}]})
    ssh = server.api("POST", "/secrets", {
        "name": "ansible web", "secretTemplateId": 6007, "folderId": folder["id"], "siteId": 1,
        "items": [{"fieldId": 108, "itemValue": "web02"}, {"fieldId": 111, "itemValue": "deploy"},
                  {"fieldId": 110, "itemValue": "ssh-pw"}]})
    server.api("PUT", f"/secrets/{ssh['id']}/fields/private-key",
               {"fileName": "id_ed25519", "fileAttachment": list(b"-----BEGIN OPENSSH PRIVATE KEY-----\nxyz\n")})
    status, _, err = server.sesame("permission", "grant", "--folder", str(folder["id"]), "--user", "platform-service",
                                   "--role", "view")
    assert status == 0, err
    return {"folder": folder, "secret": secret, "ssh": ssh}


def lookup(expression, workdir):
    """Runs a one-task playbook on localhost that prints `expression` (a Jinja lookup), and returns its value."""
    if not os.access(PLAYBOOK_BIN, os.X_OK):
        pytest.fail(f"ansible-playbook is missing at {PLAYBOOK_BIN}: scripts/test installs it")
    playbook = os.path.join(workdir, "play.yml")
    with open(playbook, "w") as f:
        f.write("- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                "    - ansible.builtin.debug:\n        msg: \"{{ " + expression.replace('"', '\\"') + " }}\"\n")
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_LOCALHOST_WARNING="False",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="False", ANSIBLE_HOME=os.path.join(workdir, "home"),
               ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "tmp"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=os.path.join(ROOT, ".venv", "bin", "python"))
    done = subprocess.run([PLAYBOOK_BIN, "-i", "localhost,", "-c", "local", playbook], capture_output=True, text=True,
                          env=env, timeout=180)
    report = json.loads(done.stdout[done.stdout.index("{"):])
    result = report["plays"][0]["tasks"][0]["hosts"]["localhost"]
    assert done.returncode == 0 and not result.get("failed"), result.get("msg") or done.stderr
    return result["msg"]


@pytest.fixture()
def workdir():
    path = tempfile.mkdtemp(prefix="sesame-ansible-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def parsed(secret):
    """The lookup answers the SDK's JSON text (without fetch_attachments) or its dict (with)."""
    return json.loads(secret) if isinstance(secret, str) else secret


def fields(secret):
    return {i["slug"]: i["itemValue"] for i in parsed(secret)["items"]}


def test_lookup_by_id(server, seeded, workdir):
    secret = lookup(f"lookup('community.general.tss', {seeded['secret']['id']}, base_url='{server.base_url}', "
                    f"username='admin', password='{server.password}')", workdir)
    assert fields(secret)["password"] == PASSWORD
    status, out, _ = server.sesame("secret", "get", str(seeded["secret"]["id"]), "--field", "password")
    assert status == 0 and out == PASSWORD


def test_lookup_by_secret_path(server, seeded, workdir):
    secret = lookup(f"lookup('community.general.tss', 0, secret_path='\\\\Ansible\\\\ansible db', "
                    f"base_url='{server.base_url}', username='admin', password='{server.password}')", workdir)
    assert parsed(secret)["id"] == seeded["secret"]["id"] and fields(secret)["username"] == "ansible"
    status, out, err = server.sesame("secret", "get", "\\Ansible\\ansible db", "--field", "password")
    assert status == 0 and out == fields(secret)["password"] == PASSWORD, err


def test_lookup_fetches_attachments_to_a_folder(server, seeded, workdir):
    downloads = os.path.join(workdir, "downloads")
    os.mkdir(downloads)
    secret = lookup(f"lookup('community.general.tss', {seeded['ssh']['id']}, fetch_attachments=True, "
                    f"file_download_path='{downloads}', base_url='{server.base_url}', username='admin', "
                    f"password='{server.password}')", workdir)
    assert fields(secret)["private-key"] == "*** Not Valid For Display ***"
    with open(os.path.join(downloads, f"{seeded['ssh']['id']}_private-key"), "rb") as f:
        downloaded = f.read()
    status, out, _ = server.sesame("secret", "get", str(seeded["ssh"]["id"]), "--field", "private-key")
    assert status == 0 and downloaded.decode() == out == "-----BEGIN OPENSSH PRIVATE KEY-----\nxyz\n"


def test_lookup_secret_ids_of_a_folder(server, seeded, workdir):
    ids = lookup(f"lookup('community.general.tss', {seeded['folder']['id']}, fetch_secret_ids_from_folder=True, "
                 f"base_url='{server.base_url}', username='admin', password='{server.password}')", workdir)
    assert sorted(ids) == sorted([seeded["secret"]["id"], seeded["ssh"]["id"]])
    status, out, err = server.sesame("secret", "search", "--folder", "\\Ansible", "--output", "json")
    assert status == 0, err
    assert sorted(s["id"] for s in json.loads(out)) == sorted(ids)


def test_lookup_against_the_platform(server, seeded, workdir):
    # The lookup's own documented Platform example: base_url, the service user's name and password, nothing else.
    secret = lookup(f"lookup('community.general.tss', {seeded['secret']['id']}, base_url='{server.platform_url}', "
                    f"username='{server.platform_client_id}', password='{server.platform_secret}')", workdir)
    assert fields(secret)["password"] == PASSWORD
    # With the Platform token route named.
    secret = lookup(f"lookup('community.general.tss', 0, secret_path='\\\\Ansible\\\\ansible db', "
                    f"token_path_uri='/identity/api/oauth2/token/xpmplatform', base_url='{server.platform_url}', "
                    f"username='{server.platform_client_id}', password='{server.platform_secret}')", workdir)
    assert parsed(secret)["id"] == seeded["secret"]["id"]
    status, out, err = server.sesame("secret", "get", "\\Ansible\\ansible db", "--field", "username")
    assert status == 0 and out == fields(secret)["username"], err
    # With a Platform token.
    token = requests.post(server.platform_url + "/identity/api/oauth2/token/xpmplatform", data={
        "grant_type": "client_credentials", "client_id": server.platform_client_id,
        "client_secret": server.platform_secret, "scope": "xpmheadless"}, timeout=10).json()["access_token"]
    secret = lookup(f"lookup('community.general.tss', {seeded['secret']['id']}, base_url='{server.platform_url}', "
                    f"token='{token}')", workdir)
    assert fields(secret)["username"] == "ansible"
    # Stored state: the reads are audited under the mapped user.
    audits = server.stored(f"/v1/secrets/{seeded['secret']['id']}/audits?take=100")["records"]
    assert any(a["username"] == "platform-service" for a in audits)
