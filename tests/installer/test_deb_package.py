"""The Debian package's structure (dpkg-deb -I/-c; issue 16): control fields and Depends, the files it installs and
those it must not carry, the desktop entry and icons, the maintainer scripts."""
from __future__ import annotations

import configparser
import os
import re
import struct
import subprocess

import pytest
from deb_env import control, depends, members

from installer import common
from installer.deb import elf

LIB = "opt/leifeng-desktop/lib"
TITLE = "学雷锋职工志愿服务工作台"
# Qt's xcb platform plugin, its GL integrations and the GUI libraries link these (the list, checked by
# test_depends_cover_what_the_libraries_link against what the shared objects really need).
QT_DEPENDS = ("libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-shape0",
              "libxcb-randr0", "libxcb-render-util0", "libxcb-image0", "libegl1", "libgl1", "libfontconfig1",
              "libdbus-1-3")
NOT_SHIPPED = re.compile(r"Designer|WebEngine|Qml|Quick|Qt3D|Multimedia|/examples/|/designer$|/assistant$|"
                         r"/linguist$|/include/|\.pyi$|/pip/|/qml/|/libexec/")


def test_control_fields(deb_file, capsys):
    fields = control(deb_file)
    assert fields["Package"] == "leifeng-desktop"
    assert fields["Version"] == common.version()
    assert fields["Architecture"] == "amd64"
    assert re.fullmatch(r".+ <[^<>@\s]+@[^<>@\s]+>", fields["Maintainer"])
    installed_kib = int(fields["Installed-Size"])
    assert 20_000 < installed_kib < 400_000
    summary, *body = fields["Description"].splitlines()
    assert summary.isascii() and summary
    assert any(re.search(r"[\u4e00-\u9fff]", line) for line in body)
    with capsys.disabled():
        print(f"\n{deb_file.name}: {deb_file.stat().st_size / 1e6:.1f} MB, installed {installed_kib / 1024:.0f} MB")


def test_depends_name_python_qt_libraries_and_a_cjk_font(deb_file):
    text = control(deb_file)["Depends"]
    assert "python3 (>= 3.11)" in [group.strip() for group in text.split(",")]
    names = {alt for group in depends(deb_file) for alt in group}
    assert set(QT_DEPENDS) <= names
    assert ["fonts-noto-cjk", "fonts-wqy-microhei", "fonts-wqy-zenhei"] in depends(deb_file)
    assert not names & {"python3-lxml", "python3-pyside6", "python3-venv", "python3-pip"}   # all vendored


def test_depends_cover_what_the_libraries_link(deb_root, deb_file):
    """Every library a vendored shared object links is vendored too or comes from a package in Depends."""
    objects = elf.shared_objects(deb_root / LIB)
    assert len(objects) > 30
    vendored = {p.name for p in objects}
    declared = {alt for group in depends(deb_file) for alt in group}
    for path in objects:
        for name in elf.needed(path):
            if name not in vendored:
                packages = {alt.strip() for alt in elf.PACKAGES[name].split("|")}
                assert packages & declared, f"{path.name} needs {name} ({elf.PACKAGES[name]}), not in Depends"


SHARED = ("usr/share/applications/leifeng-desktop.desktop", "usr/share/icons/hicolor/scalable/apps/leifeng-desktop.svg",
          "usr/share/icons/hicolor/256x256/apps/leifeng-desktop.png", "usr/share/doc/leifeng-desktop/copyright")
IN_LIB = ("leifeng_desktop/__main__.py", "leifeng_desktop/forms/team.ui", "leifeng_desktop/resources/style.qss",
          "leifeng_desktop/resources/icons/app.svg", "PySide6/QtCharts.abi3.so", "PySide6/QtUiTools.abi3.so",
          "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqoffscreen.so",
          "PySide6/Qt/plugins/imageformats/libqsvg.so", "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
          "PySide6/Qt/translations/qtbase_zh_CN.qm", "docx/__init__.py", "openpyxl/__init__.py",
          "sqlite_utils/__init__.py", "stdnum/__init__.py", "cryptography/__init__.py", "keyring/__init__.py",
          "click/__init__.py")
