"""The Python libraries the app runs with, vendored from manylinux wheels into one folder (build/deb/vendor/) that the
package puts on PYTHONPATH: nothing is installed into the system's Python and no venv is needed.

Pure and abi3 wheels serve every CPython ≥ 3.11. A wheel built for one CPython (lxml, cffi) is fetched for each of
3.11, 3.12 and 3.13 and the extension modules of all three go side by side into the same package folder: their file
names carry the version (etree.cpython-312-x86_64-linux-gnu.so), so the system's python3 picks its own at import.
This keeps the package installable offline on a machine without python3-lxml, whatever its python3 (3.11–3.13) is."""
from __future__ import annotations

import json
import shutil
import sys
import zipfile
from pathlib import Path

from installer import common

from . import prune

PYTHONS = ("3.11", "3.12", "3.13")
# Up to the glibc of the oldest target (Debian 12: 2.36); pip takes each tag literally, older ones included.
PLATFORMS = tuple(f"manylinux_2_{minor}_x86_64" for minor in range(36, 16, -1)) + ("manylinux2014_x86_64",)


def _download(dest: Path, requirements: list[str], python: str, no_deps: bool = False) -> None:
    abi = "cp" + python.replace(".", "")
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--dest", dest, "--only-binary=:all:",
           "--implementation", "cp", "--python-version", python, "--abi", abi, "--abi", "abi3", "--abi", "none"]
    for platform in PLATFORMS:
        cmd += ["--platform", platform]
    if no_deps:
        cmd.append("--no-deps")
    common.run(cmd + requirements)


def _dist_name(wheel: Path) -> str:
    return wheel.name.split("-")[0].lower().replace("_", "-").replace(".", "-")


def _cached(python: str) -> list[Path]:
    return sorted(common.build_dir("deb", "wheels", python).glob("*.whl"))


def _fetch(python: str, requirements: list[str], no_deps: bool = False) -> None:
    """Into an emptied folder: a wheel of a version no longer asked for would be installed beside the new one."""
    folder = common.build_dir("deb", "wheels", python)
    for old in folder.glob("*.whl"):
        old.unlink()
    _download(folder, requirements, python, no_deps)


def download(offline: bool = False) -> tuple[list[Path], list[Path]]:
    """The wheels for CPython 3.11, and the version-specific wheels for the others (pip caches the downloads);
    offline: those of the last build (the upgrade test builds N+1 from them)."""
    if not (offline and _cached(PYTHONS[0])):
        _fetch(PYTHONS[0], common.dependencies())
    wheels = [w for w in _cached(PYTHONS[0]) if _dist_name(w) not in prune.NOT_SHIPPED]
    specific = [w for w in wheels if w.name.split("-")[-2].startswith("cp3")]   # the abi tag: cp311, not abi3
    extra = []
    for python in PYTHONS[1:]:
        if not (offline and _cached(python)):
            _fetch(python, [f"{w.name.split('-')[0]}=={w.name.split('-')[1]}" for w in specific], no_deps=True)
        extra += _cached(python)
    return wheels, extra


def _add_extension_modules(wheel: Path, target: Path) -> None:
    """The files of another CPython's wheel that the 3.11 one lacks: its extension modules and bundled libraries."""
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if ".dist-info/" in name or name.endswith("/") or (target / name).exists():
                continue
            if ".cpython-3" in name or ".libs/" in name:
                archive.extract(name, target)


def vendor(app_modules: set[str], offline: bool = False) -> tuple[Path, list[Path]]:
    """build/deb/vendor: the wheels installed and pruned, reused while the same wheels are asked for; the wheels."""
    wheels, extra = download(offline)
    target = common.BUILD / "deb" / "vendor"
    stamp = json.dumps({"wheels": [w.name for w in wheels + extra], "qt": sorted(app_modules),
                        "prune": prune.RULES_VERSION})
    stamp_file = common.BUILD / "deb" / "vendor.stamp"
    if target.is_dir() and stamp_file.exists() and stamp_file.read_text() == stamp:
        print(f"vendored libraries up to date in {target}", flush=True)
        return target, wheels + extra
    shutil.rmtree(target, ignore_errors=True)
    stamp_file.unlink(missing_ok=True)
    common.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--no-compile",
                "--disable-pip-version-check", "--target", target, *wheels])
    for wheel in extra:
        _add_extension_modules(wheel, target)
    prune.prune(target, app_modules)
    stamp_file.write_text(stamp)
    return target, wheels + extra
