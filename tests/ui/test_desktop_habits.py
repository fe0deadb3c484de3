"""Desktop habits (issue 15): the toolbar's day commands reach their pages and dialogs by keyboard, the 编辑 menu's
新建/删除/查找 work on every list page, 使用说明 (F1) opens offline at the page's section, inputs carry their labels."""
import re
import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QToolButton, QWidget

from leifeng_desktop.core import schema as s
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.paths import forms_dir, resources_dir
from leifeng_desktop.ui import export_dialog, manual
from leifeng_desktop.ui.activity_dialog import ActivityDialog
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.binder import FormBinder, load_form
from leifeng_desktop.ui.main_window import MainWindow
from leifeng_desktop.ui.pages.record_page import RecordListPage
from leifeng_desktop.ui.pages.summary_page import SummaryPage
from leifeng_desktop.ui.team_dialog import TeamDialog

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot, store, tmp_path):
    create_application()
    win = MainWindow(store, qsettings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    with qtbot.waitActive(win):   # window shortcuts need the active window, as for a clerk
        win.show()
        win.activateWindow()
    return win


@pytest.fixture
def made(monkeypatch):
    """Editors the lists open, without their modal loop: the class of each one made."""
    dialogs = []

    class Opened:
        def __init__(self, cls):
            self.cls, self.record_id = cls, None

        def exec(self):
            return 0

    def make_dialog(page, record_id=None):
        dialogs.append(page.dialog_class or page.rt.key)
        return Opened(page.dialog_class)
    monkeypatch.setattr(RecordListPage, "make_dialog", make_dialog)
    return dialogs


def shown_page(window) -> str:
    return window.nav.currentItem().text()


def test_the_toolbar_shows_words_beside_icons_and_keys_in_tooltips(window):
    bar = window.toolbar
    assert bar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    texts = [a.text() for a in bar.actions()]
    assert texts == ["新建服务队", "记录活动", "导出登记表", "导出总结材料"]
    for act in bar.actions():
        key = act.shortcut().toString()
        assert key and key in act.toolTip(), act.text()
        assert not act.icon().isNull(), act.text()
        button = bar.widgetForAction(act)
        assert isinstance(button, QToolButton) and button.isVisible() and act.toolTip() == button.toolTip()


def test_every_tool_button_in_the_window_has_a_tooltip(window):
    for button in window.findChildren(QToolButton):
        if button.isVisible() and button.defaultAction() is not None:
            assert button.toolTip().strip(), button.defaultAction().text()


def test_new_team_and_record_activity_by_keyboard(window, qtbot, made):
    QTest.keyClick(window.nav, Qt.Key.Key_T, CTRL_SHIFT)
    assert made == [TeamDialog] and shown_page(window) == "志愿服务队"
    window.go_to("仪表盘")
    QTest.keyClick(window.nav, Qt.Key.Key_R, CTRL_SHIFT)
    assert made == [TeamDialog, ActivityDialog] and shown_page(window) == "活动记录"


def test_export_registration_takes_the_selection_else_the_whole_list(window, store, team_values, monkeypatch):
    ids = [store.insert("team", team_values), store.insert("team", {**team_values, "name": "第二队"})]
    asked = []
    monkeypatch.setattr(export_dialog, "export_registration", lambda page, team_ids: asked.append(sorted(team_ids)))
    QTest.keyClick(window.nav, Qt.Key.Key_E, CTRL_SHIFT)
    assert asked == [sorted(ids)] and shown_page(window) == "志愿服务队"
    page = window.stack.currentWidget().currentWidget()
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    page.view.selectionModel().select(page.model.index(0, 0), flags)
    QTest.keyClick(page.view, Qt.Key.Key_E, CTRL_SHIFT)
    assert asked[1] == [page.model.record_id(0)]


def test_export_registration_with_no_team_says_what_to_do(window, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: said.append(a[2])))
    monkeypatch.setattr(export_dialog, "export_registration", lambda page, team_ids: pytest.fail("nothing to export"))
    QTest.keyClick(window.nav, Qt.Key.Key_E, CTRL_SHIFT)
    assert len(said) == 1 and "新建服务队" in said[0] and said[0].endswith("。")


