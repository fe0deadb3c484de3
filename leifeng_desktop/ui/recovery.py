"""The window's side of backups (core/backup.py): a damaged file at open, the questions asked before a restore, and
a restore while the window has the file open (its connection and lock let go, the backup put back, reopened).

A file is checked read-only before the window opens it for writing, so a damaged one is left byte for byte as it
was; the clerk is told so and offered the newest good backup. At start a file that opens cleanly is checked after
the first paint instead (StartCheck; core.start_check says why that is safe). Tests patch `DamagedQuestion.ask`,
`RestoreConfirm.ask` and `Notice.show`."""
from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from ..core import backup
from ..core import schema as s
from ..core.errors import DatabaseDamaged, StoreError, UserError
from ..core.start_check import QuickCheck, opens_cleanly
from ..core.store import Store
from .instance_lock import InstanceLock, open_database
from .workers import Task, failure_message

log = logging.getLogger(__name__)


MAIN_TYPES = ("team", "member", "activity", "enterprise_visit", "household", "honor")   # as the status bar


# -- a backup as a clerk reads it --------------------------------------------------------------------------
def when(info: backup.BackupInfo) -> str:
    return info.made_at.strftime("%Y-%m-%d %H:%M")


def counts_text(info: backup.BackupInfo, *, every: bool = False) -> str:
    """“志愿服务队 3、队员 25、志愿服务活动 12”: the main record types (`every`: all it holds), schema order."""
    counts = dict(info.counts or {})
    if not counts:
        return "无法读取" if not info.ok else "无记录"
    keys = [key for key in s.RECORD_TYPES if counts.get(key) and (every or key in MAIN_TYPES)]
    return "、".join(f"{s.RECORD_TYPES[key].label} {counts[key]}" for key in keys) or "无记录"


def describe(info: backup.BackupInfo) -> str:
    return f"{when(info)} 的“{info.reason}”备份（{counts_text(info)}）"


# -- questions (tests patch them) --------------------------------------------------------------------------
class DamagedQuestion:
    """The file failed its check: True = restore `good` (the newest good backup), False = open nothing."""

    @classmethod
    def ask(cls, parent: QWidget | None, db_path: Path, problem: str, good) -> bool:
        box = QMessageBox(QMessageBox.Icon.Critical, "数据库已损坏", problem, parent=parent)
        box.setObjectName("damaged_at_open")
        if good is None:
            box.setInformativeText(f"在“{backup_folder(db_path)}”中没有找到完好的备份，本次不打开任何数据库。")
            box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            return False
        box.setInformativeText(f"最近一份完好的备份是 {describe(good)}。可以用它恢复数据库"
                               "（损坏的文件会先另存一份），也可以不打开任何数据库。")
        restore = box.addButton("用这份备份恢复(&R)…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("不打开", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is restore


class RestoreConfirm:
    """The last word before a restore replaces the database file: True = go ahead."""

    @classmethod
    def ask(cls, parent: QWidget | None, db_path: Path, info) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, "恢复备份",
                          f"确定用 {describe(info)} 替换数据库“{Path(db_path).name}”吗？", parent=parent)
        box.setObjectName("confirm_restore")
        box.setInformativeText("恢复前会先把现在的数据库另存为一份“恢复前”备份，需要时可以再恢复回来。"
                               "备份之后录入的内容将不在恢复后的数据库中。")
        go = box.addButton("恢复(&R)", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton("取消", QMessageBox.ButtonRole.RejectRole))
        box.exec()
        return box.clickedButton() is go


class Notice:
    """A message after the fact (a restore done or refused)."""

    @classmethod
    def show(cls, parent: QWidget | None, title: str, text: str, *, error: bool = False) -> None:
        (QMessageBox.warning if error else QMessageBox.information)(parent, title, text)


def backup_folder(db_path: Path) -> Path:
    return backup.backup_dir(db_path)


# -- opening -----------------------------------------------------------------------------------------------
def damage(path: Path) -> str | None:
    """The Chinese sentence saying the file is damaged, or None (sound, missing, or refused for another reason,
    which opening explains). Reads only: the file is opened read-only."""
    if not path.is_file() or path.stat().st_size == 0 or held_by_another_window(path):
        return None
    try:
        store = Store.open(path, create=False, read_only=True)
    except DatabaseDamaged as err:
        return str(err)
    except StoreError:
        return None
    try:
        problems = store.quick_check()
    finally:
        store.close()
    return damaged_text(path, problems) if problems else None


