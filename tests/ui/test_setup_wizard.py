"""The first start: the setup wizard fills 设置 by keyboard on a new database (no demo record), 以后再填 keeps the
window usable, 帮助 → 打开示例数据 opens a file of its own."""
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QWizard

from leifeng_desktop.core import texts
from leifeng_desktop.core.first_run import is_set_up
from leifeng_desktop.ui import example_data
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.main_window import MainWindow
from leifeng_desktop.ui.setup_wizard import SetupWizard, offer_setup

from keyboard import type_text


@pytest.fixture
def window(qtbot, store, tmp_path):
    create_application()
    win = MainWindow(store, qsettings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    return win


def focused():
    return QApplication.focusWidget()


def next_page(qtbot, wizard):
    qtbot.keyClick(focused(), Qt.Key.Key_Return)


def test_the_wizard_fills_the_settings_by_keyboard(window, qtbot, store):
    wizard = offer_setup(window)
    assert wizard is not None and wizard.isVisible()
    qtbot.waitUntil(lambda: focused() is wizard.widgets["city"])
    next_page(qtbot, wizard)   # nothing typed: the message stands under the field, the page stays
    assert wizard.currentId() == 0 and wizard.errors["city"].isVisible()
    assert "城市" in wizard.errors["city"].text()
    type_text(focused(), "广州市")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    type_text(focused(), "越秀区总工会")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is wizard.widgets["our_unit_kind"]
    qtbot.keyClick(focused(), Qt.Key.Key_Down)   # 区县总工会
    assert wizard.widgets["addressee"].text() == "广州市总工会", "主送机关 follows the level"
    next_page(qtbot, wizard)
    assert wizard.currentId() == 1 and not wizard.errors["city"].isVisible()
    qtbot.waitUntil(lambda: focused() is wizard.widgets["operator"])
    type_text(focused(), "王芳")
    next_page(qtbot, wizard)
    assert wizard.currentId() == 2
    wizard.widgets["year"].setFocus()
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), "2027")
    assert wizard.widgets["registration_deadline"].date().year() == 2027, "the deadlines move with the year"
    next_page(qtbot, wizard)
    assert wizard.currentId() == 3, "the password page (issue 19): optional, left empty here"
    qtbot.waitUntil(lambda: focused() is wizard.password_page.fields.new)
    next_page(qtbot, wizard)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert wizard.result() == QWizard.DialogCode.Accepted
    c = store.settings.campaign()
    assert (c["city"], c["our_unit"], c["our_unit_kind"], c["addressee"], c["operator"], c["year"]) == \
        ("广州市", "越秀区总工会", "区县总工会", "广州市总工会", "王芳", 2027)
    assert (c["registration_deadline"], c["plan_deadline"]) == ("2027-08-25", "2027-08-31")
    assert is_set_up(store) and store.is_empty(), "set up, and no demo record"
    assert texts.document_unit(store) == ("越秀区总工会", False), "a 区县总工会 is a sub-union in documents"
    assert offer_setup(window) is None, "asked once"


def test_the_level_list_has_four_entries(store, qtbot):
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    level = wizard.widgets["our_unit_kind"]
    assert [level.itemText(i) for i in range(level.count())] == ["市总工会", "区县总工会", "产业工会", "基层工会"]


def test_a_written_addressee_is_kept(store, qtbot):
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.widgets["city"].setText("广州市")
    assert wizard.widgets["addressee"].text() == "广州市精神文明建设委员会办公室"
    wizard.widgets["addressee"].setText("广州市文明办")
    wizard.widgets["our_unit_kind"].setCurrentText("基层工会")
    assert wizard.widgets["addressee"].text() == "广州市文明办"


def test_later_keeps_the_window_usable(window, qtbot, store):
    wizard = offer_setup(window)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert not is_set_up(store) and store.settings.campaign()["city"] == "XX市"
    window.go_to("设置")
    assert window.stack.currentIndex() == MainWindow.PAGES.index("设置")


def test_the_wizard_fits_1366x768_at_150_percent(store, qtbot):
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    for page_id in wizard.pageIds():
        hint = wizard.page(page_id).sizeHint()
        assert hint.width() <= 860 and hint.height() <= 420, (page_id, hint)
    assert wizard.sizeHint().width() <= 910 and wizard.sizeHint().height() <= 512


def test_the_example_data_is_a_file_of_its_own(window, qtbot, store):
    task = example_data.open_example(window)
    assert task is not None
    with qtbot.waitSignal(task.done, timeout=120000):
        pass
    example = example_data.example_path()
    qtbot.waitUntil(lambda: window.current_store.path == example, timeout=10000)
    assert "示例数据" in window.windowTitle()
    assert window.current_store.count("team") == 30
    assert str(example) in window.recent_paths() and str(store.path) in window.recent_paths()
    assert not getattr(window, "setup_wizard", None) or not window.setup_wizard.isVisible()
    assert window.open_path(store.path)   # back to the clerk's file, still empty
    assert window.current_store.is_empty()
    assert example_data.open_example(window) is None, "filled once"
    assert window.current_store.path == example
