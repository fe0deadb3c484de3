"""Editors of the visiting campaign: an enterprise visit with its 职工诉求, a household (困难职工档案) with its family,
sensitive fields hidden until 显示, and its visit and aid history; household visits warn outside the campaign year."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import lookups, visits
from ..core import schema as s
from ..core.formatting import display
from ..core.store import Store
from ..core.validation import fen_to_yuan
from .child_table import ChildDelegate, ChildRecordsModel
from .record_dialog import RecordDialog, fitting_size, tool_button


class ChildRecordsPage(QWidget):
    """Add/remove buttons, the table and a count line for one child record type."""

    def __init__(self, model: ChildRecordsModel, noun: str, *, reveal_text: str = "", parent=None):
        super().__init__(parent)
        self.model = model
        self.add_button = tool_button(f"添加{noun}(&A)", "add_row")
        self.remove_button = tool_button("删除所选(&R)", "remove_rows")
        bar = QHBoxLayout()
        bar.addWidget(self.add_button)
        bar.addWidget(self.remove_button)
        bar.addStretch(1)
        self.reveal_box = None
        if reveal_text:
            self.reveal_box = QCheckBox(reveal_text)
            self.reveal_box.setObjectName("reveal_rows")
            self.reveal_box.toggled.connect(model.set_reveal)
            bar.addWidget(self.reveal_box)
        self.view = QTableView()
        self.view.setObjectName(f"{model.rt.key}_rows")
        self.view.setModel(model)
        self.view.setItemDelegate(ChildDelegate(model, self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        for i, field in enumerate(model.columns):
            self.view.setColumnWidth(i, 260 if field.type == s.LONGTEXT else 110)
        self.count = QLabel()
        self.count.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        self.noun = noun
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_rows)
        model.changed.connect(self.update_count)
        model.modelReset.connect(self.update_count)

    def add_row(self, values: dict | None = None) -> None:
        row = self.model.add_rows([values or {}])
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.setFocus()
        self.view.edit(index)

    def remove_rows(self) -> None:
        rows = [i.row() for i in self.view.selectionModel().selectedRows()]
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        self.model.remove_rows(rows)

    def update_count(self, *args) -> None:
        bad = len(self.model.problems())
        text = f"共 {self.model.rowCount()} 条{self.noun}"
        if bad:
            text += f"；<span style='color:#c0392b'>{bad} 条有问题，鼠标停在红色格子上可看原因</span>"
        self.count.setText(text)


class ChildrenDialog(RecordDialog):
    """A record with one list of child rows on a second tab, saved together by `save_with(store, id, values, rows)`."""

    child_type = ""
    child_noun = ""
    reveal_text = ""

    def __init__(self, store: Store, type_key: str, record_id: str | None = None, *, parent=None, defaults=None):
        self.child_rows = self.make_model(store)
        super().__init__(store, type_key, record_id, parent=parent, defaults=defaults)
        self.child_rows.setParent(self)
        self._load_children()
        self.child_rows.changed.connect(self.touched)
        self.resize(fitting_size(self, QSize(max(self.form.sizeHint().width(), 820), self.form.sizeHint().height())))

    def make_model(self, store: Store) -> ChildRecordsModel:
        return ChildRecordsModel(s.record_type(self.child_type), store.settings.choices())

    def _load_children(self) -> None:
        self.child_rows.load(lookups.children(self.store, self.child_type, self.record_id))
        self.child_page.update_count()

    def renew_missing_rows(self) -> None:
        self.child_rows.renew_missing({r["id"] for r in lookups.children(self.store, self.child_type, self.record_id)})

    def reload(self, record: dict) -> None:
        super().reload(record)
        self._load_children()
        self.mark_clean()

    def extra_tabs(self) -> list[tuple[str, QWidget]]:
        self.child_page = ChildRecordsPage(self.child_rows, self.child_noun, reveal_text=self.reveal_text)
        return [(s.record_type(self.child_type).label, self.child_page)]

    def check_more(self) -> bool:
        problems = self.child_rows.problems()
        if problems:
            self.tab_widget.setCurrentIndex(1)
            QMessageBox.warning(self, f"{s.record_type(self.child_type).label}有误", "\n".join(problems[:15]))
            return False
        return True



def confirm_year(dialog: RecordDialog, date) -> bool:
    warning = visits.visit_date_warning(date, dialog.store.settings.get("year"))
    if not warning:
        return True
    answer = QMessageBox.question(dialog, "日期提示", f"{warning}，仍要保存吗？")
    return answer == QMessageBox.StandardButton.Yes


class EnterpriseVisitDialog(ChildrenDialog):
    child_type, child_noun = "demand", "诉求"

    def __init__(self, store: Store, record_id: str | None = None, *, parent=None, defaults=None):
        super().__init__(store, "enterprise_visit", record_id, parent=parent, defaults=defaults)

    def make_model(self, store: Store) -> ChildRecordsModel:
        days, today = visits.reply_days(store), dt.date.today()
        return ChildRecordsModel(s.record_type("demand"), store.settings.choices(),
                                 alert=lambda row: "已超过答复期限，尚未办结" if row.get("due_on") and
                                 visits.is_overdue(row, today, days=days) else None)

    def check_more(self) -> bool:
        return super().check_more() and confirm_year(self, self.binder.values().get("date"))

    def write(self, values: dict) -> str:
        return visits.save_enterprise_visit(self.store, self.record_id, values, self.child_rows.members(),
                                            expected_revision=self.revision)


class HouseholdDialog(ChildrenDialog):
    child_type, child_noun, reveal_text = "family_member", "家庭成员", "显示健康和收入(&H)"

    def __init__(self, store: Store, record_id: str | None = None, *, parent=None, defaults=None):
        super().__init__(store, "household", record_id, parent=parent, defaults=defaults)
        rt = s.record_type("household")
        self.sensitive = [self.binder.widget(k) for k in rt.sensitive_keys if self.binder.widget(k) is not None]
        self.reveal_box = QCheckBox("显示敏感信息(&V)")
        self.reveal_box.setObjectName("reveal")
        self.reveal_box.setToolTip("身份证号、电话、收入、健康状况和银行卡号默认隐藏，防止旁人看到")
        self.reveal_box.toggled.connect(self.set_reveal)
        self.tab_widget.setCornerWidget(self.reveal_box)
        self.set_reveal(False)
        if record_id:
            self.tab_widget.addTab(self._history_page(record_id), "走访与帮扶(&3)")

    def set_reveal(self, reveal: bool) -> None:
        for widget in self.sensitive:
            if isinstance(widget, QLineEdit):
                widget.setEchoMode(QLineEdit.EchoMode.Normal if reveal else QLineEdit.EchoMode.Password)
            elif widget is not None:
                widget.setVisible(reveal)

    def _history_page(self, record_id: str) -> QWidget:
        history = visits.household_history(self.store, record_id)
        page = QWidget()
        layout = QVBoxLayout(page)
        totals = "；".join(f"{t['programme']} {t['count']} 次 {fen_to_yuan(t['amount_fen'])} 元"
                          for t in history["totals"]) or "暂无帮扶记录"
        summary = QLabel(f"走访 {len(history['visits'])} 次；帮扶合计 {fen_to_yuan(history['total_fen'])} 元"
                         f"（{totals}）")
        summary.setObjectName("history_summary")
        summary.setWordWrap(True)
        layout.addWidget(summary)
        aid_rt = s.record_type("aid")
        layout.addWidget(QLabel("走访记录"))
        layout.addWidget(self._table("history_visits", ["走访日期", "工作组", "走访人员", "帮扶需求"], [
            [v["date"], v.get("group_name") or "", v.get("visitors") or "", v.get("needs") or ""]
            for v in history["visits"]]))
        layout.addWidget(QLabel("帮扶记录"))
        keys = ("date", "programme", "amount", "goods", "handler")
        layout.addWidget(self._table("history_aid", [aid_rt.field(k).label for k in keys], [
            [display(aid_rt.field(k), a.get(k)) for k in keys] for a in history["aid"]]))
        return page

    @staticmethod
    def _table(name: str, headers: list[str], rows: list[list[str]]) -> QTableWidget:
        table = QTableWidget(len(rows), len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(str(text)))
        table.resizeColumnsToContents()
        return table

    def write(self, values: dict) -> str:
        return visits.save_household(self.store, self.record_id, values, self.child_rows.members(),
                                     expected_revision=self.revision)


class HouseholdVisitDialog(RecordDialog):
    def __init__(self, store: Store, record_id: str | None = None, *, parent=None, defaults=None):
        super().__init__(store, "household_visit", record_id, parent=parent, defaults=defaults)

    def check_more(self) -> bool:
        return confirm_year(self, self.binder.values().get("date"))


class AidDialog(RecordDialog):
    def __init__(self, store: Store, record_id: str | None = None, *, parent=None, defaults=None):
        super().__init__(store, "aid", record_id, parent=parent, defaults=defaults)

    def check_more(self) -> bool:
        return confirm_year(self, self.binder.values().get("date"))
