"""Schema step m013's sums (migrate_rollups) under the writes test_tallies does not make: an activity's category,
form and beneficiaries changed or emptied, a member moved between teams, a team deleted with its members; each
time every sum equals its recount (test_tallies.RECOUNT) and the whole year's figures read from the sums equal
those counted from the rows."""
from __future__ import annotations

import pytest
from test_tallies import RECOUNT, assert_tallied, figures_both_ways

from leifeng_desktop.core import migrate_rollups, migrate_tallies, stats_passes, trash
from leifeng_desktop.core.stats import campaign_stats
from leifeng_desktop.core.store import Store


@pytest.fixture
def demo(tmp_path):
    from leifeng_desktop.core.demo import load_demo
    with Store.open(tmp_path / "demo.db") as store:
        load_demo(store)
        yield store


def _rolled_and_counted_agree(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_tallied(store.db.conn)
    figures_both_ways(store, monkeypatch)
    # figures_both_ways counts without any tally; here only m013's sums are left out
    with monkeypatch.context() as m:
        m.setattr(stats_passes, "present", lambda _store: migrate_tallies.NAMES)
        without = campaign_stats(store, today="2026-12-31")
    assert campaign_stats(store, today="2026-12-31") == without


def test_every_sum_is_checked():
    assert migrate_rollups.NAMES <= set(RECOUNT)


def test_an_activitys_counted_columns_changed(demo, monkeypatch):
    conn = demo.db.conn
    acts = [r[0] for r in conn.execute("SELECT id FROM activity a WHERE EXISTS (SELECT 1 FROM participant p "
                                       "WHERE p.activity_id = a.id) ORDER BY id LIMIT 4")]
    assert len(acts) == 4
    demo.update("activity", acts[0], {"beneficiaries": 1234})
    demo.update("activity", acts[1], {"service_form": None})
    conn.execute("UPDATE activity SET category = NULL, beneficiaries = NULL WHERE id = ?", [acts[2]])
    conn.execute("UPDATE activity SET category = '不在列表的内容', service_form = '不在列表的形式' WHERE id = ?",
                 [acts[3]])
    rows = conn.execute("SELECT COUNT(*) FROM activity_group_tally WHERE category IS NULL").fetchone()[0]
    assert rows == 1, "a NULL category is one group, matched with IS"
    _rolled_and_counted_agree(demo, monkeypatch)
    conn.execute("UPDATE activity SET category = (SELECT category FROM activity WHERE id = ?) WHERE id = ?",
                 [acts[0], acts[2]])
    assert not conn.execute("SELECT 1 FROM activity_group_tally WHERE category IS NULL").fetchone(), \
        "a group left without activities goes"
    _rolled_and_counted_agree(demo, monkeypatch)


def test_members_moved_and_teams_deleted(demo, monkeypatch):
    conn = demo.db.conn
    teams = [r[0] for r in conn.execute("SELECT team_id FROM member GROUP BY team_id ORDER BY COUNT(*) DESC LIMIT 2")]
    member = conn.execute("SELECT id FROM member WHERE team_id = ? LIMIT 1", [teams[0]]).fetchone()[0]
    demo.update("member", member, {"team_id": teams[1]})
    _rolled_and_counted_agree(demo, monkeypatch)
    entry = demo.delete("team", teams[1])   # its members go with it
    assert not conn.execute("SELECT 1 FROM team_member_tally WHERE team_id = ?", [teams[1]]).fetchone()
    _rolled_and_counted_agree(demo, monkeypatch)
    trash.restore(demo, entry)
    _rolled_and_counted_agree(demo, monkeypatch)


def test_refill_recounts_every_sum(demo):
    conn = demo.db.conn
    for table in migrate_rollups.NAMES:
        conn.execute(f"DELETE FROM {table}")
    conn.execute("UPDATE activity_tally SET n = n + 1")   # fires the sums' triggers: then refilled whole
    migrate_rollups.refill(conn)
    conn.execute("UPDATE activity_tally SET n = n - 1")
    assert_tallied(conn)
