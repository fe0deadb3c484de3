"""The Windows setup program and its payload, structurally (issue 16): a PE with NSIS' signature under 120 MB; the
embeddable CPython with the app in Lib/site-packages; every DLL each bundled binary imports is in the payload or is
Windows' own (pefile); the Qt plugins and translations the window needs; nothing of Qt it does not need. The first
tests need no build: the NSIS script, the icon, the Wine shim, the requirements."""
from __future__ import annotations

import ast
import re
import struct
from pathlib import Path

import pefile
from windows_env import ROOT, windows_setup

from installer import common
from installer.windows import nsis, payload, pe
from installer.windows.__main__ import MAX_SIZE
from leifeng_desktop import __version__

SITE = Path("runtime") / "Lib" / "site-packages"


def script(tmp_path) -> str:
    return nsis.script(tmp_path / "payload", tmp_path / "out.exe", "1.2.3", 100 * 1024 * 1024)


def section(text: str, name: str) -> str:
    return text.split(f'Section "{name}"', 1)[1].split("SectionEnd", 1)[0]


def test_the_version_is_pyprojects():
    assert common.version() == __version__


def test_the_script_installs_per_user_in_chinese(tmp_path):
    text = script(tmp_path)
    assert "RequestExecutionLevel user" in text
    assert r'InstallDir "$LOCALAPPDATA\Programs\LeifengDesktop"' in text
    assert '!insertmacro MUI_LANGUAGE "SimpChinese"' in text
    assert "Unicode true" in text and "SetCompressor /SOLID lzma" in text
    assert 'VIProductVersion "1.2.3.0"' in text
    for value in ("DisplayName", "DisplayVersion", "Publisher", "DisplayIcon", "UninstallString"):
        assert f'WriteRegStr HKCU "{nsis.UNINSTALL_KEY}" "{value}"' in text
    assert f'"EstimatedSize" {100 * 1024}' in text


def test_shortcuts_start_the_window_without_a_console(tmp_path):
    install = section(script(tmp_path), "Install")
    for place in ("$SMPROGRAMS", "$DESKTOP"):
        line = next(x for x in install.splitlines() if x.strip().startswith(f'CreateShortcut "{place}'))
        assert f"{place}\\学雷锋职工志愿服务工作台.lnk" in line
        assert r'"$INSTDIR\runtime\pythonw.exe" "-m leifeng_desktop"' in line
        assert payload.ICON_NAME in line


def test_upgrade_and_uninstall_touch_only_the_program(tmp_path):
    text = script(tmp_path)
    install, uninstall = section(text, "Install"), section(text, "Uninstall")
    assert install.index(r'RMDir /r "$INSTDIR\runtime"') < install.index("File /r")   # the old files go first
    assert "$APPDATA" not in install + uninstall   # the clerk's data folder
    removed = re.findall(r'RMDir /r "([^"]+)"', uninstall)
    assert removed == [r"$INSTDIR\runtime"]
    assert 'RMDir "$INSTDIR"' in uninstall   # only when empty


def test_numeric_versions():
    assert nsis.numeric_version("0.1.0") == "0.1.0.0"
    assert nsis.numeric_version("2.0") == "2.0.0.0"
    assert nsis.numeric_version("1.4.0rc1") == "1.4.0.1"


def test_requirements_name_the_windows_only_dependencies():
    wanted = payload.requirements()
    assert {"colorama", "pywin32-ctypes"} <= set(wanted)
    assert any(r.startswith("PySide6-Essentials==") for r in wanted)
    assert any(r.startswith("cryptography") for r in wanted) and any(r.startswith("keyring") for r in wanted)


