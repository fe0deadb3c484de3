"""备份与恢复: the backups of the open database (core.backup.list_backups: date, reason, record counts, sound or
damaged), 立即备份 on a worker, 恢复所选备份 (confirmed; the window lets go of the file, restores and reopens it, see
ui/recovery.py) and 打开备份文件夹."""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core import backup
from ...core.errors import UserError
from ...core.store import Store
from .. import recovery
from ..workers import Task, show_failure

log = logging.getLogger(__name__)

COLUMNS = ("备份时间", "原因", "记录数", "状态", "文件")


def open_folder(folder: Path) -> None:
    """The system's file manager on `folder` (tests patch it)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class BackupPage(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.infos: list = []
        self._task: Task | None = None
        intro = QLabel(f"备份保存在数据库旁的文件夹“{recovery.backup_folder(store.path)}”。每天第一次打开时，"
                       "以及升级、导入、批量删除和恢复之前，程序都会自动备份；也可以随时点“立即备份”。")
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("backups")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.backup_button = QPushButton("立即备份(&B)")
        self.backup_button.setObjectName("backup_now")
        self.restore_button = QPushButton("恢复所选备份(&R)…")
        self.restore_button.setObjectName("restore_backup")
        self.folder_button = QPushButton("打开备份文件夹(&O)")
        self.folder_button.setObjectName("open_backup_folder")
        self.status = QLabel()
        self.status.setObjectName("backup_status")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(self.folder_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.folder_button.clicked.connect(self.open_backup_folder)
        self.table.itemSelectionChanged.connect(self._enable)
        self.table.doubleClicked.connect(lambda index: self.restore_selected())
        if store.read_only:
            self.restore_button.setToolTip("以只读方式打开时不能恢复备份")
        self.refresh()

    # -- the list ------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            infos = backup.list_backups(self.store.path)
        except (OSError, UserError) as err:
            log.warning("backups of %s could not be listed: %s", self.store.path.name, err)
            infos, self.status_text = [], f"无法读取备份文件夹：{getattr(err, 'strerror', None) or err}"
        else:
            self.status_text = f"共 {len(infos)} 份备份" if infos else "还没有备份"
        self.infos = list(infos)   # newest first
        self.table.setRowCount(len(self.infos))
        for row, info in enumerate(self.infos):
            values = (recovery.when(info), info.reason, recovery.counts_text(info),
                      "完好" if info.ok else "已损坏", Path(info.path).name)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 2:
                    item.setToolTip(recovery.counts_text(info, every=True) + f"；附件文件 {info.attachments} 个")
                if column == 3 and not info.ok:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(row, column, item)
        self.status.setText(self.status_text)
        if self.infos:
            self.table.selectRow(0)
        self._enable()

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.infos[rows[0].row()] if rows else None

    def _enable(self) -> None:
        info = self.selected()
        self.restore_button.setEnabled(info is not None and info.ok and not self.store.read_only)
        self.backup_button.setEnabled(self._task is None)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._task is None:
            self.refresh()   # backups made meanwhile (an import, the CLI) show up when the page is shown

    # -- the buttons ---------------------------------------------------------------------------------------
    def backup_now(self) -> Task | None:
        if self._task is not None:
            return None
        path = self.store.path
        self._task = Task(lambda progress, cancelled: backup.make_backup(path, reason=backup.MANUAL), parent=self,
                          title="立即备份", label="正在备份数据库…")
        if self._task.dialog is not None:   # a backup is not cancelled half-way; the window waits for it
            self._task.dialog.setCancelButton(None)
            self._task.dialog.setMinimumDuration(0)
        self._task.done.connect(self._backed_up)
        self._task.failed.connect(self._backup_failed)
        self._enable()
        return self._task.start()

    def _backed_up(self, info) -> None:
        self._task = None
        self.refresh()
        self.status.setText(f"已备份到“{info.path}”")

    def _backup_failed(self, exc: BaseException) -> None:
        self._task = None
        self._enable()
        self.status.setText(show_failure(self, "未能备份", exc))

    def restore_selected(self) -> bool:
        info = self.selected()
        if info is None or not self.restore_button.isEnabled():
            return False
        return recovery.restore_in_window(self.window(), info)

    def open_backup_folder(self) -> None:
        folder = recovery.backup_folder(self.store.path)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            self.status.setText(f"无法创建备份文件夹“{folder}”：{err.strerror or err}")
            return
        open_folder(folder)

    def shutdown(self) -> None:
        """Wait for a backup in progress: its thread must not outlive the page."""
        if self._task is not None:
            self._task.stop_and_wait()
            self._task = None

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)
