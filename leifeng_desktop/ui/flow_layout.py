"""FlowLayout: widgets left to right, wrapping onto another line when the width runs out (a list's filters at 150 %
on a laptop screen); the last widget, the search box, takes the rest of its line."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget, QWidgetItem

FILL_MIN_CHARS = 12   # the last widget (a search box) wraps rather than shrink below this many characters


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout's interface ---------------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def insertWidget(self, index: int, widget: QWidget) -> None:
        self.addChildWidget(widget)
        self._items.insert(max(0, min(index, len(self._items))), QWidgetItem(widget))
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        shown = self._shown()
        width = sum(self._wanted(i).width() for i in shown) + self._gap() * max(len(shown) - 1, 0)
        height = max((i.sizeHint().height() for i in shown), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:
        """The widest single widget: the rest can wrap."""
        shown = self._shown()
        return QSize(max((self._wanted(i).width() for i in shown), default=0),
                     max((i.sizeHint().height() for i in shown), default=0))

    # -- arranging -------------------------------------------------------------------------------------------
    def _gap(self) -> int:
        gap = self.spacing()
        return gap if gap >= 0 else 6

    def _shown(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _wanted(self, item: QLayoutItem) -> QSize:
        hint = item.sizeHint()
        widget = item.widget()
        if item is self._items[-1] and widget is not None:
            hint.setWidth(max(hint.width(), widget.fontMetrics().horizontalAdvance("中") * FILL_MIN_CHARS))
        return hint

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place the widgets in rows within `rect` (or only measure); the height they take."""
        shown = self._shown()
        x, y, line = rect.x(), rect.y(), 0
        for item in shown:
            size = self._wanted(item)
            width = min(size.width(), rect.width())
            if x > rect.x() and x + width > rect.right() + 1:
                x, y, line = rect.x(), y + line + self._gap(), 0
            if item is shown[-1]:
                width = max(width, rect.right() + 1 - x)   # the search box fills its line
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, size.height())))
            x += width + self._gap()
            line = max(line, size.height())
        return y + line - rect.y()
