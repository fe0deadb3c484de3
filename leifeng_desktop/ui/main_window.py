"""The main window: navigation to the seven pages, menus, status bar, remembered geometry, switching databases."""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QByteArray, QEventLoop, QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSizePolicy,
    QTabWidget,
    QWidget,
)

from .. import __version__
from . import file_commands
from .manual import manual_action
from .page_stack import PageSpec, PageStack, page_class
from .qt import action
from .toolbar import DayToolBar
from .undo import EditMenu

_STARTED = time.perf_counter()   # about when the process started: this module is imported before the window
BENCH_READY = "LEIFENG_BENCH_READY"   # =1: quit once the file is open and the dashboard shows its figures (memory)
BENCH_FIRST_PAINT = "LEIFENG_BENCH_FIRST_PAINT"   # =1: quit right after the first paint (the start-up bench)
if TYPE_CHECKING:   # the store's modules are imported when a file is opened, after the first paint (app.py)
    from ..core.store import Store
    from .db_watcher import DatabaseWatcher
    from .instance_lock import InstanceLock
    from .pages.dashboard import DashboardPage
    from .pages.settings_page import SettingsPage
    from .recovery import StartCheck
    from .store_signals import StoreSignals

STATUS_TYPES = ("team", "member", "activity", "enterprise_visit", "household", "honor")
APP_TITLE = "学雷锋职工志愿服务 工作台"


def window_title(store: Store) -> str:
    """The file's name first (two windows are told apart in the task bar), read-only said plainly."""
    return f"{store.path.name}{'（只读）' if store.read_only else ''} — {APP_TITLE}"


def _tabs(*pages: tuple[str, QWidget]) -> QTabWidget:
    tabs = QTabWidget()
    for title, page in pages:
        tabs.addTab(page, title)
    return tabs


