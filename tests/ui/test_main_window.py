"""The window as a clerk meets it: opening, navigating, status bar, menus, switching databases."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QTabWidget

from leifeng_desktop.ui.app import create_application, install_translations
from leifeng_desktop.ui.main_window import MainWindow
from leifeng_desktop.ui.setup_wizard import offer_setup


@pytest.fixture
def qsettings(tmp_path):
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    yield settings
    settings.sync()


@pytest.fixture
def window(qtbot, store, qsettings):
    create_application()
    win = MainWindow(store, qsettings=qsettings)
    qtbot.addWidget(win)
    win.show()
    return win


def test_opens_with_seven_pages_and_navigates_by_keyboard(window, qtbot):
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == list(MainWindow.PAGES)
    assert window.stack.currentIndex() == 0
    for row in range(min(len(MainWindow.PAGES), 9)):   # Ctrl+1 … Ctrl+9; a tenth page is reached by the list
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1 + row), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentIndex() == row
    window.go_to("志愿服务队")
    assert window.stack.currentIndex() == 1
    assert isinstance(window.stack.currentWidget(), QTabWidget)


def test_status_bar_shows_path_and_counts_and_follows_edits(window, store, team_values):
    assert str(store.path) in window.path_label.text()
    assert "志愿服务队 0" in window.counts_label.text()
    store.insert("team", team_values)
    assert "志愿服务队 1" in window.counts_label.text()


def test_team_list_shows_the_new_team(window, store, team_values):
    store.insert("team", team_values)
    page = window.stack.widget(1).widget(0)
    assert page.model.rowCount() == 1
    assert "共 1 条" in page.count_label.text()


def test_geometry_is_remembered(qtbot, store, qsettings):
    create_application()
    first = MainWindow(store, qsettings=qsettings)
    qtbot.addWidget(first)
    first.show()
    first.resize(780, 480)
    qtbot.waitUntil(lambda: first.width() == 780)
    first.close()
    second = MainWindow(store, qsettings=qsettings)
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (780, 480)


def test_window_fits_1366x768_at_150_percent(window):
    # 1366×768 at 150 % scaling leaves 910×512 logical pixels
    assert window.minimumSizeHint().width() <= 910 and window.minimumSizeHint().height() <= 512
    assert window.minimumWidth() <= 910 and window.minimumHeight() <= 512


def test_open_database_switches_and_remembers_recent(window, tmp_path):
    other = tmp_path / "other.db"
    assert window.open_path(other)
    assert window.store.path == other
    assert str(other) in window.recent_paths()
    assert str(other) in window.path_label.text()
    assert window.setup_wizard.isVisible(), "a new empty database gets the first setup"
    window.setup_wizard.reject()
    assert window.store.is_empty(), "and never demo records"


def test_refused_database_keeps_the_current_one(window, tmp_path, monkeypatch):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 10)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    current = window.store
    assert not window.open_path(bad)
    assert window.store is current
    assert shown and "不是" in shown[0]
    assert bad.read_bytes() == b"not a database at all" * 10


def test_qt_dialogs_speak_chinese(qtbot):
    app = create_application()
    assert install_translations(app), "Qt's zh_CN translations should load"
    assert app.translate("QPlatformTheme", "Cancel") == "取消"


def test_first_start_offers_the_setup_until_it_is_done(window, qtbot):
    wizard = offer_setup(window)
    assert wizard is not None and wizard.isVisible()
    wizard.reject()   # 以后再填: the window stays usable, the next start asks again
    assert window.isEnabled() and not window.store.settings.get("setup_done")
    again = offer_setup(window)
    assert again is not None
    again.reject()


def test_not_offered_on_a_database_with_records(window, store, team_values):
    store.insert("team", team_values)
    assert offer_setup(window) is None


def test_switching_while_the_dashboard_counts_raises_nothing(window, tmp_path, qtbot, store, team_values):
    store.insert("team", team_values)   # starts a recount on a worker
    window.overview.refresh()
    assert window.open_path(tmp_path / "other.db")
    qtbot.wait(1500)   # a result queued for the old page must not arrive after its store closed
    assert window.overview.stats is None or window.overview.stats["teams"]["total"] == 0


def test_before_its_file_opens_the_window_offers_only_quit(qtbot, store, qsettings):
    """The frame is painted before the file opens (issue 18): a key pressed then must not reach a command that needs
    the file (each used to end in a program-error dialog); once the file is given, every command works again."""
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QAction

    create_application()
    win = MainWindow(None, qsettings=qsettings)
    qtbot.addWidget(win)
    win.show()
    actions = QObject.findChildren(win, QAction)
    live = [a.text() for a in actions if a.isEnabled() and not a.isSeparator() and a.text()]
    assert live == [win.quit_action.text()]
    assert not win.nav.isEnabled()
    for name in ("new_action", "open_action", "new_year_action"):
        getattr(win, name).trigger()   # disabled: nothing happens, nothing raises
    qtbot.keyClick(win, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert win.store is None
    win.set_store(store)
    assert win.nav.isEnabled()
    assert win.new_action.isEnabled() and win.open_action.isEnabled() and win.new_year_action.isEnabled()
    assert all(a.isEnabled() for a in win.toolbar.actions() if a.text())
    win.nav.setCurrentRow(1)
    assert win.stack.currentIndex() == 1
