"""活动记录: the activity list (filters: dates, team, 服务内容, 服务形式; search), its editor, the 活动台账, and
each volunteer's service record with the 志愿服务记录证明."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core import attachments, filters, lookups, service_record
from ...core.store import Store
from ...core.validation import minutes_to_hours
from ...core.volunteer_hours import Hours, volunteer_hours
from ..activity_dialog import ActivityDialog
from ..export_dialog import ask_save_path
from ..fitting import fit_columns, fit_combo, size_columns
from .record_page import RecordListPage

ACTIVITY_COLUMNS = ("title", "starts_at", "category", "service_form", "team_id", "participant_count",
                    "total_minutes", "beneficiaries")


class ActivityPage(RecordListPage):
    dialog_class = ActivityDialog

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(store, "activity", columns=ACTIVITY_COLUMNS, parent=parent, keys=(
            "title", "starts_at", "participant_count", "total_minutes", "beneficiaries"))
        self.add_filter("team", "按组织队伍筛选", lambda: filters.references(store, "activity", "team_id", "全部队伍"))
        self.add_filter("category", "按服务内容筛选",
                        lambda: filters.choices(store, "activity", "category", "全部服务内容"))
        self.add_filter("service_form", "按服务形式筛选",
                        lambda: filters.choices(store, "activity", "service_form", "全部服务形式"))
        self.add_date_range("starts_at", "活动日期")
        self.ledger_button = QPushButton("导出活动台账(&L)…")
        self.ledger_button.setObjectName("ledger_button")
        self.ledger_button.clicked.connect(self.export_ledger)
        self.button_bar.insertWidget(len(self.buttons), self.ledger_button)
        self.model.modelReset.connect(self.refresh_filters)

    def delete_record(self, record_id: str) -> None:
        attachments.delete_activity(self.store, record_id)   # its attachment files go too

    def delete_question(self, record: dict) -> str:
        n = lookups.child_count(self.store, "participant", record.get("id"))
        return (f"确定删除活动《{record.get('title') or ''}》吗？其 {n} 名参加人员的时长和附件将一并删除，"
                "删除后可在回收站中恢复，或按 Ctrl+Z 撤销。")

    def current_filters(self) -> dict:
        """The ledger's arguments: the chosen team and dates (the other filters do not narrow a ledger)."""
        team = self.chosen_filter("team")
        start, end = self.chosen_dates("starts_at")
        return {"team_id": team.params[0] if team and team.where else None, "date_from": start, "date_to": end}

    def export_ledger(self):
        from ...exports.activity_ledger import export_activity_ledger
        from ..export_dialog import run_export
        target = ask_save_path(self, "导出活动台账", "活动台账.xlsx")
        if target is None:
            return None
        chosen = self.current_filters()
        return run_export(self, self.store, lambda st, progress, cancelled: [
            export_activity_ledger(st, target, **chosen)], title="导出活动台账", folder=target.parent)


