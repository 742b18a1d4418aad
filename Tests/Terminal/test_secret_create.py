"""`sesame secret create` with no arguments on a real terminal (a pseudo-terminal): it asks for the template
from a list, the folder (again when it does not exist), the name and every field; password fields are hidden,
asked twice and asked again when the two differ."""
import json
import os
import pty
import select
import time

from conftest import SESAME


def converse(args, env, script, timeout=60):
    """Runs `args` on a new pseudo-terminal. `script` is a list of (prompt, answer): each answer is typed when
    its prompt appears after the previous one. Returns (exit status, screen)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(args[0], args, env)
    screen = b""
    cursor = 0
    pending = list(script)
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                _, status = os.waitpid(pid, 0)
                return os.waitstatus_to_exitcode(status), screen.decode(errors="replace")
            screen += chunk
        if pending:
            found = screen.find(pending[0][0].encode(), cursor)
            if found >= 0:
                cursor = found + len(pending[0][0])
                os.write(fd, pending.pop(0)[1].encode() + b"\r")
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    raise AssertionError("sesame did not finish: " + screen.decode(errors="replace"))


def read_secret(server, path):
    """The secret at `path` as {slug: value}, read back through Sesame's CLI."""
    status, out, err = server.sesame("secret", "get", path, "--output", "json", "--reveal")
    assert status == 0, err
    return {item["slug"]: item["itemValue"] for item in json.loads(out)["items"]}


def test_create_asks_for_everything_and_hides_passwords(server):
    env = {"PATH": os.environ.get("PATH", ""), "SESAME_URL": server.base_url, "SESAME_USERNAME": "admin",
           "SESAME_PASSWORD": server.password, "TERM": "dumb"}
    status, screen = converse([SESAME, "secret", "create"], env, [
        ("Template (number or name):", "no such template"),
        ("Template (number or name):", "password"),
        ("Folder path", "\\No Such Folder"),
        ("Folder path", "\\Personal Folders"),
        ("Secret name:", "typed-secret"),
        ("Resource (optional):", "db01"),
        ("Username:", "typed-user"),
        ("Password (hidden; empty to generate):", "First-Pw-1"),
        ("Password again:", "Different-Pw-2"),
        ("Password (hidden; empty to generate):", "Typed-Pw-3"),
        ("Password again:", "Typed-Pw-3"),
        ("Notes (optional):", ""),
    ])
    assert status == 0, screen
    assert "Templates:" in screen and "Unix Account (SSH)" in screen
    assert "no such template" in screen
    assert "no folder" in screen
    assert "the two entries differ" in screen
    for typed in ("First-Pw-1", "Different-Pw-2", "Typed-Pw-3"):
        assert typed not in screen, "a password was echoed"
    assert "created secret" in screen

    secret = read_secret(server, "\\Personal Folders\\typed-secret")
    assert secret["username"] == "typed-user"
    assert secret["password"] == "Typed-Pw-3"
    assert secret["resource"] == "db01"


def test_an_empty_password_is_generated(server):
    env = {"PATH": os.environ.get("PATH", ""), "SESAME_URL": server.base_url, "SESAME_USERNAME": "admin",
           "SESAME_PASSWORD": server.password, "TERM": "dumb"}
    status, screen = converse([SESAME, "secret", "create", "--template", "Password", "--name", "generated-one"], env, [
        ("Resource (optional):", "web"),
        ("Username:", "svc"),
        ("Password (hidden; empty to generate):", ""),
        ("Notes (optional):", "made on a terminal"),
    ])
    assert status == 0, screen
    secret = read_secret(server, "\\generated-one")
    assert len(secret["password"]) >= 8
    assert secret["notes"] == "made on a terminal"
