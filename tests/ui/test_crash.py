"""The crash report: an exception nobody caught in the window is logged with its traceback and shown as 出错了; the
window, and what was typed in it, stay."""
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMessageLogContext, QSettings, Qt, QtMsgType
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from leifeng_desktop.core import applog
from leifeng_desktop.ui import crash
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.crash import CrashDialog, CrashHandler, CrashReport
from leifeng_desktop.ui.main_window import MainWindow

from keyboard import commit_text

pytestmark = pytest.mark.qt_no_exception_capture   # the hook under test replaces pytest-qt's own


@pytest.fixture
def log_path(tmp_path, monkeypatch):
    """The log in this test's folder; the handler is put back as it was afterwards."""
    monkeypatch.setattr(applog, "_handler", None)
    logger = logging.getLogger(applog.ROOT)
    before = list(logger.handlers)
    yield applog.setup(tmp_path / "logs")
    for handler in logger.handlers:
        if handler not in before:
            logger.removeHandler(handler)
            handler.close()


@pytest.fixture
def shown(monkeypatch):
    """Each crash dialog that would be shown: (parent, details, log line, fatal)."""
    calls = []
    monkeypatch.setattr(CrashReport, "show", classmethod(
        lambda cls, parent, details, line, fatal=False: calls.append((parent, details, line, fatal))))
    return calls


@pytest.fixture
def handler(qtbot, log_path):
    app = create_application()
    hooked = CrashHandler.install(app)
    yield hooked
    hooked.uninstall()


@pytest.fixture
def window(qtbot, store, tmp_path):
    create_application()
    win = MainWindow(store, qsettings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def broken_slot():
    raise RuntimeError("计数时出错 11010119850312001X")


def test_an_exception_in_a_slot_shows_the_dialog_and_the_window_lives_on(qtbot, window, handler, shown, log_path):
    window.go_to("志愿服务队")
    search = window.stack.currentWidget().findChild(QLineEdit)
    search.setFocus()
    commit_text(search, "供电")
    button = QPushButton("坏按钮", window)
    button.clicked.connect(broken_slot)
    button.show()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(shown) == 1
    parent, details, line, fatal = shown[0]
    assert not fatal and "broken_slot" in details and "RuntimeError" in details
    assert "11010119850312001X" not in details and "110***" in details   # an ID in the message is masked
    assert line == f"详情已记入日志 {log_path}"
    assert window.isVisible() and search.text() == "供电"   # the window and what was typed stay
    text = log_path.read_text(encoding="utf-8")
    assert "Traceback" in text and "broken_slot" in text and "11010119850312001X" not in text
    button.click()   # the next one is shown too: the handler is not stuck
    assert len(shown) == 2 and window.isVisible()


def test_an_error_repeating_behind_the_open_dialog_is_shown_once(qtbot, handler, monkeypatch, log_path):
    calls = []

    def show(cls, parent, details, line, fatal=False):
        calls.append(details)
        broken_slot_again()   # a repaint behind the dialog failing the same way

    def broken_slot_again():
        try:
            broken_slot()
        except RuntimeError as exc:
            handler.report(exc)
    monkeypatch.setattr(CrashReport, "show", classmethod(show))
    button = QPushButton()
    qtbot.addWidget(button)
    button.clicked.connect(broken_slot)
    button.click()
    assert len(calls) == 1
    assert log_path.read_text(encoding="utf-8").count("Traceback") == 2   # both logged, one dialog


def test_an_exception_in_a_thread_is_shown_on_the_gui_thread(qtbot, handler, shown):
    thread = threading.Thread(target=broken_slot)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(shown) == 1)
    assert "RuntimeError" in shown[0][1]


def test_the_dialog_copies_the_details_and_says_where_the_log_is(qtbot, log_path):
    create_application()
    dialog = CrashDialog("Traceback …\nRuntimeError: x", f"详情已记入日志 {log_path}")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "出错了"
    assert str(log_path) in dialog.log_label.text()
    assert "程序内部错误" in dialog.findChild(QLabel, "crash_text").text()
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "Traceback …\nRuntimeError: x"
    assert dialog.copy_button.text() == "已复制"


def test_qt_critical_messages_reach_the_log(handler, log_path, capsys):
    handler.qt_message(QtMsgType.QtCriticalMsg, QMessageLogContext(), "QPainter: 无法绘制 13812345678")
    text = log_path.read_text(encoding="utf-8")
    assert "Qt: QPainter: 无法绘制 138" in text and "13812345678" not in text


def test_keyboard_interrupt_is_left_to_python(handler, shown, monkeypatch):
    seen = []
    monkeypatch.setattr(crash.sys, "__excepthook__", lambda *args: seen.append(args[0]))
    handler.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    assert seen == [KeyboardInterrupt] and shown == []


def test_install_and_uninstall_put_the_hooks_back(qtbot, log_path):
    app = create_application()
    before = sys.excepthook, threading.excepthook
    hooked = CrashHandler.install(app)
    assert sys.excepthook == hooked.excepthook and threading.excepthook == hooked.thread_excepthook
    hooked.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def test_the_log_rotates_and_keeps_three_old_files(tmp_path, monkeypatch, log_path):
    monkeypatch.setattr(applog, "MAX_BYTES", 2000)
    path = applog.setup(tmp_path / "rotating")
    logger = logging.getLogger("leifeng_desktop.ui.crash")
    for n in range(200):
        logger.warning("line %d, phone 13812345678", n)
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == ["leifeng.log", "leifeng.log.1", "leifeng.log.2", "leifeng.log.3"]
    assert all(p.stat().st_size <= 2000 for p in path.parent.iterdir())
    assert "line 199, phone 138********" in path.read_text(encoding="utf-8")


NATIVE_CRASH = """
import faulthandler, sys
from pathlib import Path
from leifeng_desktop.core import applog
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.crash import CrashHandler
applog.setup(Path(sys.argv[1]))
CrashHandler.install(create_application())
faulthandler._sigsegv()
"""


def test_a_crash_inside_qt_reaches_the_log_at_the_next_start(qtbot, tmp_path, log_path):
    """A segfault skips every Python hook: faulthandler's file is moved into the log when the window next starts."""
    folder = log_path.parent
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    run = subprocess.run([sys.executable, "-c", NATIVE_CRASH, str(folder)], env=env, capture_output=True,
                         timeout=120, check=False)
    assert run.returncode != 0
    [left] = list(folder.glob("leifeng-fatal-*.log"))
    assert "Fatal Python error" in left.read_text(encoding="utf-8")
    hooked = CrashHandler.install(create_application())
    try:
        text = log_path.read_text(encoding="utf-8")
        assert "an earlier run of the window ended abnormally" in text and "Fatal Python error" in text
        assert not left.exists()
        [own] = list(folder.glob("leifeng-fatal-*.log"))
        assert own.stat().st_size == 0
    finally:
        hooked.uninstall()
    assert not own.exists(), "a run that ends normally leaves no file"
