"""`sesame agent` read by Python `requests` exactly as the AWS Secrets Manager Agent's and the Lambda Parameters and
Secrets extension's documentation shows (the token header, the routes, the JSON fields read from the answer), with
the secrets put into moto by boto3, and Sesame references from `sesame server --dev`."""
import json
import os
import subprocess
import tempfile
import uuid

import boto3
import pytest
import requests

from conftest import SESAME, wait_for_ready_file

MOTO_URL = os.environ.get("SESAME_MOTO_URL")


@pytest.fixture
def agent(server):
    if not MOTO_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("SESAME_MOTO_URL is not set (scripts/test starts moto)")
        pytest.skip("SESAME_MOTO_URL is not set (scripts/test starts moto)")
    directory = tempfile.mkdtemp(prefix="sesame-agent-")
    env = dict(os.environ, SESAME_CONFIG_DIR=directory, SESAME_URL=server.base_url, SESAME_USERNAME=server.username,
               SESAME_PASSWORD=server.password, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_REGION="us-east-1", AWS_ENDPOINT_URL=MOTO_URL, AWS_EC2_METADATA_DISABLED="true")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_TOKEN", "SESAME_AGENT"):
        env.pop(name, None)
    ready_file = os.path.join(directory, "ready.json")
    log = open(os.path.join(directory, "agent.log"), "w")
    process = subprocess.Popen([SESAME, "agent", "--listen", "127.0.0.1:0", "--ready-file", ready_file],
                               stdout=log, stderr=subprocess.STDOUT, env=env)
    ready = wait_for_ready_file(ready_file, process)
    if ready is None:
        process.kill()
        pytest.fail("sesame agent did not start: " + open(os.path.join(directory, "agent.log")).read())
    with open(os.path.join(directory, "agent.token")) as f:
        token = f.read().strip()
    yield {"url": ready["url"], "token": token, "log": os.path.join(directory, "agent.log")}
    process.terminate()
    assert process.wait(timeout=30) == 0
    log.close()


def aws(service):
    return boto3.client(service, endpoint_url=MOTO_URL, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def test_the_aws_secrets_manager_agents_documented_python_client(agent):
    """The AWS agent's documented Python example: GET /secretsmanager/get?secretId= with
    X-Aws-Parameters-Secrets-Token, json.loads(response.text)["SecretString"]."""
    name = "agent-py/" + uuid.uuid4().hex[:8]
    aws("secretsmanager").create_secret(Name=name, SecretString=json.dumps({"password": "Py-Agent-Value-1"}))

    url = f"{agent['url']}/secretsmanager/get?secretId={name}"
    headers = {"X-Aws-Parameters-Secrets-Token": agent["token"]}
    response = requests.get(url, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    secret = json.loads(response.text)
    assert json.loads(secret["SecretString"])["password"] == "Py-Agent-Value-1"
    assert secret["Name"] == name and "AWSCURRENT" in secret["VersionStages"] and secret["ARN"].startswith("arn:")

    # Without the token, with a wrong one, through a proxy: refused, never the value.
    for bad in ({}, {"X-Aws-Parameters-Secrets-Token": "wrong-token-0123456789"},
                dict(headers, **{"X-Forwarded-For": "203.0.113.9"})):
        refused = requests.get(url, headers=bad, timeout=10)
        assert refused.status_code in (400, 401, 403) and "Py-Agent-Value" not in refused.text

    # Rotated: the cached value until refreshNow=true, which reaches Secrets Manager.
    aws("secretsmanager").put_secret_value(SecretId=name, SecretString=json.dumps({"password": "Py-Agent-Value-2"}))
    assert "Py-Agent-Value-1" in requests.get(url, headers=headers, timeout=10).text
    assert "Py-Agent-Value-2" in requests.get(url + "&refreshNow=true", headers=headers, timeout=10).text
    # The AWS agent's path form.
    assert "Py-Agent-Value-2" in requests.get(f"{agent['url']}/v1/{name}", headers=headers, timeout=10).text
    with open(agent["log"]) as f:
        assert "Py-Agent-Value" not in f.read()


def test_the_lambda_extensions_documented_parameter_request(agent):
    """The Lambda extension's documented form: /systemsmanager/parameters/get?name=&withDecryption=true, the
    value at ["Parameter"]["Value"]; a version selected with &version=."""
    name = "/agent-py/" + uuid.uuid4().hex[:8]
    ssm = aws("ssm")
    ssm.put_parameter(Name=name, Value="Py-Param-1", Type="SecureString")
    ssm.put_parameter(Name=name, Value="Py-Param-2", Type="SecureString", Overwrite=True)
    headers = {"X-Aws-Parameters-Secrets-Token": agent["token"]}
    base = f"{agent['url']}/systemsmanager/parameters/get?name={name}&withDecryption=true"
    answer = requests.get(base, headers=headers, timeout=10).json()
    assert answer["Parameter"]["Value"] == "Py-Param-2" and answer["Parameter"]["Type"] == "SecureString"
    assert answer["Parameter"]["Version"] == 2
    first = requests.get(base + "&version=1", headers=headers, timeout=10).json()
    assert first["Parameter"]["Value"] == "Py-Param-1"


def test_sesame_references_by_requests(agent, server):
    """Sesame references: the raw value, JSON with Accept: application/json, a batch."""
    status, out, err = server.sesame("secret", "create", "--template", "Password", "--name", "agent-py-" + uuid.uuid4().hex[:6],
                                     "--field", "username=py-app", "--field", "password=-", stdin="Py-Tss-Value-1\n")
    assert status == 0, err
    headers = {"X-Sesame-Token": agent["token"]}
    # The secret just made: find its id through the server's API, as a script would.
    records = server.api("GET", "/secrets?filter.searchText=agent-py-")["records"]
    secret_id = max(record["id"] for record in records)
    raw = requests.get(f"{agent['url']}/v1/ref", params={"ref": f"tss://{secret_id}/password"}, headers=headers, timeout=10)
    assert raw.status_code == 200 and raw.text == "Py-Tss-Value-1", raw.text
    described = requests.get(f"{agent['url']}/v1/ref", params={"ref": f"tss://{secret_id}/username"},
                             headers=dict(headers, Accept="application/json"), timeout=10).json()
    assert described["value"] == "py-app" and described["reference"] == f"tss://{secret_id}/username"
    batch = requests.post(f"{agent['url']}/v1/refs", headers=headers, timeout=10,
                          json={"refs": [f"tss://{secret_id}/password", "tss://999999/password"]}).json()
    assert batch["values"] == {f"tss://{secret_id}/password": "Py-Tss-Value-1"} and "tss://999999/password" in batch["errors"]
