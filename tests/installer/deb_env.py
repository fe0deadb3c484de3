"""Helpers of the Debian package's tests: the .deb `make dist` built, its control fields and files, which of its
dependencies this machine lacks, running its launcher with a scratch home."""
from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from installer import common

NAME = "leifeng-desktop"
DIST = common.ROOT / "dist"
RUN_TIMEOUT_S = 300
QT_PACKAGES = ("libegl1", "libgl1", "libfontconfig1", "libxkbcommon0", "libdbus-1-3", "libglib2.0-0")


def deb_path(version: str | None = None, folder: Path = DIST) -> Path:
    return folder / f"{NAME}_{version or common.version()}_amd64.deb"


def have_dpkg() -> bool:
    return shutil.which("dpkg-deb") is not None and shutil.which("dpkg") is not None


def control(deb: Path) -> dict[str, str]:
    out = subprocess.run(["dpkg-deb", "-f", str(deb)], check=True, capture_output=True, text=True).stdout
    fields: dict[str, str] = {}
    key = ""
    for line in out.splitlines():
        if line.startswith((" ", "\t")):
            fields[key] += "\n" + line.strip()
        else:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def depends(deb: Path) -> list[list[str]]:
    """Depends as groups of alternatives, each a package name without its version."""
    groups = []
    for group in control(deb)["Depends"].split(","):
        groups.append([alt.split("(")[0].strip() for alt in group.split("|")])
    return groups


def installed(package: str) -> bool:
    if shutil.which("dpkg-query") is None:
        return False
    out = subprocess.run(["dpkg-query", "-W", "-f", "${db:Status-Abbrev}", package], capture_output=True, text=True)
    return out.returncode == 0 and out.stdout.startswith("ii")


def missing_depends(deb: Path) -> list[str]:
    """The dependency groups none of whose packages is installed here, as Debian writes them (a | b)."""
    return [" | ".join(group) for group in depends(deb) if not any(installed(p) for p in group)]


@functools.lru_cache(maxsize=2)
def members(deb: Path) -> dict[str, tarfile.TarInfo]:
    """The package's files by path without the leading ./ (opt/leifeng-desktop/…; "" is ./ itself), as dpkg-deb -c
    lists them."""
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        return {m.name.removeprefix(".").removeprefix("/").rstrip("/"): m for m in archive.getmembers()}


def scratch_env(home: Path, window: bool = False) -> dict[str, str]:
    """A private home (data, settings) so a run never touches the real user's files; offscreen Qt."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"), XDG_CONFIG_HOME=str(home / ".config"),
               QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8")
    if window:
        env["LEIFENG_BENCH_FIRST_PAINT"] = "1"   # the window quits after its first paint (main_window.py)
    return env


def run(launcher: Path, home: Path, *args: str, window: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([str(launcher), *args], env=scratch_env(home, window), capture_output=True, text=True,
                          timeout=RUN_TIMEOUT_S)


def counts(check_output: str) -> dict[str, int]:
    """`check`'s record counts by table key (the lines `  单位  unit  13`)."""
    found = {}
    for line in check_output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].isdigit() and parts[1].isidentifier():
            found[parts[1]] = int(parts[2])
    return found
