"""What the elision walk measures on one window or dialog as it is shown: every text meant to be read in full must
fit the room it has. Each check returns Chinese-free problem lines "where: what"; EXCEPTIONS lists the deliberate
ones (object name → reason)."""
from __future__ import annotations

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGraphicsTextItem,
    QGroupBox,
    QLabel,
    QListView,
    QScrollArea,
    QStyle,
    QTableView,
    QTabWidget,
    QWidget,
)

# object name → why its text may be cut; nothing a clerk must read in full is here
EXCEPTIONS = {
    "db_path": "the status bar's database path can be any length: it gives way to the record counts, and the whole "
               "path is its tooltip (the window title names the file, a read-only file says so first)",
}
ELLIPSIS = ("…", "...")


def _text_width(widget: QWidget, text: str) -> int:
    return max((widget.fontMetrics().horizontalAdvance(line) for line in text.split("\n")), default=0)


def _name(widget: QWidget) -> str:
    text = ""
    for getter in ("text", "title", "currentText"):
        if hasattr(widget, getter):
            text = str(getattr(widget, getter)())
            break
    return f"{type(widget).__name__}#{widget.objectName()} “{text[:30]}”"


def excepted(widget: QWidget) -> bool:
    w: QWidget | None = widget
    while w is not None:
        if w.objectName() in EXCEPTIONS:
            return True
        w = w.parentWidget()
    return False


def check_label(label: QLabel) -> str | None:
    text = label.text()
    if not text or label.pixmap() is not None and not label.pixmap().isNull():
        return None
    if label.wordWrap():
        need = label.heightForWidth(label.width())
        return f"wrapped text needs {need} px high, has {label.height()}" if need > label.height() + 1 else None
    need = label.sizeHint().width()
    if need > label.width() + 1:
        return f"needs {need} px, has {label.width()}"
    return _clipped(label, need)


def _clipped(widget: QWidget, need: int) -> str | None:
    """Wide enough itself, but cut by a parent (a scroll area's viewport, a narrower box)."""
    shown = widget.visibleRegion().boundingRect()
    if not shown.isEmpty() and shown.width() + 1 < min(need, widget.width()):
        return f"only {shown.width()} of {min(need, widget.width())} px in view"
    return None


def check_button(button: QAbstractButton) -> str | None:
    if not button.text():
        return None
    need = button.sizeHint().width()
    if button.objectName() == "figure":   # a dashboard figure is a bare number: its padding may shrink
        need = _text_width(button, button.text().replace("&", ""))
    if need > button.width() + 1:
        return f"needs {need} px, has {button.width()}"
    return _clipped(button, need)


def combo_need(combo: QComboBox) -> int:
    """The width a combo needs to show its longest entry: a probe combo like it, sized to its contents."""
    probe = QComboBox(combo.parentWidget())
    probe.setEditable(combo.isEditable())
    probe.setFont(combo.font())
    probe.setStyleSheet(combo.styleSheet())
    probe.setObjectName(combo.objectName())
    probe.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    probe.addItems([combo.itemText(i) for i in range(combo.count())])
    need = probe.sizeHint().width()
    probe.deleteLater()
    return need


def check_combo(combo: QComboBox) -> str | None:
    if combo.count() == 0:
        return None
    need = combo_need(combo)
    if need > combo.width() + 1:
        longest = max((combo.itemText(i) for i in range(combo.count())), key=lambda t: _text_width(combo, t))
        return f"entry “{longest}” needs {need} px, the combo has {combo.width()}"
    combo.showPopup()
    QApplication.processEvents()
    view = combo.view()
    wide = view.sizeHintForColumn(combo.modelColumn())
    room = view.viewport().width()
    combo.hidePopup()
    if wide > room:
        return f"the popup shows {room} px of entries {wide} px wide"
    return None


def check_spinbox(box: QAbstractSpinBox) -> str | None:
    need = box.sizeHint().width()
    return f"needs {need} px, has {box.width()}" if need > box.width() + 1 else None


def check_group(box: QGroupBox) -> str | None:
    need = _text_width(box, box.title()) + 16
    return f"title needs {need} px, has {box.width()}" if box.title() and need > box.width() else None


def check_tabs(tabs: QTabWidget) -> str | None:
    bar = tabs.tabBar()
    for i in range(bar.count()):
        rect = bar.tabRect(i)
        if rect.right() > bar.width() or rect.left() < 0:
            return f"tab “{bar.tabText(i)}” is out of the tab bar"
    return None


def check_list(view: QListView) -> str | None:
    """A list of texts (the 总结材料's part titles) wraps them rather than scroll sideways."""
    bar = view.horizontalScrollBar()
    if bar.isVisible() and bar.maximum() > 0:
        return f"a horizontal scroll bar: entries {bar.maximum()} px wider than the {view.viewport().width()} px shown"
    down = view.verticalScrollBar()
    if view.objectName() == "navigation" and down.isVisible() and down.maximum() > 0:
        return "the window's navigation cannot show every page at once (a vertical scroll bar)"
    return None


