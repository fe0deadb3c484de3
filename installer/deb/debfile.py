"""DEBIAN/: the control file (Depends from what the vendored shared objects link), the maintainer scripts that only
refresh the menu and icon caches, md5sums; then dpkg-deb."""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from installer import common

from . import elf
from .layout import LIB, NAME

MAINTAINER = "Leifeng Desktop developers <leifeng-desktop@localhost>"
PYTHON = "python3 (>= 3.11)"
FONTS = "fonts-noto-cjk | fonts-wqy-microhei | fonts-wqy-zenhei"   # Qt draws Chinese as boxes without one
DESCRIPTION = """offline desk app for the workers' volunteer service campaign
 Leifeng Desktop keeps a trade-union office's volunteer teams and rosters, activities and each volunteer's
 hours, the visiting campaign and hardship aid, and writes the campaign's Word forms, Excel ledgers and
 summary materials. One SQLite file in the user's data folder; no network needed.
 .
 学雷锋职工志愿服务工作台：服务队登记、志愿服务活动、走访帮扶、统计和上报材料，离线使用。"""

# Both only refresh the caches the desktop menu reads; a system without the tools (or with dpkg triggers doing the
# same) is fine. Neither touches a clerk's data.
CACHES = """  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q /usr/share/applications || true
  fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
  fi
"""
POSTINST = f"""#!/bin/sh
set -e
if [ "$1" = configure ]; then
{CACHES}fi
exit 0
"""
POSTRM = f"""#!/bin/sh
set -e
if [ "$1" = remove ] || [ "$1" = purge ]; then
{CACHES}fi
exit 0
"""


def glibc_floor(wheels: list[Path]) -> str:
    """The newest glibc a wheel's manylinux tag asks for (PySide6 6.11: 2.34), as libc6's minimum version."""
    minors = [int(m) for w in wheels for m in re.findall(r"manylinux_2_(\d+)_", w.name)]
    minors += [17 for w in wheels if "manylinux2014" in w.name]
    return f"2.{max(minors)}" if minors else "2.17"


def depends(root: Path, wheels: list[Path]) -> list[str]:
    lib = root / LIB.lstrip("/")
    objects = elf.shared_objects(lib)
    vendored = {p.name for p in objects}
    system = {name for p in objects for name in elf.needed(p)} - vendored
    packages = [f"libc6 (>= {glibc_floor(wheels)})" if p == "libc6" else p for p in elf.depends(system)]
    return [PYTHON, *packages, FONTS]


def installed_size(root: Path) -> int:
    """In KiB as dpkg counts it: each file rounded up, each folder one."""
    total = 0
    for folder, dirs, files in os.walk(root):
        if Path(folder) == root / "DEBIAN":
            continue
        total += len(dirs) + sum(-(-os.lstat(os.path.join(folder, f)).st_size // 1024) for f in files)
    return total


def control(root: Path, version: str, wheels: list[Path]) -> str:
    return (f"Package: {NAME}\nVersion: {version}\nArchitecture: amd64\nMaintainer: {MAINTAINER}\n"
            f"Installed-Size: {installed_size(root)}\nDepends: {', '.join(depends(root, wheels))}\n"
            f"Section: misc\nPriority: optional\nDescription: {DESCRIPTION}\n")


def md5sums(root: Path) -> str:
    lines = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "DEBIAN" not in p.relative_to(root).parts):
        digest = hashlib.md5(path.read_bytes()).hexdigest()   # noqa: S324 -- dpkg's own format, not security
        lines.append(f"{digest}  {path.relative_to(root).as_posix()}\n")
    return "".join(lines)


def write_debian(root: Path, version: str, wheels: list[Path]) -> None:
    debian = root / "DEBIAN"
    debian.mkdir(exist_ok=True)
    for name, text, mode in (("postinst", POSTINST, 0o755), ("postrm", POSTRM, 0o755),
                             ("md5sums", md5sums(root), 0o644), ("control", control(root, version, wheels), 0o644)):
        (debian / name).write_text(text, encoding="utf-8")
        (debian / name).chmod(mode)


def build(root: Path, out: Path, compress: str) -> Path:
    version = next(line.split(": ", 1)[1] for line in (root / "DEBIAN" / "control").read_text().splitlines()
                   if line.startswith("Version: "))
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"{NAME}_{version}_amd64.deb"
    part = deb.with_name(deb.name + ".part")   # a half-written .deb is never taken for the package
    common.run(["dpkg-deb", "--root-owner-group", f"-Z{compress}", "--build", root, part])
    os.replace(part, deb)
    return deb

