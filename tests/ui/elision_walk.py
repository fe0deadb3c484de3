"""The elision walk, run as its own process so the scale is Qt's own (QT_SCALE_FACTOR before QApplication):

    QT_SCALE_FACTOR=1.5 python tests/ui/elision_walk.py DB OUT.json [SHOTS_DIR]

On an offscreen 1366×768 screen it opens the main window on DB at the screen's size, shows every page and every tab,
and every dialog a page opens (each list's editor, new and existing, the export options, an import preview, a
dashboard figure's list), runs elision_checks on each, and writes the problems found as JSON. Modal dialogs are
not run: exec() shows the dialog, checks it and answers 取消; message boxes and file choosers answer no."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

SCREEN = {"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96,
                       "logicalBaseDpi": 96, "dpr": 1}]}
TITLE_AND_TASKBAR = 70   # device pixels a window manager's title bar and the task bar take from the screen


def _platform() -> None:
    config = Path(tempfile.mkdtemp()) / "screen.json"
    config.write_text(json.dumps(SCREEN), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ.setdefault("QT_SCALE_FACTOR_ROUNDING_POLICY", "PassThrough")


class Walk:
    def __init__(self, shots: Path | None):
        self.problems: list[str] = []
        self.shots = shots
        self.seen: set[str] = set()
        self.shot = 0
        self.visited: list[str] = []

    def settle(self) -> None:
        from PySide6.QtWidgets import QApplication
        for _ in range(3):
            QApplication.processEvents()

    def check(self, root, where: str) -> None:
        """`root` as shown, then each tab of each tab widget in it (nested ones too)."""
        from elision_checks import check_all
        from PySide6.QtWidgets import QTabWidget
        self.settle()
        self.visited.append(where)
        for problem in check_all(root):
            line = f"{where}: {problem}"
            if line not in self.seen:
                self.seen.add(line)
                self.problems.append(line)
        self.shoot(root, where)
        outer = [t for t in root.findChildren(QTabWidget) if t.isVisible() and not self._inside_tabs(t, root)]
        for tabs in outer:
            start = tabs.currentIndex()
            for i in range(tabs.count()):
                if i == start and tabs is outer[0] and len(outer) == 1 and i == 0:
                    continue   # already checked as shown
                tabs.setCurrentIndex(i)
                self.check(tabs.widget(i), f"{where} › {tabs.tabText(i)}")
            tabs.setCurrentIndex(start)

    @staticmethod
    def _inside_tabs(tabs, root) -> bool:
        from PySide6.QtWidgets import QTabWidget
        w = tabs.parentWidget()
        while w is not None and w is not root:
            if isinstance(w, QTabWidget):
                return True
            w = w.parentWidget()
        return False

    def shoot(self, widget, where: str) -> None:
        if self.shots is not None:
            self.shot += 1
            name = "".join(c if c.isalnum() else "_" for c in where)[:80]
            widget.window().grab().save(str(self.shots / f"{self.shot:03d}_{name}.png"))


def _answer_dialogs(walk: Walk) -> None:
    """exec() checks the dialog and cancels; nothing modal waits for an answer."""
    from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox

    def exec_checked(dialog) -> int:
        dialog.show()
        walk.check(dialog, f"dialog “{dialog.windowTitle()}”")
        dialog.hide()
        return 0
    QDialog.exec = exec_checked
    QMessageBox.exec = lambda box: walk.check(box, f"message “{box.windowTitle()}”") or 0
    for kind in ("warning", "critical", "information", "about"):
        setattr(QMessageBox, kind, staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok))
    QMessageBox.question = staticmethod(lambda *a, **k: QMessageBox.StandardButton.No)
    QFileDialog.getSaveFileName = staticmethod(lambda *a, **k: ("", ""))
    QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: ("", ""))
    QFileDialog.getExistingDirectory = staticmethod(lambda *a, **k: "")
    for ask in ("getText", "getItem", "getInt", "getDouble", "getMultiLineText"):
        setattr(QInputDialog, ask, staticmethod(lambda *a, **k: (None, False)))


def _pages(window):
    from PySide6.QtWidgets import QTabWidget
    for i in range(window.stack.count()):
        page = window.stack.widget(i)
        yield window.PAGES[i], i, page
        if isinstance(page, QTabWidget):
            for t in range(page.count()):
                yield f"{window.PAGES[i]} › {page.tabText(t)}", i, page.widget(t)


def _import_file(store, work: Path) -> Path:
    """A small 困难职工 workbook: one row that imports, one that does not (the preview shows both)."""
    from openpyxl import Workbook

    from leifeng_desktop.core import schema as s
    rt = s.record_type("household")
    keys = ("name", "gender", "id_number", "employer", "hardship")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([rt.field(k).label for k in keys])
    sheet.append(["试导入甲", "女", "", "XX市第一人民医院", store.settings.choices()[rt.field("hardship").choices][0]])
    sheet.append(["试导入乙", "男", "12345", "", "不存在的类别"])
    path = work / "困难职工名单.xlsx"
    book.save(path)
    return path


def _open_dialogs(walk: Walk, window, work: Path) -> None:
    """Each list's editor (new, and its first record), the team export's options, an import preview, a figure."""
    from leifeng_desktop.ui.pages.record_page import RecordListPage
    done: set[str] = set()
    for _name, index, page in _pages(window):
        window.nav.setCurrentRow(index)
        if not isinstance(page, RecordListPage) or not page.editable or page.rt.key in done:
            continue
        done.add(page.rt.key)
        page.new_record()
        if page.model.rowCount():
            page.view.selectRow(0)
            page.edit_current()
        if hasattr(page, "export_selected"):
            page.export_selected()
        if hasattr(page, "import_households"):
            page.import_households(_import_file(page.store, work))
    window.nav.setCurrentRow(0)
    overview = window.overview
    if overview.figures:
        dialog = overview.open_figure(overview.figures[0].key)
        walk.check(dialog, f"dialog “{dialog.windowTitle()}”")
        dialog.close()


SKIPPED_ACTIONS = ("退出", "撤销", "重做", "删除", "示例数据", "最近", "打开数据库", "新建数据库")   # leave or write


def _menu_actions(window):
    """Every action of the menus and tool bars, once, but those that would leave this database or write to it."""
    from PySide6.QtWidgets import QMenu, QToolBar
    seen, found = set(), []
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    containers = [*menus, *window.findChildren(QToolBar)]
    while containers:
        container = containers.pop(0)
        for action in container.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                containers.append(sub)
            elif action.text() and not action.isSeparator() and action.text() not in seen:
                seen.add(action.text())
                if not any(word in action.text() for word in SKIPPED_ACTIONS):
                    found.append(action)
    return found


def _run_actions(walk: Walk, window) -> None:
    """Trigger each action; a modal dialog is checked by exec(), a window it shows is checked here and closed."""
    from PySide6.QtWidgets import QApplication
    before = set(QApplication.topLevelWidgets())
    for action in _menu_actions(window):
        if not action.isEnabled():
            continue
        action.trigger()
        walk.settle()
        for shown in [w for w in QApplication.topLevelWidgets() if w not in before and w.isVisible()]:
            walk.check(shown, f"{action.text().split('(')[0]} › “{shown.windowTitle()}”")
            shown.close()
        before = set(QApplication.topLevelWidgets())


def _setup_wizard(walk: Walk, window) -> None:
    """The first-start wizard, page by page (its last page's 完成 is not pressed: nothing is written)."""
    from PySide6.QtWidgets import QLineEdit

    from leifeng_desktop.ui.setup_wizard import SetupWizard
    wizard = SetupWizard(window.current_store, window)
    for key, edit in wizard.widgets.items():   # what a clerk types, so that 下一步 goes on (a new file has none)
        if isinstance(edit, QLineEdit) and not edit.text():
            edit.setText("13812345678" if "phone" in key else "广州市" if key == "city" else "示例填写")
    wizard.show()
    seen = set()
    while wizard.currentId() not in seen:
        seen.add(wizard.currentId())
        walk.check(wizard, f"dialog “{wizard.windowTitle()}” › {wizard.currentPage().title()}")
        if wizard.nextId() == -1:
            break
        wizard.next()
    wizard.hide()


def _password_dialogs(walk: Walk, window) -> None:
    """The password's dialogs (issue 19), each shown and checked, none accepted: nothing is written."""
    from leifeng_desktop.ui import password_dialogs as pd
    from leifeng_desktop.ui.recovery_key_dialog import RecoveryKeyDialog
    store = window.current_store
    dialogs = [pd.UnlockDialog(store, window), pd.RecoveryUnlockDialog(store, window), pd.PasswordDialog(store, window),
               RecoveryKeyDialog("ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z2345-67ABC-DEFGH", store.path.name, window)]
    dialogs[0].show_error("password", "“示例.db”的密码不正确（还可再试 4 次）")   # the longest line it shows
    for dialog in dialogs:
        dialog.show()
        walk.check(dialog, f"dialog “{dialog.windowTitle()}”")
        dialog.hide()


def main(db: str, out: str, shots: str | None = None) -> int:
    _platform()
    sys.path.insert(0, str(Path(__file__).parent))
    from PySide6.QtCore import QSettings

    from leifeng_desktop.core.store import Store
    from leifeng_desktop.ui.app import create_application
    from leifeng_desktop.ui.main_window import MainWindow
    work = Path(tempfile.mkdtemp())
    app = create_application([sys.argv[0]])
    walk = Walk(Path(shots) if shots else None)
    if walk.shots:
        walk.shots.mkdir(parents=True, exist_ok=True)
    _answer_dialogs(walk)
    store = Store.open(Path(db))
    window = MainWindow(store, qsettings=QSettings(str(work / "ui.ini"), QSettings.Format.IniFormat))
    screen = app.primaryScreen().availableGeometry()
    window.resize(screen.width(), screen.height() - round(TITLE_AND_TASKBAR / app.primaryScreen().devicePixelRatio()))
    window.show()
    window.overview.refresh_now()
    walk.check(window, "main window")   # the menus' bar, tool bar, navigation and status bar around the pages
    for name, index, page in _pages(window):
        window.nav.setCurrentRow(index)
        if page.parentWidget() is not window.stack:
            page.parentWidget().parentWidget().setCurrentWidget(page)
        walk.check(page, name)
    _open_dialogs(walk, window, work)
    _run_actions(walk, window)
    _setup_wizard(walk, window)
    _password_dialogs(walk, window)
    window.overview.shutdown()
    Path(out).write_text(json.dumps({"size": [window.width(), window.height()], "problems": walk.problems,
                                     "visited": walk.visited},
                                    ensure_ascii=False, indent=1), encoding="utf-8")
    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