def test_the_icon_holds_every_size():
    data = payload_icon_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 6)
    sizes = []
    for i in range(count):
        width, _height, _c, _r, _planes, _bits, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        assert data[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and length > 0
        sizes.append(width or 256)
    assert sizes == [16, 24, 32, 48, 64, 256]


def payload_icon_bytes() -> bytes:
    from installer.windows.icon import ico_bytes, png_images
    return ico_bytes(png_images(ROOT / "resources" / "icons" / "app.svg"))


def test_the_wine_shim_forwards_processprng():
    from wine_shim import dll_bytes
    image = pefile.PE(data=dll_bytes())
    assert image.is_dll()
    assert [(s.name, s.forwarder) for s in image.DIRECTORY_ENTRY_EXPORT.symbols] == [
        (b"ProcessPrng", b"advapi32.SystemFunction036")]


# --- what `make dist` built ---------------------------------------------------------------------------------------

def test_the_setup_is_an_nsis_pe_under_120_mb(windows_payload):
    setup = windows_setup()
    size = setup.stat().st_size
    print(f"{setup.name}: {size / 1e6:.1f} MB")
    assert size < MAX_SIZE
    image = pefile.PE(str(setup), fast_load=True)
    assert image.FILE_HEADER.Machine == pefile.MACHINE_TYPE["IMAGE_FILE_MACHINE_AMD64"]
    image.close()
    head = setup.read_bytes()
    assert b"NullsoftInst" in head   # the signature of NSIS' first header


def test_the_runtime_is_the_embeddable_python_with_the_app(windows_payload):
    runtime = windows_payload / "runtime"
    for name in ("python.exe", "pythonw.exe", "python313.dll", "python313.zip", "_sqlite3.pyd", "sqlite3.dll",
                 "vcruntime140.dll"):
        assert (runtime / name).is_file(), name
    pth = (runtime / "python313._pth").read_text(encoding="ascii").splitlines()
    assert pth == ["python313.zip", ".", "Lib\\site-packages", "import site"]
    site = windows_payload / SITE
    init = (site / "leifeng_desktop" / "__init__.py").read_text(encoding="utf-8")
    assert f'__version__ = "{common.version()}"' in init
    for package in ("leifeng_desktop/forms", "leifeng_desktop/resources/icons", "sqlite_utils", "docx", "stdnum",
                    "openpyxl", "lxml", "click", "colorama", "cryptography", "keyring", "win32ctypes"):
        assert (site / package).is_dir(), package
    cmd = (windows_payload / "leifeng-desktop.cmd").read_bytes()
    assert b'"%~dp0runtime\\python.exe" -m leifeng_desktop %*' in cmd
    assert (windows_payload / payload.ICON_NAME).read_bytes()[:4] == b"\0\0\1\0"


def test_no_dll_is_missing(windows_payload):
    assert pe.missing(windows_payload / "runtime") == {}


def qt_modules_the_app_imports() -> set[str]:
    found = set()
    for path in (ROOT / "leifeng_desktop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("PySide6."):
                found.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("PySide6.")}
    return found


def test_qt_has_what_the_window_needs(windows_payload):
    pyside = windows_payload / SITE / "PySide6"
    for module in qt_modules_the_app_imports():
        assert (pyside / f"{module}.pyd").is_file(), module
    for plugin in payload.QT_PLUGINS:
        assert (pyside / "plugins" / plugin).is_file(), plugin
    for catalogue in ("qtbase_zh_CN.qm", "qt_zh_CN.qm"):
        assert (pyside / "translations" / catalogue).is_file()
    assert (windows_payload / SITE / "shiboken6" / "Shiboken.pyd").is_file()


def test_qt_has_nothing_the_window_does_not_need(windows_payload):
    pyside = windows_payload / SITE / "PySide6"
    names = {p.name for p in pyside.rglob("*")}
    for unwanted in ("Qt6WebEngineCore.dll", "Qt6Designer.dll", "designer.exe", "Qt6Quick.dll", "Qt6Qml.dll",
                     "opengl32sw.dll", "QtOpenGL.pyd", "qml", "examples", "qtwebengine_locales", "include"):
        assert unwanted not in names, unwanted
    assert {p.name for p in (pyside / "translations").iterdir()} == set(payload.QT_TRANSLATIONS)
