"""The NSIS script of the setup program and the makensis run. Per-user (no administrator), Chinese pages, the
program in $LOCALAPPDATA\\Programs\\LeifengDesktop, the clerk's data in %APPDATA%\\LeifengDesktop (core.store's
default_db_path), which neither an upgrade nor the uninstaller touches."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from .. import common
from .payload import ICON_NAME

TITLE = "学雷锋职工志愿服务工作台"
PUBLISHER = "Leifeng Desktop 项目"
UNINSTALL_KEY = r"Software\Microsoft\Windows\CurrentVersion\Uninstall\LeifengDesktop"
RUN = r'"$INSTDIR\runtime\pythonw.exe"'

SCRIPT = r"""Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
SetCompressorDictSize 64
RequestExecutionLevel user
ManifestDPIAware true
!include "MUI2.nsh"

Name "{title}"
Caption "{title} {version} 安装"
OutFile "{out}"
InstallDir "$LOCALAPPDATA\Programs\LeifengDesktop"
InstallDirRegKey HKCU "{key}" "InstallLocation"
BrandingText "{title} {version}"
VIProductVersion "{numeric}"
VIAddVersionKey /LANG=2052 "ProductName" "{title}"
VIAddVersionKey /LANG=2052 "ProductVersion" "{version}"
VIAddVersionKey /LANG=2052 "FileVersion" "{version}"
VIAddVersionKey /LANG=2052 "FileDescription" "{title} 安装程序"
VIAddVersionKey /LANG=2052 "CompanyName" "{publisher}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "MIT License"

!define MUI_ICON "{icon}"
!define MUI_UNICON "{icon}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN
!define MUI_FINISHPAGE_RUN_TEXT "现在打开{title}"
!define MUI_FINISHPAGE_RUN_FUNCTION StartApp
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

Function StartApp
  Exec '{run} -m leifeng_desktop'
FunctionEnd

Section "Install"
  SetShellVarContext current
  ; an upgrade: the old version's program files go first (the clerk's data lives elsewhere, in %APPDATA%)
  RMDir /r "$INSTDIR\runtime"
  SetOutPath "$INSTDIR"
  File /r "{payload}/*"
  ; bytecode now, so the first start does not compile the app and its libraries (it goes with runtime\)
  DetailPrint "正在准备程序文件，使第一次打开更快……"
  nsExec::Exec '"$INSTDIR\runtime\python.exe" -m compileall -q "$INSTDIR\runtime\Lib\site-packages"'
  Pop $0
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\{title}.lnk" {run} "-m leifeng_desktop" "$INSTDIR\{ico}" 0 SW_SHOWNORMAL "" "{title}"
  CreateShortcut "$DESKTOP\{title}.lnk" {run} "-m leifeng_desktop" "$INSTDIR\{ico}" 0 SW_SHOWNORMAL "" "{title}"
  WriteRegStr HKCU "{key}" "DisplayName" "{title}"
  WriteRegStr HKCU "{key}" "DisplayVersion" "{version}"
  WriteRegStr HKCU "{key}" "Publisher" "{publisher}"
  WriteRegStr HKCU "{key}" "DisplayIcon" "$INSTDIR\{ico}"
  WriteRegStr HKCU "{key}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "{key}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "{key}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "{key}" "EstimatedSize" {size_kb}
  WriteRegDWORD HKCU "{key}" "NoModify" 1
  WriteRegDWORD HKCU "{key}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\{title}.lnk"
  Delete "$DESKTOP\{title}.lnk"
  ; only what the setup put here: never a recursive delete of $INSTDIR, which the clerk may have chosen
  RMDir /r "$INSTDIR\runtime"
  Delete "$INSTDIR\leifeng-desktop.cmd"
  Delete "$INSTDIR\{ico}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "{key}"
SectionEnd
"""


def numeric_version(version: str) -> str:
    """VIProductVersion wants four numbers: 0.1.0 → 0.1.0.0 (a suffix such as rc1 is dropped)."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:4]]
    return ".".join(str(n) for n in numbers + [0] * (4 - len(numbers)))


def script(payload: Path, out: Path, version: str, size_bytes: int) -> str:
    return SCRIPT.format(title=TITLE, version=version, numeric=numeric_version(version), publisher=PUBLISHER,
                         key=UNINSTALL_KEY, out=out, payload=payload, icon=payload / ICON_NAME, ico=ICON_NAME,
                         run=RUN, size_kb=size_bytes // 1024)


def makensis(script_path: Path) -> None:
    tool = shutil.which("makensis")
    if tool is None:
        raise SystemExit("makensis not found: install the Debian package nsis (and wine64 for the smoke tests)")
    common.run([tool, "-V2", "-INPUTCHARSET", "UTF8", script_path])