def damaged_text(path: Path, problems: list[str]) -> str:
    return f"数据库“{path.name}”已损坏（SQLite 检查发现 {len(problems)} 处问题），为保护数据本次未作任何修改"


def held_by_another_window(path: Path) -> bool:
    probe = InstanceLock(path)
    free = probe.acquire()
    probe.release()
    return not free


def open_at_start(path: Path, parent: QWidget | None = None) -> tuple[Store, InstanceLock | None, bool] | None:
    """open_checked, except that a file which opens cleanly (core.start_check) is opened at once and checked after
    the first paint: (store, lock, checked); checked False asks the window for a StartCheck."""
    path = Path(path)
    if not opens_cleanly(path) or held_by_another_window(path):
        opened = open_checked(path, parent)
        return None if opened is None else (*opened, True)
    opened = open_database(path, parent)
    if opened is None:
        return None
    from .password_dialogs import after_open
    after_open(opened[0], parent)
    return (*opened, False)


def open_checked(path: Path, parent: QWidget | None = None) -> tuple[Store, InstanceLock | None] | None:
    """open_database after a read-only check: a damaged file is offered its newest good backup (restored after a
    confirmation) or opened not at all. The daily backup follows a sound open for writing; a file with a password
    whose key this PC does not keep asks for it (取消: open locked)."""
    path = Path(path)
    problem = damage(path)
    if problem is not None:
        log.warning("damaged database at open: %s", path.name)
        if not restore_damaged(path, problem, parent):
            return None
    opened = open_database(path, parent)
    if opened is not None and opened[1] is not None:
        backup.daily_backup(path)   # never raises: a failure is logged, the window opens
    if opened is not None:
        from .password_dialogs import after_open
        after_open(opened[0], parent)   # the encryption's notice; the password when this PC keeps no key
    return opened


def chosen_backup(path: Path, problem: str, parent: QWidget | None) -> backup.BackupInfo | None:
    """The newest good backup when the clerk chose to restore it and confirmed, else None."""
    try:
        good = backup.newest_good(path)
    except Exception:   # noqa: BLE001 - a backup folder that cannot be read: say there is none
        log.exception("looking for a good backup of %s failed", path.name)
        good = None
    if not DamagedQuestion.ask(parent, path, problem, good) or good is None \
            or not RestoreConfirm.ask(parent, path, good):
        return None
    return good


def restore_damaged(path: Path, problem: str, parent: QWidget | None) -> bool:
    good = chosen_backup(path, problem, parent)
    if good is None:
        return False
    try:
        restored = backup.restore_backup(path, good.path)
    except UserError as err:
        Notice.show(parent, "未能恢复备份", str(err), error=True)
        return False
    log.info("restored %s from a backup after damage at open", path.name)
    Notice.show(parent, "已恢复备份", restored_text(path, good, restored))
    return True


def restored_text(path: Path, info: backup.BackupInfo, restored: backup.BackupInfo) -> str:
    text = f"已用 {describe(info)} 恢复数据库“{path.name}”"
    if restored.missing_files:
        text += f"；其中 {restored.missing_files} 个附件文件在备份文件夹中找不到，相应活动的附件无法打开"
    return text


# -- restoring while the window has the file open ---------------------------------------------------------
def let_go(window) -> None:
    """The window stops its watcher and workers and closes its connection and lock. Its pages stay until
    set_store replaces them, hidden meanwhile: a page shown or repainted must not read the closed store."""
    window.stack.hide()
    if window.watcher:
        window.watcher.stop()
    if window.start_check is not None:
        window.start_check.shutdown()
    window.overview.shutdown()
    demo = getattr(window, "_demo_task", None)
    if demo is not None:
        demo.stop_and_wait()
    window.store.close()
    if window.lock is not None:
        window.lock.release()


