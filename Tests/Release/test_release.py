"""The release files of scripts/release (issue 21), as a user installs them: the archive unpacked and checked, the .deb
installed with Debian's dpkg into a root of its own and removed, scripts/install into a prefix and uninstalled. From
each: `sesame --version` and `sesame demo` run, and `ldd` shows no Swift runtime library.

scripts/test makes the files first (SESAME_DIST names the folder)."""
import glob
import os
import re
import shutil
import subprocess
import tarfile
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIST = os.environ.get("SESAME_DIST")
SWIFT_RUNTIME = re.compile(r"lib(swift\w*|Foundation\w*|dispatch|BlocksRuntime|_FoundationICU|XCTest)\.so")


def version():
    with open(os.path.join(ROOT, "Sources/SesameCLI/Support/BuildInfo.swift")) as f:
        return re.search(r'static let version = "([^"]+)"', f.read()).group(1)


@pytest.fixture(scope="module")
def dist():
    if not DIST or not glob.glob(os.path.join(DIST, "*.tar.gz")):
        if os.environ.get("CI") == "true":
            pytest.fail("no release files: SESAME_DIST must name scripts/release's folder")
        pytest.skip("no release files (run scripts/release --out DIR and set SESAME_DIST=DIR)")
    return DIST


def run(*command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)


def check_installed(sesame):
    """--version says this version; demo runs its whole job; no Swift runtime, C++, SQLite or zlib library is linked."""
    linked = run("ldd", sesame).stdout
    assert "not found" not in linked and not SWIFT_RUNTIME.search(linked), linked
    # libstdc++, SQLite and zlib are linked in from Debian's static archives (scripts/install): only glibc's are shared.
    assert not re.search(r"lib(stdc\+\+|sqlite3|z)\.so", linked), linked
    # Hardened as scripts/install says: position-independent, full RELRO (relocations bound at start, then read-only),
    # a stack that cannot run code, and no symbol of its own exported.
    headers = run("readelf", "-lhdW", "--dyn-syms", sesame).stdout
    assert "Position-Independent Executable" in headers, headers[:400]
    assert re.search(r"GNU_RELRO", headers) and re.search(r"\(FLAGS\)\s+BIND_NOW", headers), headers[:2000]
    stack = re.search(r"GNU_STACK(\s+\S+){5}\s+(\S+)", headers)
    assert stack and "E" not in stack.group(2), headers[:2000]
    exported = [line for line in headers.splitlines() if re.search(r"\s(FUNC|OBJECT)\s+GLOBAL\s+DEFAULT\s+\d+\s", line)]
    assert not exported, exported[:5]
    # No library search path of its own: with $ORIGIN the loader looked for glibc's libraries in the binary's folder
    # first (a library put beside it would be loaded), 22 failed opens at every start.
    assert not re.search(r"\((RUNPATH|RPATH)\)", headers), re.findall(r".*PATH.*", headers)
    done = run(sesame, "--version")
    assert done.returncode == 0 and done.stdout.startswith(f"sesame {version()} "), done.stdout + done.stderr
    home = tempfile.mkdtemp(prefix="sesame-release-home-")
    try:
        env = {"PATH": "/usr/bin:/bin", "HOME": home, "SESAME_CONFIG_DIR": os.path.join(home, "config")}
        demo = run(sesame, "demo", env=env, cwd=home)
        assert demo.returncode == 0, demo.stdout + demo.stderr
        assert "Done. Run your own: sesame server --dev" in demo.stdout, demo.stdout
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_the_archive(dist):
    name = f"sesame-{version()}-linux-x86_64"
    archive = os.path.join(dist, name + ".tar.gz")
    checked = run("sha256sum", "-c", "SHA256SUMS", cwd=dist)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    where = tempfile.mkdtemp(prefix="sesame-release-")
    try:
        with tarfile.open(archive) as tar:
            members = tar.getmembers()
            assert all((m.name == name or m.name.startswith(name + "/")) and m.uid == 0 for m in members)
            tar.extractall(where, filter="data")
        top = os.path.join(where, name)
        for path in ["bin/sesame", "share/man/man1/sesame.1", "share/bash-completion/completions/sesame",
                     "share/zsh/site-functions/_sesame", "share/fish/vendor_completions.d/sesame.fish", "LICENSE",
                     "share/doc/sesame/THIRD-PARTY-LICENSES", "SHA256SUMS"]:
            assert os.path.isfile(os.path.join(top, path)), path
        assert not os.path.exists(os.path.join(top, "share/sesame")), "scripts/install's manifest is not for an archive"
        inner = run("sha256sum", "-c", "SHA256SUMS", cwd=top)
        assert inner.returncode == 0, inner.stdout + inner.stderr
        sesame = os.path.join(top, "bin/sesame")
        assert os.stat(sesame).st_mode & 0o777 == 0o755
        # Stripped: no symbol table left.
        assert "no symbols" in run("nm", sesame).stderr
        check_installed(sesame)
        # The completion script loads in bash and completes the subcommands.
        bash = run("bash", "-c", f"source {top}/share/bash-completion/completions/sesame && complete -p sesame")
        assert bash.returncode == 0 and "sesame" in bash.stdout, bash.stderr
        with open(os.path.join(top, "share/man/man1/sesame.1")) as f:
            page = f.read()
            assert ".Dt SESAME 1" in page and ".Sh NAME" in page and "secret get" in page
    finally:
        shutil.rmtree(where, ignore_errors=True)


