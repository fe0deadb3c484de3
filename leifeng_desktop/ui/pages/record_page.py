"""A list of one record type over the generic model: search, count, and (where a form exists) 新建/编辑/删除."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core import filters
from ...core import schema as s
from ...core.errors import UserError
from ...core.filters import Filter
from ...core.store import Store
from ...paths import forms_dir
from .. import undo
from ..fitting import fit_columns, fit_combo
from ..flow_layout import FlowLayout
from ..qt import shortcut
from ..record_dialog import RecordDialog
from ..record_model import RecordListModel

NO_DATE = QDate(2000, 1, 1)   # the date pickers' "不限"
FilterItems = Callable[[], list[Filter]]   # the entries of one filter combo, read again when records change


class RecordListPage(QWidget):
    """`editable` needs forms/<type_key>.ui; without it the page lists and searches only. Subclasses may set
    `dialog_class` (an editor taking (store, record_id, parent=)) and add filters with add_filter(). `keys` are
    the list's key columns (column keys: its name, then its figures): shown first and whole, the rest may scroll."""

    recordOpened = Signal(str)
    dialog_class: Callable[..., RecordDialog] | None = None

    def __init__(self, store: Store, type_key: str, *, title: str = "", description: str = "",
                 columns=None, keys: Sequence[str] = (), editable: bool | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.rt = s.record_type(type_key)
        self.editable = (forms_dir() / f"{type_key}.ui").exists() if editable is None else editable
        layout = QVBoxLayout(self)
        for text, name in ((title, "pageTitle"), (description, "pageNote")):
            if text:
                label = QLabel(text)
                label.setObjectName(name)
                label.setWordWrap(name == "pageNote")
                layout.addWidget(label)

        # actions, then filters + search (wrapping onto a second line where a 150 % scaled screen is too narrow)
        self.button_bar = QHBoxLayout()
        self.buttons = {}
        if self.editable:
            for key, text in (("new", "新建(&N)"), ("edit", "编辑(&E)"), ("delete", "删除(&D)")):
                button = QPushButton(text)
                button.setObjectName(f"{key}_button")
                self.button_bar.addWidget(button)
                self.buttons[key] = button
        self.button_bar.addStretch(1)
        self.filter_bar = FlowLayout()
        self.filters: list[tuple[QComboBox, FilterItems]] = []
        self.date_ranges: list[tuple[str, QDateEdit, QDateEdit]] = []
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(f"搜索{self.rt.label}（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.filter_bar.addWidget(self.search)
        if self.editable:
            layout.addLayout(self.button_bar)
        layout.addLayout(self.filter_bar)

        self.model = RecordListModel(store, type_key, columns=columns, parent=self)
        self.view = self._make_view(self.model)
        layout.addWidget(self.view, 1)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        layout.addWidget(self.count_label)

        self.search.textChanged.connect(self._filter)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        # the main window's 编辑 menu takes these over (release_shortcuts); a list in a dialog keeps them
        self.own_shortcuts = [shortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)]
        self.view.activated.connect(self._open_current)
        if self.editable:
            self.buttons["new"].clicked.connect(self.new_record)
            self.buttons["edit"].clicked.connect(self.edit_current)
            self.buttons["delete"].clicked.connect(self.delete_current)
            self.own_shortcuts.append(shortcut(QKeySequence.StandardKey.Delete, self.view, self.delete_current))
        self._settings_listener = self._settings_changed
        store.subscribe(self._settings_listener)   # choice lists and the campaign year live in the settings
        self.destroyed.connect(lambda *_a, st=store, li=self._settings_listener: st.unsubscribe(li))
        self._update_count()
        columns = list(self.model.columns)
        fit_columns(self.view, [columns.index(k) for k in keys if k in columns] or [0])

    @staticmethod
    def _make_view(model: RecordListModel) -> QTableView:
        view = QTableView()
        view.setObjectName("records")
        # sorting on, unsorted, before the model comes: each of these asks a model for a sort (a query) otherwise
        view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setVisible(False)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.horizontalHeader().setStretchLastSection(True)
        view.setWordWrap(False)
        return view

    def _settings_changed(self, key: str) -> None:
        if key in ("settings", "*"):
            self.refresh_filters()

    def release_shortcuts(self) -> None:
        """Ctrl+F and Del are answered by the window's 编辑 menu instead (one owner per key)."""
        for own in self.own_shortcuts:
            own.setEnabled(False)

    def _filter(self, text: str) -> None:
        self.model.set_filter_text(text)

    # -- filters -------------------------------------------------------------------------------------------
    def add_filter(self, name: str, tip: str, items: FilterItems) -> QComboBox:
        """A combo before the search box; `items()` (core.filters entries) is read again whenever the records or
        the settings change (a new unit, an edited choice list)."""
        combo = QComboBox()
        combo.setObjectName(f"{name}_filter")
        combo.setToolTip(tip)
        combo.setAccessibleName(tip)
        fit_combo(combo)   # as wide as its longest entry; the filter bar wraps when the screen is narrow
        self.filter_bar.insertWidget(len(self.filters), combo)
        self.filters.append((combo, items))
        self._fill_filter(combo, items)
        combo.currentIndexChanged.connect(self.apply_filters)
        return combo

    def _fill_filter(self, combo: QComboBox, items: FilterItems) -> None:
        current = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        for entry in items():
            combo.addItem(entry.label, entry)
        combo.setCurrentIndex(max(combo.findText(current), 0))
        combo.blockSignals(False)

    def refresh_filters(self, *args) -> None:
        before = [c.currentData() for c, _ in self.filters]
        for combo, items in self.filters:
            self._fill_filter(combo, items)
        if before != [c.currentData() for c, _ in self.filters]:
            self.apply_filters()

    def add_date_range(self, column: str, tip: str) -> tuple[QDateEdit, QDateEdit]:
        """From/to date pickers on a DATE or DATETIME column; the earliest date means 不限 (no bound)."""
        edits = []
        for which in ("from", "to"):
            edit = QDateEdit()
            edit.setObjectName(f"{column}_{which}")
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setMinimumDate(NO_DATE)
            edit.setSpecialValueText("起始不限" if which == "from" else "截止不限")
            edit.setDate(NO_DATE)
            edit.setToolTip(f"{tip}（{'起' if which == 'from' else '止'}）")
            edit.setAccessibleName(edit.toolTip())
            edit.dateChanged.connect(self.apply_filters)
            edits.append(edit)
        position = len(self.filters) + 2 * len(self.date_ranges)
        self.filter_bar.insertWidget(position, edits[0])
        self.filter_bar.insertWidget(position + 1, edits[1])
        self.date_ranges.append((column, edits[0], edits[1]))
        return edits[0], edits[1]

    def set_date_range(self, column: str, start: str | None, end: str | None) -> None:
        for key, from_edit, to_edit in self.date_ranges:
            if key == column:
                from_edit.setDate(QDate.fromString(start, "yyyy-MM-dd") if start else NO_DATE)
                to_edit.setDate(QDate.fromString(end, "yyyy-MM-dd") if end else NO_DATE)

    base_filter: Filter | None = None   # a fixed condition (the records behind a dashboard figure)

    def chosen_filter(self, name: str) -> Filter | None:
        """The entry chosen in the filter combo `name` (None for an unknown name)."""
        return next((c.currentData() for c, _ in self.filters if c.objectName() == f"{name}_filter"), None)

    def chosen_dates(self, column: str) -> tuple[str | None, str | None]:
        """The (from, to) ISO days of a date range; None where it is 不限."""
        as_text = lambda e: None if e.date() == NO_DATE else e.date().toString("yyyy-MM-dd")  # noqa: E731
        return next(((as_text(a), as_text(b)) for key, a, b in self.date_ranges if key == column), (None, None))

    def apply_filters(self, *args) -> None:
        chosen = [self.base_filter] + [c.currentData() for c, _ in self.filters]
        chosen += [filters.date_range(self.rt.key, key, *self.chosen_dates(key)) for key, *_ in self.date_ranges]
        self.model.set_where(*filters.combine(chosen))

    def select_filter(self, name: str, text: str) -> bool:
        """Choose a filter entry by its text (the dashboard's figures open lists this way)."""
        for combo, _items in self.filters:
            if combo.objectName() == f"{name}_filter":
                index = combo.findText(text)
                if index >= 0:
                    combo.setCurrentIndex(index)
                    return True
        return False

    def _update_count(self, *args) -> None:
        total = self.model.total_count()
        self.count_label.setText(f"共 {total} 条{self.rt.label.removesuffix('记录')}记录")

    def current_id(self) -> str | None:
        index = self.view.currentIndex()
        return self.model.record_id(index.row()) if index.isValid() else None

    def _open_current(self, *args) -> None:
        record_id = self.current_id()
        if record_id:
            self.recordOpened.emit(record_id)
            if self.editable:
                self.edit_current()

    def make_dialog(self, record_id: str | None = None):
        if self.dialog_class is not None:
            return self.dialog_class(self.store, record_id, parent=self)
        return RecordDialog(self.store, self.rt.key, record_id, parent=self)

    def new_record(self) -> str | None:
        dialog = self.make_dialog()
        return dialog.record_id if dialog.exec() else None

    def edit_current(self) -> None:
        record_id = self.current_id()
        if record_id:
            self.make_dialog(record_id).exec()

    def delete_record(self, record_id: str) -> None:
        self.store.delete(self.rt.key, record_id)

    def delete_question(self, record: dict) -> str:
        name = record.get(self.rt.title) or ""
        return f"确定删除{self.rt.label}“{name}”吗？删除后可在回收站中恢复，或按 Ctrl+Z 撤销。"

    def delete_current(self) -> None:
        record_id = self.current_id()
        if not record_id or not self.editable:
            return
        record = self.store.get(self.rt.key, record_id) or {}
        answer = QMessageBox.question(self, f"删除{self.rt.label}", self.delete_question(record))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            undo.delete(self.store, self.rt.key, record_id, self.delete_record)   # 编辑 → 撤销 gives it back
        except UserError as err:   # still referenced, the database busy or read-only: the record stays
            QMessageBox.warning(self, "不能删除", str(err))
