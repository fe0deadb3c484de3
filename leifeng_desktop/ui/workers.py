"""Long work off the GUI thread: a QThread runs a core function, a progress dialog follows it, results come back
by signal. Core functions take `progress(done, total)` and `cancelled()` callables and never see Qt. A task given
`db_path` opens its own Store on the worker thread, hands it to the job first and closes it after (a connection
belongs to its thread). A failure comes back as the exception object; `failure_message` says it to a clerk."""
from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from ..core import errors, vault
from ..core.store import Store
from ..core.vault import Keys

_running = 0   # tasks whose threads run now; Python's cyclic GC is off meanwhile (see _gc_pause)


def _gc_pause() -> None:
    """Collect on the GUI thread, then keep the cyclic GC off while a worker runs: a collection triggered on the
    worker thread would destroy unreachable Qt wrappers (widgets of a closed dialog) there and crash Qt."""
    global _running
    if _running == 0:
        gc.collect()
        gc.disable()
    _running += 1


def _gc_resume() -> None:
    global _running
    _running = max(0, _running - 1)
    if _running == 0:
        gc.enable()


class Cancelled(Exception):
    """Raised by a job that noticed the user pressed 取消."""


def failure_message(exc: BaseException) -> str:
    """What a clerk reads about a failed job: a UserError's own sentence; for a program error the traceback goes
    to the log and the sentence says where (core.applog)."""
    if isinstance(exc, errors.UserError):
        return str(exc)
    from ..core import applog
    return applog.internal_error(exc)


def show_failure(parent: QWidget | None, title: str, exc: BaseException) -> str:
    """A warning box for a failed job (see failure_message); returns what it said."""
    message = failure_message(exc)
    QMessageBox.warning(parent, title, message)
    return message


class Worker(QObject):
    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)   # the exception object
    cancelled = Signal()
    _last: float   # when progress was last reported (set as the job starts)

    def __init__(self, job: Callable[..., object], db_path: str | os.PathLike | None = None,
                 read_only: bool = False, keys: Keys | None = None):
        super().__init__()
        self._job = job
        self._db_path = db_path
        self._read_only = read_only
        self._keys = keys
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def _progress(self, done: int, total: int) -> None:
        # at most ~20 updates a second: each one costs the GUI thread a repaint, and the GIL is shared
        now = time.monotonic()
        if done >= total or now - self._last >= 0.05:
            self._last = now
            self.progressed.emit(done, total)

    def _call(self):
        cancelled = lambda: self._cancel  # noqa: E731
        if self._db_path is None:
            return self._job(self._progress, cancelled)
        with Store.open(self._db_path, create=False, read_only=self._read_only) as own:
            vault.adopt_keys(own, self._keys)   # a password typed in the window is not kept on this PC
            return self._job(own, self._progress, cancelled)

    @Slot()
    def run(self) -> None:
        self._last = 0.0
        try:
            result = self._call()
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # the exception goes to the page (shown or logged there); the GUI stays up
            if self._cancel:
                self.cancelled.emit()
            else:
                self.failed.emit(self._classified(exc))
        else:
            self.finished.emit(result)

    def _classified(self, exc: Exception) -> Exception:
        """An SQLite error the store did not sort (a read that met a lock, a damaged page) by its result code;
        any other exception comes back as it is."""
        if self._db_path is None:
            return exc
        sorted_ = errors.classify(exc, self._db_path)   # a non-SQLite error comes back as it is
        if sorted_ is not exc:
            sorted_.__cause__ = exc
        return sorted_


class Task(QObject):
    """One job on its own thread with an optional modal progress dialog. Keep a reference until `done`.

    `job(progress, cancelled)`, or with `db_path` `job(store, progress, cancelled)` on a Store of that file opened
    for it on the worker thread (`read_only` for a job that only reads: no write-lock test, no migration, and a
    write refused; `keys`: the window's key, so full numbers and bundles work on a file unlocked by a typed
    password). `failed` carries the exception object."""

    done = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, job, *, db_path: str | os.PathLike | None = None, read_only: bool = False,
                 parent: QWidget | None = None, title: str = "", label: str = "", show_dialog: bool = True,
                 keys: Keys | None = None):
        super().__init__(parent)
        self._thread = QThread()
        self._worker = Worker(job, db_path, read_only, keys)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self.dialog = None
        self._in_progress = False
        self._gc_paused = False
        self._abandoned = False   # its owner went away: results are no longer wanted
        if show_dialog:
            self.dialog = QProgressDialog(label, "取消", 0, 0, parent)
            self.dialog.setWindowTitle(title)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(300)
            self.dialog.canceled.connect(self._worker.cancel, Qt.ConnectionType.DirectConnection)
            self._worker.progressed.connect(self._on_progress)
        # Slots of this GUI-thread object, so they are queued here: waiting for the thread from the worker
        # itself would deadlock.
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._worker.cancelled.connect(self._on_cancelled)

    def _later_if_busy(self, fn, *args) -> bool:
        """A modal QProgressDialog.setValue() spins the event loop, so the end can arrive inside it: closing the
        dialog there crashes Qt. Finish on the next turn of the loop instead."""
        if self._in_progress:
            QTimer.singleShot(0, self, lambda: fn(*args))
            return True
        return False

    def _stop(self) -> None:
        self._thread.quit()
        self._thread.wait()
        if self._gc_paused:
            self._gc_paused = False
            _gc_resume()
        if self.dialog:
            self.dialog.reset()
            self.dialog.close()

    @Slot(object)
    def _on_finished(self, result) -> None:
        if self._later_if_busy(self._on_finished, result):
            return
        self._stop()
        if not self._abandoned:
            self.done.emit(result)

    @Slot(object)
    def _on_failed(self, exc: Exception) -> None:
        if self._later_if_busy(self._on_failed, exc):
            return
        self._stop()
        if not self._abandoned:
            self.failed.emit(exc)

    @Slot()
    def _on_cancelled(self) -> None:
        if self._later_if_busy(self._on_cancelled):
            return
        self._stop()
        if not self._abandoned:
            self.cancelled.emit()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if self._in_progress or not self.dialog or self.dialog.wasCanceled() or not self._thread.isRunning():
            return   # a nested call from setValue's own event loop, or a late one after the end
        self._in_progress = True
        try:
            self.dialog.setMaximum(max(total, 1))
            self.dialog.setValue(min(done, total))
        finally:
            self._in_progress = False

    def start(self) -> Task:
        _gc_pause()
        self._gc_paused = True
        self._thread.start()
        return self

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def stop_and_wait(self) -> None:
        """Ask the job to stop and wait for its thread: a QThread destroyed while running aborts the process,
        so whoever owns a task calls this before going away."""
        self._abandoned = True   # a result already queued must not reach a page that is going away
        self._worker.cancel()
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()
        if self._gc_paused:
            self._gc_paused = False
            _gc_resume()