def test_export_summary_by_keyboard_opens_its_save_dialog_on_the_summary_page(window, monkeypatch):
    asked = []
    monkeypatch.setattr(export_dialog, "ask_save_path", lambda parent, title, name: asked.append((parent, name)))
    QTest.keyClick(window.nav, Qt.Key.Key_M, CTRL_SHIFT)
    assert len(asked) == 1 and isinstance(asked[0][0], SummaryPage) and asked[0][0].isVisible()
    assert asked[0][1].endswith("总结.docx") and shown_page(window) == "报送与导出"


def list_pages(window):
    """(navigation row, tab path, page) of every record list the window shows."""
    found = []
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        top = window.stack.currentWidget()
        for page in [top, *top.findChildren(RecordListPage)]:
            if isinstance(page, RecordListPage):
                found.append((row, page))
    return found


def bring(window, row, page):
    from leifeng_desktop.ui.toolbar import show_widget
    window.nav.setCurrentRow(row)
    show_widget(window, page)
    assert page.isVisible()


def test_new_delete_and_find_work_on_every_list_page_by_keyboard(window, store, qtbot, made, monkeypatch):
    load_demo(store)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    pages = list_pages(window)
    assert len(pages) >= 12
    for row, page in pages:
        bring(window, row, page)
        page.view.setFocus()
        QTest.keyClick(page.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        assert QApplication.focusWidget() is page.search, page.rt.key
        if not page.editable:
            continue
        before = len(made)
        QTest.keyClick(page.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        assert len(made) == before + 1, page.rt.key
        if page.model.rowCount():
            page.view.setCurrentIndex(page.model.index(0, 0))
            page.view.setFocus()
            QTest.keyClick(page.view, Qt.Key.Key_Delete)
            assert asked and "删除" in asked[-1], page.rt.key
            asked.clear()


def test_f1_opens_the_manual_at_the_page_on_show(window, qtbot):
    window.go_to("活动记录")
    QTest.keyClick(window.nav, Qt.Key.Key_F1)
    shown = window.findChild(manual.ManualWindow, "manual")
    assert shown is not None and shown.isVisible()
    assert shown.current_section() == "activities"
    assert "记录一次活动" in shown.browser.toPlainText()
    window.go_to("设置")
    window.activateWindow()
    window.findChild(type(window.toolbar.actions()[0]), "manual_action").trigger()
    assert window.findChildren(manual.ManualWindow) == [shown] and shown.current_section() == "settings"


def test_the_manual_is_the_packaged_file_and_needs_no_network(window, qtbot):
    path = manual.manual_path()
    assert path.is_file() and path.parent.parent == resources_dir()
    opened = manual.open_manual(window, "start")
    assert opened.browser.source().toLocalFile() == str(path)
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=\"(https?:|//)", text), "the manual loads nothing from the network"
    anchors = {a for a, _ in manual.sections()}
    assert set(manual.PAGE_SECTIONS) == set(MainWindow.PAGES)
    assert set(manual.PAGE_SECTIONS.values()) <= anchors and "start" in anchors
    assert [opened.contents.item(i).text() for i in range(opened.contents.count())][:2] == ["开始之前", "仪表盘"]
    data = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert "manual/*" in data["tool"]["setuptools"]["package-data"]["leifeng_desktop.resources"]


def test_every_bound_input_is_named_by_its_label(qtbot):
    create_application()
    for form in sorted(forms_dir().glob("*.ui")):
        rt = s.RECORD_TYPES.get(form.stem)
        if rt is None:
            continue
        root = load_form(form.stem)
        qtbot.addWidget(root)
        binder = FormBinder(root, rt, choices={})
        assert binder.fields, form.name
        for key, widget in binder.fields.items():
            assert isinstance(widget, QWidget) and widget.accessibleName() == rt.field(key).label, (form.name, key)