def check_scroll_area(area: QScrollArea) -> str | None:
    bar = area.horizontalScrollBar()
    if bar.isVisible() and bar.maximum() > 0:
        return f"a horizontal scroll bar ({bar.maximum()} px more than the {area.viewport().width()} px shown)"
    return None


def key_columns(view: QTableView) -> list[int]:
    """What the list declares (ui.fitting.fit_columns); a table inside an editor that declares none: its first."""
    value = view.property("key_columns")
    return [int(c) for c in value] if value else [0]


def check_table(view: QTableView) -> list[str]:
    """Each key column in view, its header whole, and its values too (but the first's: a long title may end in …)."""
    keys = key_columns(view)
    model = view.model()
    if model is None or model.columnCount() == 0:
        return []
    header = view.horizontalHeader()
    room = view.viewport().width()
    problems = []
    for c in keys:
        if header.isSectionHidden(c):
            continue
        title = str(model.headerData(c, Qt.Orientation.Horizontal))
        left, size = header.sectionViewportPosition(c), header.sectionSize(c)
        if left < 0 or left + size > room + 1:
            problems.append(f"key column “{title}” at {left}..{left + size} px is out of the {room} px view")
        elif size < header.sectionSizeHint(c):
            problems.append(f"key column “{title}” is {size} px, its header needs {header.sectionSizeHint(c)}")
        elif c != keys[0] and not view.wordWrap() and model.rowCount() and size < view.sizeHintForColumn(c):
            problems.append(f"key column “{title}” is {size} px, its values need {view.sizeHintForColumn(c)}")
    if view.wordWrap():   # wrapped values of the key columns: each row in view as tall as its text
        problems += _wrapped_rows(view, keys)
    return problems


def _wrapped_rows(view: QTableView, keys: list[int]) -> list[str]:
    model = view.model()
    first, last = view.rowAt(0), view.rowAt(view.viewport().height() - 1)
    rows = range(first, (last if last >= 0 else model.rowCount() - 1) + 1) if first >= 0 else range(0)
    metrics = view.fontMetrics()
    margin = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    for row in rows:
        for c in keys:
            text = str(model.index(row, c).data() or "")
            room = QRect(0, 0, max(view.columnWidth(c) - margin, 1), 100000)
            need = metrics.boundingRect(room, Qt.TextFlag.TextWordWrap, text).height()
            if text and need > view.rowHeight(row):
                return [f"row {row + 1}: “{text[:20]}” needs {need} px high, has {view.rowHeight(row)}"]
    return []


def check_chart(view: QChartView) -> list[str]:
    """QtCharts elides what does not fit (axis labels, the title, bar labels): look at the texts it drew."""
    chart = view.chart()
    problems = []
    for item in view.scene().items():
        shown = item.toGraphicsObject()   # QtCharts' own text items are wrapped as the QGraphicsTextItem they are
        if isinstance(shown, QGraphicsTextItem) and shown.isVisible():
            text = shown.toPlainText()
            if any(e in text for e in ELLIPSIS):
                problems.append(f"chart text elided to “{text}”")
    if chart.plotArea().width() < 40 or chart.plotArea().height() < 40:
        problems.append(f"no room left for the plot ({chart.plotArea().width():.0f}×{chart.plotArea().height():.0f})")
    return problems


def check_widget(widget: QWidget) -> list[str]:
    if excepted(widget):
        return []
    one: str | None = None
    if isinstance(widget, QLabel):
        one = check_label(widget)
    elif isinstance(widget, QComboBox):
        one = check_combo(widget)
    elif isinstance(widget, QAbstractButton) and not isinstance(widget.parentWidget(), QAbstractItemView):
        one = check_button(widget)
    elif isinstance(widget, QAbstractSpinBox):
        one = check_spinbox(widget)
    elif isinstance(widget, QGroupBox):
        one = check_group(widget)
    elif isinstance(widget, QTabWidget):
        one = check_tabs(widget)
    elif isinstance(widget, QScrollArea):
        one = check_scroll_area(widget)
    elif isinstance(widget, QChartView):
        return [f"{_name(widget)}: {p}" for p in check_chart(widget)]
    elif isinstance(widget, QListView):
        one = check_list(widget)
    elif isinstance(widget, QTableView):
        return [f"{_name(widget)}: {p}" for p in check_table(widget)]
    return [f"{_name(widget)}: {one}"] if one else []


def check_all(root: QWidget) -> list[str]:
    """Every visible widget under `root` (root included)."""
    problems: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.isVisible() and widget.window().isVisible() and widget.width() > 0:
            problems += check_widget(widget)
    return problems
