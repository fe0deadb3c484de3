"""Room for text at 100 % and 150 % on a 1366×768 screen: combos as wide as their longest entry (and their popups),
each list's key columns (its name and figures) whole and in view, lists whose entries wrap instead of scrolling
sideways. tests/ui/test_no_elision.py walks every page and dialog and holds them to it."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QListView, QStyle, QTableView

COMBO_CAP_CHARS = 24   # an entry longer than this (a unit's full name) is cut when closed; the popup shows it whole
NAME_CAP_CHARS = 18    # the first key column (a name, a title) grows to this, then its values end in "…"
OTHER_CAP_CHARS = 9    # a column that is not key gets this much room; its full values are a scroll or a drag away
KEY_COLUMNS = "key_columns"   # the view property the elision test reads


def _em(widget) -> int:
    return widget.fontMetrics().horizontalAdvance("中")


def fit_combo(combo: QComboBox) -> QComboBox:
    """The combo as wide as its longest entry (up to COMBO_CAP_CHARS), its popup never narrower than any entry;
    both follow the entries as they change (a new unit, an edited choice list)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setMaximumWidth(_em(combo) * COMBO_CAP_CHARS + 40)
    model = combo.model()
    for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.dataChanged):
        signal.connect(lambda *_a, c=combo: fit_popup(c))
    fit_popup(combo)
    return combo


def fit_popup(combo: QComboBox) -> None:
    view = combo.view()
    if view is None:
        return
    width = view.sizeHintForColumn(combo.modelColumn()) + 2 * view.frameWidth()
    if combo.count() > combo.maxVisibleItems():
        width += combo.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
    view.setMinimumWidth(width)


def fit_columns(view: QTableView, keys: Sequence[int]) -> None:
    """`keys` (logical columns: the name first, then the figures) come first, left to right, each as wide as its
    header and values; the other columns follow with less room. Widths are set once the first rows are there, so
    a later refresh keeps what the clerk dragged."""
    view.setProperty(KEY_COLUMNS, list(keys))
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for visual, logical in enumerate(keys):
        header.moveSection(header.visualIndex(logical), visual)
    model = view.model()
    if model is None:
        return
    size_columns(view)
    if model.rowCount() == 0:   # the rows come later (a batch, a refresh): size them once then
        def first_rows(*_args) -> None:
            if model.rowCount():
                model.modelReset.disconnect(first_rows)
                model.rowsInserted.disconnect(first_rows)
                size_columns(view)
        model.modelReset.connect(first_rows)
        model.rowsInserted.connect(first_rows)


def size_columns(view: QTableView) -> None:
    """Each column as wide as its header and the values loaded, within its cap (see the module's constants)."""
    model = view.model()
    if model is None:
        return
    view.ensurePolished()
    header = view.horizontalHeader()
    header.ensurePolished()
    keys = view.property(KEY_COLUMNS) or []
    em = _em(view)
    for c in range(model.columnCount()):
        cap = NAME_CAP_CHARS * em if keys and c == keys[0] else None if c in keys else OTHER_CAP_CHARS * em
        content = view.sizeHintForColumn(c)
        header.resizeSection(c, max(header.sectionSizeHint(c), min(content, cap) if cap else content))


def wrap_list(view: QListView) -> None:
    """Entries wrap at the list's width (long part titles): no horizontal scroll bar."""
    view.setWordWrap(True)
    view.setTextElideMode(Qt.TextElideMode.ElideNone)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