class MainWindow(QMainWindow):
    overview: DashboardPage   # the first page, made with the window (its module imported then)
    first_painted = Signal()   # once, just after the first paint: work that can wait for it starts then
    PAGES = ("仪表盘", "志愿服务队", "活动记录", "走访帮扶", "选树典型", "报送与导出", "设置", "备份与恢复", "回收站",
             "操作日志")

    def __init__(self, store: Store | None, lock: InstanceLock | None = None, *, qsettings: QSettings | None = None,
                 parent=None):
        """`store` None: the window's frame only (the start paints it first), its file given later to set_store."""
        super().__init__(parent)
        self.painted = False
        self.start_check: StartCheck | None = None   # the file opened at start, checked after the paint (app.py)
        self.qsettings = qsettings or QSettings()
        self.setWindowTitle(APP_TITLE)
        self.setMinimumSize(760, 460)   # 1366×768 at 150 % leaves about 910×512 logical pixels
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        for i, name in enumerate(self.PAGES):
            item = QListWidgetItem(name)
            item.setToolTip(f"{name}（Ctrl+{i + 1}）" if i < 9 else name)
            self.nav.addItem(item)
        self.nav.setFixedWidth(self.nav.sizeHintForColumn(0) + 36)
        self.stack = PageStack()   # each page made when first shown
        central = QWidget()
        row = QHBoxLayout(central)   # the navigation has a fixed width: a splitter would only leave a gap
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self.stack.show_page)
        self.first_painted.connect(self._count_after_paint)

        self.path_label = QLabel()
        self.path_label.setObjectName("db_path")
        self.counts_label = QLabel()
        self.counts_label.setObjectName("counts")
        # a long path gives way to the counts (1366×768 at 150 %): it is whole in the tooltip
        self.path_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.statusBar().addWidget(self.path_label, 1)
        self.statusBar().addPermanentWidget(self.counts_label)
        self._build_menus()
        self.store: Store | None = None
        self.signals: StoreSignals | None = None
        self.lock: InstanceLock | None = None
        self.watcher: DatabaseWatcher | None = None
        self._held: list[QAction] = []   # commands that need a file, off while none is open yet
        if store is not None:
            self.set_store(store, lock)
        else:   # until set_store: the dashboard's place says what is happening, and only 退出 works
            self.stack.waiting("正在打开数据库…")
            self.nav.setEnabled(False)
            self._held = [a for a in QObject.findChildren(self, QAction) if a.isEnabled() and a is not self.quit_action]
            for held in self._held:
                held.setEnabled(False)
        self.nav.setCurrentRow(0)
        if not self.restoreGeometry(_saved_bytes(self.qsettings.value("window/geometry", b""))):
            self.resize(1200, 720)
        self.fit_to_screen()
        self.restoreState(_saved_bytes(self.qsettings.value("window/state", b"")))
        self._quit_on_paint = os.environ.get(BENCH_FIRST_PAINT) == "1"

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self._quit_on_paint:   # `make bench` measures start to first paint (bench/): say when, then quit without
            self._quit_on_paint = False   # opening the file (opening, upgrading or checking a city's file would
            self.painted = True           # read or write beside the next measurement)
            print(f"first-paint {time.perf_counter() - _STARTED:.3f} at {time.time():.3f}", file=sys.stderr, flush=True)
            QTimer.singleShot(0, QApplication.quit)
            return
        self.settle()

    def _ready_for_bench(self) -> None:
        print(f"window-ready {time.perf_counter() - _STARTED:.3f} at {time.time():.3f}", file=sys.stderr, flush=True)
        QTimer.singleShot(0, self.close)

    def settle(self) -> None:
        """The first paint, or its stand-in: a window started minimised is not painted until restored, and its file
        must open all the same (app.py calls this a little after show)."""
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, self, self.first_painted.emit)

    def announce(self, text: str) -> None:
        """A long wait ahead on this thread (a file's upgrade): the page area says `text` before it starts."""
        self.stack.waiting(text)
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    def fit_to_screen(self) -> None:
        """Never larger than the screen: 1366×768 at 150 % leaves about 910×512 logical pixels, and a geometry
        saved on a larger monitor must not put the window's edges out of reach."""
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is None or screen.width() <= 0:
            return
        width, height = min(self.width(), screen.width()), min(self.height(), screen.height() - 30)
        if (width, height) != (self.width(), self.height()):
            self.resize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))
        if not screen.contains(self.frameGeometry().topLeft()):
            self.move(screen.topLeft())

    # -- pages ---------------------------------------------------------------------------------------------
    def _page_specs(self, store: Store) -> list[PageSpec]:
        """Every page as made when first shown (page_stack); only the dashboard is made at start, and a page's
        module is imported when the page is made."""
        def tabs(*pages: tuple[str, str, dict]) -> Callable[[], QWidget]:
            return lambda: _tabs(*((title, page_class(path)(store, **kw)) for title, path, kw in pages))
        member_columns = ("name", "team_id", "gender", "politics", "work", "phone", "id_number")
        publicity = ("演讲、征文、先进模范人物事迹巡回报告、送电影/培训/书籍/讲座、媒体报道和标语/横幅/电子屏等"
                     "宣传活动。")
        one = lambda path: PageSpec(lambda: page_class(path)(store), (path,))  # noqa: E731
        return [   # the dashboard counts after the first paint (its worker would compete with the paint)
            PageSpec(lambda: page_class("dashboard.DashboardPage")(store, count=self.painted),
                     ("dashboard.DashboardPage",)),
            PageSpec(tabs(("服务队", "team_page.TeamPage", {}),
                          ("队员", "record_page.RecordListPage", {"type_key": "member", "columns": member_columns}),
                          ("未组建的队伍类型", "team_page.MissingKindsView", {})),
                     ("team_page.TeamPage", "team_page.MissingKindsView", "record_page.RecordListPage")),
            PageSpec(tabs(("志愿服务活动", "activity_page.ActivityPage", {}),
                          ("志愿者服务时长", "activity_page.VolunteerHoursPage", {}),
                          ("宣传与文化活动", "record_page.RecordListPage",
                           {"type_key": "publicity", "description": publicity})),
                     ("activity_page.ActivityPage", "activity_page.VolunteerHoursPage", "record_page.RecordListPage")),
            PageSpec(lambda: page_class("visits_page.visits_tabs")(store),
                     ("visits_page.EnterpriseVisitPage", "visits_page.HouseholdPage", "visits_page.HouseholdVisitPage",
                      "visits_page.AidPage", "record_page.RecordListPage")),
            one("honors_page.HonorPage"),
            PageSpec(tabs(("报送记录", "honors_page.SubmissionPage", {}), ("总结材料", "summary_page.SummaryPage", {}),
                          ("实施方案", "plan_page.PlanPage", {}), ("数据包", "bundle_page.BundlePage", {})),
                     ("honors_page.SubmissionPage", "summary_page.SummaryPage", "plan_page.PlanPage",
                      "bundle_page.BundlePage")),
            one("settings_page.SettingsPage"),
            one("backup_page.BackupPage"),
            one("trash_page.TrashPage"),
            one("oplog_page.OplogPage"),
        ]

    def _count_after_paint(self) -> None:
        if self.stack.is_built(0) and self.overview.stats is None:
            self.overview.refresh()

    def _page_built(self, index: int, page: QWidget) -> None:
        """A page just made: its lists keep their selection across a refresh, the 编辑 menu answers its keys."""
        from PySide6.QtWidgets import QTableView

        from .db_watcher import keep_selection
        if index == 0:
            self.overview = cast("DashboardPage", page)
            if os.environ.get(BENCH_READY) == "1":
                self.overview.figuresShown.connect(self._ready_for_bench)
        for view in page.findChildren(QTableView):
            if hasattr(view.model(), "row_of"):   # record lists: a refresh keeps the selection
                keep_selection(view)
        if f"{__package__}.pages.record_page" in sys.modules:   # no list exists before its module (a start's
            self.edit_menu.adopt_shortcuts(page)   # dashboard): the lists inside it
        if hasattr(page, "release_shortcuts"):   # a page that is itself a list (选树典型)
            page.release_shortcuts()

    @property
    def settings_page(self) -> SettingsPage:
        page = self.stack.widget(self.PAGES.index("设置"))
        return cast("SettingsPage", page)

    def confirm_leave(self) -> bool:
        """Unsaved settings are asked about; a settings page never shown holds none."""
        return not self.stack.is_built(self.PAGES.index("设置")) or self.settings_page.confirm_leave()

    def findChildren(self, *args, **kwargs):
        """Qt's findChildren, after building the pages that hold the class asked for (page_stack)."""
        self.stack.findChildren(*args, **kwargs)
        return super().findChildren(*args, **kwargs)

    def findChild(self, *args, **kwargs):
        self.stack.findChildren(*args, **kwargs)
        return super().findChild(*args, **kwargs)

    def set_store(self, store: Store, lock: InstanceLock | None = None) -> None:
        """Show `store`; the previous database is closed and its lock let go (a refused switch never gets here)."""
        from .db_watcher import DatabaseWatcher
        from .store_signals import StoreSignals
        from .undo import UndoHistory
        old, old_lock = self.store, self.lock
        for held in self._held:   # the first file: what waited for it works now (each keeps its own rules after)
            held.setEnabled(True)
        self._held = []
        self.nav.setEnabled(True)
        if self.watcher:
            self.watcher.stop()
            self.watcher.deleteLater()
        if self.signals:
            self.signals.close()
        if self.stack.is_built(0):   # (a window given its first file has none)
            self.overview.shutdown()
        if self.start_check is not None and self.start_check.store is not store:
            self.start_check.shutdown()
        self.store, self.lock = store, lock
        self.signals = StoreSignals(store, self)
        history = UndoHistory(store, self)   # a new file starts a new history
        history.stepped.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.edit_menu.set_history(history)
        self.stack.set_pages(self._page_specs(store), self._page_built)
        self.stack.show_page(max(self.nav.currentRow(), 0))
        self.stack.widget(0)   # the dashboard counts from the start (its figures come from a worker)
        self.signals.changed.connect(self.refresh_status)
        if old is not None and old is not store:
            old.close()
        if old_lock is not None and old_lock is not lock:
            old_lock.release()
        self.watcher = DatabaseWatcher(store, self)
        self.setWindowTitle(window_title(store))
        self._remember_recent(store.path)
        self.refresh_status()

    def go_to(self, name: str) -> None:
        self.nav.setCurrentRow(self.PAGES.index(name))

    @property
    def current_store(self) -> Store:
        """The open database; once the window is built there always is one."""
        if self.store is None:
            raise RuntimeError("no database is open")
        return self.store

    def refresh_status(self, *args) -> None:
        from ..core import schema as s
        store = self.current_store
        self.path_label.setText(("（只读，不能保存修改）" if store.read_only else "") + f"数据库：{store.path}")
        self.path_label.setToolTip(self.path_label.text())
        counts = store.counts()
        self.counts_label.setText("　".join(f"{s.RECORD_TYPES[k].label} {counts[k]}" for k in STATUS_TYPES))

    # -- menus ---------------------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        self.new_action = action("新建数据库(&N)…", self, self.new_database, key=QKeySequence("Ctrl+Shift+N"))
        self.open_action = action("打开数据库(&O)…", self, self.open_database, key=QKeySequence.StandardKey.Open)
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("最近打开(&R)")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        # a new file for the next campaign year; this one is only read (ui/new_year_dialog)
        self.new_year_action = action("开始新年度(&Y)…", self, self.new_year)
        file_menu.addAction(self.new_year_action)
        file_menu.addSeparator()
        self.quit_action = action("退出(&X)", self, self.close, key=QKeySequence("Ctrl+Q"))
        file_menu.addAction(self.quit_action)
        self.edit_menu = EditMenu(self)   # 撤销/重做 following the undo history, 新建/删除/查找 on the current list
        self.menuBar().addMenu(self.edit_menu)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        help_menu.addAction(manual_action(self))   # 使用说明 (F1), at the section of the page on show
        help_menu.addAction(action("打开示例数据(&E)", self, self.open_example))   # a file of its own
        help_menu.addAction(action("关于(&A)", self, self.about))
        self.toolbar = DayToolBar(self)   # the day's commands, words beside icons, keys in the tooltips
        self.addToolBar(self.toolbar)
        for i in range(min(len(self.PAGES), 9)):   # Ctrl+1 … Ctrl+9: a tenth page has no key
            self.addAction(action("", self, partial(self.nav.setCurrentRow, i), key=QKeySequence(f"Ctrl+{i + 1}")))

    def new_year(self) -> None:
        from .new_year_dialog import start_new_year  # each command's module imported when it is first used
        start_new_year(self)

    def open_example(self) -> None:
        from .example_data import open_example
        open_example(self)

    # the 文件 menu's database commands live in file_commands.py
    def recent_paths(self) -> list[str]:
        return file_commands.recent_paths(self.qsettings)

    def _remember_recent(self, path: Path) -> None:
        file_commands.remember_recent(self.qsettings, path)

    def _fill_recent(self) -> None:
        file_commands.fill_recent(self, self.recent_menu)

    def new_database(self) -> None:
        file_commands.new_database(self)

    def open_database(self) -> None:
        file_commands.open_database(self)

    def open_path(self, path: Path) -> bool:
        """Switch to another database; a refused file leaves the current one open and untouched."""
        return file_commands.open_path(self, path)

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox
        QMessageBox.about(self, "关于", f"<h3>学雷锋职工志愿服务 工作台</h3><p>版本 {__version__}</p>"
                          "<p>供市总工会及各级工会离线登记志愿服务队、记录活动与大走访帮扶、选树典型、"
                          "生成登记表、台账和总结材料，并向上级报送数据。</p>"
                          f"<p>当前数据库：{self.current_store.path}</p>")

    def closeEvent(self, event) -> None:
        if not self.confirm_leave():
            event.ignore()
            return
        if self.start_check is not None:
            self.start_check.shutdown()
        if self.stack.is_built(0):
            self.overview.shutdown()
        demo = getattr(self, "_demo_task", None)
        if demo is not None:
            demo.stop_and_wait()
        self.qsettings.setValue("window/geometry", self.saveGeometry())
        self.qsettings.setValue("window/state", self.saveState())
        if self.watcher:
            self.watcher.stop()
        if self.signals:
            self.signals.close()
        if self.lock is not None:   # the store itself is closed by whoever opened it (run_app)
            self.lock.release()
        super().closeEvent(event)


def _saved_bytes(value: object) -> QByteArray | bytes:
    """A window geometry or state as QSettings gives it back; anything else counts as none saved."""
    return value if isinstance(value, QByteArray | bytes) else b""
