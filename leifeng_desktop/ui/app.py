"""QApplication set-up: the log, the crash dialog, Chinese translations, fonts, style; opening the database (a
damaged one offered its newest good backup, see recovery.py); the first setup of a new database (setup_wizard.py).
Demo data never goes into the clerk's file: 帮助 → 打开示例数据 opens a file of its own (example_data.py)."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from .. import __version__
from ..core import applog
from ..core.errors import DatabaseDamaged, classify
from ..core.store import Store, default_db_path
from ..paths import resources_dir
from .crash import CrashHandler
from .instance_lock import InstanceLock
from .recovery import StartCheck, damage, held_by_another_window, open_at_start, open_checked

log = logging.getLogger(__name__)

# 微软雅黑 first: every Windows 10/11 has it (a Chinese Windows may list it by its Chinese name).
CJK_FONTS = ("Microsoft YaHei UI", "Microsoft YaHei", "微软雅黑", "PingFang SC", "Noto Sans CJK SC",
             "Source Han Sans SC", "WenQuanYi Micro Hei", "SimSun")


def window_font_family(families: set[str] | list[str]) -> str | None:
    """The first of CJK_FONTS this computer has, None when it has none of them."""
    present = set(families)
    return next((family for family in CJK_FONTS if family in present), None)


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if existing is None:   # Qt 6's default, set so a 125 % or 150 % screen scales by exactly that (before the app)
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
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


def open_first(db_path: Path | None):
    """The file named on the command line, else the last one used; a last file that cannot be opened (moved …)
    falls back to the default database, unless it is damaged (nothing opens then) or another window has it.
    (store, lock, checked): a file not checked yet is checked after the first paint (recovery.StartCheck)."""
    from PySide6.QtCore import QSettings
    path = Path(db_path) if db_path else Path(str(QSettings().value("last_db", "") or default_db_path()))
    opened = open_at_start(path)
    if opened is None and db_path is None and path != default_db_path() and damage(path) is None \
            and not held_by_another_window(path):
        opened = open_at_start(default_db_path())   # the last file may have moved: fall back
    return opened


def run_app(db_path: Path | None = None) -> int:
    applog.setup()
    app = create_application()
    crash = CrashHandler.install(app)
    log.info("window %s starting", __version__)
    try:
        return _run(app, crash, db_path)
    finally:
        crash.uninstall()


def first_window(store: Store, lock: InstanceLock | None, checked: bool):
    """The window of the file opened at start; one not checked yet gets its StartCheck (after the first paint).
    Damage met while the window is made (a page it reads) sends the file through the check first after all."""
    from .main_window import MainWindow
    try:
        window = MainWindow(store, lock)
    except Exception as exc:
        if checked or not isinstance(classify(exc, store.path), DatabaseDamaged):
            raise
        log.warning("damage met before the check of %s", store.path.name, exc_info=True)
        store.close()
        if lock is not None:
            lock.release()
        opened = open_checked(store.path)   # said to the clerk, the newest good backup offered
        return None if opened is None else MainWindow(*opened)
    if not checked and not store.read_only:
        window.start_check = StartCheck(window)
    return window


def offer_wizard(window) -> None:
    """The first setup of a new file, over the painted window (setup_wizard.offer_setup)."""
    from .setup_wizard import offer_setup
    offer_setup(window)


def _run(app: QApplication, crash: CrashHandler, db_path: Path | None) -> int:
    sweep_export_leftovers()
    try:
        opened = open_first(db_path)
        window = None if opened is None else first_window(*opened)
        if window is None:
            return 2
        check = window.start_check
    except Exception as exc:   # noqa: BLE001 - before the window exists: the dialog says so, then the end
        crash.report(exc)
        return 1
    window.show()
    window.first_painted.connect(lambda: offer_wizard(window))   # its module too waits for the paint (issue 18)
    code = app.exec()
    if check is not None and check.declined:
        code = 2   # damaged, found after the paint: nothing stays open, as when found before it
    window.current_store.close()
    if window.lock is not None:
        window.lock.release()
    return code
