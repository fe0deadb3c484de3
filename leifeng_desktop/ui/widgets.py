"""Widget adapters: how a value of each field type goes into and comes out of the widget that shows it.

WIDGET_CLASSES is the one table of which widget class serves which field type; the binder, tools/new_form.py and
the form/schema test all read it (it is plain data, no Qt needed to use it)."""
from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, QSize, Qt, QTime
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDoubleSpinBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from ..core import crypto
from ..core import schema as s
from ..core.validation import fen_to_yuan

WIDGET_CLASSES: dict[str, tuple[str, ...]] = {
    s.TEXT: ("QLineEdit",), s.MONEY: ("QLineEdit",), s.LONGTEXT: ("QPlainTextEdit",),
    s.DATE: ("QDateEdit",), s.MONTH: ("QDateEdit",), s.DATETIME: ("QDateTimeEdit",),
    s.INT: ("QSpinBox",), s.HOURS: ("QDoubleSpinBox",), s.BOOL: ("QCheckBox",),
    s.CHOICE: ("QComboBox",), s.REF: ("QComboBox",), s.UNIT: ("QComboBox",), s.MULTI: ("QListWidget",),
}
# Every class the form test counts as an input (QTextEdit is an input too, but fits no field type).
INPUT_CLASSES = frozenset(c for classes in WIDGET_CLASSES.values() for c in classes) | {"QTextEdit"}

QWIDGETSIZE_MAX = (1 << 24) - 1
EMPTY_DATE = QDate(1900, 1, 1)   # the minimum date stands for "not filled in"
DATE_FORMATS = {s.DATE: "yyyy-MM-dd", s.MONTH: "yyyy-MM", s.DATETIME: "yyyy-MM-dd HH:mm"}
STORE_FORMATS = {s.DATE: "yyyy-MM-dd", s.MONTH: "yyyy-MM", s.DATETIME: "yyyy-MM-ddTHH:mm"}
CLEAR_HINT = "按 Delete 键或右键“清空”可清空"
MIN_WIDTHS = {QLineEdit: 240, QComboBox: 240, QDateEdit: 140, QDateTimeEdit: 170, QSpinBox: 110,
              QDoubleSpinBox: 110}


def _is_datetime(widget: QWidget) -> bool:
    return isinstance(widget, QDateTimeEdit) and not isinstance(widget, QDateEdit)


def has_empty_state(widget: QWidget) -> bool:
    """Dates and optional numbers show their minimum as a blank: that value means None."""
    return isinstance(widget, QAbstractSpinBox) and widget.specialValueText() == " "


def is_blank(widget: QWidget) -> bool:
    if not has_empty_state(widget):
        return False
    if isinstance(widget, QDateTimeEdit):
        return widget.date() == EMPTY_DATE
    return isinstance(widget, QSpinBox | QDoubleSpinBox) and widget.value() == widget.minimum()


def clear(widget: QWidget) -> None:
    if isinstance(widget, QDateTimeEdit):
        widget.setDateTime(QDateTime(EMPTY_DATE, QTime(0, 0)))
    elif isinstance(widget, QSpinBox):
        widget.setValue(widget.minimum())
    elif isinstance(widget, QDoubleSpinBox):
        widget.setValue(widget.minimum())


def prepare(widget: QWidget, field: s.Field, helper: QObject) -> None:
    """One-time set-up of a widget for its field: ranges, formats, the empty state. `helper` filters its events."""
    optional = not field.required
    if isinstance(widget, QDateTimeEdit):
        widget.setDisplayFormat(DATE_FORMATS.get(field.type, "yyyy-MM-dd"))
        widget.setCalendarPopup(True)
        widget.setMinimumDate(EMPTY_DATE)
        widget.calendarWidget().installEventFilter(helper)
        widget.calendarWidget().setProperty("owner_field", field.key)
    elif isinstance(widget, QDoubleSpinBox):   # hours, kept as minutes
        widget.setDecimals(2)
        widget.setRange(field.minimum / 60 - (0.01 if optional else 0), (field.maximum or 10**7) / 60)
        widget.setSuffix(" 小时")
    elif isinstance(widget, QSpinBox):
        top = min(field.maximum if field.maximum is not None else 2**31 - 1, 2**31 - 1)
        widget.setRange(field.minimum - (1 if optional else 0), top)
    elif isinstance(widget, QLineEdit) and field.type == s.MONEY:
        # no setMaxLength on text: a silent cut would hide the length message the clerk should see
        widget.setPlaceholderText("单位：元，如 500 或 350.50")
        widget.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    elif isinstance(widget, QComboBox) and field.type == s.UNIT:
        widget.setEditable(True)
        widget.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    elif isinstance(widget, QListWidget):
        widget.setSelectionMode(QListWidget.SelectionMode.NoSelection)
    if isinstance(widget, QAbstractSpinBox):
        # a blank date is never a real one: a required date left blank must fail, not save 1900-01-01
        widget.setSpecialValueText(" " if optional or isinstance(widget, QDateTimeEdit) else "")
        widget.setKeyboardTracking(True)
        if optional and isinstance(widget, QDateTimeEdit):
            action = QAction("清空", widget)
            action.triggered.connect(lambda *_a, wd=widget: clear(wd))
            widget.addAction(action)
            widget.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        elif optional:   # Qt keeps the old number behind an erased text; erased should mean empty
            widget.lineEdit().textEdited.connect(lambda text, wd=widget: None if text.strip() else clear(wd))
    if isinstance(widget, QAbstractSpinBox | QComboBox):
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)   # no value change by a wheel passing over the form
    for cls, width in MIN_WIDTHS.items():
        if type(widget) is cls and widget.minimumWidth() < width:
            widget.setMinimumWidth(width)
    hint = CLEAR_HINT if optional and isinstance(widget, QDateTimeEdit) else ""
    base = field.help + ("\n" if field.help and hint else "") + hint
    widget.setProperty("base_tooltip", base.strip())
    widget.setToolTip(base.strip())
    widget.installEventFilter(helper)


