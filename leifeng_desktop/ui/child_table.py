"""Child records inside an editor (a team's roster, a visit's 职工诉求, a household's family): rows of an in-memory
table edited in place, checked per cell with the core's messages, the same person twice flagged. Nothing is
written until the owner is saved."""
from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDateEdit, QStyledItemDelegate

from ..core import schema as s
from ..core.formatting import display
from ..core.teams import roster_duplicates
from ..core.validation import check_field, fen_to_yuan, keeping, normalize, yuan_to_fen

ERROR_BACKGROUND = QColor("#fde2e1")
DUPLICATE_BACKGROUND = QColor("#fff3cd")
ALERT_BACKGROUND = QColor("#fbe3c8")


class ChildRecordsModel(QAbstractTableModel):
    """Rows are dicts of one record type; `id` is None for a row not saved yet. DisplayRole masks sensitive
    values unless `reveal`; EditRole holds the full value (money in 元), so editing never works on a masked text.
    `duplicates(rows)` returns core Duplicate groups; `alert(row) -> str | None` marks a row (an overdue demand)."""

    changed = Signal()

    def __init__(self, rt: s.RecordType, choices: Mapping[str, list[str]], *, keys=None,
                 duplicates: Callable | None = None, alert: Callable | None = None, parent=None):
        super().__init__(parent)
        self.rt = rt
        self.columns = tuple(rt.field(k) for k in keys) if keys else \
            tuple(f for f in rt.fields if f.key != rt.parent)
        self.choices = choices
        self.reveal = False
        self._find_duplicates = duplicates
        self._alert = alert
        self._rows: list[dict] = []
        self._stored: dict[str, dict] = {}
        self._errors: dict[tuple[int, str], str] = {}
        self._unparsed: dict[tuple[int, str], str] = {}
        self._duplicates: dict[int, str] = {}

    # -- content -------------------------------------------------------------------------------------------
    def load(self, members: list[dict]) -> None:
        self.beginResetModel()
        self._rows = [{"id": m.get("id"), **{f.key: m.get(f.key) for f in self.columns}} for m in members]
        self._stored = {r["id"]: dict(r) for r in self._rows if r["id"]}   # old choice values stay acceptable
        self._unparsed = {}
        self._check_all()
        self.endResetModel()

    def members(self) -> list[dict]:
        return [dict(r) for r in self._rows]

    def renew_missing(self, stored_ids: set[str]) -> None:
        """Rows whose stored record was deleted elsewhere become new rows, so keeping the clerk's list after a
        conflict adds them again instead of updating what is gone."""
        for row in self._rows:
            if row.get("id") and row["id"] not in stored_ids:
                row["id"] = None

    def add_rows(self, members: list[dict]) -> int:
        """Append members (a blank one by default); returns the first new row."""
        first = len(self._rows)
        members = members or [{}]
        self.beginInsertRows(QModelIndex(), first, first + len(members) - 1)
        self._rows.extend({"id": None, **{f.key: m.get(f.key, f.default) for f in self.columns}} for m in members)
        self.endInsertRows()
        self._recheck()
        return first

    def remove_rows(self, rows: list[int]) -> None:
        for row in sorted(set(rows), reverse=True):
            if 0 <= row < len(self._rows):
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self._unparsed = {(r - (r > row), k): m for (r, k), m in self._unparsed.items() if r != row}
                self.endRemoveRows()
        self._recheck()

    def set_reveal(self, reveal: bool) -> None:
        self.reveal = reveal
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1))

    # -- checks --------------------------------------------------------------------------------------------
    def _check_row(self, row: int) -> None:
        choices = keeping(self.rt, self.choices, self._stored.get(self._rows[row].get("id") or ""))
        for f in self.columns:
            self._errors.pop((row, f.key), None)
            message = self._unparsed.get((row, f.key)) or \
                check_field(f, normalize(f, self._rows[row].get(f.key)), choices)
            if message:
                self._errors[(row, f.key)] = message

    def _check_all(self) -> None:
        self._errors = {}
        for row in range(len(self._rows)):
            self._check_row(row)
        self._duplicates = {}
        for dup in (self._find_duplicates(self._rows) if self._find_duplicates else []):
            for row in dup.rows:
                others = "、".join(str(r + 1) for r in dup.rows if r != row)
                self._duplicates[row] = f"与第 {others} 行是同一人（{dup.reason}）"

    def _recheck(self) -> None:
        self._check_all()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1))
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
            reasons = [f"{self.rt.field(k).label}：{m}" for (r, k), m in self._errors.items() if r == row]
            if row in self._duplicates:
                reasons.append(self._duplicates[row])
            if reasons:
                lines.append(f"第 {row + 1} 行 " + "；".join(reasons))
        return lines

    # -- Qt model API --------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, field = index.row(), self.columns[index.column()]
        value = self._rows[row].get(field.key)
        error = self._errors.get((row, field.key))
        alert = self._alert(self._rows[row]) if self._alert else None
        if role == Qt.ItemDataRole.DisplayRole:
            if (row, field.key) in self._unparsed:
                return str(value)
            return display(field, value, reveal=self.reveal)
        if role == Qt.ItemDataRole.EditRole:
            if field.type == s.MONEY and isinstance(value, int):
                return fen_to_yuan(value)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.BackgroundRole:
            if error:
                return ERROR_BACKGROUND
            if row in self._duplicates:
                return DUPLICATE_BACKGROUND
            if alert:
                return ALERT_BACKGROUND
        if role == Qt.ItemDataRole.ToolTipRole:
            return error or self._duplicates.get(row) or alert
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        field = self.columns[index.column()]
        value = normalize(field, value if value not in ("",) else None)
        self._unparsed.pop((index.row(), field.key), None)
        if field.type == s.MONEY and value not in (None, ""):
            try:
                value = yuan_to_fen(str(value))
            except ValueError as exc:   # keep what was typed, say why beside it
                self._unparsed[(index.row(), field.key)] = str(exc)
        elif field.type == s.INT and value not in (None, ""):
            try:
                value = int(str(value))
            except ValueError:
                self._unparsed[(index.row(), field.key)] = f"{field.label}应为整数"
        if self._rows[index.row()].get(field.key) == (value if value not in ("",) else None):
            self._recheck()
            return False
        self._rows[index.row()][field.key] = value if value not in ("",) else None
        self._recheck()
        return True

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            field = self.columns[section]
            return ("*" if field.required else "") + field.label
        return section + 1


