"""Child records inside an editor (a team's roster, a visit's 职工诉求, a household's family): rows of an in-memory
table edited in place, checked per cell with the core's messages, the same person twice flagged. Nothing is
written until the owner is saved."""
from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QComboBox, QDateEdit, QStyle, QStyledItemDelegate

from ..core import crypto
from ..core import schema as s
from ..core.formatting import display
from ..core.teams import Duplicate, roster_duplicates
from ..core.validation import check_field, fen_to_yuan, keeping, normalize, yuan_to_fen

ERROR_BACKGROUND = QColor("#fde2e1")
DUPLICATE_BACKGROUND = QColor("#fff3cd")
ALERT_BACKGROUND = QColor("#fbe3c8")


class ChildRecordsModel(QAbstractTableModel):
    """Rows are dicts of one record type; `id` is None for a row not saved yet. DisplayRole masks sensitive
    values unless `reveal` (a value with an error shows as typed: the clerk must see what is wrong); EditRole holds
    the full value (money in 元), so editing never works on a masked text. `duplicates(rows)` returns core
    Duplicate groups: a blocking one is an error (red, error icon), another a warning (yellow, warning icon), each
    naming the other rows; `alert(row) -> str | None` marks a row (an overdue demand)."""

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
        self._blocking: set[int] = set()        # rows whose duplicate refuses saving
        self._dup_fields: dict[int, str] = {}   # row → the column its duplicate mark sits on

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
            if crypto.is_locked(self._rows[row].get(f.key)):
                continue   # 已加密 (a locked file): kept as stored, nothing to check
            message = self._unparsed.get((row, f.key)) or \
                check_field(f, normalize(f, self._rows[row].get(f.key)), choices)
            if message:
                self._errors[(row, f.key)] = message

    def _check_all(self) -> None:
        self._errors = {}
        for row in range(len(self._rows)):
            self._check_row(row)
        self._duplicates, self._blocking, self._dup_fields = {}, set(), {}
        for dup in (self._find_duplicates(self._rows) if self._find_duplicates else []):
            for row in dup.rows:
                if row in self._blocking:
                    continue   # already an error: a warning must not replace it
                self._duplicates[row] = self._duplicate_text(dup, row)
                self._dup_fields[row] = "id_number" if "身份证" in dup.reason else self.columns[0].key
                if dup.blocking:
                    self._blocking.add(row)

    def _duplicate_text(self, dup: Duplicate, row: int) -> str:
        """与第 3 行 张三 的身份证号重复 (an error) / …的姓名和电话相同，请核对 (a warning)."""
        others = "、".join(f"第 {r + 1} 行 {self._rows[r].get('name') or ''}".rstrip() for r in dup.rows if r != row)
        what = dup.reason.removesuffix("相同")
        if dup.blocking:
            return f"与{others} 的{what}重复（同一人不能登记两次）"
        return f"与{others} 的{what}相同，请核对是否为同一人（不影响保存）"

    def _recheck(self) -> None:
        self._check_all()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1))
        self.changed.emit()

    def errors(self) -> dict[tuple[int, str], str]:
        """(row, field key) → message, for every cell that cannot be saved."""
        return dict(self._errors)

    def duplicates(self) -> dict[int, str]:
        """Row → its duplicate message, errors and warnings alike."""
        return dict(self._duplicates)

    def duplicate_errors(self) -> dict[int, str]:
        """Duplicates that refuse saving."""
        return {r: m for r, m in self._duplicates.items() if r in self._blocking}

    def warnings(self) -> dict[int, str]:
        """Duplicates that are only a question: shown in yellow, saving goes ahead."""
        return {r: m for r, m in self._duplicates.items() if r not in self._blocking}

    def problems(self) -> list[str]:
        """One line per bad row, for the message shown when saving is refused."""
        lines = []
        for row in range(len(self._rows)):
            reasons = [f"{self.rt.field(k).label}：{m}" for (r, k), m in self._errors.items() if r == row]
            if row in self._blocking:
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
        if index.isValid() and crypto.is_locked(self._rows[index.row()].get(self.columns[index.column()].key)):
            return base   # 已加密: shown, not edited until the file is unlocked
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, field = index.row(), self.columns[index.column()]
        value = self._rows[row].get(field.key)
        error = self._errors.get((row, field.key))
        alert = self._alert(self._rows[row]) if self._alert else None
        if role == Qt.ItemDataRole.DisplayRole:
            if (row, field.key) in self._unparsed or (error and field.sensitive and value not in (None, "")):
                return str(value)   # as typed: masking is for valid values only
            return display(field, value, reveal=self.reveal)
        if role == Qt.ItemDataRole.EditRole:
            if field.type == s.MONEY and isinstance(value, int):
                return fen_to_yuan(value)
            return "" if value is None else str(value)
        blocking = row in self._blocking
        if role == Qt.ItemDataRole.BackgroundRole:
            if error or blocking:
                return ERROR_BACKGROUND
            if row in self._duplicates:
                return DUPLICATE_BACKGROUND
            if alert:
                return ALERT_BACKGROUND
        if role == Qt.ItemDataRole.DecorationRole and (error or self._dup_fields.get(row) == field.key):
            return mark_icon(bool(error) or blocking)
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


def mark_icon(error: bool):
    """The platform's error or warning icon, so the two are told apart without colour."""
    style = QApplication.style()
    pixmap = QStyle.StandardPixmap.SP_MessageBoxCritical if error else QStyle.StandardPixmap.SP_MessageBoxWarning
    return style.standardIcon(pixmap) if style is not None else None


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
