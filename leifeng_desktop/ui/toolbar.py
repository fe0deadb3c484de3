"""The main window's toolbar: the day's commands (新建服务队, 记录活动, 导出登记表, 导出总结材料), each with its
icon, its words beside it and its key in the tooltip. Each command brings its page into view first, so the clerk
sees where the work lives, then does what that page's own button does."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStackedWidget, QTabWidget, QToolBar, QWidget

from ..paths import resources_dir

W = TypeVar("W", bound=QWidget)


TEXT_BESIDE_ICON = 2   # Qt::ToolButtonTextBesideIcon


def icon(name: str) -> QIcon:
    """An icon from resources/icons (an SVG drawn for this app)."""
    return QIcon(str(resources_dir() / "icons" / f"{name}.svg"))


def with_key(text: str, key: QKeySequence | None) -> str:
    """A tooltip naming the key that does the same: 新建服务队（Ctrl+Shift+T）."""
    shown = key.toString(QKeySequence.SequenceFormat.NativeText) if key is not None and not key.isEmpty() else ""
    return f"{text}（{shown}）" if shown else text


@dataclass(frozen=True)
class Command:
    name: str      # the action's objectName and its icon's file name
    text: str
    key: str
    tip: str


COMMANDS = (
    Command("new_team", "新建服务队", "Ctrl+Shift+T", "登记一支新的志愿服务队：填写登记表和队员名单"),
    Command("record_activity", "记录活动", "Ctrl+Shift+R", "记录一次志愿服务活动：时间、地点、参加人员和时长"),
    Command("export_registration", "导出登记表", "Ctrl+Shift+E",
            "导出所选队伍的《学雷锋职工志愿服务队登记表》（未选时为列表中的全部队伍）"),
    Command("export_summary", "导出总结材料", "Ctrl+Shift+M", "把总结材料导出为 Word 文档"),
)


def show_widget(window: QMainWindow, widget: QWidget) -> None:
    """Bring `widget` into view: its page in the navigation, and the tab holding it on every level."""
    child, parent = widget, widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QStackedWidget) and isinstance(parent.parentWidget(), QTabWidget):
            tabs = parent.parentWidget()
            assert isinstance(tabs, QTabWidget)
            tabs.setCurrentWidget(child)
        elif isinstance(parent, QStackedWidget) and parent.objectName() == "pages":
            nav = getattr(window, "nav", None)
            if nav is not None:
                nav.setCurrentRow(parent.indexOf(child))
            parent.setCurrentWidget(child)
        child, parent = parent, parent.parentWidget()


class DayToolBar(QToolBar):
    """`actions_by_name[name]` for each command; the window's pages are looked up when a command runs (a new file
    builds new pages)."""

    def __init__(self, window: QMainWindow):
        super().__init__("常用操作", window)
        self.setObjectName("day_toolbar")
        self.main_window = window
        self.setMovable(False)
        # Qt.ToolButtonStyle.ToolButtonTextBesideIcon, through its property: the Qt namespace's enums would cost
        # every start 30 ms before the first paint (issue 18)
        self.setProperty("toolButtonStyle", TEXT_BESIDE_ICON)
        self.setIconSize(QSize(22, 22))
        slots: dict[str, Callable[[], object]] = {"new_team": self.new_team, "record_activity": self.record_activity,
                                                  "export_registration": self.export_registration,
                                                  "export_summary": self.export_summary}
        self.actions_by_name: dict[str, QAction] = {}
        for command in COMMANDS:
            made = QAction(icon(command.name), command.text, window)
            made.setObjectName(f"{command.name}_action")
            made.setShortcuts([QKeySequence(command.key)])   # (setShortcut's overloads cost the Qt namespace)
            made.setToolTip(with_key(command.tip, made.shortcut()))
            made.setStatusTip(command.tip)
            made.triggered.connect(lambda checked=False, slot=slots[command.name]: slot())
            window.addAction(made)   # the key works wherever the focus is in the window
            self.addAction(made)
            self.actions_by_name[command.name] = made

    def _page(self, cls: type[W]) -> W:
        stack = self.main_window.findChild(QStackedWidget, "pages")
        found = stack.findChildren(cls) if stack is not None else []
        if not found:
            raise RuntimeError(f"the window has no {cls.__name__}")
        show_widget(self.main_window, found[0])
        return found[0]

    def new_team(self) -> object:
        from .pages.team_page import TeamPage
        return self._page(TeamPage).new_record()

    def record_activity(self) -> object:
        from .pages.activity_page import ActivityPage
        return self._page(ActivityPage).new_record()

    def export_registration(self) -> object:
        from .pages.team_page import TeamPage
        page = self._page(TeamPage)
        if page.selected_ids():
            return page.export_selected()
        if page.model.total_count() == 0:   # "select some" would send the clerk looking for teams that are not there
            QMessageBox.information(self.main_window, "导出登记表", "列表中还没有服务队：请先点“新建服务队”"
                                    "（Ctrl+Shift+T）登记，或清除筛选条件后再导出。")
            return None
        return page.export_listed()

    def export_summary(self) -> object:
        from .pages.summary_page import SummaryPage
        return self._page(SummaryPage).export_dialog()
