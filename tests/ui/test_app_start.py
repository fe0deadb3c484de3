"""The window's start (ui/app._run, issue 18): what can wait for the first paint does — the first setup wizard of a
new file opens over the painted window, its module imported only then."""
from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from leifeng_desktop.ui import app as app_module
from leifeng_desktop.ui import main_window


class Crash:
    def report(self, exc):
        raise AssertionError(f"the start failed: {exc!r}")


def test_the_setup_wizard_waits_for_the_first_paint(qtbot, db_path, tmp_path, monkeypatch):
    app = app_module.create_application()
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    seen: dict = {}

    class Window(main_window.MainWindow):
        def __init__(self, store, lock=None):
            super().__init__(store, lock, qsettings=settings)
            qtbot.addWidget(self)
            seen["window"] = self

    def event_loop():
        window = seen["window"]
        seen["before paint"] = (window.painted, getattr(window, "setup_wizard", None))
        qtbot.waitUntil(lambda: getattr(window, "setup_wizard", None) is not None)
        seen["painted"] = window.painted
        window.setup_wizard.reject()
        window.close()   # as the clerk ends the loop: the window's workers answer before the store closes
        return 0

    monkeypatch.setattr(main_window, "MainWindow", Window)
    monkeypatch.setattr(app, "exec", event_loop)
    assert app_module._run(app, Crash(), db_path) == 0
    assert seen["before paint"] == (False, None)   # shown, not yet painted: no wizard
    assert seen["painted"]


def test_a_window_started_minimised_opens_its_file_unpainted(qtbot, db_path, tmp_path, monkeypatch):
    """No paint comes to a minimised window: its file opens a moment after show all the same (app.SETTLE_MS)."""
    app = app_module.create_application()
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    seen: dict = {}

    class Unpainted(main_window.MainWindow):
        def __init__(self, store, lock=None):
            super().__init__(store, lock, qsettings=settings)
            qtbot.addWidget(self)
            seen["window"] = self

        def paintEvent(self, event):   # as for a minimised window: drawn, never settled by a paint
            main_window.QMainWindow.paintEvent(self, event)

    def event_loop():
        window = seen["window"]
        qtbot.waitUntil(lambda: window.store is not None, timeout=5000)
        seen["opened"] = window.store.path
        qtbot.waitUntil(lambda: getattr(window, "setup_wizard", None) is not None)
        window.setup_wizard.reject()
        window.close()
        return 0

    monkeypatch.setattr(app_module, "SETTLE_MS", 50)
    monkeypatch.setattr(main_window, "MainWindow", Unpainted)
    monkeypatch.setattr(app, "exec", event_loop)
    assert app_module._run(app, Crash(), db_path) == 0
    assert seen["opened"] == db_path


def test_an_upgrade_is_announced_before_the_wait(qtbot, tmp_path, monkeypatch):
    """A file of an older release is upgraded on this thread (a minute for a city's file): the window says so first."""
    import shutil
    from pathlib import Path

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "schema_v3"
    db_file = shutil.copytree(fixture, tmp_path / "旧版 数据") / "leifeng.db"
    app_module.create_application()
    window = main_window.MainWindow(None, qsettings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    said: list[str] = []
    notices: list[str] = []   # after the upgrade: the notice that the sensitive values are now encrypted
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, *a, **k: notices.append(title))
    window.announce = lambda text: said.append(text)   # type: ignore[method-assign]
    opened = app_module.open_first(db_file, window)
    assert opened is not None
    store, lock, _checked = opened
    try:
        assert notices == ["敏感信息已加密"]
        assert said == ["正在升级数据文件“leifeng.db”：先备份，再按新版本整理数据，文件较大时需要一两分钟，请稍候…"]
        said.clear()
        app_module.announce_upgrade(db_file, window)   # upgraded now: nothing to say
        assert said == []
    finally:
        store.close()
        if lock is not None:
            lock.release()


def test_announce_shows_its_text_in_the_page_area(qtbot, tmp_path):
    from PySide6.QtWidgets import QLabel

    app_module.create_application()
    window = main_window.MainWindow(None, qsettings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.announce("正在升级数据文件“年度.db”…")
    labels = [label.text() for label in window.stack.findChildren(QLabel, "waiting") if label.isVisible()]
    assert labels == ["正在升级数据文件“年度.db”…"]
