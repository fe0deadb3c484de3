"""回收站: what was deleted (core.trash.entries), newest first — 类型, 名称, 删除时间, 删除人, 下属记录 — with 恢复
(Enter), 彻底删除 (Del, confirmed) and 清空回收站 (confirmed). Entries older than 设置's 回收站保留天数 go when the
database opens."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core import trash
from ...core.errors import UserError
from ...core.store import Store

COLUMNS = ("类型", "名称", "删除时间", "删除人", "下属记录")
OPERATOR_COLUMN = 3
_PLAIN = Qt.KeyboardModifier.NoModifier | Qt.KeyboardModifier.KeypadModifier


def naming(entry: dict) -> str:
    """志愿服务队“XX志愿服务队”及其 12 条下属记录."""
    also = f"及其 {entry['children']} 条下属记录" if entry["children"] else ""
    return f"{entry['label']}“{entry['title']}”{also}"


class EntryTable(QTableWidget):
    """The entries; Enter restores and Del purges the selected one (Del is taken before the window's 删除)."""

    restoreRequested = Signal()
    purgeRequested = Signal()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_Delete \
                and not event.modifiers() & ~_PLAIN:
            event.accept()   # this Del is ours, not the 编辑 menu's
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        plain = not event.modifiers() & ~_PLAIN
        if plain and event.key() == Qt.Key.Key_Delete:
            self.purgeRequested.emit()
        elif plain and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.restoreRequested.emit()
        else:
            super().keyPressEvent(event)


class TrashPage(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.entries: list[dict] = []
        title = QLabel("回收站")
        title.setObjectName("pageTitle")
        self.intro = QLabel()
        self.intro.setObjectName("pageNote")
        self.intro.setWordWrap(True)
        self.table = EntryTable(0, len(COLUMNS))
        self.table.setObjectName("trash_entries")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)   # Tab goes on to the buttons
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.restore_button = QPushButton("恢复(&R)")
        self.restore_button.setObjectName("restore_entry")
        self.purge_button = QPushButton("彻底删除(&D)…")
        self.purge_button.setObjectName("purge_entry")
        self.empty_button = QPushButton("清空回收站(&E)…")
        self.empty_button.setObjectName("empty_trash")
        self.status = QLabel()
        self.status.setObjectName("trash_status")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.restore_button, self.purge_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.empty_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.intro)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button.clicked.connect(self.purge_selected)
        self.empty_button.clicked.connect(self.empty)
        self.table.restoreRequested.connect(self.restore_selected)
        self.table.purgeRequested.connect(self.purge_selected)
        self.table.doubleClicked.connect(lambda index: self.restore_selected())
        self.table.itemSelectionChanged.connect(self._enable)
        self._listener = self._on_store_change
        store.subscribe(self._listener)
        self.destroyed.connect(lambda *_a, st=store, li=self._listener: st.unsubscribe(li))
        self.refresh()

    # -- the list ------------------------------------------------------------------------------------------
    def _on_store_change(self, key: str) -> None:
        if key in ("trash", "settings", "*"):
            self.refresh()

    def refresh(self) -> None:
        keep = self.selected()
        days = trash.keep_days(self.store)
        self.intro.setText(f"删除的记录连同其下属记录（队员及其服务时长、参加人员、诉求、家庭成员、走访与帮扶记录、"
                           f"附件等）先移入回收站，可以恢复；保留 {days} 天后，在打开数据库时彻底删除"
                           "（天数可在“设置”中修改）。回收站中的记录不计入各列表、统计和导出。")
        self.entries = trash.entries(self.store)
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            children = f"{entry['children']} 条" if entry["children"] else "—"
            values = (entry["label"], entry["title"], trash.when_text(entry), entry["operator"] or "", children)
            tips = ("", entry["title"], f"{trash.purge_day(entry, days)} 之后彻底删除", "", trash.describe(entry))
            for column, (value, tip) in enumerate(zip(values, tips)):
                item = QTableWidgetItem(value)
                item.setToolTip(tip)
                item.setData(Qt.ItemDataRole.UserRole, entry["id"])
                self.table.setItem(row, column, item)
        self.table.setColumnHidden(OPERATOR_COLUMN, not any(e["operator"] for e in self.entries))
        ids = [e["id"] for e in self.entries]
        if ids:
            self.table.selectRow(ids.index(keep["id"]) if keep and keep["id"] in ids else 0)
        self._enable()

    def selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.entries[rows[0].row()] if rows and rows[0].row() < len(self.entries) else None

    def _enable(self) -> None:
        writable = not self.store.read_only
        chosen = self.selected() is not None
        self.restore_button.setEnabled(writable and chosen)
        self.purge_button.setEnabled(writable and chosen)
        self.empty_button.setEnabled(writable and bool(self.entries))
        if not self.entries:
            self.status.setText("回收站是空的。")
        elif self.store.read_only:
            self.status.setText("以只读方式打开时不能恢复或彻底删除。")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()   # deletes made elsewhere (the CLI, another window) show when the page is shown

    # -- the buttons ---------------------------------------------------------------------------------------
    def restore_selected(self) -> bool:
        entry = self.selected()
        if entry is None or not self.restore_button.isEnabled():
            return False
        what = naming(entry)
        try:
            trash.restore(self.store, entry["id"])
        except UserError as err:   # a record it needs is gone, an id is in use again, busy or read-only
            QMessageBox.warning(self, "不能恢复", str(err))
            self.refresh()
            return False
        self.refresh()
        self.status.setText(f"已恢复{what}。")
        return True

    def purge_selected(self) -> bool:
        entry = self.selected()
        if entry is None or not self.purge_button.isEnabled():
            return False
        what = naming(entry)
        if not self._confirm("彻底删除", f"确定彻底删除{what}吗？彻底删除后不能再恢复。"):
            return False
        if self._purge(entry["id"]):
            self.status.setText(f"已彻底删除{what}。")
            return True
        return False

    def empty(self) -> bool:
        if not self.entries or not self.empty_button.isEnabled():
            return False
        text = f"确定彻底删除回收站中的全部 {len(self.entries)} 项吗？彻底删除后不能再恢复。"
        if not self._confirm("清空回收站", text):
            return False
        if self._purge(None):
            self.status.setText("回收站已清空。")
            return True
        return False

    def _confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _purge(self, entry_id: str | None) -> bool:
        try:
            trash.purge(self.store, entry_id)
        except UserError as err:
            QMessageBox.warning(self, "不能彻底删除", str(err))
            return False
        finally:
            self.refresh()
        return True