def test_the_deb_with_dpkg(dist):
    deb = os.path.join(dist, f"sesame_{version()}_amd64.deb")
    info = run("dpkg-deb", "--info", deb).stdout
    assert "Package: sesame" in info and f"Version: {version()}" in info and "Architecture: amd64" in info, info
    assert not re.search(r"Depends:.*swift", info, re.IGNORECASE)
    # A root of its own: the machine's package database copied in, so the dependencies (libc6) are met as they are.
    root = tempfile.mkdtemp(prefix="sesame-dpkg-")
    try:
        admin = os.path.join(root, "var/lib/dpkg")
        for folder in ("updates", "info", "triggers"):
            os.makedirs(os.path.join(admin, folder), exist_ok=True)
        shutil.copy("/var/lib/dpkg/status", os.path.join(admin, "status"))
        dpkg = ["dpkg", "--force-not-root", "--force-script-chrootless", f"--root={root}"]
        installed = run(*dpkg, "-i", deb)
        assert installed.returncode == 0, installed.stdout + installed.stderr
        listed = run(*dpkg, "-L", "sesame").stdout
        for path in ["/usr/bin/sesame", "/usr/share/man/man1/sesame.1.gz", "/usr/share/zsh/vendor-completions/_sesame",
                     "/usr/share/bash-completion/completions/sesame", "/usr/share/doc/sesame/copyright"]:
            assert path in listed, listed
        # Depends names the versions the binary's symbols need (dpkg-shlibdeps), never a Swift runtime package.
        assert re.search(r"Depends:.*libc6 \(>= 2\.\d+\)", info), info
        check_installed(os.path.join(root, "usr/bin/sesame"))
        removed = run(*dpkg, "--purge", "sesame")
        assert removed.returncode == 0, removed.stdout + removed.stderr
        left = [path for path in glob.glob(os.path.join(root, "usr/**"), recursive=True) if "sesame" in os.path.relpath(path, root)]
        assert left == [], left
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_scripts_install_and_uninstall():
    """scripts/install into a prefix named relative to where it is run (its release build is the one scripts/release
    made, so nothing is rebuilt here), then --uninstall: what it put there goes, what was there before stays (a file
    in bin/, the folder and its mode)."""
    if not glob.glob(os.path.join(ROOT, ".build-release/*/release/sesame")):
        if os.environ.get("CI") == "true":
            pytest.fail("no release build in .build-release (scripts/test runs scripts/release first)")
        pytest.skip("no release build in .build-release")
    where = tempfile.mkdtemp(prefix="sesame-prefix-")
    prefix = os.path.join(where, "local")
    try:
        os.makedirs(os.path.join(prefix, "bin"))
        os.chmod(os.path.join(prefix, "bin"), 0o2775)
        with open(os.path.join(prefix, "bin/other-tool"), "w") as f:
            f.write("#!/bin/sh\n")
        done = run(os.path.join(ROOT, "scripts/install"), "--prefix", "local", cwd=where)
        assert done.returncode == 0, done.stdout + done.stderr
        assert os.path.isfile(os.path.join(prefix, "share/zsh/site-functions/_sesame"))
        assert os.stat(os.path.join(prefix, "bin")).st_mode & 0o7777 == 0o2775
        check_installed(os.path.join(prefix, "bin/sesame"))
        gone = run(os.path.join(ROOT, "scripts/install"), "--prefix", prefix, "--uninstall")
        assert gone.returncode == 0, gone.stderr
        left = sorted(os.path.relpath(os.path.join(d, n), prefix) for d, dirs, files in os.walk(prefix) for n in dirs + files)
        assert left == ["bin", "bin/other-tool"], left
        assert os.stat(os.path.join(prefix, "bin")).st_mode & 0o7777 == 0o2775
        again = run(os.path.join(ROOT, "scripts/install"), "--prefix", prefix, "--bogus")
        assert again.returncode != 0 and "unknown argument" in again.stderr
        nothing = run(os.path.join(ROOT, "scripts/install"), "--prefix", prefix, "--uninstall")
        assert nothing.returncode != 0 and "no install manifest" in nothing.stderr
    finally:
        shutil.rmtree(where, ignore_errors=True)
