"""forms/*.ui ↔ records: widgets are found by objectName = field key, labels come from the schema, validation
messages appear right below their field, and edits make the form dirty.

The .ui files hold layout only; what a field is (label, required, range, choices) is read from core.schema."""
from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QEvent, QFile, QObject, QSize, Qt, Signal
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QScrollArea,
    QSizePolicy,
    QWidget,
)

from ..core import crypto
from ..core import schema as s
from ..core.validation import keeping, validate, yuan_to_fen
from ..paths import forms_dir
from . import widgets as w
from .widgets import INPUT_CLASSES, WIDGET_CLASSES  # noqa: F401  (re-exported: the one table of widget kinds)

ERROR_COLOR = "#c0392b"
ERROR_STYLE = f'*[invalid="true"] {{ border: 1px solid {ERROR_COLOR}; }}'


def load_form(name: str, parent: QWidget | None = None) -> QWidget:
    """forms/<name>.ui as a widget (layout only: bind it with FormBinder)."""
    path = forms_dir() / f"{name}.ui"
    file = QFile(str(path))
    if not file.open(QFile.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"form not found: {path}")
    try:
        loader = QUiLoader()
        form = loader.load(file, parent)
    finally:
        file.close()
    if form is None:
        raise RuntimeError(f"cannot load form {path}: {loader.errorString()}")
    return form


def _input_class(widget: QWidget) -> str:
    """The Qt input class a widget is (a custom subclass counts as the class it extends)."""
    meta = widget.metaObject()
    while meta is not None and meta.className() not in INPUT_CLASSES:
        meta = meta.superClass()
    return meta.className() if meta is not None else widget.metaObject().className()


def form_row(widget: QWidget) -> tuple[QFormLayout, int] | None:
    """The QFormLayout holding `widget` as a field, and its row."""
    parent = widget.parentWidget()
    if parent is None:
        return None
    layouts = parent.findChildren(QFormLayout)
    own = parent.layout()
    if isinstance(own, QFormLayout):
        layouts.insert(0, own)
    for layout in layouts:
        # PySide6's stub types getWidgetPosition as object; it returns (row, role)
        position: tuple[int, QFormLayout.ItemRole] = layout.getWidgetPosition(widget)  # type: ignore[assignment]
        row, _role = position
        if row >= 0:
            return layout, row
    return None


