"""The questions the window's start asks (ui/app.FirstFile, issue 18) belong to the painted window: a file held by
another window, a damaged file, a locked file's password. A question without a parent is a window of its own on
Windows (its own taskbar entry, lost behind the frame it blocks), and the frame does not get the keyboard back."""
from __future__ import annotations

from PySide6.QtCore import QSettings

from leifeng_desktop.ui import app as app_module
from leifeng_desktop.ui import instance_lock, main_window, password_dialogs, recovery
from leifeng_desktop.ui.instance_lock import InstanceLock


class Crash:
    def report(self, exc):
        raise AssertionError(f"the start failed: {exc!r}")


def test_the_already_open_question_is_asked_over_the_window(qtbot, db_path, tmp_path, monkeypatch):
    other = InstanceLock(db_path)   # another window holds the file
    assert other.acquire()
    try:
        seen: dict = {}

        def ask(cls, parent, path, holder=""):
            seen.setdefault("parents", []).append(parent)
            return False   # 不打开
        monkeypatch.setattr(instance_lock.AlreadyOpenQuestion, "ask", classmethod(ask))
        code, started = _start_with(qtbot, db_path, tmp_path, monkeypatch, seen)
    finally:
        other.release()
    assert code == 2
    assert seen["parents"] == [started["window"]]


def test_the_damaged_question_is_asked_over_the_window(qtbot, db_path, tmp_path, monkeypatch):
    seen: dict = {}
    monkeypatch.setattr(recovery, "opens_cleanly", lambda path: False)
    monkeypatch.setattr(recovery, "damage", lambda path: "数据库文件已损坏")
    monkeypatch.setattr(recovery.DamagedQuestion, "ask", classmethod(
        lambda cls, parent, path, problem, good: seen.setdefault("parents", []).append(parent) and False))
    code, started = _start_with(qtbot, db_path, tmp_path, monkeypatch, seen)
    assert code == 2
    assert seen["parents"] == [started["window"]]


def test_the_password_is_asked_over_the_window(qtbot, db_path, tmp_path, monkeypatch):
    seen: dict = {}

    def unlock(store, parent=None):
        seen.setdefault("parents", []).append(parent)
    monkeypatch.setattr(password_dialogs, "unlock_if_locked", unlock)
    code, started = _start_with(qtbot, db_path, tmp_path, monkeypatch, seen, close=True)
    assert code == 0
    assert seen["parents"] == [started["window"]]


def _start_with(qtbot, db_path, tmp_path, monkeypatch, seen: dict, close: bool = False) -> tuple[int, dict]:
    """app._run on `db_path`: with close=False the real event loop, which the start ends itself when nothing
    opens (exit 2); with close=True the window is closed once its file is open."""
    app = app_module.create_application()
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    started: dict = {}

    class Window(main_window.MainWindow):
        def __init__(self, store, lock=None):
            super().__init__(store, lock, qsettings=settings)
            qtbot.addWidget(self)
            started["window"] = self

    def event_loop():
        window = started["window"]
        qtbot.waitUntil(lambda: window.store is not None, timeout=5000)
        qtbot.waitUntil(lambda: getattr(window, "setup_wizard", None) is not None)
        window.setup_wizard.reject()
        window.close()
        return 0

    monkeypatch.setattr(main_window, "MainWindow", Window)
    if close:
        monkeypatch.setattr(app, "exec", event_loop)
    return app_module._run(app, Crash(), db_path), started
