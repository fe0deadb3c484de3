"""The crash report: an exception nobody caught in the window (a slot, an event handler, a Python thread) is logged
with its traceback and shown in a Chinese dialog (出错了) with 复制详细信息 and where the log is. The window, its
open editors and what was typed stay as they were: the program never ends silently.

`CrashHandler.install(app)` once at start replaces `sys.excepthook` and `threading.excepthook` and adds a Qt
message handler that logs Qt's critical and fatal messages (a fatal one ends the program after it is shown); a
crash inside Qt itself reaches the log at the next start (faulthandler).
Tests patch `CrashReport.show`."""
from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from PySide6.QtCore import QObject, QThread, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from ..core import applog

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

FATAL_LOG = "leifeng-fatal-{pid}.log"   # beside leifeng.log, while a window runs


def __getattr__(name: str):
    """CrashDialog lives in crash_dialog.py: its widgets are imported when a crash is shown, not at every start."""
    if name == "CrashDialog":
        from .crash_dialog import CrashDialog
        return CrashDialog
    raise AttributeError(name)


class CrashReport:
    """Shows the dialog and waits for 关闭. Tests patch `show`."""

    @classmethod
    def show(cls, parent: QWidget | None, details: str, log_line: str, *, fatal: bool = False) -> None:
        from .crash_dialog import CrashDialog
        dialog = CrashDialog(details, log_line, parent, fatal=fatal)
        dialog.exec()
        dialog.deleteLater()


def earlier_crashes(folder: Path) -> None:
    """Each crash file a window left (it ended inside Qt) goes into the log; another running window's file is empty
    and stays, unless it is a week old (a window killed outright leaves its empty file)."""
    for path in folder.glob(FATAL_LOG.format(pid="*")):
        size, age = path.stat().st_size, time.time() - path.stat().st_mtime
        if size:
            text = path.read_text(encoding="utf-8", errors="replace")[-20_000:]
            log.error("an earlier run of the window ended abnormally:\n%s", applog.mask(text))
        if size or age > 7 * 24 * 3600:
            path.unlink(missing_ok=True)


def log_line(message: str) -> str:
    """The sentence under the dialog's text: where the log is (internal_error's words, without its first part)."""
    start = message.find("（")
    return message[start + 1:].rstrip("）") if start >= 0 else message


class CrashHandler(QObject):
    """The hooks, and the dialog shown on the GUI thread (a thread's exception is queued there)."""

    reported = Signal(str, str)   # details, log line

    _current: CrashHandler | None = None

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._showing = False
        self._details = ""
        self._previous_hooks: tuple[Any, Any] | None = None
        self._previous_qt: Any = None
        self._fatal: TextIO | None = None
        self._faulthandler_was_on = False
        self.reported.connect(self._show)   # emitted only off the GUI thread (report): queued there by Qt

    @classmethod
    def install(cls, app: QApplication) -> CrashHandler:
        if cls._current is not None:
            cls._current.uninstall()
        handler = cls(app)
        handler._previous_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = handler.excepthook
        threading.excepthook = handler.thread_excepthook
        handler._previous_qt = qInstallMessageHandler(handler.qt_message)
        handler._catch_native_crashes()
        cls._current = handler
        return handler

    def uninstall(self) -> None:
        if self._previous_hooks is not None:
            sys.excepthook, threading.excepthook = self._previous_hooks
            self._previous_hooks = None
            qInstallMessageHandler(self._previous_qt)
        if self._fatal is not None:   # a run that ends normally leaves no file
            faulthandler.disable()
            self._fatal.close()
            Path(self._fatal.name).unlink(missing_ok=True)
            self._fatal = None
            if self._faulthandler_was_on and sys.__stderr__ is not None:
                faulthandler.enable(sys.__stderr__)
        if CrashHandler._current is self:
            CrashHandler._current = None

    def _catch_native_crashes(self) -> None:
        """A crash inside Qt (a segfault) skips every Python hook: faulthandler writes its traceback to a file of
        this process beside the log; the next start moves every such file into the log."""
        folder = applog.log_file().parent
        self._faulthandler_was_on = faulthandler.is_enabled()
        try:
            earlier_crashes(folder)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / FATAL_LOG.format(pid=os.getpid())
            self._fatal = open(path, "w", encoding="utf-8")   # noqa: SIM115 - open while the window runs
        except OSError as exc:
            log.warning("native crashes will not be logged: %s", exc)
            return
        faulthandler.enable(self._fatal, all_threads=True)

    # -- the hooks -----------------------------------------------------------------------------------------
    def excepthook(self, etype, value, tb) -> None:
        if issubclass(etype, KeyboardInterrupt):   # Ctrl+C in the terminal that started the window
            sys.__excepthook__(etype, value, tb)
            return
        self.report(value if value is not None else etype(), tb)

    def thread_excepthook(self, args) -> None:
        if args.exc_type is SystemExit:
            return
        self.report(args.exc_value if args.exc_value is not None else args.exc_type(), args.exc_traceback)

    def report(self, exc: BaseException, tb=None) -> None:
        """Log `exc` with its traceback and show the dialog (queued when not on the GUI thread). Never raises."""
        try:
            if tb is not None and exc.__traceback__ is None:
                exc = exc.with_traceback(tb)
            details = applog.mask("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
            if self._showing:   # an error repeating behind the open dialog (a repaint …): logged once more only
                if details != self._details:
                    applog.internal_error(exc)
                return
            line = log_line(applog.internal_error(exc))
        except Exception:   # noqa: BLE001 - the report itself must never raise out of a hook
            details, line = "".join(traceback.format_exception(type(exc), exc, tb)), "日志未能写入"
        app = QApplication.instance()
        if app is not None and QThread.currentThread() is app.thread():
            self._show(details, line)
        else:
            self.reported.emit(details, line)

    def _show(self, details: str, line: str) -> None:
        if self._showing:
            return
        self._showing, self._details = True, details
        try:
            CrashReport.show(QApplication.activeWindow(), details, line)
        except Exception:   # noqa: BLE001 - a dialog that cannot be shown: the log has it all the same
            log.exception("the crash dialog could not be shown")
        finally:
            self._showing = False

    def qt_message(self, mode, context, message: str) -> None:
        """Qt's critical and fatal messages go to the log (masked); everything still reaches stderr."""
        if self._previous_qt is not None:
            self._previous_qt(mode, context, message)
        elif mode != QtMsgType.QtDebugMsg:
            print(message, file=sys.stderr)
        if mode == QtMsgType.QtCriticalMsg:
            log.error("Qt: %s", message)
        elif mode == QtMsgType.QtFatalMsg:   # Qt ends the process when this returns: say so first
            log.critical("Qt fatal: %s (%s:%s)", message, context.file, context.line)
            app = QApplication.instance()
            if not self._showing and app is not None and QThread.currentThread() is app.thread():
                self._showing = True
                CrashReport.show(QApplication.activeWindow(), applog.mask(message),
                                 f"详情已记入日志 {applog.log_file()}", fatal=True)