def filter_event(obj: QObject, event: QEvent) -> bool:
    """The binder's event filter: True when the event was handled here."""
    kind = event.type()
    if kind == QEvent.Type.Wheel and isinstance(obj, QAbstractSpinBox | QComboBox) and not obj.hasFocus():
        form = obj.parentWidget()
        if form is not None:   # scroll the form instead of changing the value
            QApplication.sendEvent(form, event)
        return True
    if kind == QEvent.Type.Show and isinstance(obj, QCalendarWidget) and obj.property("owner_field"):
        edit = obj.parentWidget()
        while edit is not None and not isinstance(edit, QDateTimeEdit):
            edit = edit.parentWidget()
        if edit is not None and edit.date() == EMPTY_DATE:   # an empty date's calendar opens on today
            today = QDate.currentDate()
            obj.setCurrentPage(today.year(), today.month())
        return False
    if not isinstance(event, QKeyEvent):
        return False
    if kind == QEvent.Type.KeyPress and isinstance(obj, QDateTimeEdit) and obj.date() == EMPTY_DATE:
        if event.key() == Qt.Key.Key_Delete:
            return True
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            obj.setDate(QDate.currentDate())
            return True
        if event.text().isdigit():   # typing into a blank date starts from today's sections
            obj.setDate(QDate.currentDate())
            obj.setCurrentSectionIndex(0)
            obj.setSelectedSection(obj.sectionAt(0))
        return False
    if kind == QEvent.Type.KeyPress and isinstance(obj, QDateTimeEdit) and has_empty_state(obj) \
            and event.key() == Qt.Key.Key_Delete and event.modifiers() == Qt.KeyboardModifier.NoModifier:
        clear(obj)
        return True
    return False


# -- combos ------------------------------------------------------------------------------------------------
def fill_combo(widget: QComboBox, items: list[tuple[str, object]], *, blank: bool) -> None:
    """Replace the items (text, data), keeping the current value."""
    current = combo_value(widget)
    widget.blockSignals(True)
    widget.clear()
    if blank:
        widget.addItem("", None)
    for text, data in items:
        widget.addItem(text, data)
    set_combo(widget, current)
    widget.blockSignals(False)


def combo_value(widget: QComboBox):
    if widget.isEditable():
        return widget.currentText().strip() or None
    data = widget.currentData()
    return None if data in (None, "") else data


def set_combo(widget: QComboBox, value) -> None:
    if widget.isEditable():
        widget.setCurrentText("" if value is None else str(value))
        return
    if value in (None, ""):
        widget.setCurrentIndex(0 if widget.count() and widget.itemData(0) is None else -1)
        return
    i = widget.findData(value)
    if i < 0:   # keep a value that left the list visible rather than lose it on save
        widget.addItem(f"{value}（已不在选项中）", value)
        i = widget.count() - 1
    widget.setCurrentIndex(i)


# -- multi-choice check lists ------------------------------------------------------------------------------
def _check_item(widget: QListWidget, text: str) -> QListWidgetItem:
    item = QListWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Unchecked)
    # CJK glyphs overflow Qt's tight default rows; a little air also makes the box easier to hit
    item.setSizeHint(QSize(widget.fontMetrics().horizontalAdvance(text) + 40, widget.fontMetrics().height() + 6))
    return item


def fill_checklist(widget: QListWidget, items: list[str]) -> None:
    checked = checklist_value(widget)
    widget.blockSignals(True)
    widget.clear()
    for text in items:
        widget.addItem(_check_item(widget, text))
    widget.blockSignals(False)
    set_checklist(widget, checked)
    _fit_height(widget)


