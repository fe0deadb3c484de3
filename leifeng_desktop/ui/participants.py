"""参加人员 inside the activity editor: members chosen from the rosters, each with hours (default: the activity's
duration), checked by the core's hours rules; and the picker that chooses them."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import lookups
from ..core.store import Store
from ..core.validation import hours_to_minutes, minutes_to_hours

HEADERS = ("姓名", "所在队伍", "服务时长（小时）", "提示")
HOURS_COL, NOTE_COL = 2, 3
ERROR_BACKGROUND, WARNING_BACKGROUND = QColor("#fde2e1"), QColor("#fff3cd")


class ParticipantModel(QAbstractTableModel):
    """Rows: {id, member_id, name, team, minutes}. `errors` (row → message) refuse the save; `warnings` only tell."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[dict] = []
        self.errors: dict[int, str] = {}
        self.warnings: dict[int, str] = {}

    def load(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = [dict(r) for r in rows]
        self.errors, self.warnings = {}, {}
        self.endResetModel()

    def rows(self) -> list[dict]:
        return [dict(r) for r in self._rows]

    def member_ids(self) -> set[str]:
        return {r["member_id"] for r in self._rows}

    def add(self, members: list[dict], minutes: int | None) -> None:
        new = [m for m in members if m["id"] not in self.member_ids()]
        if not new:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._rows += [{"id": None, "member_id": m["id"], "name": m.get("name"), "team": m.get("team"),
                        "minutes": minutes} for m in new]
        self.endInsertRows()
        self.changed.emit()

    def remove(self, rows: list[int]) -> None:
        for row in sorted(set(rows), reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
        self.changed.emit()

    def set_all_minutes(self, minutes: int | None) -> None:
        for row in self._rows:
            row["minutes"] = minutes
        self._refresh()
        self.changed.emit()

    def set_notes(self, errors: dict[int, str], warnings: dict[int, str]) -> None:
        self.errors, self.warnings = dict(errors), dict(warnings)
        self._refresh()

    def _refresh(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(HEADERS) - 1))

    def total_minutes(self) -> int:
        return sum(r.get("minutes") or 0 for r in self._rows)

    # -- Qt model API --------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() and index.column() == HOURS_COL else base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = self._rows[index.row()], index.column()
        note = self.errors.get(index.row()) or self.warnings.get(index.row())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return [row.get("name") or "", row.get("team") or "", minutes_to_hours(row.get("minutes")), note or ""][col]
        if role == Qt.ItemDataRole.BackgroundRole and note:
            return ERROR_BACKGROUND if index.row() in self.errors else WARNING_BACKGROUND
        if role == Qt.ItemDataRole.ToolTipRole and note:
            return note
        if role == Qt.ItemDataRole.TextAlignmentRole and col == HOURS_COL:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != HOURS_COL or role != Qt.ItemDataRole.EditRole:
            return False
        try:
            minutes = hours_to_minutes(str(value).strip()) if str(value).strip() else None
        except ValueError as exc:
            self.errors[index.row()] = str(exc)
            self._refresh()
            return False
        self._rows[index.row()]["minutes"] = minutes
        self._refresh()
        self.changed.emit()
        return True

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if orientation == Qt.Orientation.Horizontal else section + 1
        return None


class MemberPicker(QDialog):
    """Choose participants from the rosters: the organising team's first, any team on request, with a search."""

    def __init__(self, store: Store, team_id: str | None, already: set[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("从队员名单选择参加人员")
        self.store, self.already = store, already
        self.team = QComboBox()
        self.team.setObjectName("team")
        self.team.addItem("全部队伍", None)
        for team_id_, name in lookups.titles(store, "team"):
            self.team.addItem(name, team_id_)
        self.team.setCurrentIndex(max(self.team.findData(team_id), 0))
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("按姓名或单位查找")
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("members")
        self.table.setHorizontalHeaderLabels(["姓名", "所在队伍", "工作单位及职务"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.count = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("加入(&A)")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.team)
        top.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addWidget(buttons)
        self.team.currentIndexChanged.connect(self.fill)
        self.search.textChanged.connect(self._filter)
        self.table.itemChanged.connect(self._count)
        self.fill()
        self.resize(620, 440)

    def fill(self, *args) -> None:
        self.members = lookups.roster_members(self.store, self.team.currentData())
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.members))
        for r, m in enumerate(self.members):
            name = QTableWidgetItem(m["name"])
            if m["id"] in self.already:
                name.setFlags(Qt.ItemFlag.ItemIsEnabled)
                name.setToolTip("已在参加人员中")
            else:
                name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                name.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(r, 0, name)
            self.table.setItem(r, 1, QTableWidgetItem(m["team"] or ""))
            self.table.setItem(r, 2, QTableWidgetItem(m["work"] or ""))
        self.table.blockSignals(False)
        self._filter(self.search.text())
        self._count()

    def _filter(self, text: str) -> None:
        words = text.split()
        for r, m in enumerate(self.members):
            hay = f"{m['name']} {m['team']} {m['work'] or ''}"
            self.table.setRowHidden(r, not all(w in hay for w in words))

    def _count(self, *args) -> None:
        self.count.setText(f"已选 {len(self.chosen())} 人")

    def chosen(self) -> list[dict]:
        return [m for r, m in enumerate(self.members)
                if (item := self.table.item(r, 0)) and item.checkState() == Qt.CheckState.Checked]
