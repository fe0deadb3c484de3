"""仪表盘: figures from core.stats, each a way into the records behind it, recounted after edits."""
import pytest
from PySide6.QtWidgets import QProgressBar

from leifeng_desktop.core import stats as st
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.pages.dashboard import DashboardPage
from leifeng_desktop.ui.pages.dashboard_boxes import list_key


@pytest.fixture
def page(qtbot, store):
    create_application()
    widget = DashboardPage(store)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.stats is not None, timeout=10000)
    return widget


def test_an_empty_database_shows_zeros(page):
    assert page.stats["targets"]["enterprises"]["done"] == 0
    bar = page.findChild(QProgressBar, "enterprises_progress")
    assert bar.value() == 0 and "0/40" in bar.format()


def test_every_figure_opens_the_records_behind_it(page, store, qtbot):
    load_demo(store)
    stats = page.refresh_now()
    figures = page.figures
    assert len(figures) > 30
    checked = 0
    for figure in figures:
        if figure.key[0] in ("reporting",):
            continue
        dialog = page.open_figure(figure.key)
        behind, caption = list_key(figure.key)
        if caption:   # a sum (服务时长, 受益群众, an amount) or a programme's households: the records it is over
            assert dialog.page.model.total_count() == st.figure(stats, behind) and dialog.windowTitle() == caption
        else:
            assert dialog.page.model.total_count() == int(figure.text()) == st.figure(stats, figure.key), figure.key
        dialog.close()
        checked += 1
    assert checked > 25


def test_reporting_figures_open_the_units(page, store):
    load_demo(store)
    stats = page.refresh_now()
    material = stats["reporting"]["materials"][0]
    dialog = page.open_figure(("reporting", "materials", material["material"], "missing"))
    assert dialog.page.model.total_count() == len(material["missing"])


def test_an_edit_is_counted_again_without_blocking(page, store, team_values, qtbot):
    assert page.stats["teams"]["total"] == 0
    store.insert("team", team_values)
    qtbot.waitUntil(lambda: page.stats["teams"]["total"] == 1, timeout=10000)


def test_the_dashboard_can_be_saved_as_a_picture(page, tmp_path):
    path = page.save_png(tmp_path / "仪表盘.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_recount_reads_while_another_program_writes(page, store, team_values, qtbot):
    import sqlite3
    store.insert("team", team_values)
    qtbot.waitUntil(lambda: page.stats["teams"]["total"] == 1, timeout=10000)
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")   # a CLI import in the middle of its transaction
    try:
        page.stats = None
        page.refresh()
        qtbot.waitUntil(lambda: page.stats is not None, timeout=4000)   # well before the 5 s busy timeout
        assert page.stats["teams"]["total"] == 1 and "统计失败" not in page.status.text()
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_failed_recount_says_so_without_the_programs_words(page, monkeypatch, qtbot, tmp_path):
    from leifeng_desktop.core import applog

    def broken(*args, **kwargs):
        raise KeyError("teams")
    monkeypatch.setattr(st, "campaign_stats", broken)
    monkeypatch.setattr(applog, "log_file", lambda: tmp_path / "leifeng.log")
    page.refresh()
    qtbot.waitUntil(lambda: "统计失败" in page.status.text(), timeout=10000)
    assert page.status.text() == f"统计失败：程序内部错误（详情已记入日志 {tmp_path / 'leifeng.log'}）"