OWN_PLACES = ("opt/leifeng-desktop", "usr/bin/leifeng-desktop", "usr/share/applications/", "usr/share/icons/",
              "usr/share/doc/leifeng-desktop")


def test_files_installed(deb_file):
    files = members(deb_file)
    launcher = files["usr/bin/leifeng-desktop"]
    assert launcher.isfile() and launcher.mode & 0o755 == 0o755
    assert launcher.uname == "root" and files[f"{LIB}/leifeng_desktop/__init__.py"].uname == "root"
    for path in [*SHARED, *(f"{LIB}/{name}" for name in IN_LIB)]:
        assert path in files, path
    for minor in (11, 12, 13):   # lxml and cffi for each CPython the package serves, side by side
        assert f"{LIB}/lxml/etree.cpython-3{minor}-x86_64-linux-gnu.so" in files
        assert f"{LIB}/_cffi_backend.cpython-3{minor}-x86_64-linux-gnu.so" in files
    elsewhere = [p for p in files if not files[p].isdir() and not p.startswith(OWN_PLACES)]
    assert elsewhere == []


def test_modes(deb_file):
    """Folders 755 (./ too: dpkg would apply it to /), files 644, only the launcher executable."""
    files = members(deb_file)
    assert files[""].isdir()
    assert {p: oct(m.mode) for p, m in files.items() if m.isdir() and m.mode != 0o755} == {}
    assert {p: oct(m.mode) for p, m in files.items() if m.isfile() and m.mode != 0o644} == \
        {"usr/bin/leifeng-desktop": oct(0o755)}


def test_no_designer_webengine_or_tools(deb_file):
    shipped = [p for p in members(deb_file) if NOT_SHIPPED.search("/" + p)]
    assert shipped == []


def test_sources_come_compiled(deb_file):
    """The /opt tree is root's and the launcher writes no bytecode: every module ships its .pyc for Debian 12's
    CPython 3.11, else each start would compile the app and its libraries again."""
    files = members(deb_file)
    sources = [p for p in files if p.startswith(LIB) and p.endswith(".py")]
    assert len(sources) > 500
    def compiled(source: str) -> str:
        folder, name = source.rsplit("/", 1)
        return f"{folder}/__pycache__/{name.removesuffix('.py')}.cpython-311.pyc"

    assert [p for p in sources if compiled(p) not in files] == []


def test_desktop_entry(deb_root):
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str   # Name[zh_CN] keeps its case
    entry.read_string((deb_root / "usr/share/applications/leifeng-desktop.desktop").read_text(encoding="utf-8"))
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Name"] == TITLE and section["Name[zh_CN]"] == TITLE
    assert "Office" in section["Categories"].split(";")
    assert section["Exec"] == "leifeng-desktop" and section["Icon"] == "leifeng-desktop"
    assert section["Terminal"] == "false"


def test_png_icon_is_256_pixels(deb_root):
    png = (deb_root / "usr/share/icons/hicolor/256x256/apps/leifeng-desktop.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (256, 256)


@pytest.mark.parametrize("script, argument", [("postinst", "configure"), ("postrm", "remove"),
                                              ("postrm", "purge"), ("postrm", "upgrade")])
def test_maintainer_scripts_tolerate_missing_tools(deb_file, tmp_path, script, argument):
    """They only refresh the menu and icon caches, and succeed where those tools are not installed."""
    subprocess.run(["dpkg-deb", "-e", str(deb_file), str(tmp_path / "DEBIAN")], check=True)
    path = tmp_path / "DEBIAN" / script
    assert os.access(path, os.X_OK)
    text = path.read_text()
    assert ".local" not in text and "HOME" not in text   # never the clerk's data
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    done = subprocess.run(["/bin/sh", str(path), argument], env={"PATH": str(empty_path)}, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
