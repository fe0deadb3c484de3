"""RecordListModel at scale: keyset batches (no OFFSET) hold every row once when scrolled to the end, in the list's
order, in both directions and through ties; a list set up like a page (view, sorting, filters) reads its first
batch once."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QModelIndex, Qt  # noqa: E402
from PySide6.QtWidgets import QTableView  # noqa: E402

from leifeng_desktop.core import listing  # noqa: E402
from leifeng_desktop.core import schema as s  # noqa: E402
from leifeng_desktop.ui.record_model import RecordListModel  # noqa: E402


@pytest.fixture
def members(store):
    kind = store.settings.choices()["team_kind"][0]
    with store.transaction():
        teams = [store.insert("team", {"name": f"队{i}", "kind": kind, "unit": "某工会", "leader": "王建国",
                                       "leader_phone": "13812345678"}) for i in range(3)]
        for i in range(523):   # ties in every sorted column, NULLs in some
            store.insert("member", {"team_id": teams[i % 3], "name": f"王{i % 17}",
                                    "gender": [None, "男", "女"][i % 3], "skills": None if i % 4 else "维修"})
    return store


def scroll_to_end(model):
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    return [model.record_id(r) for r in range(model.rowCount())]


@pytest.mark.parametrize("key", ["name", "gender", "skills", None])
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_scrolled_to_the_end_the_model_holds_every_row_once_in_order(members, key, order):
    model = RecordListModel(members, "member", columns=["name", "gender", "skills", "team_id"], batch_size=50)
    try:
        if key:
            model.sort(model.columns.index(key), order)
        ids = scroll_to_end(model)
        assert len(ids) == len(set(ids)) == members.count("member") == model.total_count()
        unpaged = listing.fetch_rows(members, s.record_type("member"), columns=["name"], order_by=key,
                                     descending=bool(key) and order == Qt.SortOrder.DescendingOrder)
        assert ids == [r["id"] for r in unpaged]
    finally:
        model.close()


def test_a_list_set_up_like_a_page_reads_its_first_batch_once(qtbot, members, monkeypatch):
    reads = []
    real = listing.fetch_rows
    monkeypatch.setattr(listing, "fetch_rows", lambda *a, **kw: reads.append(kw) or real(*a, **kw))
    model = RecordListModel(members, "member", columns=["name", "gender"], batch_size=50)
    try:
        view = QTableView()
        qtbot.addWidget(view)
        view.setModel(model)
        # no sort chosen, then sorting on (the other way round, enabling first sorts by the header's default
        # indicator and the -1 after it sorts back: two more reads)
        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        model.set_where(None, ())                            # filters at their "everything" entries
        model.set_filter_text("")
        assert len(reads) == 1 and model.rowCount() == 50
        model.set_where("gender = ?", ("男",))              # a real change reads again, from the start
        assert len(reads) == 2 and reads[-1]["after"] is None
        model.fetchMore(QModelIndex())                       # the next batch continues after the last row's key
        assert reads[-1]["after"] == listing.after_key(model.row_data(49))
    finally:
        model.close()
