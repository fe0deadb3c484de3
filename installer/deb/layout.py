"""The package's file tree: the app and its vendored libraries under /opt, the launcher, the desktop entry and the
icons; the Python sources compiled ahead (the /opt tree is root's, so a clerk's python3 could not cache them)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from installer import common

NAME = "leifeng-desktop"
PREFIX = f"/opt/{NAME}"
LIB = f"{PREFIX}/lib"
TITLE = "学雷锋职工志愿服务工作台"
ICON_SVG = common.ROOT / "resources" / "icons" / "app.svg"

# The system's python3 (Depends: python3 >= 3.11), called by its path so a conda or pyenv python3 first on PATH is
# not used; -s: no ~/.local site-packages; no bytecode written into /opt (the package ships it). The /opt folder is
# found from the script's own place, so an unpacked tree (dpkg -x into a scratch root) runs the same way.
LAUNCHER = f"""#!/bin/sh
# {NAME}: the window without arguments, the command line with them (see `{NAME} --help`).
here=$(dirname "$(readlink -f "$0")")
PYTHONPATH="$here/../..{LIB}"
PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH PYTHONDONTWRITEBYTECODE
exec /usr/bin/python3 -s -m leifeng_desktop "$@"
"""

DESKTOP = f"""[Desktop Entry]
Type=Application
Name={TITLE}
Name[zh_CN]={TITLE}
GenericName=Volunteer service workbench
GenericName[zh_CN]=职工志愿服务登记与统计
Comment=Teams, activities, visits and reports of the worker volunteer service campaign
Comment[zh_CN]=学雷锋职工志愿服务：服务队、活动、走访帮扶、统计和上报材料
Exec={NAME}
Icon={NAME}
Terminal=false
Categories=Office;
Keywords=volunteer;union;学雷锋;志愿服务;工会;
"""

COPYRIGHT = f"""Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: {NAME}

Files: *
License: MIT

Files: {LIB}/*
Comment: the Python libraries the app runs with, vendored from their wheels; each one's licence is in its
 *.dist-info folder beside it (Qt and PySide6: LGPL-3.0, see {LIB}/pyside6_essentials-*.dist-info).
"""


def render_png(svg: Path, png: Path, size: int) -> None:
    """The SVG drawn at size×size by QtSvg (the build's PySide6, offscreen), for menus that want a bitmap."""
    script = ("import sys\nfrom PySide6.QtGui import QGuiApplication, QImage, QPainter, QColor\n"
              "from PySide6.QtSvg import QSvgRenderer\napp = QGuiApplication([])\n"
              "image = QImage(int(sys.argv[3]), int(sys.argv[3]), QImage.Format.Format_ARGB32)\n"
              "image.fill(QColor(0, 0, 0, 0))\npainter = QPainter(image)\n"
              "QSvgRenderer(sys.argv[1]).render(painter)\npainter.end()\n"
              "sys.exit(0 if image.save(sys.argv[2]) else 1)\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, "-c", script, str(svg), str(png), str(size)], check=True, env=env)


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def _compile(lib: Path) -> None:
    """Bytecode for the build's CPython and Debian's python3 when it is another version (the same on Debian 12)."""
    interpreters = [sys.executable]
    system = Path("/usr/bin/python3")
    probe = "import sys; print(sys.version_info[:2])"
    if system.exists() and subprocess.run([system, "-c", probe], capture_output=True, text=True).stdout != \
            subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout:
        interpreters.append(str(system))
    for python in interpreters:
        common.run([python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
                    "-s", lib, "-p", LIB, lib], stdout=subprocess.DEVNULL)


def _normalise_modes(root: Path) -> None:
    """Folders 755, files 644 (shared objects need no execute bit), whatever the build's umask."""
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


def stage(root: Path, vendor: Path, app_wheel: Path) -> None:
    """Everything but DEBIAN/ into root: vendored libraries hard-linked from the cache, the app."""
    lib = root / LIB.lstrip("/")
    shutil.copytree(vendor, lib, copy_function=os.link)
    with zipfile.ZipFile(app_wheel) as archive:
        archive.extractall(lib)
    _compile(lib)
    share = root / "usr" / "share"
    icons = share / "icons" / "hicolor"
    (icons / "scalable" / "apps").mkdir(parents=True)
    shutil.copyfile(ICON_SVG, icons / "scalable" / "apps" / f"{NAME}.svg")
    (icons / "256x256" / "apps").mkdir(parents=True)
    render_png(ICON_SVG, icons / "256x256" / "apps" / f"{NAME}.png", 256)
    _write(share / "applications" / f"{NAME}.desktop", DESKTOP)
    _write(share / "doc" / NAME / "copyright", COPYRIGHT)
    _normalise_modes(root)
    root.chmod(0o755)   # the archive's ./ (a temporary folder is made 0700)
    _write(root / "usr" / "bin" / NAME, LAUNCHER, 0o755)
