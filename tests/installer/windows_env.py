"""What the Windows smoke tests share besides fixtures: where the build put things, and Wine."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from installer import common

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
NEEDS_DIST = "run `make dist` first (needs Debian packages nsis, wine64)"
WINDOWS_PAYLOAD = ROOT / "build" / "windows" / "payload"
WINE_TIMEOUT_S = 600
USER = "张三"


def windows_setup() -> Path:
    return DIST / f"LeifengDesktop-Setup-{common.version()}.exe"


def wine_path(path: Path) -> str:
    """A Linux path as Wine's programs see it (drive Z: is /)."""
    return "Z:" + str(Path(path).absolute()).replace("/", "\\")


class Wine:
    """A Wine prefix of its own. Wine 8 lacks two things every Windows 10/11 has: bcryptprimitives.dll (the
    cryptography module's ProcessPrng; wine_shim puts a forwarder in the prefix) and propsys' VariantToString
    (Python's platform module reaches it through _wmi; with propsys disabled _wmi fails to load and platform
    asks `ver` instead)."""

    def __init__(self, prefix: Path):
        self.prefix = prefix
        home = prefix.parent / "home"   # Wine links Desktop and Documents to $HOME's: not the real ones
        home.mkdir(exist_ok=True)
        # winemenubuilder off: shortcuts must not become desktop entries of the Linux user
        # the Windows user is 张三: C:\\users\\张三\\AppData\\…, as on many office PCs
        self.env = dict(os.environ, WINEPREFIX=str(prefix), WINEDEBUG="-all", HOME=str(home), USER=USER,
                        LOGNAME=USER,
                        WINEDLLOVERRIDES="propsys=d;winemenubuilder.exe=d",
                        PYTHONIOENCODING="utf-8", LANG="C.UTF-8")   # Chinese arguments pass as UTF-8
        self.env.pop("LC_ALL", None)
        self.env.pop("DISPLAY", None)
        self.env.pop("WAYLAND_DISPLAY", None)

    def run(self, *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
        cmd = ["wine", *(wine_path(a) if isinstance(a, Path) else a for a in args)]
        return subprocess.run(cmd, env=self.env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=WINE_TIMEOUT_S)

    def user_folder(self) -> Path:
        """C:\\users\\张三 (Wine names the user's folder after $USER)."""
        return self.prefix / "drive_c" / "users" / USER

    def windows_path(self, path: Path) -> str:
        """C:\\… for a path inside the prefix's drive_c, else the Z: path."""
        drive_c = self.prefix / "drive_c"
        if Path(path).is_relative_to(drive_c):
            return "C:\\" + str(Path(path).relative_to(drive_c)).replace("/", "\\")
        return wine_path(path)

    def boot(self) -> None:
        subprocess.run(["wineboot", "-i"], env=self.env, stdin=subprocess.DEVNULL, capture_output=True, check=True,
                       timeout=WINE_TIMEOUT_S)
