"""Fixtures for the Python-driven suites (conformance, terminal): a real `sesame server --dev` on a free 127.0.0.1 port, with a
fresh database, and the `sesame` CLI to read back what the server stored."""
import json
import os
import secrets
import subprocess
import tempfile
import time

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SESAME = os.environ.get("SESAME_BIN") or os.path.join(ROOT, ".build", "debug", "sesame")


class Server:
    def __init__(self, base_url, password, process, platform_url=None, platform_secret=None):
        self.base_url = base_url
        self.username = "admin"
        self.password = password
        self.process = process
        # The Delinea Platform front door and its seeded service user (mapped to the user platform-service).
        self.platform_url = platform_url
        self.platform_client_id = "sesame-platform"
        self.platform_secret = platform_secret

    def token(self):
        response = requests.post(
            self.base_url + "/oauth2/token",
            data={"username": self.username, "password": self.password, "grant_type": "password"},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["access_token"]

    def api(self, method, path, body=None):
        """A raw REST call, as the seed scripts make them."""
        headers = {"Authorization": "Bearer " + self.token(), "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        response = requests.request(method, self.base_url + "/api/v1" + path, headers=headers,
                                    data=None if body is None else json.dumps(body), timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def stored(self, path):
        """What the server holds at an API path, read through Sesame's own client (`sesame api GET`)."""
        status, out, err = self.sesame("api", "GET", path)
        assert status == 0, err
        return json.loads(out)

    def sesame(self, *args, stdin=None):
        """Runs Sesame's own CLI against this server; returns (exit status, stdout, stderr)."""
        env = dict(os.environ, SESAME_URL=self.base_url, SESAME_USERNAME=self.username,
                   SESAME_PASSWORD=self.password)
        done = subprocess.run([SESAME, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60)
        return done.returncode, done.stdout, done.stderr


def wait_for_ready_file(path, process, seconds=60):
    """The JSON a `sesame server`/`sesame agent` writes to its --ready-file once it listens; None when the process ends
    or the deadline passes first."""
    deadline = time.time() + seconds
    while time.time() < deadline and process.poll() is None:
        try:
            with open(path) as f:
                return json.load(f)
        except (FileNotFoundError, json.JSONDecodeError):
            time.sleep(0.02)
    return None


def start_server(extra_args=()):
    """Starts `sesame server --dev` (with `extra_args`) on a free port and a fresh database; returns a Server. Stop it
    with stop_server."""
    if not os.access(SESAME, os.X_OK):
        pytest.fail(f"the sesame binary is missing at {SESAME}: run swift build first")
    password = "Conf-" + secrets.token_urlsafe(16)
    platform_secret = "Plat-" + secrets.token_urlsafe(16)
    workdir = tempfile.mkdtemp(prefix="sesame-conformance-")
    env = dict(os.environ, SESAME_ADMIN_PASSWORD=password, SESAME_PLATFORM_CLIENT_SECRET=platform_secret)
    ready_file = os.path.join(workdir, "ready.json")
    log = open(os.path.join(workdir, "server.log"), "w")
    # Ready when the server writes its ready file (its URLs as JSON), not when its banner reads a certain way; the
    # output goes to a file, so the wait cannot block on a pipe and the deadline holds.
    process = subprocess.Popen(
        [SESAME, "server", "--dev", "--port", "0", "--database", os.path.join(workdir, "ss.sqlite"),
         "--log-level", "warning", "--ready-file", ready_file, *extra_args],
        stdout=log, stderr=subprocess.STDOUT, text=True, env=env)
    ready = wait_for_ready_file(ready_file, process)
    if ready is None:
        process.kill()
        log.close()
        with open(os.path.join(workdir, "server.log")) as f:
            pytest.fail("sesame server --dev did not become ready:\n" + f.read())
    server = Server(ready["url"], password, process, ready.get("platformURL"), platform_secret)
    server.log = log
    return server


def stop_server(server):
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=30)
    server.log.close()


@pytest.fixture(scope="session")
def server():
    started = start_server()
    yield started
    stop_server(started)
