"""The Debian package at work (issue 16): unpacked into a scratch root (any user), the launcher runs the CLI on a
database in a folder with Chinese characters and a space and the window offscreen to its first paint, on the
system's python3 and on the other CPythons the package serves; installed for real with dpkg (root, as in CI), the
same, nothing written into the package's files, and removed cleanly; N+1 installed over N keeps the records."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from deb_env import NAME, counts, deb_path, installed, missing_depends, run, scratch_env

from installer import common

LIB = "opt/leifeng-desktop/lib"
SYSTEM_PYTHON = Path("/usr/bin/python3")
BUILD_TIMEOUT_S = 1800
STAY_UP_S = 5


def _python_ok(python: str, minimum: tuple[int, int] = (3, 11)) -> bool:
    probe = f"import sys; sys.exit(sys.version_info[:2] < {minimum})"
    try:
        return subprocess.run([python, "-c", probe], capture_output=True, timeout=60).returncode == 0
    except OSError:
        return False


def _needs_system_python() -> None:
    if not _python_ok(str(SYSTEM_PYTHON)):
        pytest.skip("python3 (>= 3.11) is missing: the package runs on the system's /usr/bin/python3")


def _needs_qt_libraries(deb: Path) -> None:
    missing = [group for group in missing_depends(deb) if not group.startswith(("python3", "fonts-"))]
    if missing:
        pytest.skip(f"the window needs Debian packages {', '.join(missing)}")


def _demo_and_check(launcher: Path, home: Path, db: Path) -> dict[str, int]:
    made = run(launcher, home, "--db", str(db), "demo")
    assert made.returncode == 0, made.stderr
    checked = run(launcher, home, "--db", str(db), "check")
    assert checked.returncode == 0, checked.stderr
    assert "完整性检查：正常" in checked.stdout
    found = counts(checked.stdout)
    assert found["team"] > 0 and found["activity"] > 0
    return found


def _window(launcher: Path, home: Path, db: Path) -> None:
    shown = run(launcher, home, "--db", str(db), window=True)
    assert shown.returncode == 0, shown.stderr
    assert "first-paint" in shown.stderr


def _window_stays_up(launcher: Path, home: Path, db: Path) -> None:
    """Left running a few seconds (pages made later, timers), the window is still there and logged no error."""
    window = subprocess.Popen([str(launcher), "--db", str(db)], env=scratch_env(home), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            window.wait(timeout=STAY_UP_S)
    finally:
        window.terminate()
        _out, err = window.communicate(timeout=60)
    assert "Traceback" not in err
    log = home / ".local" / "share" / "LeifengDesktop" / "leifeng.log"
    assert not log.exists() or "Traceback" not in log.read_text(encoding="utf-8", errors="replace")


def _files_under(folder: Path) -> set[str]:
    return {os.path.join(d, f) for d, _dirs, files in os.walk(folder) for f in files}


# --- unpacked into a scratch root ------------------------------------------------------------------------------


def test_cli_from_scratch_root(deb_root, tmp_path):
    _needs_system_python()
    before = _files_under(deb_root)
    db = tmp_path / "用户 张三" / "工作台 数据.db"
    db.parent.mkdir()
    _demo_and_check(deb_root / "usr" / "bin" / NAME, tmp_path / "home", db)
    assert _files_under(deb_root) == before   # no bytecode or anything else written beside the program


def test_data_in_the_users_data_folder(deb_root, tmp_path):
    _needs_system_python()
    home = tmp_path / "home"
    made = run(deb_root / "usr" / "bin" / NAME, home, "demo")
    assert made.returncode == 0, made.stderr
    assert (home / ".local" / "share" / "LeifengDesktop" / "leifeng.db").is_file()


def test_window_from_scratch_root(deb_root, deb_file, tmp_path):
    _needs_system_python()
    _needs_qt_libraries(deb_file)
    db = tmp_path / "用户 张三" / "工作台.db"
    db.parent.mkdir()
    launcher = deb_root / "usr" / "bin" / NAME
    assert run(launcher, tmp_path / "home", "--db", str(db), "demo").returncode == 0
    _window(launcher, tmp_path / "home", db)
    _window_stays_up(launcher, tmp_path / "home", db)


def _other_python(minor: int) -> str | None:
    """python3.<minor> on PATH or under pyenv, when it runs (a pyenv shim of another version does not)."""
    found = [shutil.which(f"python3.{minor}"), *sorted(glob.glob(os.path.expanduser(
        f"~/.pyenv/versions/3.{minor}.*/bin/python3.{minor}")))]
    return next((p for p in found if p and _python_ok(p)), None)


@pytest.mark.parametrize("minor", [11, 12, 13])
def test_each_cpython_finds_its_extension_modules(deb_root, tmp_path, minor):
    """lxml and cffi are vendored for CPython 3.11–3.13 side by side; each interpreter imports its own."""
    python = _other_python(minor)
    if python is None:
        pytest.skip(f"python3.{minor} is not installed here")
    env = scratch_env(tmp_path / "home")
    env.update(PYTHONPATH=str(deb_root / LIB), PYTHONDONTWRITEBYTECODE="1")
    probe = ("import sys, lxml.etree, _cffi_backend, docx, openpyxl, sqlite_utils, keyring\n"
             "from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
             "from PySide6 import QtCharts, QtUiTools, QtWidgets\n"
             "app = QtWidgets.QApplication([])\n"
             f"assert lxml.etree.__file__.endswith('cpython-3{minor}-x86_64-linux-gnu.so'), lxml.etree.__file__\n"
             "assert 'opt/leifeng-desktop' in lxml.etree.__file__, lxml.etree.__file__\n")
    done = subprocess.run([python, "-s", "-c", probe], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    db = tmp_path / "数据 文件.db"
    for args in (["demo"], ["check"]):
        ran = subprocess.run([python, "-s", "-m", "leifeng_desktop", "--db", str(db), *args], env=env,
                             capture_output=True, text=True, timeout=300)
        assert ran.returncode == 0, ran.stderr


# --- installed with dpkg (root) --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def can_install(deb_file) -> None:
    if os.geteuid() != 0:
        pytest.skip("installing with dpkg -i needs root (CI runs as root)")
    _needs_system_python()
    missing = missing_depends(deb_file)
    if missing:
        pytest.skip(f"the package needs Debian packages {', '.join(missing)}")
    if installed(NAME):
        pytest.skip(f"{NAME} is installed on this machine already: the tests would replace it")


@pytest.fixture
def dpkg_install(can_install):
    """dpkg -i of a .deb; whatever the test did, the package is purged after it."""
    def install(deb: Path) -> None:
        done = subprocess.run(["dpkg", "-i", str(deb)], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
    yield install
    subprocess.run(["dpkg", "--purge", NAME], capture_output=True, timeout=600)


def _installed_version() -> str:
    return subprocess.run(["dpkg-query", "-W", "-f", "${Version}", NAME], capture_output=True, text=True).stdout


def test_installed_with_dpkg(dpkg_install, deb_file, tmp_path):
    dpkg_install(deb_file)
    assert _installed_version() == common.version()
    launcher = Path("/usr/bin") / NAME
    db = tmp_path / "用户 张三" / "工作台.db"
    db.parent.mkdir()
    _demo_and_check(launcher, tmp_path / "home", db)
    _window(launcher, tmp_path / "home", db)
    _window_stays_up(launcher, tmp_path / "home", db)
    listed = set(subprocess.run(["dpkg", "-L", NAME], capture_output=True, text=True, check=True).stdout.split("\n"))
    assert _files_under(Path("/opt") / NAME) <= listed   # nothing written beside the program
    verified = subprocess.run(["dpkg", "--verify", NAME], capture_output=True, text=True)
    assert verified.returncode == 0 and verified.stdout == ""   # and its files as shipped
    removed = subprocess.run(["dpkg", "-r", NAME], capture_output=True, text=True, timeout=600)
    assert removed.returncode == 0, removed.stderr
    assert not (Path("/opt") / NAME).exists() and not launcher.exists()
    assert not Path("/usr/share/applications/leifeng-desktop.desktop").exists()


@pytest.fixture(scope="module")
def next_deb(can_install, tmp_path_factory) -> Path:
    """Version N+1 of the same sources (python -m installer.deb --version …, from the wheels make dist fetched)."""
    out = tmp_path_factory.mktemp("deb-next")
    version = f"{common.version()}+upgradetest1"
    subprocess.run([sys.executable, "-m", "installer.deb", "--out", str(out), "--version", version,
                    "--compress", "none", "--offline"], cwd=common.ROOT, check=True, timeout=BUILD_TIMEOUT_S,
                   stdout=subprocess.DEVNULL)
    return deb_path(version, out)


def test_upgrade_keeps_the_records(dpkg_install, deb_file, next_deb, tmp_path):
    dpkg_install(deb_file)
    launcher = Path("/usr/bin") / NAME
    home = tmp_path / "home"
    db = tmp_path / "用户 张三" / "工作台.db"
    db.parent.mkdir()
    before = _demo_and_check(launcher, home, db)
    dpkg_install(next_deb)
    assert _installed_version() == f"{common.version()}+upgradetest1"
    checked = run(launcher, home, "--db", str(db), "check")
    assert checked.returncode == 0, checked.stderr
    assert counts(checked.stdout) == before
    _window(launcher, home, db)
