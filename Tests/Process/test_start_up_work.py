"""What the quick commands do before they answer, watched with strace (Debian's): `sesame get`, `secret get` and
`run` with a stored session open no SQLite database they do not read, touch no AWS configuration for a `tss://`
reference, and (`get`, `secret get`) start no thread and make one connection: the request itself."""
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from conftest import SESAME


@pytest.fixture(scope="module")
def signed_in(server):
    """A secret, and a configuration folder with a stored session (`sesame login`) for it; AWS files in HOME that a
    tss:// read must not open."""
    if shutil.which("strace") is None:
        pytest.fail("strace is missing (Debian's strace package; scripts/test installs it)")
    status, out, err = server.sesame("secret", "create", "--template", "Password", "--name", "start-up work",
                                     "--field", "username=app", "--field", "password=-", stdin="start-up-value\n")
    assert status == 0, err
    secret_id = re.search(r"\d+", out).group(0)
    home = tempfile.mkdtemp(prefix="sesame-startup-")
    os.makedirs(os.path.join(home, ".aws"))
    for name in ("config", "credentials"):
        with open(os.path.join(home, ".aws", name), "w") as f:
            f.write("[default]\nregion = eu-west-1\n")
    config = os.path.join(home, "sesame-config")
    env = {"PATH": os.environ["PATH"], "HOME": home, "SESAME_CONFIG_DIR": config, "SESAME_URL": server.base_url,
           "SESAME_USERNAME": server.username}
    login = subprocess.run([SESAME, "login"], env=dict(env, SESAME_PASSWORD=server.password), capture_output=True,
                           text=True, timeout=60)
    assert login.returncode == 0, login.stderr
    assert os.path.exists(os.path.join(config, "sessions.sqlite"))
    yield secret_id, env, home
    shutil.rmtree(home, ignore_errors=True)


def traced(args, env):
    """Runs sesame under strace; returns (exit status, stdout, stderr, the trace's lines)."""
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as trace:
        done = subprocess.run(["strace", "-f", "-qq", "-e", "trace=openat,open,connect,clone,clone3,fork,vfork",
                               "-o", trace.name, SESAME, *args], env=env, capture_output=True, text=True, timeout=60)
        return done.returncode, done.stdout, done.stderr, trace.read().splitlines()


def opened(lines):
    """The paths the process opened (successfully or not)."""
    return [m.group(1) for m in (re.search(r'open(?:at)?\([^"]*"([^"]+)"', line) for line in lines) if m]


def threads(lines):
    return [line for line in lines if re.search(r"\b(clone3?|v?fork)\(", line)]


def connections(lines, port):
    return [line for line in lines if "connect(" in line and f"sin_port=htons({port})" in line]


def test_a_stored_session_read_opens_only_its_session_starts_no_thread_and_connects_once(server, signed_in):
    secret_id, env, home = signed_in
    port = int(server.base_url.split(":")[2].split("/")[0])
    status, out, err, lines = traced(["secret", "get", secret_id, "--field", "password"], env)
    assert status == 0, err
    assert out.strip() == "start-up-value"
    paths = opened(lines)
    assert any(p.endswith("/sessions.sqlite") for p in paths), paths
    assert not any(p.endswith("/cache.sqlite") or p.endswith("/cache.key") for p in paths), paths
    assert not any("/.aws/" in p for p in paths), paths
    assert threads(lines) == [], threads(lines)
    assert len(connections(lines, port)) == 1, connections(lines, port)

    # The same through `sesame get` and a reference.
    status, out, err, lines = traced(["get", f"tss://{secret_id}/password"], env)
    assert status == 0, err
    assert out.strip() == "start-up-value"
    assert not any("/.aws/" in p or p.endswith("/cache.sqlite") for p in opened(lines)), opened(lines)
    assert threads(lines) == [], threads(lines)
    assert len(connections(lines, port)) == 1


def test_a_cached_read_opens_the_cache_and_connects_nowhere(server, signed_in):
    secret_id, env, home = signed_in
    port = int(server.base_url.split(":")[2].split("/")[0])
    status, _, err, _ = traced(["secret", "get", secret_id, "--field", "password", "--cache"], env)
    assert status == 0, err
    status, out, err, lines = traced(["secret", "get", secret_id, "--field", "password", "--cache"], env)
    assert status == 0, err
    assert out.strip() == "start-up-value"
    assert any(p.endswith("/cache.sqlite") for p in opened(lines))
    assert connections(lines, port) == []
    assert threads(lines) == []


def test_an_environment_reference_reads_no_session_cache_or_aws_file(server, signed_in):
    _, env, home = signed_in
    status, out, err, lines = traced(["get", "env://START_UP_PROBE"], dict(env, START_UP_PROBE="from-env"))
    assert status == 0, err
    assert out.strip() == "from-env"
    paths = opened(lines)
    assert not any(p.endswith(".sqlite") or "/.aws/" in p or "sesame-config" in p for p in paths), paths
    assert not any("connect(" in line and "AF_INET" in line for line in lines)
    assert threads(lines) == []


def test_run_with_a_stored_session_touches_no_aws_configuration_or_cache(server, signed_in):
    secret_id, env, home = signed_in
    out_file = os.path.join(home, "child-saw")
    status, _, err, lines = traced(
        ["run", "--", "/bin/sh", "-c", f'printf %s "$VALUE" > {out_file}'], dict(env, VALUE=f"tss://{secret_id}/password"))
    assert status == 0, err
    with open(out_file) as f:
        assert f.read() == "start-up-value"
    paths = opened(lines)
    assert any(p.endswith("/sessions.sqlite") for p in paths), paths
    assert not any("/.aws/" in p or p.endswith("/cache.sqlite") for p in paths), paths
