"""帮助 → 使用说明 (F1): the short Chinese manual shipped in resources/manual/, read offline in a window with its
contents on the left; F1 opens it at the section of the page on show."""
from __future__ import annotations

import re
from pathlib import Path

from PySide6 import QtCore  # its Qt namespace when a manual is shown (30 ms of every start otherwise)
from PySide6.QtCore import QSize, QUrl
from PySide6.QtGui import QIcon, QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QListWidget, QListWidgetItem, QMainWindow, QTextBrowser, QWidget

from ..paths import resources_dir
from .qt import action

# the window's pages (MainWindow.PAGES) → their section in the manual
PAGE_SECTIONS = {"仪表盘": "dashboard", "志愿服务队": "teams", "活动记录": "activities", "走访帮扶": "visits",
                 "选树典型": "honors", "报送与导出": "reports", "设置": "settings", "备份与恢复": "backup",
                 "回收站": "trash", "操作日志": "oplog"}
_HEADING = re.compile(r'<h2 id="([\w-]+)">(.*?)</h2>', re.S)


def manual_path() -> Path:
    return resources_dir() / "manual" / "index.html"


def sections(path: Path | None = None) -> list[tuple[str, str]]:
    """(anchor, title) of each section, in the manual's order."""
    import html  # (its entities table: 4 ms of every start otherwise)
    text = (path or manual_path()).read_text(encoding="utf-8")
    return [(anchor, html.unescape(re.sub(r"<[^>]+>", "", title)).strip()) for anchor, title in _HEADING.findall(text)]


class ManualWindow(QDialog):
    """The manual: contents on the left, the text on the right; links inside it stay inside it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("manual")
        self.setWindowTitle("使用说明")
        self.setWindowFlag(QtCore.Qt.WindowType.WindowMaximizeButtonHint)
        self.contents = QListWidget()
        self.contents.setObjectName("manual_contents")
        self.contents.setAccessibleName("目录")
        self.browser = QTextBrowser()
        self.browser.setObjectName("manual_text")
        self.browser.setAccessibleName("使用说明")
        self.browser.setOpenExternalLinks(False)   # offline: nothing leaves the app
        path = manual_path()
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.setSource(QUrl.fromLocalFile(str(path)))
        for anchor, title in sections(path):
            item = QListWidgetItem(title)
            item.setData(QtCore.Qt.ItemDataRole.UserRole, anchor)
            self.contents.addItem(item)
        self.contents.setFixedWidth(self.contents.sizeHintForColumn(0) + 30)
        self.contents.currentItemChanged.connect(self._go_to_item)
        layout = QHBoxLayout(self)   # the contents keep their width, the text takes the rest
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.contents)
        layout.addWidget(self.browser, 1)
        self.resize(fitting(self, QSize(820, 560)))

    def _go_to_item(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        if item is not None:
            self.browser.scrollToAnchor(item.data(QtCore.Qt.ItemDataRole.UserRole))

    def show_section(self, anchor: str) -> None:
        for row in range(self.contents.count()):
            item = self.contents.item(row)
            if item is not None and item.data(QtCore.Qt.ItemDataRole.UserRole) == anchor:
                self.contents.setCurrentRow(row)
        self.browser.scrollToAnchor(anchor)   # again: the same row chosen twice sends no signal

    def current_section(self) -> str | None:
        item = self.contents.currentItem()
        return item.data(QtCore.Qt.ItemDataRole.UserRole) if item is not None else None


def fitting(widget: QWidget, wanted: QSize) -> QSize:
    """`wanted`, but within the screen (1366×768 at 150 % leaves about 910×512 logical pixels)."""
    parent = widget.parentWidget()
    screen = parent.screen() if parent is not None else widget.screen()
    if screen is None:
        return wanted
    room = screen.availableGeometry().size()
    return QSize(min(wanted.width(), room.width() - 40), min(wanted.height(), room.height() - 80))


def page_section(window: QMainWindow) -> str:
    """The section of the page the window shows (its navigation's current entry)."""
    nav = getattr(window, "nav", None)
    item = nav.currentItem() if nav is not None else None
    return PAGE_SECTIONS.get(item.text() if item is not None else "", "start")


def open_manual(window: QMainWindow, anchor: str | None = None) -> ManualWindow:
    """Show the manual (one window per main window, raised when already open) at `anchor`, else at the page."""
    manual = window.findChild(ManualWindow, "manual")
    if manual is None:
        manual = ManualWindow(window)
    manual.show()
    manual.raise_()
    manual.activateWindow()
    manual.show_section(anchor or page_section(window))
    return manual


def manual_action(window: QMainWindow):
    """帮助 → 使用说明 (F1), added to the window too so F1 works wherever the focus is in it."""
    made = action("使用说明(&M)", window, lambda: open_manual(window), key=QKeySequence("F1"))
    made.setIcon(QIcon(str(resources_dir() / "icons" / "manual.svg")))
    made.setObjectName("manual_action")
    made.setToolTip("使用说明（F1）")
    window.addAction(made)
    return made
