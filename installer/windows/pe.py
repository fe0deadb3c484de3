"""The DLLs a Windows binary imports (pefile reads the import tables, also the delay-loaded ones), and which of
them every Windows 10/11 has: the builder keeps the Qt DLLs the app's modules and plugins reach, the smoke tests
check that nothing else is missing."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pefile  # type: ignore[import-untyped]

BINARY_SUFFIXES = (".dll", ".pyd", ".exe")

# DLLs of Windows itself (10 and 11, no optional feature). The API sets (api-ms-win-*, ext-ms-win-*) are resolved
# by the loader. icuuc.dll (which Qt6Core imports) is Windows' own ICU, in System32 since 10 1903; Wine has none,
# so the window cannot start under Wine.
SYSTEM_DLLS = frozenset(name.lower() for name in (
    "advapi32.dll", "authz.dll", "bcrypt.dll", "bcryptprimitives.dll", "cfgmgr32.dll", "comctl32.dll",
    "icu.dll", "icuin.dll", "icuuc.dll", "uiautomationcore.dll",
    "comdlg32.dll", "crypt32.dll", "d2d1.dll", "d3d11.dll", "d3d12.dll", "d3d9.dll", "dcomp.dll", "dwmapi.dll",
    "dwrite.dll", "dxgi.dll", "dxva2.dll", "gdi32.dll", "gdiplus.dll", "glu32.dll", "imm32.dll",
    "iphlpapi.dll", "kernel32.dll", "msvcrt.dll", "mpr.dll", "ncrypt.dll", "netapi32.dll", "ntdll.dll",
    "ole32.dll", "oleacc.dll", "oleaut32.dll", "opengl32.dll", "powrprof.dll", "propsys.dll", "psapi.dll",
    "rpcrt4.dll", "secur32.dll", "setupapi.dll", "shcore.dll", "shell32.dll", "shlwapi.dll", "user32.dll",
    "userenv.dll", "uxtheme.dll", "version.dll", "winmm.dll", "winspool.drv", "wintrust.dll", "ws2_32.dll",
    "wtsapi32.dll", "dbghelp.dll", "normaliz.dll", "winhttp.dll", "wininet.dll", "dnsapi.dll", "credui.dll",
    "msimg32.dll", "usp10.dll", "hid.dll", "shlwapi.dll", "d3dcompiler_47.dll", "dwmapi.dll",
    "wldap32.dll", "cryptbase.dll", "sspicli.dll", "ntdsapi.dll", "mswsock.dll", "pdh.dll", "winusb.dll",
))


def is_system(name: str) -> bool:
    lowered = name.lower()
    return lowered in SYSTEM_DLLS or lowered.startswith(("api-ms-win-", "ext-ms-win-"))


def imports(path: Path) -> list[str]:
    """The DLL names `path` imports, directly or delay-loaded, as written in the file."""
    pe = pefile.PE(str(path), fast_load=True)
    try:
        pe.parse_data_directories(directories=[
            pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"],
            pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT"],
        ])
        entries = [*getattr(pe, "DIRECTORY_ENTRY_IMPORT", []), *getattr(pe, "DIRECTORY_ENTRY_DELAY_IMPORT", [])]
        return [entry.dll.decode("ascii") for entry in entries]
    finally:
        pe.close()


def binaries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in BINARY_SUFFIXES)


def search_folders(path: Path, runtime: Path) -> list[Path]:
    """Where Windows looks for what `path` imports: its own folder, python.exe's folder and, for Qt's files, the
    PySide6 and shiboken6 folders (PySide6 adds them to the DLL search; a plugin's Qt DLLs are loaded by then)."""
    folders = [path.parent, runtime]
    parts = path.relative_to(runtime).parts
    if "PySide6" in parts or "shiboken6" in parts:
        site = runtime / "Lib" / "site-packages"
        folders += [site / "PySide6", site / "shiboken6"]
    return folders


def _names(folder: Path, cache: dict[Path, dict[str, Path]]) -> dict[str, Path]:
    """A folder's files by lower-case name (Windows ignores the case)."""
    if folder not in cache:
        cache[folder] = {p.name.lower(): p for p in folder.iterdir() if p.is_file()} if folder.is_dir() else {}
    return cache[folder]


def resolve(path: Path, name: str, runtime: Path, cache: dict[Path, dict[str, Path]]) -> Path | None:
    """The file Windows loads for `name` imported by `path`, None when none of its search folders has it."""
    for folder in search_folders(path, runtime):
        found = _names(folder, cache).get(name.lower())
        if found is not None:
            return found
    return None


def closure(start: Iterable[Path], runtime: Path) -> set[Path]:
    """`start` and every file of the payload they reach through their imports."""
    seen: set[Path] = set()
    cache: dict[Path, dict[str, Path]] = {}
    todo = list(start)
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo.extend(f for f in (resolve(path, name, runtime, cache) for name in imports(path)) if f is not None)
    return seen


def missing(runtime: Path) -> dict[str, list[str]]:
    """Binary (relative path) → the DLLs it imports that are neither in a folder Windows searches for it nor
    Windows' own. Empty when everything loads."""
    found: dict[str, list[str]] = {}
    cache: dict[Path, dict[str, Path]] = {}
    for path in binaries(runtime):
        lost = [name for name in imports(path)
                if not is_system(name) and resolve(path, name, runtime, cache) is None]
        if lost:
            found[path.relative_to(runtime).as_posix()] = lost
    return found
