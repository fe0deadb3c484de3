"""Window start at scale: only the dashboard is made before the first paint, every other page when first shown,
and each list asks for its first page once."""
from collections import Counter

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget

from leifeng_desktop.core import listing
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.main_window import MainWindow
from leifeng_desktop.ui.pages.dashboard import DashboardPage
from leifeng_desktop.ui.pages.record_page import RecordListPage
from leifeng_desktop.ui.pages.settings_page import SettingsPage
from leifeng_desktop.ui.pages.team_page import TeamPage

from two_writers import copy_demo, make_demo


@pytest.fixture
def first_pages(monkeypatch):
    """Record type → how many times a list asked for its first page (keyset or offset: nothing before it)."""
    asked: Counter = Counter()
    fetch = listing.fetch_rows

    def counting(store, rt, **kw):
        if not kw.get("offset") and not kw.get("after"):
            asked[rt.key] += 1
        return fetch(store, rt, **kw)
    monkeypatch.setattr(listing, "fetch_rows", counting)
    return asked


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    return make_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def window(qtbot, demo_file, tmp_path, first_pages):
    create_application()
    store = Store.open(copy_demo(demo_file, tmp_path / "leifeng.db"))
    win = MainWindow(store, qsettings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.overview.shutdown()
    store.close()


def made(window: MainWindow, cls: type) -> list:
    """The widgets of `cls` that exist, asking Qt directly (the window's own findChildren makes pages)."""
    return QMainWindow.findChildren(window, cls)


def test_only_the_dashboard_is_made_at_start(window, first_pages):
    assert window.stack.count() == len(MainWindow.PAGES)
    assert window.stack.built_pages() == [window.overview]
    assert isinstance(window.overview, DashboardPage)
    assert made(window, RecordListPage) == [] and made(window, SettingsPage) == []
    assert sum(first_pages.values()) == 0, "no list was queried before its page was shown"


def test_a_page_is_made_when_first_shown_and_kept(window):
    row = MainWindow.PAGES.index("志愿服务队")
    window.nav.setCurrentRow(row)
    page = window.stack.currentWidget()
    assert isinstance(page, QTabWidget) and isinstance(page.widget(0), TeamPage)
    assert len(window.stack.built_pages()) == 2
    window.nav.setCurrentRow(0)
    window.nav.setCurrentRow(row)
    assert window.stack.currentWidget() is page and len(made(window, TeamPage)) == 1


def test_asking_for_a_page_class_makes_the_pages_holding_it(window):
    assert window.findChild(SettingsPage) is window.settings_page
    assert window.stack.currentIndex() == 0, "made, not shown"
    assert len(window.stack.built_pages()) == 2


def test_each_list_asks_for_its_first_page_once(window, first_pages):
    for row in range(len(MainWindow.PAGES)):
        first_pages.clear()
        window.nav.setCurrentRow(row)
        page = window.stack.currentWidget()
        for tab in range(page.count() if isinstance(page, QTabWidget) else 0):
            page.setCurrentIndex(tab)
        QApplication.processEvents()
        lists = [p.rt.key for p in page.findChildren(RecordListPage)] + (
            [page.rt.key] if isinstance(page, RecordListPage) else [])
        assert all(first_pages[key] == 1 for key in lists), (MainWindow.PAGES[row], dict(first_pages))
        assert set(first_pages) <= set(lists), (MainWindow.PAGES[row], dict(first_pages))
    assert len(window.stack.built_pages()) == len(MainWindow.PAGES)


def test_the_summary_reads_its_highlights_once_when_their_tab_is_shown(window, monkeypatch):
    from leifeng_desktop.core import texts
    from leifeng_desktop.ui.pages.summary_page import SummaryPage
    read: list[dict] = []
    highlights = texts.summary_highlights
    monkeypatch.setattr(texts, "summary_highlights", lambda *a, **k: read.append(k) or highlights(*a, **k))
    summary = window.findChild(SummaryPage)
    assert read == [], "not read while the page is made"
    summary.tabs.setCurrentWidget(summary.highlights_tab)
    assert len(read) == 1 and summary.candidates.count() > 0
    summary.tabs.setCurrentIndex(0)
    summary.tabs.setCurrentWidget(summary.highlights_tab)
    assert len(read) == 1, "shown again: nothing changed, nothing read"
