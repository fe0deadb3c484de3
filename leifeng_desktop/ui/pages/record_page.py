"""A list of one record type over the generic model: search, count, and (where a form exists) 新建/编辑/删除."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from ...core import schema as s
from ...core.store import Store, StoreError
from ...paths import forms_dir
from ..record_dialog import RecordDialog
from ..record_model import RecordListModel


class RecordListPage(QWidget):
    """`editable` needs forms/<type_key>.ui; without it the page lists and searches only."""

    recordOpened = Signal(str)

    def __init__(self, store: Store, type_key: str, *, title: str = "", description: str = "",
                 columns=None, editable: bool | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.rt = s.record_type(type_key)
        self.editable = (forms_dir() / f"{type_key}.ui").exists() if editable is None else editable
        layout = QVBoxLayout(self)
        if title:
            heading = QLabel(title)
            heading.setObjectName("pageTitle")
            layout.addWidget(heading)
        if description:
            note = QLabel(description)
            note.setWordWrap(True)
            note.setObjectName("pageNote")
            layout.addWidget(note)

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(f"搜索{self.rt.label}（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 1)
        self.buttons = {}
        if self.editable:
            for key, text in (("new", "新建(&N)"), ("edit", "编辑(&E)"), ("delete", "删除(&D)")):
                button = QPushButton(text)
                button.setObjectName(f"{key}_button")
                bar.addWidget(button)
                self.buttons[key] = button
        layout.addLayout(bar)

        self.model = RecordListModel(store, type_key, columns=columns, parent=self)
        self.view = QTableView()
        self.view.setObjectName("records")
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setWordWrap(False)
        layout.addWidget(self.view, 1)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        layout.addWidget(self.count_label)

        self.search.textChanged.connect(self._filter)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        self.view.activated.connect(self._open_current)
        if self.editable:
            self.buttons["new"].clicked.connect(self.new_record)
            self.buttons["edit"].clicked.connect(self.edit_current)
            self.buttons["delete"].clicked.connect(self.delete_current)
            QShortcut(QKeySequence.StandardKey.Delete, self.view, activated=self.delete_current)
        self._update_count()
        self.view.resizeColumnsToContents()

    def _filter(self, text: str) -> None:
        self.model.set_filter_text(text)

    def _update_count(self, *args) -> None:
        total = self.model.total_count()
        self.count_label.setText(f"共 {total} 条{self.rt.label}记录")

    def current_id(self) -> str | None:
        index = self.view.currentIndex()
        return self.model.record_id(index.row()) if index.isValid() else None

    def _open_current(self, *args) -> None:
        record_id = self.current_id()
        if record_id:
            self.recordOpened.emit(record_id)
            if self.editable:
                self.edit_current()

    def new_record(self) -> str | None:
        dialog = RecordDialog(self.store, self.rt.key, parent=self)
        return dialog.record_id if dialog.exec() else None

    def edit_current(self) -> None:
        record_id = self.current_id()
        if record_id:
            RecordDialog(self.store, self.rt.key, record_id, parent=self).exec()

    def delete_current(self) -> None:
        record_id = self.current_id()
        if not record_id or not self.editable:
            return
        record = self.store.get(self.rt.key, record_id) or {}
        name = record.get(self.rt.title) or ""
        answer = QMessageBox.question(self, f"删除{self.rt.label}", f"确定删除{self.rt.label}“{name}”吗？此操作不能撤销。")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.store.delete(self.rt.key, record_id)
        except StoreError as err:
            QMessageBox.warning(self, "不能删除", str(err))
