"""Shared by the installer smoke tests (issue 16). They test what `make dist` built and skip, saying so, when dist/
has no installer; CI runs `make dist` before the tests.

Windows part: the setup program's payload (build/windows/payload) and a Wine prefix of the session to run its
python.exe in (helpers in windows_env.py)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))   # the installer package, at the top of the tree

from deb_env import deb_path, have_dpkg  # noqa: E402
from windows_env import NEEDS_DIST, WINDOWS_PAYLOAD, Wine, windows_setup  # noqa: E402
from wine_shim import install as install_shim  # noqa: E402

# --- Windows ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def windows_payload() -> Path:
    """The payload the setup program was built from (the builder keeps it; 7z is not at hand to unpack the .exe)."""
    if not windows_setup().is_file() or not (WINDOWS_PAYLOAD / "runtime" / "python.exe").is_file():
        pytest.skip(NEEDS_DIST)
    return WINDOWS_PAYLOAD


@pytest.fixture(scope="session")
def wine(tmp_path_factory, windows_payload) -> Wine:
    if shutil.which("wine") is None or shutil.which("wineboot") is None:
        pytest.skip(NEEDS_DIST)
    made = Wine(tmp_path_factory.mktemp("wine-prefix"))
    made.boot()
    install_shim(made.prefix)
    return made


@pytest.fixture(scope="session")
def program_folder(tmp_path_factory, windows_payload) -> Path:
    """A copy of the payload as installed, under a folder with Chinese characters and a space; python.exe may write
    its bytecode there (so each run does not compile the app again), as it does in an installed program folder."""
    folder = tmp_path_factory.mktemp("install") / "程序 文件" / "LeifengDesktop"
    shutil.copytree(windows_payload, folder, symlinks=True)
    return folder


# --- Debian ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def deb_file() -> Path:
    """dist/leifeng-desktop_<version>_amd64.deb of `make dist`."""
    if not have_dpkg():
        pytest.skip("dpkg and dpkg-deb (Debian package dpkg) are missing")
    if not deb_path().is_file():
        pytest.skip("run `make dist` first")
    return deb_path()


@pytest.fixture(scope="session")
def deb_root(tmp_path_factory, deb_file) -> Path:
    """The package unpacked into a scratch root (dpkg -x): what `dpkg -i` puts in /, no root needed."""
    root = tmp_path_factory.mktemp("deb-root")
    subprocess.run(["dpkg", "-x", str(deb_file), str(root)], check=True)
    return root
