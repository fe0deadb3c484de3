"""RecordListModel reads a REF column's titles for the rows it shows (issue 18: scrolling 400,000 participations
joined each to its member's name): one read for the rows about a shown one, none while only scrolling; the same
titles, in the same order, sorted by a title too."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from leifeng_desktop.core import listing  # noqa: E402
from leifeng_desktop.core import schema as s  # noqa: E402
from leifeng_desktop.ui.record_model import RecordListModel  # noqa: E402

DISPLAY, USER = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole
COLUMNS = ["name", "team_id"]


@pytest.fixture
def members(store):
    kind = store.settings.choices()["team_kind"][0]
    with store.transaction():
        teams = [store.insert("team", {"name": f"第{i}队", "kind": kind, "unit": "某工会", "leader": "王建国",
                                       "leader_phone": "13812345678"}) for i in range(7)]
        for i in range(420):
            store.insert("member", {"team_id": teams[i * 5 % 7], "name": f"队员{i:03d}"})
    return store


@pytest.fixture
def reads(monkeypatch):
    """The ids each listing.titles call asked for."""
    asked: list = []
    real = listing.titles
    monkeypatch.setattr(listing, "titles", lambda store, key, ids: asked.append(set(ids)) or real(store, key, ids))
    return asked


def shown(model, column, role=DISPLAY, rows=None):
    c = model.columns.index(column)
    return [model.data(model.index(r, c), role) for r in (rows if rows is not None else range(model.rowCount()))]


def joined(store, **kw):
    """The titles as the list's own query joins them (every row, no paging)."""
    rows = listing.fetch_rows(store, s.record_type("member"), columns=COLUMNS, ref_ids=True, **kw)
    return [r["team_id"] for r in rows], [r["team_id:id"] for r in rows]


def scroll_to_end(model):
    while model.canFetchMore():
        model.fetchMore()


def test_titles_are_the_joined_ones_and_read_for_the_shown_rows(members, reads):
    model = RecordListModel(members, "member", columns=COLUMNS, batch_size=100)
    try:
        scroll_to_end(model)
        assert model.rowCount() == 420 and reads == []          # scrolling reads no title
        titles, ids = joined(members)
        assert shown(model, "team_id", rows=range(30)) == titles[:30] and len(reads) == 1   # one read for a view
        assert shown(model, "team_id") == titles and shown(model, "team_id", USER) == ids
        assert model.row_data(400)["team_id"] == titles[400]
    finally:
        model.close()


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_sorted_by_a_title_the_list_shows_the_same_titles(members, reads, order):
    model = RecordListModel(members, "member", columns=COLUMNS, batch_size=100)
    try:
        model.sort(COLUMNS.index("team_id"), order)
        scroll_to_end(model)
        titles, ids = joined(members, order_by="team_id", descending=order == Qt.SortOrder.DescendingOrder)
        assert shown(model, "team_id") == titles and shown(model, "team_id", USER) == ids
        assert titles == sorted(titles, reverse=order == Qt.SortOrder.DescendingOrder)
        assert reads == []   # the query joined them to sort
    finally:
        model.close()


def test_a_renamed_team_shows_its_new_title(qtbot, members):
    model = RecordListModel(members, "member", columns=COLUMNS, batch_size=100)
    try:
        team_id = shown(model, "team_id", USER, rows=[0])[0]
        old = shown(model, "team_id", rows=[0])[0]
        with qtbot.waitSignal(model.modelReset, timeout=1000):
            members.update("team", team_id, {"name": "改名后的队"})
        assert shown(model, "team_id", rows=[0]) == ["改名后的队"] and old != "改名后的队"
    finally:
        model.close()