def restore_in_window(window, info) -> bool:
    """Confirm, let go of the file, restore `info`, reopen (the file as it now is, restored or not). True when
    the backup was restored."""
    path = window.store.path
    if window.store.read_only or not window.settings_page.confirm_leave() \
            or not RestoreConfirm.ask(window, path, info):
        return False
    restored, error = replace_in_window(window, info)
    if restored is not None:
        log.info("restored %s from a backup", path.name)
        Notice.show(window, "已恢复备份", restored_text(path, info, restored))
        return True
    Notice.show(window, "未能恢复备份", failure_message(error or RuntimeError("restore returned nothing")),
                error=True)
    return False


def replace_in_window(window, info) -> tuple[backup.BackupInfo | None, Exception | None]:
    """Let go of the file, restore `info`, reopen the file as it now is: (what was restored, or the error). A file
    that cannot be opened again (the reason was shown) closes the window."""
    path = window.store.path
    let_go(window)
    error: Exception | None = None
    restored = None
    try:
        restored = backup.restore_backup(path, info.path)
    except Exception as exc:   # noqa: BLE001 - the window must get its file back before anything is shown
        error = exc
    opened = open_database(path, window)
    if opened is None:
        window.close()
        return None, error or StoreError(f"数据库“{path.name}”无法再次打开")
    from .password_dialogs import after_open
    after_open(opened[0], window)   # a password not kept on this PC is asked again, as at any open
    window.set_store(*opened)
    window.stack.show()
    return restored, error


# -- the check after the first paint (start) --------------------------------------------------------------
class StartCheck(QObject):
    """The quick_check of the file opened at start, on a worker once the window has painted. Until it answers, a
    write of the window's store checks first (Store.before_write: a save then takes seconds, never goes into a
    damaged file). Sound: writes go through and the daily backup is made on a worker. Damaged: said as at any
    open, with the newest good backup offered; restored in the window, or the window closes (`declined`)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.store: Store = window.current_store
        self.problems: list[str] | None = None   # None: not answered yet
        self.declined = False
        self._check = QuickCheck(self.store.path)
        self._tasks: list[Task] = []
        self.store.before_write = self.before_write
        if window.painted:
            QTimer.singleShot(0, self, self.start)
        else:
            window.first_painted.connect(self.start)

    def start(self) -> None:
        if self.problems is not None or self._tasks:
            return
        task = self._run(lambda progress, cancelled: self._check.run())
        task.done.connect(self.answered)
        task.failed.connect(lambda exc: log.error("the check of %s at start failed", self.store.path.name,
                                                  exc_info=exc))   # writes still check first

    def _run(self, job) -> Task:
        task = Task(job, parent=self.window, show_dialog=False)
        self._tasks.append(task)
        return task.start()

    def before_write(self) -> None:
        if self.problems is None:   # not answered yet: the store's own connection checks now
            self.answered(self.store.quick_check())
        if self.problems:
            raise DatabaseDamaged(damaged_text(self.store.path, self.problems))

    def answered(self, problems: list[str]) -> None:
        if self.problems is not None:   # the write's own check answered first
            return
        self.problems = list(problems)
        if not self.problems:
            self.store.before_write = None
            path = self.store.path
            self._run(lambda progress, cancelled: backup.daily_backup(path))   # never raises
            return
        log.warning("damaged database found after start: %s", self.store.path.name)
        QTimer.singleShot(0, self, self.offer_backup)   # not inside a save that met it

    def offer_backup(self) -> None:
        window = self.window
        good = chosen_backup(self.store.path, damaged_text(self.store.path, self.problems or []), window)
        if good is None:
            self.declined = True
            window.close()
            return
        restored, error = replace_in_window(window, good)
        if restored is not None:
            Notice.show(window, "已恢复备份", restored_text(self.store.path, good, restored))
            return
        Notice.show(window, "未能恢复备份", failure_message(error or RuntimeError("restore returned nothing")),
                    error=True)
        self.declined = True
        window.close()

    def shutdown(self) -> None:
        """Stop the check (interrupted) and wait for the backup; the window is going or lets go of the file."""
        self._check.interrupt()
        while self._check.running:   # it may have been between its open and its statement
            time.sleep(0.002)
            self._check.interrupt()
        for task in self._tasks:
            task.stop_and_wait()
        if self.window.start_check is self:
            self.window.start_check = None