class HoursModel(QAbstractTableModel):
    """The volunteers of a period (core.volunteer_hours, read whole: the order is by their hours), shown 200 rows
    at a time as the list scrolls; cells are formatted when drawn."""

    HEADERS = ("姓名", "所在队伍", "活动次数", "服务时长（小时）")
    BATCH = 200

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Hours] = []
        self._shown = 0

    def set_rows(self, rows: list[Hours]) -> None:
        self.beginResetModel()
        self.rows, self._shown = rows, min(len(rows), self.BATCH)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self._shown < len(self.rows)

    def fetchMore(self, parent=QModelIndex()) -> None:
        more = min(self.BATCH, len(self.rows) - self._shown)
        if parent.isValid() or more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.name, row.team or "", str(row.activity_count),
                    minutes_to_hours(row.total_minutes) or "0")[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None


class VolunteerHoursPage(QWidget):
    """Each volunteer's hours for a period; the chosen one's activities and the 志愿服务记录证明."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        year = store.settings.get("year") or QDate.currentDate().year()
        self.date_from, self.date_to = QDateEdit(QDate(year, 1, 1)), QDateEdit(QDate(year, 12, 31))
        for edit, name in ((self.date_from, "hours_from"), (self.date_to, "hours_to")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self.refresh)
        self.team = QComboBox()
        self.team.setObjectName("hours_team")
        fit_combo(self.team)
        self.certificate_button = QPushButton("出具志愿服务记录证明(&C)…")
        self.certificate_button.setObjectName("certificate_button")
        self.certificate_button.clicked.connect(self.export_certificate)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("期间："))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("至"))
        bar.addWidget(self.date_to)
        bar.addWidget(self.team)
        bar.addStretch(1)
        bar.addWidget(self.certificate_button)
        self.hours = HoursModel(self)
        self.people = QTableView()   # 60,000 volunteers at city scale: a model fetching 200 rows at a time
        self.people.setObjectName("volunteers")
        self.people.setModel(self.hours)
        self.people.verticalHeader().setVisible(False)
        self.people.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.people.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.people.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        fit_columns(self.people, [0, 2, 3])   # the name and the hours first and whole; the team may scroll
        self.detail = self._table("volunteer_activities", ["日期", "活动名称", "服务内容", "时长（小时）"],
                                  keys=[1, 0, 3])
        self.detail_label = QLabel("选择一名志愿者查看其参加的活动。")
        self.detail_label.setObjectName("detail_label")
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.detail_label)
        side.addWidget(self.detail, 1)
        split = QSplitter()
        split.addWidget(self.people)
        split.addWidget(right)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self.team.currentIndexChanged.connect(self.refresh)
        self.people.selectionModel().currentRowChanged.connect(lambda current, *_: self.show_member(current.row()))
        self._listener = self._records_changed
        store.subscribe(self._listener)
        self.destroyed.connect(lambda *_a, st=store, li=self._listener: st.unsubscribe(li))
        self._fill_teams()
        self.refresh()

    @staticmethod
    def _table(name: str, headers: list[str], *, keys: list[int]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        fit_columns(table, keys)   # the name and the hours first and whole; the team may scroll
        return table

    def _fill_teams(self) -> None:
        self.team.blockSignals(True)
        self.team.clear()
        self.team.addItem("全部队伍", None)
        for team_id, name in lookups.titles(self.store, "team"):
            self.team.addItem(name, team_id)
        self.team.blockSignals(False)

    def period(self) -> tuple[str, str]:
        return self.date_from.date().toString("yyyy-MM-dd"), self.date_to.date().toString("yyyy-MM-dd")

    def _records_changed(self, key: str) -> None:
        if key in ("participant", "activity", "member", "team", "*"):
            self.refresh()

    def refresh(self, *args) -> None:
        start, end = self.period()
        self.hours.set_rows(volunteer_hours(self.store, date_from=start, date_to=end,
                                            team_id=self.team.currentData()))
        self.show_member(self.people.currentIndex().row())

    @property
    def summary(self) -> list[Hours]:
        """Every volunteer of the period (loaded into the list or not)."""
        return self.hours.rows

    def current_member(self) -> dict | None:
        row = self.people.currentIndex().row()
        return self.hours.rows[row]._asdict() if 0 <= row < self.hours.rowCount() else None

    def show_member(self, row: int) -> None:
        member = self.hours.rows[row]._asdict() if 0 <= row < self.hours.rowCount() else None
        if member is None:
            self.detail.setRowCount(0)
            self.detail_label.setText("选择一名志愿者查看其参加的活动。")
            return
        start, end = self.period()
        record = service_record.member_record(self.store, member["member_id"], date_from=start, date_to=end)
        self.detail_label.setText(f"{member['name']}（{member['team'] or ''}）：{record.activity_count} 次活动，"
                                  f"累计 {minutes_to_hours(record.total_minutes) or 0} 小时")
        self.detail.setRowCount(len(record.items))
        for r, item in enumerate(record.items):
            for c, text in enumerate((str(item.date), item.title, item.category or "",
                                      minutes_to_hours(item.minutes) or "0")):
                self.detail.setItem(r, c, QTableWidgetItem(text))
        size_columns(self.detail)

    def export_certificate(self):
        member = self.current_member()
        if member is None:
            QMessageBox.information(self, "出具证明", "请先在左侧选择一名志愿者。")
            return None
        from ...exports.certificate import export_certificate
        from ..export_dialog import run_export
        target = ask_save_path(self, "出具志愿服务记录证明", f"志愿服务记录证明_{member['name']}.docx")
        if target is None:
            return None
        start, end = self.period()
        return run_export(self, self.store, lambda st, progress, cancelled: [export_certificate(
            st, member["member_id"], target, date_from=start, date_to=end)],
            title="出具志愿服务记录证明", folder=target.parent)
