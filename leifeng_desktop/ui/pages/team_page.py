"""志愿服务队: the team list with filters by kind, unit and lateness, the team editor, the 登记表 export, and per
unit the kinds of team not formed yet."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core import filters, teams
from ...core.store import Store
from ..fitting import fit_columns, size_columns
from ..qt import action
from ..team_dialog import TeamDialog
from .record_page import RecordListPage

TEAM_COLUMNS = ("name", "kind", "unit", "leader", "member_count", "founded_on", "lateness")


class TeamPage(RecordListPage):
    dialog_class = TeamDialog

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(store, "team", columns=TEAM_COLUMNS, keys=("name", "member_count", "lateness"), parent=parent,
                         description="各单位于登记截止日前组建服务队并报送《学雷锋职工志愿服务队登记表》；"
                                     "成立日期晚于截止日的记为逾期。双击一行可编辑，队员名单在编辑窗口的第二页。")
        self.add_filter("kind", "按队伍类型筛选", lambda: filters.choices(store, "team", "kind", "全部队伍类型"))
        self.add_filter("unit", "按所属单位筛选", lambda: filters.units_in_use(store, "team"))
        self.add_filter("lateness", "按是否逾期筛选", filters.team_lateness)
        self.export_button = QPushButton("导出登记表(&W)")
        self.export_button.setObjectName("export_button")
        menu = QMenu(self.export_button)
        self.export_selected_action = action("导出所选队伍的登记表…", self, self.export_selected)
        self.export_all_action = action("导出列表中全部队伍的登记表…", self, self.export_listed)
        menu.addAction(self.export_selected_action)
        menu.addAction(self.export_all_action)
        self.export_button.setMenu(menu)
        self.button_bar.insertWidget(len(self.buttons), self.export_button)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.model.modelReset.connect(self.refresh_filters)

    def delete_question(self, record: dict) -> str:
        n, served = teams.removal_counts(self.store, record.get("id") or "")
        roster = f"及其名单上的 {n} 名队员" if n else ""
        hours = f"，以及这些队员的 {served} 条志愿服务记录（参加活动的时长）" if served else ""
        return (f"确定删除志愿服务队“{record.get('name') or ''}”{roster}{hours}吗？删除后可在回收站中恢复，"
                "或按 Ctrl+Z 撤销。")

    # -- export --------------------------------------------------------------------------------------------
    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [rid for rid in (self.model.record_id(r) for r in rows) if rid]

    def listed_ids(self) -> list[str]:
        while self.model.canFetchMore():
            self.model.fetchMore()
        return [rid for rid in (self.model.record_id(r) for r in range(self.model.rowCount())) if rid]

    def export_selected(self):
        from ..export_dialog import export_registration
        return export_registration(self, self.selected_ids())

    def export_listed(self):
        from ..export_dialog import export_registration
        return export_registration(self, self.listed_ids())


class MissingKindsView(QWidget):
    """Per unit: how many teams it has formed and which of the kinds are still missing."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        note = QLabel("实施方案要求各单位组建六类志愿服务队。下表列出各单位（含“应报送”的单位）尚未组建的类型。")
        note.setWordWrap(True)
        note.setObjectName("pageNote")
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("missing_kinds")
        self.table.setHorizontalHeaderLabels(["单位", "已组建", "尚未组建的队伍类型"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        fit_columns(self.table, [0, 1])   # the kinds still missing wrap in the last column
        self.table.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        self._listener = self._on_change
        store.subscribe(self._listener)
        self.destroyed.connect(lambda *_a, st=store, li=self._listener: st.unsubscribe(li))
        self.refresh()

    def _on_change(self, key: str) -> None:
        if key in ("team", "unit", "settings", "*"):
            self.refresh()

    def refresh(self) -> None:
        missing = teams.missing_kinds(self.store)
        formed = teams.formed_counts(self.store)
        self.table.setRowCount(len(missing))
        for row, (unit, kinds) in enumerate(missing.items()):
            count = QTableWidgetItem(f"{formed.get(unit, 0)} 支")
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            gaps = QTableWidgetItem("、".join(kinds) if kinds else "各类均已组建")
            if not kinds:
                gaps.setForeground(Qt.GlobalColor.darkGreen)
            for col, item in enumerate((QTableWidgetItem(unit), count, gaps)):
                self.table.setItem(row, col, item)
        size_columns(self.table)
        self.table.resizeRowsToContents()
