"""Honest figures (issue 15): a breakdown indented under a figure adds up to it, every number is a figure in one
style that opens its records (服务时长 and 受益群众 too: the activities counted), no doubled words."""
import re

import pytest
from PySide6.QtWidgets import QLabel

from leifeng_desktop.core import stats as st
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.pages.dashboard import DashboardPage
from leifeng_desktop.ui.pages.dashboard_boxes import INDENT, Figure


@pytest.fixture
def page(qtbot, store):
    create_application()
    load_demo(store)
    widget = DashboardPage(store)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    widget.refresh_now()
    return widget


def by_key(page):
    return {f.key: f for f in page.figures}


def test_every_breakdown_adds_up_to_the_figure_it_stands_under(page):
    figures = by_key(page)
    parts: dict[tuple, list[Figure]] = {}
    for f in page.figures:
        if f.part_of is not None:
            parts.setdefault(f.part_of, []).append(f)
    assert {("teams", "total"), ("aid", "count"), ("aid", "total_fen"), ("honors", "total")} <= set(parts)
    for whole, shares in parts.items():
        assert sum(f.value for f in shares) == figures[whole].value, whole
    assert len(parts[("teams", "total")]) >= 6
    assert figures[("teams", "late")].part_of is None   # 逾期成立 is not a share of the kinds


def test_only_shares_are_indented(page):
    """Indented rows are the team kinds, the honors' statuses and the aid programmes: the breakdowns that add up."""
    indented = [w for w in page.body.findChildren(QLabel) if w.isVisible() and w.text().startswith(INDENT)]
    s = page.stats
    assert len(indented) == len(s["teams"]["by_kind"]) + len(s["honors"]["by_status"]) + len(s["aid"]["by_programme"])
    groups = [f for f in page.figures if f.key[:3] == ("targets", "enterprises", "by_group")]
    assert groups and all(f.part_of is None for f in groups)   # they stand apart, under their own heading


def test_every_number_is_a_figure_in_one_style_that_opens_its_records(page):
    stray = [w.text() for w in page.body.findChildren(QLabel)
             if w.isVisible() and re.fullmatch(r"\s*[\d.,]+\s*", w.text())]
    assert stray == [], "a number shown as plain text cannot be opened"
    assert {f.objectName() for f in page.figures} == {"figure"}
    assert len({f.styleSheet() for f in page.figures}) == 1
    figures = by_key(page)
    for key in (("activities", "total_minutes"), ("activities", "beneficiaries")):
        shown = figures[key]
        dialog = page.open_figure(shown.key)
        assert dialog.page.model.total_count() == page.stats["activities"]["total"] > 0
        assert dialog.page.rt.key == "activity" and "活动" in dialog.windowTitle()
        dialog.close()
    amount = page.open_figure(("aid", "total_fen"))
    assert amount.page.model.total_count() == page.stats["aid"]["count"]


def test_every_figure_is_reached_by_keyboard_and_named(page):
    for f in page.figures:
        assert f.focusPolicy() != f.focusPolicy().NoFocus and f.accessibleName()
    assert all(f.accessibleName().endswith(f.text()) for f in page.figures)


def test_the_count_line_of_a_list_says_records_once(qtbot, store):
    from leifeng_desktop.ui.pages.record_page import RecordListPage
    create_application()
    for key in ("aid", "submission", "team"):
        page = RecordListPage(store, key)
        qtbot.addWidget(page)
        assert "记录记录" not in page.count_label.text() and page.count_label.text().endswith("记录")


def test_figures_match_the_statistics(page):
    stats = page.stats
    for f in page.figures:
        try:
            number = st.figure(stats, f.key)
        except KeyError:
            continue   # a sum or a programme's households: read from the dict below
        assert f.value == number, f.key
    figures = by_key(page)
    assert figures[("activities", "total_minutes")].value == stats["activities"]["total_minutes"]
    assert figures[("aid", "total_fen")].value == stats["aid"]["total_fen"]
