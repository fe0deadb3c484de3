"""Only what the app uses of the wheels: PySide6's Python modules the app imports, the Qt libraries those and the
kept plugins link (followed through DT_NEEDED), the plugins a desktop session needs, Qt's zh_CN catalogues. No
Designer, WebEngine, QML, tools, headers, type stubs or examples."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from . import elf

RULES_VERSION = 1   # bump when the rules change, so a cached vendor/ is rebuilt

PYSIDE_FILES = {"__init__.py", "_config.py", "_git_pyside_version.py", "support", "Qt"}
QT_FOLDERS = {"lib", "plugins", "translations"}
TRANSLATIONS = {"qt_zh_CN.qm", "qtbase_zh_CN.qm"}   # what ui/app.py installs
# X11 (xcb) and its GL integrations; offscreen for tests and the start bench; the portal theme for file dialogs
# on a portal desktop; compose and ibus input methods; the picture formats a clerk's photos and our icons come in.
PLUGINS = {
    "platforms": {"libqxcb.so", "libqoffscreen.so", "libqminimal.so"},
    "xcbglintegrations": {"libqxcb-egl-integration.so", "libqxcb-glx-integration.so"},
    "platformthemes": {"libqxdgdesktopportal.so"},
    "platforminputcontexts": {"libcomposeplatforminputcontextplugin.so", "libibusplatforminputcontextplugin.so"},
    "imageformats": {"libqgif.so", "libqico.so", "libqjpeg.so", "libqsvg.so", "libqwebp.so"},
    "iconengines": {"libqsvgicon.so"},
}
NOT_SHIPPED = ("bin", "pip")   # console scripts; sqlite-utils' pip (for its `install` command, never run by the app)
BULKY = ("*.pyi", "*.pyx", "*.pxd", "*.h")


def qt_modules(app_wheel: Path) -> set[str]:
    """The PySide6 modules the app's code imports (QtCore, QtWidgets, QtCharts …)."""
    found: set[str] = set()
    with zipfile.ZipFile(app_wheel) as archive:
        for name in archive.namelist():
            if name.endswith(".py"):
                text = archive.read(name).decode("utf-8")
                found.update(re.findall(r"PySide6\.(Qt\w+)", text))
                for names in re.findall(r"from PySide6 import ([\w, ()]+)", text):
                    found.update(re.findall(r"Qt\w+", names))
    return found


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _keep_only(folder: Path, keep: set[str]) -> None:
    for path in folder.iterdir():
        if path.name not in keep:
            _remove(path)


def _prune_pyside(pyside: Path, modules: set[str]) -> None:
    keep = PYSIDE_FILES | {f"{m}.abi3.so" for m in modules}
    keep |= {p.name for p in pyside.glob("libpyside6.abi3.so*")}
    _keep_only(pyside, keep)
    qt = pyside / "Qt"
    _keep_only(qt, QT_FOLDERS)
    _keep_only(qt / "plugins", set(PLUGINS))
    for kind, names in PLUGINS.items():
        _keep_only(qt / "plugins" / kind, names)
    _keep_only(qt / "translations", TRANSLATIONS)


def _prune_qt_libs(target: Path) -> None:
    """Qt/lib keeps the libraries reached from every other shared object (modules, plugins), transitively."""
    lib = target / "PySide6" / "Qt" / "lib"
    available = {p.name: p for p in lib.iterdir() if p.is_file() and elf.is_elf(p)}
    todo = [p for p in elf.shared_objects(target) if p.parent != lib]
    reached: set[str] = set()
    while todo:
        for name in elf.needed(todo.pop()):
            if name in available and name not in reached:
                reached.add(name)
                todo.append(available[name])
    for path in lib.iterdir():
        if path.name not in reached:
            _remove(path)


def prune(target: Path, modules: set[str]) -> None:
    for name in NOT_SHIPPED:
        for path in [target / name, *target.glob(f"{name}-*.dist-info")]:
            if path.exists():
                _remove(path)
    _prune_pyside(target / "PySide6", modules)
    for pattern in BULKY:
        for path in target.rglob(pattern):
            path.unlink()
    includes = target / "lxml" / "includes"
    if includes.is_dir():
        shutil.rmtree(includes)
    _prune_qt_libs(target)