def _fit_height(widget: QListWidget) -> None:
    """A one-column check list as tall as its items, unless the form set its height."""
    if widget.flow() != QListWidget.Flow.TopToBottom or widget.isWrapping():
        return
    if widget.maximumHeight() < QWIDGETSIZE_MAX and not widget.property("auto_height"):
        return
    row = widget.sizeHintForRow(0) if widget.count() else widget.fontMetrics().height()
    # a few pixels spare: the red "invalid" border is wider than the native frame
    height = (row + widget.spacing()) * max(1, widget.count()) + 2 * widget.frameWidth() + 6
    widget.setFixedHeight(height)
    widget.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setProperty("auto_height", True)


def checklist_value(widget: QListWidget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


def set_checklist(widget: QListWidget, values) -> None:
    values = list(values or [])
    widget.blockSignals(True)
    present = {widget.item(i).text() for i in range(widget.count())}
    for v in values:
        if v not in present:   # an item no longer in the choice list stays, checked, until unticked
            widget.addItem(_check_item(widget, v))
    for i in range(widget.count()):
        item = widget.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.text() in values else Qt.CheckState.Unchecked)
    widget.blockSignals(False)


# -- values ------------------------------------------------------------------------------------------------
def set_value(widget: QWidget, field: s.Field, value) -> None:
    if isinstance(widget, QComboBox):
        set_combo(widget, value)
    elif isinstance(widget, QListWidget):
        set_checklist(widget, value)
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QDateTimeEdit):
        text = str(value or "")
        if _is_datetime(widget):
            parsed = QDateTime.fromString(text[:16], STORE_FORMATS[s.DATETIME])
        else:
            fmt = STORE_FORMATS[s.MONTH] if field.type == s.MONTH else STORE_FORMATS[s.DATE]
            parsed = QDateTime(QDate.fromString(text[:len(fmt)], fmt), QTime(0, 0))
        if parsed.isValid():
            widget.setDateTime(parsed)
        else:
            clear(widget)
    elif isinstance(widget, QDoubleSpinBox):
        if value in (None, ""):
            widget.setValue(widget.minimum() if has_empty_state(widget) else max(0.0, widget.minimum()))
        else:
            widget.setValue(int(value) / 60)
    elif isinstance(widget, QSpinBox):
        if value in (None, ""):
            widget.setValue(widget.minimum() if has_empty_state(widget) else max(0, widget.minimum()))
        else:
            widget.setValue(int(value))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText("" if value is None else str(value))
    elif isinstance(widget, QLineEdit) and crypto.is_locked(value):   # a locked file's value: shown, never edited
        widget.setText(crypto.LOCKED)
        widget.setReadOnly(True)
        widget.setToolTip("已加密：输入密码解锁后才能查看和修改")
    elif isinstance(widget, QLineEdit):
        widget.setText(fen_to_yuan(value) if field.type == s.MONEY else ("" if value is None else str(value)))


def raw_value(widget: QWidget, field: s.Field):
    """The widget's content in store terms, except MONEY which stays text for the binder to parse."""
    if isinstance(widget, QComboBox):
        return combo_value(widget)
    if isinstance(widget, QListWidget):
        return checklist_value(widget)
    if isinstance(widget, QCheckBox):
        return 1 if widget.isChecked() else 0
    if is_blank(widget):
        return None
    if isinstance(widget, QDateTimeEdit):
        if _is_datetime(widget):
            return widget.dateTime().toString(STORE_FORMATS[s.DATETIME])
        return widget.date().toString(STORE_FORMATS[s.MONTH] if field.type == s.MONTH else STORE_FORMATS[s.DATE])
    if isinstance(widget, QDoubleSpinBox):
        return round(widget.value() * 60)
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, QPlainTextEdit):
        text = widget.toPlainText()
        return text if text.strip() else None
    if isinstance(widget, QLineEdit):
        if widget.isReadOnly() and crypto.is_locked(widget.text()):
            return crypto.LOCKED   # "unchanged": the binder leaves it out, the store keeps the encrypted value
        return widget.text().strip() or None
    return None


def change_signal(widget: QWidget):
    """The signal that fires on any change of the value, typed or set by the program."""
    if isinstance(widget, QComboBox):   # by index: two refs may share a title
        return widget.currentTextChanged if widget.isEditable() else widget.currentIndexChanged
    if isinstance(widget, QListWidget):
        return widget.itemChanged
    if isinstance(widget, QCheckBox):
        return widget.toggled
    if isinstance(widget, QDateTimeEdit):
        return widget.dateTimeChanged
    if isinstance(widget, QDoubleSpinBox | QSpinBox):
        return widget.valueChanged
    if isinstance(widget, QPlainTextEdit | QLineEdit):
        return widget.textChanged
    return None
