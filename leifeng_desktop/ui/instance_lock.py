"""One window per database: a QLockFile beside the file (`<name>.lock`), taken while a window has it open.

A lock left by a crashed window (kill -9, power cut) is taken over: QLockFile finds its process gone (same
computer) or its file older than STALE_MS (another computer on a shared folder; the holder touches the file every
HEARTBEAT_MS). A second window on a locked file asks whether to open it read-only. The CLI ignores the lock: it only
keeps two windows apart, SQLite itself keeps the writers apart."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QSysInfo, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from ..core.errors import StoreError
from ..core.store import Store

log = logging.getLogger(__name__)

STALE_MS = 5 * 60 * 1000
HEARTBEAT_MS = 60 * 1000


def lock_path(db_path: Path) -> Path:
    real = Path(db_path).expanduser().resolve()
    return real.with_name(real.name + ".lock")


class InstanceLock(QObject):
    """acquire() → True when this window now holds the file; release() when it lets go (switch, close)."""

    def __init__(self, db_path: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.path = lock_path(db_path)
        self._lock = QLockFile(str(self.path))
        self._lock.setStaleLockTime(STALE_MS)
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(HEARTBEAT_MS)
        self._heartbeat.timeout.connect(self._touch)

    def acquire(self) -> bool:
        """False only when another live window holds it; a lock that cannot be written at all (a read-only
        folder) counts as held by nobody, and opening the database explains the folder."""
        if self._lock.tryLock(0):
            self._heartbeat.start()
            return True
        if self._lock.error() == QLockFile.LockError.LockFailedError:
            return False
        log.warning("lock file %s could not be written: %s", self.path, self._lock.error())
        return True

    @property
    def held(self) -> bool:
        return self._lock.isLocked()

    def holder(self) -> str:
        """The other computer's name when the holder is on another computer (a shared folder), else ""."""
        info = self._lock.getLockInfo()
        if isinstance(info, tuple) and len(info) == 3 and info[1] and info[1] != QSysInfo.machineHostName():
            return str(info[1])
        return ""

    def release(self) -> None:
        self._heartbeat.stop()
        if self._lock.isLocked():
            self._lock.unlock()

    def _touch(self) -> None:
        """Keep the lock young for computers that can only judge it by age (a shared folder)."""
        try:
            os.utime(self.path)
        except OSError:   # a share gone away, or a system that keeps the file closed to others: stop trying
            self._heartbeat.stop()
            log.info("lock file %s cannot be touched; staleness is left to the lock itself", self.path,
                     exc_info=True)


class AlreadyOpenQuestion:
    """Asked when another window has the file open; True = open it read-only. Tests patch `ask`."""

    @classmethod
    def ask(cls, parent: QWidget | None, db_path: Path, holder: str = "") -> bool:
        where = f"（计算机“{holder}”）" if holder else ""
        box = QMessageBox(QMessageBox.Icon.Question, "数据库已在使用中",
                          f"数据库“{Path(db_path).name}”已在另一个工作台窗口中打开{where}。\n\n"
                          "同一数据库只能在一个窗口中修改。您可以用只读方式打开查看（不能保存修改），"
                          "或者不打开，回到已打开的那个窗口继续工作。", parent=parent)
        box.setObjectName("already_open")
        read_only = box.addButton("以只读方式打开(&R)", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("不打开", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is read_only


def open_database(path: Path, parent: QWidget | None = None) -> tuple[Store, InstanceLock | None] | None:
    """The store for a window with its lock; read-only (lock None) when another window holds the file and the
    clerk agrees; None when refused or declined (the reason already shown)."""
    lock = InstanceLock(path)
    if lock.acquire():
        try:
            store = Store.open(path)
        except StoreError as err:
            lock.release()
            QMessageBox.critical(parent, "无法打开数据库", str(err))
            return None
        if not lock.held:
            lock.acquire()   # a first start: the folder the lock goes in exists only now
        return store, lock
    if not AlreadyOpenQuestion.ask(parent, path, lock.holder()):
        return None
    try:
        return Store.open(path, create=False, read_only=True), None
    except StoreError as err:
        QMessageBox.critical(parent, "无法打开数据库", str(err))
        return None