class ChildDelegate(QStyledItemDelegate):
    """Choice columns edit through a combo box of the choice list, months and dates through a picker."""

    def __init__(self, model: ChildRecordsModel, parent=None):
        super().__init__(parent)
        self.roster = model

    def createEditor(self, parent, option, index):
        field = self.roster.columns[index.column()]
        if field.type == s.CHOICE:
            combo = QComboBox(parent)
            combo.addItem("")
            combo.addItems(self.roster.choices.get(field.choices, []))
            return combo
        if field.type in (s.MONTH, s.DATE):
            edit = QDateEdit(parent)
            edit.setDisplayFormat("yyyy-MM" if field.type == s.MONTH else "yyyy-MM-dd")
            edit.setCalendarPopup(True)
            return edit
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findText(text), 0))
        elif isinstance(editor, QDateEdit):
            date = QDate.fromString(text if len(text) == 10 else text + "-01", "yyyy-MM-dd")
            editor.setDate(date if date.isValid() else (QDate(1980, 1, 1) if editor.displayFormat() == "yyyy-MM"
                                                        else QDate.currentDate()))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText())
        elif isinstance(editor, QDateEdit):
            model.setData(index, editor.date().toString(editor.displayFormat()))
        else:
            super().setModelData(editor, model, index)


MEMBER = s.record_type("member")
COLUMNS = tuple(f for f in MEMBER.fields if f.key != MEMBER.parent)


class RosterModel(ChildRecordsModel):
    """A team's roster: the same person twice (same 身份证号, or same name and phone) is flagged."""

    def __init__(self, choices: Mapping[str, list[str]], parent=None):
        super().__init__(MEMBER, choices, duplicates=roster_duplicates, parent=parent)


RosterDelegate = ChildDelegate
