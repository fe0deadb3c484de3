"""The setup program itself under Wine (a 64-bit NSIS program, which Wine 8's wine64 runs), for the Windows user
张三: a silent per-user install into C:\\users\\张三\\AppData\\Local\\Programs\\LeifengDesktop with its shortcuts and
Programs-and-Features entry; the installed CLI sets up the clerk's database in %APPDATA%\\LeifengDesktop; an install
over it (an upgrade) removes the old program files first and the records are still there; the uninstaller removes
the program and keeps the data. The tests run in file order on one installation."""
from __future__ import annotations

import sqlite3
import subprocess

import pytest
from windows_env import USER, Wine, windows_setup

from installer.windows import nsis, payload

TITLE = nsis.TITLE


@pytest.fixture(scope="module")
def user(wine: Wine):
    return wine.user_folder()


@pytest.fixture(scope="module")
def folder(wine: Wine, user):
    done = wine.run(windows_setup(), "/S")
    assert done.returncode == 0, said(done)
    return user / "AppData" / "Local" / "Programs" / "LeifengDesktop"


def said(done: subprocess.CompletedProcess) -> str:
    return done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")


def data_folder(user):
    return user / "AppData" / "Roaming" / "LeifengDesktop"


def registry(wine: Wine) -> str:
    done = wine.run("reg", "query", "HKCU\\" + nsis.UNINSTALL_KEY)
    return said(done) if done.returncode == 0 else ""


def shortcuts(user):
    programs = user / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu" / "Programs"
    return [programs / f"{TITLE}.lnk", user / "Desktop" / f"{TITLE}.lnk"]


UNIT = "越秀区总工会"


def units(db) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT name FROM unit ORDER BY name")]


def test_install_puts_the_program_and_its_shortcuts(wine, user, folder):
    assert user.name == USER
    assert (folder / "runtime" / "pythonw.exe").is_file()
    assert (folder / "leifeng-desktop.cmd").is_file() and (folder / payload.ICON_NAME).is_file()
    assert (folder / "uninstall.exe").is_file()
    compiled = folder / "runtime" / "Lib" / "site-packages" / "leifeng_desktop" / "__pycache__"
    assert any(compiled.glob("__main__.cpython-313.pyc"))   # compiled at install: the first start is not slower
    for link in shortcuts(user):
        assert link.is_file(), link
    entry = registry(wine)
    for value in ("DisplayName", "DisplayVersion", "Publisher", "DisplayIcon", "EstimatedSize", "UninstallString"):
        assert value in entry
    assert payload.ICON_NAME in entry


def test_the_installed_cli_keeps_data_in_appdata(wine, user, folder):
    done = wine.run(folder / "runtime" / "python.exe", "-m", "leifeng_desktop", "init", "--city", "广州市",
                    "--unit", UNIT, "--level", "区县总工会", "--operator", "王芳")
    assert done.returncode == 0, said(done)
    assert UNIT in units(data_folder(user) / "leifeng.db")


def test_upgrade_replaces_the_program_and_keeps_the_records(wine, user, folder):
    db = data_folder(user) / "leifeng.db"
    before = units(db)
    stale = folder / "runtime" / "Lib" / "site-packages" / "left_by_the_old_version.py"
    stale.write_text("")
    done = wine.run(windows_setup(), "/S")
    assert done.returncode == 0, said(done)
    assert not stale.exists()
    done = wine.run(folder / "runtime" / "python.exe", "-m", "leifeng_desktop", "check")
    assert done.returncode == 0, said(done)
    assert "完整性检查：正常" in said(done)
    assert units(db) == before and UNIT in before


def test_uninstall_keeps_the_data(wine, user, folder):
    db = data_folder(user) / "leifeng.db"
    kept = db.read_bytes()
    # _?= runs the uninstaller in place, so Wine waits for it (it cannot remove itself then)
    done = wine.run(folder / "uninstall.exe", "/S", "_?=" + wine.windows_path(folder))
    assert done.returncode == 0, said(done)
    assert not (folder / "runtime").exists()
    assert not (folder / "leifeng-desktop.cmd").exists()
    for link in shortcuts(user):
        assert not link.exists(), link
    assert "DisplayName" not in registry(wine)
    assert db.read_bytes() == kept
