"""The roster inside the team editor: members as rows of an in-memory table, edited in place, checked per cell
with the core's messages, the same person twice flagged. Nothing is written until the team is saved."""
from __future__ import annotations

from typing import Mapping

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDateEdit, QStyledItemDelegate

from ..core import schema as s
from ..core.formatting import display
from ..core.teams import roster_duplicates
from ..core.validation import check_field, normalize

MEMBER = s.record_type("member")
COLUMNS = tuple(f for f in MEMBER.fields if f.key != MEMBER.parent)
ERROR_BACKGROUND = QColor("#fde2e1")
DUPLICATE_BACKGROUND = QColor("#fff3cd")


class RosterModel(QAbstractTableModel):
    """Rows are member dicts; `id` is None for a member not saved yet. DisplayRole masks 身份证号 and phone
    unless `reveal`; EditRole always holds the full value, so editing never works on a masked text."""

    changed = Signal()

    def __init__(self, choices: Mapping[str, list[str]], parent=None):
        super().__init__(parent)
        self.choices = choices
        self.reveal = False
        self._rows: list[dict] = []
        self._errors: dict[tuple[int, str], str] = {}
        self._duplicates: dict[int, str] = {}

    # -- content -------------------------------------------------------------------------------------------
    def load(self, members: list[dict]) -> None:
        self.beginResetModel()
        self._rows = [{"id": m.get("id"), **{f.key: m.get(f.key) for f in COLUMNS}} for m in members]
        self._check_all()
        self.endResetModel()

    def members(self) -> list[dict]:
        return [dict(r) for r in self._rows]

    def add_rows(self, members: list[dict]) -> int:
        """Append members (a blank one by default); returns the first new row."""
        first = len(self._rows)
        members = members or [{}]
        self.beginInsertRows(QModelIndex(), first, first + len(members) - 1)
        self._rows.extend({"id": None, **{f.key: m.get(f.key) for f in COLUMNS}} for m in members)
        self.endInsertRows()
        self._recheck()
        return first

    def remove_rows(self, rows: list[int]) -> None:
        for row in sorted(set(rows), reverse=True):
            if 0 <= row < len(self._rows):
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        self._recheck()

    def set_reveal(self, reveal: bool) -> None:
        self.reveal = reveal
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))

    # -- checks --------------------------------------------------------------------------------------------
    def _check_row(self, row: int) -> None:
        for f in COLUMNS:
            self._errors.pop((row, f.key), None)
            message = check_field(f, normalize(f, self._rows[row].get(f.key)), self.choices)
            if message:
                self._errors[(row, f.key)] = message

    def _check_all(self) -> None:
        self._errors = {}
        for row in range(len(self._rows)):
            self._check_row(row)
        self._duplicates = {}
        for dup in roster_duplicates(self._rows):
            for row in dup.rows:
                others = "、".join(str(r + 1) for r in dup.rows if r != row)
                self._duplicates[row] = f"与第 {others} 行是同一人（{dup.reason}）"

    def _recheck(self) -> None:
        self._check_all()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))
        self.changed.emit()

    def errors(self) -> dict[tuple[int, str], str]:
        """(row, field key) → message, for every cell that cannot be saved."""
        return dict(self._errors)

    def duplicates(self) -> dict[int, str]:
        return dict(self._duplicates)

    def problems(self) -> list[str]:
        """One line per bad row, for the message shown when saving is refused."""
        lines = []
        for row in range(len(self._rows)):
            reasons = [f"{MEMBER.field(k).label}：{m}" for (r, k), m in self._errors.items() if r == row]
            if row in self._duplicates:
                reasons.append(self._duplicates[row])
            if reasons:
                lines.append(f"第 {row + 1} 行 " + "；".join(reasons))
        return lines

    # -- Qt model API --------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, field = index.row(), COLUMNS[index.column()]
        value = self._rows[row].get(field.key)
        error = self._errors.get((row, field.key))
        if role == Qt.ItemDataRole.DisplayRole:
            return display(field, value, reveal=self.reveal)
        if role == Qt.ItemDataRole.EditRole:
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.BackgroundRole:
            if error:
                return ERROR_BACKGROUND
            if row in self._duplicates:
                return DUPLICATE_BACKGROUND
        if role == Qt.ItemDataRole.ToolTipRole:
            return error or self._duplicates.get(row)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        field = COLUMNS[index.column()]
        value = normalize(field, value if value not in ("",) else None)
        if self._rows[index.row()].get(field.key) == (value or None):
            return False
        self._rows[index.row()][field.key] = value or None
        self._recheck()
        return True

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            field = COLUMNS[section]
            return ("*" if field.required else "") + field.label
        return section + 1


class RosterDelegate(QStyledItemDelegate):
    """Choice columns edit through a combo box of the choice list, 出生年月 through a month picker."""

    def __init__(self, model: RosterModel, parent=None):
        super().__init__(parent)
        self.roster = model

    def createEditor(self, parent, option, index):
        field = COLUMNS[index.column()]
        if field.type == s.CHOICE:
            combo = QComboBox(parent)
            combo.addItem("")
            combo.addItems(self.roster.choices.get(field.choices, []))
            return combo
        if field.type == s.MONTH:
            edit = QDateEdit(parent)
            edit.setDisplayFormat("yyyy-MM")
            edit.setCalendarPopup(True)
            return edit
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findText(text), 0))
        elif isinstance(editor, QDateEdit):
            date = QDate.fromString(text + "-01", "yyyy-MM-dd")
            editor.setDate(date if date.isValid() else QDate(1980, 1, 1))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText())
        elif isinstance(editor, QDateEdit):
            model.setData(index, editor.date().toString("yyyy-MM"))
        else:
            super().setModelData(editor, model, index)