class MessageLabel(QLabel):
    """A wrapping label as tall as its text at its width (QFormLayout otherwise keeps a two-line gap)."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.wordWrap() and self.width() > 0:
            return QSize(hint.width(), self.heightForWidth(self.width()))
        return hint

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()


class FormBinder(QObject):
    dirtyChanged = Signal(bool)

    def __init__(self, root: QWidget, rt: s.RecordType, *, choices: Mapping[str, list[str]],
                 ref_options: Callable[[str], list[tuple[str, str]]] | None = None,
                 unit_options: Sequence[str] = (), parent: QObject | None = None):
        super().__init__(parent)
        self.root, self.rt = root, rt
        self._choices = {k: list(v) for k, v in choices.items()}
        self._ref_options = ref_options
        self._unit_options = list(unit_options)
        self._dirty = False
        self._loading = False
        self._stored: dict = {}   # the record as loaded: its old choice values stay acceptable
        self._error_labels: dict[str, QLabel] = {}
        self.fields: dict[str, QWidget] = {}
        for field in rt.fields:
            widget = root.findChild(QWidget, field.key)
            if widget is None:
                continue   # e.g. the parent ref, which the caller sets
            if _input_class(widget) not in WIDGET_CLASSES[field.type]:
                raise TypeError(f"{rt.key}.{field.key} ({field.type}) needs a {' or '.join(WIDGET_CLASSES[field.type])}"
                                f", the form has a {_input_class(widget)}")
            self.fields[field.key] = widget
            w.prepare(widget, field, self)
            self._label(field, widget)
            signal = w.change_signal(widget)
            if signal is not None:
                signal.connect(self._edited)
        self._fill_options()
        if ERROR_STYLE not in root.styleSheet():
            root.setStyleSheet(root.styleSheet() + "\n" + ERROR_STYLE)

    # -- set-up --------------------------------------------------------------------------------------------
    def _label(self, field: s.Field, widget: QWidget) -> None:
        found = form_row(widget)
        label = found[0].labelForField(widget) if found else None
        if found is not None and isinstance(label, QLabel):
            mark = f'<span style="color:{ERROR_COLOR}">*</span>' if field.required else ""
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setText(f"{mark}{html.escape(field.label)}：")
            label.setBuddy(widget)
            if isinstance(widget, QListWidget) or widget.inherits("QPlainTextEdit"):   # tall fields: label at top
                side = found[0].labelAlignment() & Qt.AlignmentFlag.AlignHorizontal_Mask
                label.setAlignment(side | Qt.AlignmentFlag.AlignTop)
        widget.setAccessibleName(field.label)

    def _fill_options(self) -> None:
        for key, widget in self.fields.items():
            field = self.rt.field(key)
            if isinstance(widget, QComboBox):
                if field.type == s.REF:
                    refs = self._ref_options(field.target) if self._ref_options else []
                    w.fill_combo(widget, [(title, rid) for rid, title in refs], blank=not field.required)
                elif field.type == s.UNIT:
                    w.fill_combo(widget, [(u, u) for u in self._unit_options], blank=False)
                else:
                    items = self._choices.get(field.choices or "", [])
                    w.fill_combo(widget, [(c, c) for c in items], blank=not field.required)
            elif isinstance(widget, QListWidget):
                w.fill_checklist(widget, self._choices.get(field.choices or "", []))

    def set_choices(self, choices: Mapping[str, list[str]]) -> None:
        """New choice lists (edited in 设置); every combo and check list keeps its current value."""
        self._choices = {k: list(v) for k, v in choices.items()}
        self._quietly(self._fill_options)

    def set_ref_options(self, ref_options: Callable[[str], list[tuple[str, str]]] | None,
                        unit_options: Sequence[str] | None = None) -> None:
        self._ref_options = ref_options
        if unit_options is not None:
            self._unit_options = list(unit_options)
        self._quietly(self._fill_options)

    def _quietly(self, fn) -> None:
        self._loading, was = True, self._loading
        try:
            fn()
        finally:
            self._loading = was

    def widget(self, key: str) -> QWidget | None:
        return self.fields.get(key)

    # -- values --------------------------------------------------------------------------------------------
    def load(self, record: Mapping) -> None:
        """Show `record` (missing keys → empty); no errors shown, not dirty."""
        def fill():
            for key, widget in self.fields.items():
                w.set_value(widget, self.rt.field(key), record.get(key))
        self._quietly(fill)
        self._stored = dict(record)
        self.clear_errors()
        self.mark_clean()

    def _parse(self) -> tuple[dict, dict[str, str]]:
        values, errors = {}, {}
        for key, widget in self.fields.items():
            field = self.rt.field(key)
            value = w.raw_value(widget, field)
            if crypto.is_locked(value):
                continue   # 已加密 (a locked file): not a value to check or write; the stored one stays
            if field.type == s.MONEY and value is not None:
                try:
                    value = yuan_to_fen(value)
                except ValueError as exc:
                    errors[key] = str(exc)
                    continue
            values[key] = value
        return values, errors

    def values(self) -> dict:
        """Bound fields in store terms (str, int fen, int minutes, list, id; empty → None). A value that cannot
        be parsed (money '12.345') is left out: validate() first."""
        return self._parse()[0]

    def validate(self) -> dict[str, str]:
        """Parse messages, then the core's checks of the bound fields; shows them and returns them all."""
        values, errors = self._parse()
        core = validate(self.rt, values, keeping(self.rt, self._choices, self._stored), partial=True)
        errors.update({k: v for k, v in core.items() if k not in errors})
        self.show_errors(errors)
        return errors

    # -- messages ------------------------------------------------------------------------------------------
    def show_errors(self, errors: Mapping[str, str]) -> dict[str, str]:
        """Show each message below its field; returns those for keys with no widget here (for the caller)."""
        self.clear_errors()
        unshown = {k: v for k, v in errors.items() if k not in self.fields}
        first = None
        for key, widget in self.fields.items():   # schema order, so focus goes to the topmost
            message = errors.get(key)
            if not message:
                continue
            widget.setProperty("invalid", True)
            self._repolish(widget)
            widget.setToolTip(message)
            if isinstance(widget, QLineEdit) and widget.echoMode() != QLineEdit.EchoMode.Normal:
                widget.setProperty("hidden_echo", True)   # a wrong value is shown as typed, beside its message
                widget.setEchoMode(QLineEdit.EchoMode.Normal)
            label = self._error_label(key, widget)
            if label is not None:
                label.setText(message)
                self._show_row(label, True)
            first = first or widget
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            scroll = self._scroll_area()
            if scroll is not None:
                scroll.ensureWidgetVisible(first)
        return unshown

    def _scroll_area(self) -> QScrollArea | None:
        parent = self.root.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        return parent

    def _error_label(self, key: str, widget: QWidget) -> QLabel | None:
        if key not in self._error_labels:
            found = form_row(widget)
            if not found:
                return None   # outside a form layout the tooltip and the red border carry the message
            label = MessageLabel()
            label.setObjectName(f"{key}_error")
            label.setProperty("role", "error")
            label.setStyleSheet(f"color: {ERROR_COLOR};")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)   # hug the field above
            # fixed height: spare room in a tall dialog must not open a gap under the field
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            layout, row = found
            layout.insertRow(row + 1, "", label)   # an empty label text makes no label widget
            self._error_labels[key] = label
        return self._error_labels[key]

    @staticmethod
    def _show_row(label: QLabel, visible: bool) -> None:
        found = form_row(label)
        if found:   # hides the empty label cell and the spacing too, not only the message
            found[0].setRowVisible(found[1], visible)
        else:
            label.setVisible(visible)

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)
        widget.update()

    def clear_errors(self) -> None:
        for label in self._error_labels.values():
            label.setText("")
            self._show_row(label, False)
        for widget in self.fields.values():
            if isinstance(widget, QLineEdit) and widget.property("hidden_echo"):
                widget.setProperty("hidden_echo", False)
                widget.setEchoMode(QLineEdit.EchoMode.Password)
            if widget.property("invalid"):
                widget.setProperty("invalid", False)
                widget.setToolTip(widget.property("base_tooltip") or "")
                self._repolish(widget)

    def error_label(self, key: str) -> QLabel | None:
        """The message label below a field, once a message has been shown there."""
        return self._error_labels.get(key)

    # -- dirty tracking ------------------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self._dirty

    def mark_clean(self) -> None:
        self._set_dirty(False)

    def _edited(self, *args) -> None:
        if not self._loading:
            self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        return w.filter_event(obj, event) or super().eventFilter(obj, event)
