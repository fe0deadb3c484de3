"""The 文件 menu's database commands of the main window: 新建数据库, 打开数据库, 最近打开 and switching to a file
(a refused file leaves the current one open and untouched)."""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from .main_window import MainWindow

MAX_RECENT = 8


def recent_paths(qsettings: QSettings) -> list[str]:
    value = qsettings.value("recent", [])
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list) else []


def remember_recent(qsettings: QSettings, path: Path) -> None:
    paths = [str(path)] + [p for p in recent_paths(qsettings) if p != str(path)]
    qsettings.setValue("recent", paths[:MAX_RECENT])
    qsettings.setValue("last_db", str(path))


def fill_recent(window: MainWindow, menu: QMenu) -> None:
    menu.clear()
    for path in recent_paths(window.qsettings):
        menu.addAction(path, partial(window.open_path, Path(path)))
    if menu.isEmpty():
        menu.addAction("（无）").setEnabled(False)


def new_database(window: MainWindow) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox
    path, _ = QFileDialog.getSaveFileName(window, "新建数据库", str(window.current_store.path.parent / "新数据库.db"),
                                          "数据库文件 (*.db)")
    if path:
        target = Path(path)
        if target.exists():
            QMessageBox.warning(window, "文件已存在", f"“{target.name}”已存在；新建数据库不会覆盖已有文件，"
                                                   "请换一个名字。")
            return
        window.open_path(target)


def open_database(window: MainWindow) -> None:
    from PySide6.QtWidgets import QFileDialog
    path, _ = QFileDialog.getOpenFileName(window, "打开数据库", str(window.current_store.path.parent),
                                          "数据库文件 (*.db *.sqlite);;所有文件 (*)")
    if path:
        window.open_path(Path(path))


def open_path(window: MainWindow, path: Path) -> bool:
    if path.resolve() == window.current_store.path.resolve() or not window.confirm_leave():
        return False
    from .recovery import open_checked
    opened = open_checked(path, window)   # a damaged file is offered its newest good backup
    if opened is None:
        return False
    window.set_store(*opened)
    from .setup_wizard import offer_setup  # not before the first paint (issue 18)
    offer_setup(window)   # a new, empty file: the first setup wizard
    return True
