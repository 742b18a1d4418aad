"""Prompts of the machine-identity paths on a real terminal: `sesame login --otp` asks for the password and the
two-factor code (against the local server's TOTP mode), neither echoed; a session store sealed with a passphrase
asks for it when SESAME_SESSION_PASSPHRASE is not set, without echo."""
import base64
import hashlib
import hmac
import os
import struct
import tempfile
import time

from conftest import SESAME, start_server, stop_server
from test_password_prompt import run_on_terminal

SECRET = "KRSXG5CTMVZWC3LFKRSXG5CTMVZWC3LF"


def totp(secret, at=None):
    """RFC 6238: HMAC-SHA1, 30-second steps, 6 digits."""
    key = base64.b32decode(secret)
    counter = struct.pack(">Q", int((at or time.time()) // 30))
    mac = hmac.new(key, counter, hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1_000_000)


def test_login_asks_for_the_two_factor_code_without_echo():
    workdir = tempfile.mkdtemp(prefix="sesame-otp-")
    secrets_file = os.path.join(workdir, "totp")
    with open(secrets_file, "w") as f:
        f.write("admin = %s\n" % SECRET)
    os.chmod(secrets_file, 0o600)
    server = start_server(["--totp-secrets", secrets_file])
    try:
        env = {"PATH": os.environ.get("PATH", ""), "TERM": "dumb", "SESAME_CONFIG_DIR": os.path.join(workdir, "config")}
        # Wait for a fresh step, so the code typed is not one the server saw (none was) and stays valid while typed.
        if time.time() % 30 > 25:
            time.sleep(30 - time.time() % 30 + 0.5)
        code = totp(SECRET)
        status, screen = run_on_terminal(
            [SESAME, "login", "--url", server.base_url, "--username", "admin", "--otp"], env,
            [("Password for admin:", server.password), ("Two-factor code for admin:", code)])
        assert status == 0, screen
        assert "Two-factor code for admin:" in screen and "Signed in" in screen
        assert code not in screen and server.password not in screen, "a secret was echoed"
        # Without --otp nor SESAME_OTP, the server says a code is needed.
        status, screen = run_on_terminal(
            [SESAME, "login", "--url", server.base_url, "--username", "admin"], env, [("Password for admin:", server.password)])
        assert status != 0 and "Login failed" in screen and "--otp" in screen, screen
    finally:
        stop_server(server)


def test_a_passphrase_sealed_session_store_asks_for_its_passphrase(server):
    config = tempfile.mkdtemp(prefix="sesame-passphrase-")
    passphrase = "Typed-Store-Passphrase-7"
    base = {"PATH": os.environ.get("PATH", ""), "TERM": "dumb", "SESAME_CONFIG_DIR": config}
    status, screen = run_on_terminal(
        [SESAME, "login", "--url", server.base_url, "--username", "admin"], base,
        [("Password for admin:", server.password)])
    # No store yet and no SESAME_SESSION_PASSPHRASE: the key file is used, no passphrase asked.
    assert status == 0, screen
    assert "Session store passphrase:" not in screen
    assert os.path.exists(os.path.join(config, "sessions.key"))

    sealed = tempfile.mkdtemp(prefix="sesame-passphrase-")
    env = dict(base, SESAME_CONFIG_DIR=sealed)
    status, screen = run_on_terminal(
        [SESAME, "login", "--url", server.base_url, "--username", "admin"], dict(env, SESAME_SESSION_PASSPHRASE=passphrase),
        [("Password for admin:", server.password)])
    assert status == 0, screen
    assert os.path.exists(os.path.join(sealed, "sessions.passphrase"))
    assert not os.path.exists(os.path.join(sealed, "sessions.key"))
    status, screen = run_on_terminal([SESAME, "user", "list"], env,
                                     [("Session store passphrase:", passphrase)])
    assert status == 0, screen
    assert "Session store passphrase:" in screen and "admin" in screen
    assert passphrase not in screen, "the passphrase was echoed"
