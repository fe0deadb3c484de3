"""操作日志: every write to the open database (core.oplog), newest first, filtered by days, record type, action,
operator and a text; 导出为 Excel writes what the filters show (exports.oplog_ledger) on a worker."""
from __future__ import annotations

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core import oplog
from ...core.store import Store
from ..export_dialog import ask_save_path, run_export
from ..fitting import fit_combo
from ..record_model import BatchListModel

NO_DATE = QDate(2000, 1, 1)   # the date pickers' "不限"
COLUMNS = ("时间", "操作员", "操作", "记录类型", "记录", "修改内容")
INTRO = ("程序对数据的每一次新增、修改、删除、导入和设置修改都记在这里：何时、谁（设置中的“操作员”）、哪条记录、"
         "改了什么。身份证号和电话只记部分号码，收入、健康和银行卡信息只记“已修改”。")


class OplogModel(BatchListModel):
    """The log's entries a batch at a time (canFetchMore/fetchMore) under the chosen filters."""

    def __init__(self, store: Store, *, batch_size: int = 200, parent=None):
        super().__init__(COLUMNS, batch_size=batch_size, parent=parent)
        self.store = store
        self.filters: dict = {}
        self._rows: list[oplog.Entry] = []
        self._load(self.batch_size)

    def _count(self) -> int:
        return oplog.count(self.store, **self.filters)

    def _query(self, limit: int, offset: int) -> list[oplog.Entry]:
        return list(oplog.entries(self.store, limit=limit, offset=offset, **self.filters))

    def set_filters(self, **filters) -> None:
        self.filters = {k: v for k, v in filters.items() if v is not None}
        self.refresh(keep_loaded=False)

    def entry(self, row: int) -> oplog.Entry | None:
        return self.row_data(row)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None or not 0 <= index.column() < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (entry.when, entry.operator_label, entry.action_label, entry.type_label, entry.title,
                    entry.changes_text)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == len(COLUMNS) - 1 and entry.changes:
            return entry.changes_text.replace("；", "\n")[:3000]
        return None


class OplogPage(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self._stale = False
        intro = QLabel(INTRO)
        intro.setObjectName("pageNote")
        intro.setWordWrap(True)
        self.date_from, self.date_to = self._date_edit("from", "起始不限"), self._date_edit("to", "截止不限")
        self.type_filter = self._combo("type_filter", "按记录类型筛选")
        self.action_filter = self._combo("action_filter", "按操作筛选")
        self.operator_filter = self._combo("operator_filter", "按操作员筛选")
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("搜索记录名称或修改内容")
        self.search.setClearButtonEnabled(True)
        self.export_button = QPushButton("导出为 Excel(&X)…")
        self.export_button.setObjectName("export_oplog")
        bar = QHBoxLayout()
        for widget in (self.date_from, QLabel("至"), self.date_to, self.type_filter, self.action_filter,
                       self.operator_filter):
            bar.addWidget(widget)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.export_button)
        self.model = OplogModel(store, parent=self)
        self.view = QTableView()
        self.view.setObjectName("oplog")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)
        self.fill_filters()
        for combo in (self.type_filter, self.action_filter, self.operator_filter):
            combo.currentIndexChanged.connect(self.apply_filters)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self.apply_filters)
        self.search.textChanged.connect(self.apply_filters)
        self.export_button.clicked.connect(self.export)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self._listener = lambda key: self._changed()
        store.subscribe(self._listener)   # every write adds an entry, whatever record type it was about
        self.destroyed.connect(lambda *_a, st=store, li=self._listener: st.unsubscribe(li))
        self._update_count()
        self.view.resizeColumnsToContents()

    def _date_edit(self, which: str, special: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(f"date_{which}")
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(special)
        edit.setDate(NO_DATE)
        edit.setToolTip("操作日期（起）" if which == "from" else "操作日期（止）")
        edit.setAccessibleName(edit.toolTip())
        return edit

    @staticmethod
    def _combo(name: str, tip: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setToolTip(tip)
        combo.setAccessibleName(tip)
        return fit_combo(combo)   # as wide as its longest entry, the popup too

    # -- filters -------------------------------------------------------------------------------------------
    def fill_filters(self) -> None:
        """The combos list what the log holds (a new operator appears once they wrote something)."""
        choices = oplog.filter_choices(self.store)
        for combo, key, everything in ((self.type_filter, "types", "全部类型"),
                                       (self.action_filter, "actions", "全部操作"),
                                       (self.operator_filter, "operators", "全部操作员")):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for label, value in choices[key]:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
            combo.blockSignals(False)

    def chosen(self) -> dict:
        """The filters as core.oplog.entries takes them."""
        day = lambda e: None if e.date() == NO_DATE else e.date().toString("yyyy-MM-dd")  # noqa: E731
        return {"date_from": day(self.date_from), "date_to": day(self.date_to),
                "type_key": self.type_filter.currentData(), "action": self.action_filter.currentData(),
                "operator": self.operator_filter.currentData(), "text": self.search.text().strip() or None}

    def apply_filters(self, *args) -> None:
        self.model.set_filters(**self.chosen())

    def select(self, combo: QComboBox, value: str) -> bool:
        """Choose a combo entry by its value (tests, and pages that open the log on one record)."""
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)
        return index >= 0

    # -- following the store -------------------------------------------------------------------------------
    def _changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True   # read again when shown: a hidden page need not follow every save

    def refresh(self) -> None:
        self._stale = False
        self.fill_filters()
        self.model.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _update_count(self, *args) -> None:
        self.count_label.setText(f"共 {self.model.total_count()} 条操作记录")

    # -- export --------------------------------------------------------------------------------------------
    def export(self):
        """What the filters show, oldest first, to an .xlsx the clerk names; on a worker."""
        from ...exports.oplog_ledger import export_oplog
        target = ask_save_path(self, "导出操作日志", f"操作日志_{QDate.currentDate().toString('yyyyMMdd')}.xlsx")
        if target is None:
            return None
        chosen = {k: v for k, v in self.chosen().items() if v is not None}
        return run_export(self, self.store, lambda st, progress, cancelled: [export_oplog(st, target, **chosen)[0]],
                          title="导出操作日志", folder=target.parent)
