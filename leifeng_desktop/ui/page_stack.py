"""The window's pages, each built when first shown: the navigation lists them all, the stack holds an empty
placeholder until a page is chosen (or asked for by code: `widget(i)`, `findChildren(cls)`), then the page itself
takes the placeholder's place, so a built stack looks exactly like one built at once."""
from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget


def page_class(path: str) -> Any:
    """`module.Name` under ui/pages, imported now (a page's module is imported when the page is first made)."""
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(f"{__package__}.pages.{module}"), name)


@dataclass(frozen=True)
class PageSpec:
    """How to make one page, and the page classes it holds as `module.Class` under ui/pages (so that
    `findChildren(cls)` of a page class knows which pages to build; they are imported only when asked)."""
    make: Callable[[], QWidget]
    kinds: tuple[str, ...] = ()

    def holds(self, cls: Any) -> bool:
        if not isinstance(cls, type) or not cls.__module__.startswith(f"{__package__}.pages."):
            return False   # only a page class asked for builds pages (findChild(QToolButton) builds nothing)
        return any(issubclass(page_class(k), cls) for k in self.kinds)


class _Placeholder(QWidget):
    """An unbuilt page's place in the stack; `text` says why it is empty (a window waiting for its file)."""

    def __init__(self, text: str = ""):
        super().__init__()
        if text:
            label = QLabel(text)
            label.setObjectName("waiting")
            label.setWordWrap(True)   # a long wait says why (an upgrade), at 150 % too
            QVBoxLayout(self).addWidget(label)


class PageStack(QStackedWidget):
    """`set_pages(specs, built=)` replaces every page with placeholders; `built(index, page)` is called once per page
    as it is made. Python callers see built pages only: widget(i) and findChildren(cls) build what they reach."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pages")
        self._specs: list[PageSpec] = []
        self._built: Callable[[int, QWidget], None] | None = None

    def set_pages(self, specs: Sequence[PageSpec], built: Callable[[int, QWidget], None]) -> None:
        while (page := super().widget(0)) is not None:
            self.removeWidget(page)
            page.deleteLater()
        self._specs, self._built = list(specs), built
        for _ in self._specs:
            self.addWidget(_Placeholder())

    def waiting(self, text: str) -> None:
        """No pages yet (until set_pages): one placeholder saying `text`."""
        self.set_pages([], lambda index, page: None)
        self.addWidget(_Placeholder(text))

    def is_built(self, index: int) -> bool:
        page = super().widget(index)
        return page is not None and not isinstance(page, _Placeholder)

    def built_pages(self) -> list[QWidget]:
        """The pages made so far (none is made by asking)."""
        pages = (QStackedWidget.widget(self, i) for i in range(self.count()))
        return [w for w in pages if w is not None and not isinstance(w, _Placeholder)]

    def widget(self, index: int) -> QWidget | None:
        """The page at `index` (None past the end), made now if it was not yet."""
        page = super().widget(index)
        if not isinstance(page, _Placeholder) or index >= len(self._specs):   # (waiting: no page to make)
            return page
        made = self._specs[index].make()
        current = self.currentIndex()
        self.insertWidget(index, made)   # the current page stays on show while the placeholder goes
        self.removeWidget(page)
        page.deleteLater()
        if current == index:
            self.setCurrentIndex(index)
        if self._built is not None:
            self._built(index, made)
        return made

    def show_page(self, index: int) -> None:
        if 0 <= index < self.count():
            self.widget(index)
            self.setCurrentIndex(index)

    def findChildren(self, *args, **kwargs):
        """Qt's findChildren, after building the pages that hold the class asked for."""
        cls = args[0] if args else kwargs.get("type")
        for i, spec in enumerate(self._specs):
            if not self.is_built(i) and spec.holds(cls):
                self.widget(i)
        return super().findChildren(*args, **kwargs)

    def findChild(self, *args, **kwargs):
        self.findChildren(*args, **kwargs)
        return super().findChild(*args, **kwargs)
