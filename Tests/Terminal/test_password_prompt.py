"""`sesame` on a real terminal (a pseudo-terminal): with no SESAME_PASSWORD it asks for the password,
without echoing it, and signs in with what was typed."""
import os
import pty
import select
import time

from conftest import SESAME


def run_on_terminal(args, env, answers, timeout=30):
    """Runs `args` on a new pseudo-terminal; each time the screen shows a prompt from `answers` (as many times as
    the entry says, once by default), types the answer (and Enter, unless the entry says not to). Returns (exit
    status, everything the terminal showed)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(args[0], args, env)
    screen = b""
    pending = list(answers)
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child closed the terminal
                chunk = b""
            if not chunk:
                _, status = os.waitpid(pid, 0)
                return os.waitstatus_to_exitcode(status), screen.decode(errors="replace")
            screen += chunk
        if pending:
            # (text, answer[, times the text must show[, whether Enter follows]])
            text, answer, *more = pending[0]
            if screen.count(text.encode()) >= (more[0] if more else 1):
                os.write(fd, answer.encode() + (b"\r" if len(more) < 2 or more[1] else b""))
                pending.pop(0)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    raise AssertionError("sesame did not finish on the terminal: " + screen.decode(errors="replace"))


def test_password_prompt_is_hidden_and_used(server):
    status, _, err = server.sesame("secret", "create", "--template", "Password", "--name", "prompted",
                                   "--field", "username=typed-user", "--field", "password=-", stdin="Pw-On-Stdin-1")
    assert status == 0, err
    env = {"PATH": os.environ.get("PATH", ""), "SESAME_URL": server.base_url, "SESAME_USERNAME": "admin",
           "TERM": "dumb"}
    status, screen = run_on_terminal([SESAME, "secret", "get", r"\prompted", "--field", "username"], env,
                                     [("Password for admin:", server.password)])
    assert status == 0, screen
    assert "Password for admin:" in screen
    assert server.password not in screen, "the password was echoed"
    assert "typed-user" in screen


def test_wrong_password_at_the_prompt_fails_with_exit_3(server):
    env = {"PATH": os.environ.get("PATH", ""), "SESAME_URL": server.base_url, "SESAME_USERNAME": "admin",
           "TERM": "dumb"}
    status, screen = run_on_terminal([SESAME, "secret", "get", "1"], env, [("Password for admin:", "not-it-123")])
    assert status == 3, screen
    assert "not-it-123" not in screen


def test_the_terminals_editing_keys_work_at_the_hidden_prompt(server):
    """The prompt reads key by key: erase drops a whole character (a multi-byte one too), Ctrl-U the line, Ctrl-W
    the last word; the answer is what is left."""
    env = {"PATH": os.environ.get("PATH", ""), "SESAME_URL": server.base_url, "SESAME_USERNAME": "admin",
           "TERM": "dumb"}
    typed = "wrong words\x15" + "a b\x17\x17" + server.password + "\u00e9\x7f" + "Z\x7f"
    status, screen = run_on_terminal([SESAME, "secret", "get", "1"], env, [("Password for admin:", typed)])
    assert status in (0, 4, 5), screen  # signed in: the secret's own answer, not exit 3
    assert "wrong" not in screen and server.password not in screen, screen


def test_ctrl_c_at_the_password_prompt_gives_the_terminal_its_echo_back(server):
    """Ctrl-C while the hidden prompt waits: sesame ends as Ctrl-C ends a program, the shell running it gets the
    interrupt too (its trap runs), and the terminal echoes again (the shell's `stty -a` after it shows `echo`, not
    `-echo`). Under load this once failed: the Enter typed after Ctrl-C was read as an empty answer before another
    thread took the signal."""
    env = {"PATH": os.environ.get("PATH", ""), "SESAME_URL": server.base_url, "SESAME_USERNAME": "admin",
           "TERM": "dumb"}
    script = f"trap 'echo got-int' INT; {SESAME} secret get 1; echo status=$?; stty -a"
    status, screen = run_on_terminal(["/bin/sh", "-c", script], env, [("Password for admin:", "\x03")])
    assert "status=130" in screen and "got-int" in screen, screen
    settings = screen[screen.index("status=130"):].split()
    assert "echo" in settings and "-echo" not in settings, "the terminal was left without echo: " + screen


def test_ctrl_c_is_ignored_at_the_prompt_when_sesame_was_started_ignoring_it(server):
    """Started with SIGINT ignored (nohup, a shell's `trap '' INT`), sesame keeps ignoring it: Ctrl-C drops what was
    typed, as the terminal drops its line, and the prompt asks again and takes the answer."""
    env = {"PATH": os.environ.get("PATH", ""), "SESAME_URL": server.base_url, "SESAME_USERNAME": "admin",
           "TERM": "dumb"}
    script = f"trap '' INT; {SESAME} secret get 1; echo status=$?"
    status, screen = run_on_terminal(["/bin/sh", "-c", script], env,
                                     [("Password for admin:", "typed-then-dropped\x03", 1, False),
                                      ("Password for admin:", server.password, 2)])
    assert "status=3" not in screen and "status=130" not in screen and "status=" in screen, screen
    assert server.password not in screen and "typed-then-dropped" not in screen, screen


# Runs a command in a process group of its own in the terminal's foreground, as a shell with job control does, and
# continues it each time it stops (a user typing `fg` at once); says each stop and, at the end, its exit status.
SUPERVISOR = r"""
import os, signal, sys
signal.signal(signal.SIGTTOU, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)
    os.tcsetpgrp(0, os.getpgrp())
    os.execvp(sys.argv[1], sys.argv[1:])
try:
    os.setpgid(pid, pid)
    os.tcsetpgrp(0, pid)
except OSError:
    pass
stops = 0
if os.environ.get("STOP_AFTER"):
    # A stop sesame did not ask for, then the shell's own settings back (echo on) before it is continued.
    import termios, time
    mine = termios.tcgetattr(0)
    time.sleep(float(os.environ["STOP_AFTER"]))
    os.killpg(pid, signal.SIGSTOP)
    os.waitpid(pid, os.WUNTRACED)
    os.tcsetpgrp(0, os.getpgrp())
    termios.tcsetattr(0, termios.TCSADRAIN, mine)
    os.tcsetpgrp(0, pid)
    os.killpg(pid, signal.SIGCONT)
    print("resumed", flush=True)
while True:
    _, status = os.waitpid(pid, os.WUNTRACED)
    if os.WIFSTOPPED(status):
        stops += 1
        print(f"stopped={stops}", flush=True)
        os.tcsetpgrp(0, pid)
        os.kill(-pid, signal.SIGCONT)
        continue
    break
os.tcsetpgrp(0, os.getpgrp())
print(f"status={os.waitstatus_to_exitcode(status)} stops={stops}", flush=True)
"""


def test_ctrl_z_at_the_password_prompt_stops_once_and_asks_again(server):
    """Ctrl-Z at the hidden prompt stops sesame once, as the terminal would; resumed, it asks again and takes the
    answer then (the password is not echoed, before or after)."""
    env = {"PATH": os.environ.get("PATH", ""), "SESAME_URL": server.base_url, "SESAME_USERNAME": "admin",
           "TERM": "dumb"}
    python = os.path.realpath(os.sys.executable)
    status, screen = run_on_terminal([python, "-c", SUPERVISOR, SESAME, "secret", "get", "1"], env,
                                     [("Password for admin:", "\x1a", 1, False), ("Password for admin:", server.password, 2)])
    assert status == 0, screen
    assert "stopped=1" in screen and "stops=1" in screen, "not stopped exactly once: " + screen
    assert screen.count("Password for admin:") == 2, screen
    assert "status=3" not in screen and server.password not in screen, screen


def test_a_stop_from_outside_does_not_let_the_answer_echo_after_it(server):
    """Stopped from outside while the prompt waits and continued after the shell put echo back on, sesame turns echo
    off again: the answer typed after it is not shown."""
    env = {"PATH": os.environ.get("PATH", ""), "SESAME_URL": server.base_url, "SESAME_USERNAME": "admin",
           "TERM": "dumb", "STOP_AFTER": "1"}
    python = os.path.realpath(os.sys.executable)
    status, screen = run_on_terminal([python, "-c", SUPERVISOR, SESAME, "secret", "get", "1"], env,
                                     [("resumed", server.password)])
    assert status == 0 and "resumed" in screen, screen
    # Stopped while the prompt waited (not before sesame asked, when there was nothing to turn off again).
    assert screen.index("Password for admin:") < screen.index("resumed"), screen
    assert server.password not in screen, "the answer was echoed after the stop: " + screen
    assert "status=3" not in screen, screen
