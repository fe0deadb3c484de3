"""Edits the choice lists (队伍类型, 服务内容 …) kept in the database; a working copy until 保存."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from ...core import schema as s


class ChoiceListsEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._lists: dict[str, list[str]] = {}
        self.names = QListWidget()
        self.names.setObjectName("choice_names")
        for name, (label, _) in s.CHOICE_LISTS.items():
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.names.addItem(item)
        self.items = QListWidget()
        self.items.setObjectName("choice_items")
        self.items.setEditTriggers(QListWidget.EditTrigger.DoubleClicked | QListWidget.EditTrigger.EditKeyPressed
                                   | QListWidget.EditTrigger.AnyKeyPressed)
        self.error = QLabel()
        self.error.setObjectName("choice_error")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QVBoxLayout()
        for key, text, slot in (("add", "添加(&A)", self.add_item), ("remove", "删除(&R)", self.remove_item),
                                ("up", "上移(&U)", lambda: self.move_item(-1)),
                                ("down", "下移(&W)", lambda: self.move_item(1))):
            button = QPushButton(text)
            button.setObjectName(f"choice_{key}")
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        hint = QLabel("双击或按 F2 修改选项文字；改动在“保存设置”后生效。已保存记录中的旧选项文字不会被改动。")
        hint.setWordWrap(True)
        grid = QGridLayout(self)
        grid.addWidget(QLabel("选项表："), 0, 0)
        grid.addWidget(QLabel("选项："), 0, 1)
        grid.addWidget(self.names, 1, 0)
        grid.addWidget(self.items, 1, 1)
        grid.addLayout(buttons, 1, 2)
        grid.addWidget(self.error, 2, 0, 1, 3)
        grid.addWidget(hint, 3, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        self.names.currentRowChanged.connect(self._show_current)
        self.items.itemChanged.connect(self._store_current)
        self.items.model().rowsMoved.connect(self._store_current)

    def load(self, choices: dict[str, list[str]]) -> None:
        self._lists = {name: list(choices.get(name, items)) for name, (_, items) in s.CHOICE_LISTS.items()}
        self.error.hide()
        self.names.setCurrentRow(max(self.names.currentRow(), 0))
        self._show_current()

    def values(self) -> dict[str, list[str]]:
        return {f"choices.{name}": list(items) for name, items in self._lists.items()}

    def current_name(self) -> str:
        item = self.names.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else next(iter(s.CHOICE_LISTS))

    def select(self, name: str) -> None:
        for row in range(self.names.count()):
            if self.names.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.names.setCurrentRow(row)

    def show_error(self, name: str, message: str) -> None:
        self.select(name)
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def _show_current(self, *args) -> None:
        self.items.blockSignals(True)
        self.items.clear()
        for text in self._lists.get(self.current_name(), []):
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.items.addItem(item)
        self.items.blockSignals(False)

    def _store_current(self, *args) -> None:
        self._lists[self.current_name()] = [self.items.item(i).text() for i in range(self.items.count())]
        self.changed.emit()

    def add_item(self, text: str = "新选项") -> None:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.items.addItem(item)
        self.items.setCurrentItem(item)
        self._store_current()
        self.items.editItem(item)

    def remove_item(self) -> None:
        row = self.items.currentRow()
        if row >= 0:
            self.items.takeItem(row)
            self._store_current()

    def move_item(self, step: int) -> None:
        row = self.items.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.items.count():
            return
        item = self.items.takeItem(row)
        self.items.insertItem(target, item)
        self.items.setCurrentRow(target)
        self._store_current()
