"""QApplication set-up: the log, the crash dialog, Chinese translations, fonts, style; opening the database (a
damaged one offered its newest good backup, see recovery.py); the first setup of a new database (setup_wizard.py).
Demo data never goes into the clerk's file: 帮助 → 打开示例数据 opens a file of its own (example_data.py)."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from .. import __version__
from ..core import applog
from ..paths import resources_dir
from .crash import CrashHandler

if TYPE_CHECKING:   # the store's modules are imported after the first paint, when the file is opened
    from ..core.store import Store
    from .instance_lock import InstanceLock
    from .main_window import MainWindow
    from .recovery import StartCheck

log = logging.getLogger(__name__)

# 微软雅黑 first: every Windows 10/11 has it (a Chinese Windows may list it by its Chinese name).
SETTLE_MS = 1500   # a shown window is painted within this; one that is not (minimised) opens its file then
CJK_FONTS = ("Microsoft YaHei UI", "Microsoft YaHei", "微软雅黑", "PingFang SC", "Noto Sans CJK SC",
             "Source Han Sans SC", "WenQuanYi Micro Hei", "SimSun")


def window_font_family(families: set[str] | list[str]) -> str | None:
    """The first of CJK_FONTS this computer has, None when it has none of them."""
    present = set(families)
    return next((family for family in CJK_FONTS if family in present), None)


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if existing is None:   # Qt 6's default, set so a 125 % or 150 % screen scales by exactly that (before the app;
        # by its variable, which Qt reads as it would the call: the call's enum costs the start 30 ms, issue 18)
        os.environ.setdefault("QT_SCALE_FACTOR_ROUNDING_POLICY", "PassThrough")
    app = existing if isinstance(existing, QApplication) else QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("LeifengDesktop")
    app.setApplicationName("LeifengDesktop")
    app.setApplicationDisplayName("学雷锋职工志愿服务 工作台")
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    install_translations(app)
    family = window_font_family(QFontDatabase.families())
    if family is not None:
        font = QFont(family)
        font.setPointSize(max(app.font().pointSize(), 10))
        app.setFont(font)
    style = resources_dir() / "style.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    icon = resources_dir() / "icons" / "app.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def install_translations(app: QApplication) -> list[QTranslator]:
    """Qt's own zh_CN catalogues, so standard dialogs say 确定/取消."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed = []
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
    setattr(app, "_leifeng_translators", installed)  # noqa: B010 -- kept alive with the app; Qt declares no such field
    return installed


def sweep_export_leftovers() -> None:
    """Temporary files of an export that was killed (engineer A's sweep); a failure here must not stop the start."""
    try:
        from ..exports.leftovers import sweep_leftovers
    except ImportError:
        return
    try:
        sweep_leftovers()
    except Exception:   # noqa: BLE001 - logged with its traceback; the window opens all the same
        log.exception("sweeping export leftovers failed")


def open_first(db_path: Path | None, parent: QWidget | None = None):
    """The file named on the command line, else the last one used; a last file that cannot be opened (moved …)
    falls back to the default database, unless it is damaged (nothing opens then) or another window has it.
    (store, lock, checked): a file not checked yet is checked after the first paint (recovery.StartCheck).
    `parent`: the painted window its questions are asked over (a parentless one is lost behind it)."""
    from PySide6.QtCore import QSettings

    from ..core.data_folder import default_db_path
    from .recovery import damage, held_by_another_window, open_at_start
    path = Path(db_path) if db_path else Path(str(QSettings().value("last_db", "") or default_db_path()))
    announce_upgrade(path, parent)
    opened = open_at_start(path, parent)
    if opened is None and db_path is None and path != default_db_path() and damage(path) is None \
            and not held_by_another_window(path):
        opened = open_at_start(default_db_path(), parent)   # the last file may have moved: fall back
    return opened


def announce_upgrade(path: Path, parent: QWidget | None) -> None:
    """A file about to be upgraded (this version's first open of it) blocks the window for a while: said first."""
    from ..core.migrations import upgrade_pending
    from .main_window import MainWindow
    if isinstance(parent, MainWindow) and upgrade_pending(path):
        parent.announce(f"正在升级数据文件“{path.name}”：先备份，再按新版本整理数据，文件较大时需要一两分钟，请稍候…")


def run_app(db_path: Path | None = None) -> int:
    applog.setup()
    app = create_application()
    crash = CrashHandler.install(app)
    log.info("window %s starting", __version__)
    try:
        return _run(app, crash, db_path)
    finally:
        crash.uninstall()


def show_file(window: MainWindow, store: Store, lock: InstanceLock | None, checked: bool) -> bool:
    """The file opened at start shown in the window; one not checked yet gets its StartCheck. Damage met while
    the window reads it (the dashboard, the counts) sends the file through the check first after all.
    False: nothing could be opened."""
    from ..core.errors import DatabaseDamaged, classify
    from .recovery import StartCheck, open_checked
    try:
        window.set_store(store, lock)
    except Exception as exc:
        if checked or not isinstance(classify(exc, store.path), DatabaseDamaged):
            raise
        log.warning("damage met before the check of %s", store.path.name, exc_info=True)
        store.close()
        if lock is not None:
            lock.release()
        opened = open_checked(store.path, window)   # said to the clerk, the newest good backup offered
        if opened is None:
            return False
        window.set_store(*opened)
        return True
    if not checked and not store.read_only:
        window.start_check = StartCheck(window)
    return True


class FirstFile:
    """After the first paint: the file opened (its questions asked over the painted window) and shown, then the
    first setup of a new file. The event loop ends with 2 when nothing opens, 1 on a program error."""

    def __init__(self, window: MainWindow, crash: CrashHandler, db_path: Path | None):
        self.window, self.crash, self.db_path = window, crash, db_path
        self.check: StartCheck | None = None   # kept: the window forgets it once it is shut down

    def open(self) -> None:
        window = self.window
        try:
            sweep_export_leftovers()
            opened = open_first(self.db_path, window)
            if opened is None or not show_file(window, *opened):
                window.hide()
                QApplication.exit(2)
                return
        except Exception as exc:   # noqa: BLE001 - before the file is shown: the dialog says so, then the end
            window.hide()
            self.crash.report(exc)
            QApplication.exit(1)
            return
        self.check = window.start_check
        from .setup_wizard import offer_setup
        offer_setup(window)


def _run(app: QApplication, crash: CrashHandler, db_path: Path | None) -> int:
    """The window's frame painted first (issue 18: nothing of the store's is imported before), then the file."""
    from . import main_window
    try:
        window = main_window.MainWindow(None)
    except Exception as exc:   # noqa: BLE001 - before the window exists: the dialog says so, then the end
        crash.report(exc)
        return 1
    first = FirstFile(window, crash, db_path)
    window.first_painted.connect(first.open)
    window.show()
    QTimer.singleShot(SETTLE_MS, window, window.settle)   # started minimised: no paint comes, the file opens anyway
    code = app.exec()
    if first.check is not None and first.check.declined:
        code = 2   # damaged, found after the paint: nothing stays open, as when found before it
    if window.store is not None:
        window.current_store.close()
    if window.lock is not None:
        window.lock.release()
    return code
