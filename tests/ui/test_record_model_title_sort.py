"""The member list sorted by its 服务队 column through RecordListModel (issue 18: the team names' index walked, the
members without a team a segment of their own): scrolled to the end in small batches, both ways, the same members in
the same order as ORDER BY the team's name, rowid."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from leifeng_desktop.ui.record_model import RecordIdRole, RecordListModel  # noqa: E402

COLUMNS = ["name", "team_id"]


@pytest.fixture
def members(store):
    kind = store.settings.choices()["team_kind"][0]
    with store.transaction():
        teams = [store.insert("team", {"name": name, "kind": kind, "unit": "某工会", "leader": "王建国",
                                       "leader_phone": "13812345678"}) for name in ("乙队", "甲队", "乙队")]
        ids = [store.insert("member", {"team_id": teams[i % 3], "name": f"队员{i:02d}"}) for i in range(40)]
        # every fourth without a team (the form requires one; an older file may not have it); two teams of one name
        store.db.conn.executemany("UPDATE member SET team_id = NULL WHERE id = ?", [(i,) for i in ids[::4]])
    return store


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_sorted_by_team_and_scrolled_to_the_end(members, order):
    way = " DESC" if order == Qt.SortOrder.DescendingOrder else ""
    expected = [r[0] for r in members.db.conn.execute(
        f"SELECT m.id FROM member m LEFT JOIN team t ON t.id = m.team_id ORDER BY t.name{way}, m.rowid{way}")]
    model = RecordListModel(members, "member", columns=COLUMNS, batch_size=3)
    try:
        model.sort(COLUMNS.index("team_id"), order)
        while model.canFetchMore():
            model.fetchMore()
        got = [model.data(model.index(r, 0), RecordIdRole) for r in range(model.rowCount())]
        assert len(expected) == 40 and got == expected
    finally:
        model.close()
