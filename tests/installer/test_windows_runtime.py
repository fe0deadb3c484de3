"""Runtime details for Windows that Linux can test (issue 16): the data folder under %APPDATA% (a Chinese user
name), the window font 微软雅黑, High-DPI rounding, the single-instance lock in a Chinese path with spaces, file
dialogs starting in 文档."""
from __future__ import annotations

import os
import subprocess
import sys

from leifeng_desktop.core import store as store_module
from leifeng_desktop.ui import folders
from leifeng_desktop.ui.app import window_font_family
from leifeng_desktop.ui.instance_lock import InstanceLock, lock_path


def test_the_data_folder_is_appdata_leifengdesktop(tmp_path, monkeypatch):
    roaming = tmp_path / "Users" / "张三" / "AppData" / "Roaming"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(roaming))
    assert store_module.default_db_path() == roaming / "LeifengDesktop" / "leifeng.db"


def test_the_window_font_is_microsoft_yahei():
    assert window_font_family(["SimSun", "Microsoft YaHei UI", "Noto Sans CJK SC"]) == "Microsoft YaHei UI"
    assert window_font_family(["宋体", "微软雅黑"]) == "微软雅黑"   # a Chinese Windows may list its Chinese name
    assert window_font_family(["Noto Sans CJK SC", "DejaVu Sans"]) == "Noto Sans CJK SC"
    assert window_font_family(["DejaVu Sans"]) is None


def test_high_dpi_scales_by_the_screens_factor():
    """Set before the application exists, so checked in a process of its own (the tests' QApplication exists)."""
    code = ("from leifeng_desktop.ui.app import create_application\n"
            "from PySide6.QtGui import QGuiApplication\n"
            "create_application([])\n"
            "print(QGuiApplication.highDpiScaleFactorRoundingPolicy().name)\n")
    env = {k: v for k, v in os.environ.items() if k != "QT_SCALE_FACTOR_ROUNDING_POLICY"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "PassThrough"


def test_the_lock_in_a_chinese_path_with_spaces(qapp, tmp_path):
    db = tmp_path / "Users" / "张三" / "AppData" / "Roaming" / "Leifeng Desktop" / "台账 2026.db"
    db.parent.mkdir(parents=True)
    db.touch()
    first, second = InstanceLock(db), InstanceLock(db)
    assert first.acquire()
    assert lock_path(db).is_file() and lock_path(db).name == "台账 2026.db.lock"
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_dialogs_start_in_documents(qapp, tmp_path, monkeypatch):
    documents = tmp_path / "张三" / "文档"
    documents.mkdir(parents=True)
    monkeypatch.setattr(folders.QStandardPaths, "writableLocation", lambda _where: str(documents))
    assert folders.start_folder("") == documents
    assert folders.start_folder(None) == documents
    assert folders.start_folder(str(tmp_path / "gone")) == documents   # the folder used last time was removed
    used = tmp_path / "导出 文件"
    used.mkdir()
    assert folders.start_folder(str(used)) == used


def test_no_documents_folder_means_home(qapp, monkeypatch, tmp_path):
    monkeypatch.setattr(folders.QStandardPaths, "writableLocation", lambda _where: "")
    assert folders.documents_folder() == folders.Path.home()
