"""Volunteers and person-times when the scope does not hold every participation (core.stats_passes reads the
member index alone only when it does): activities of another year, a participation without an activity, the same
member twice in one activity. Each figure equals its hand count in raw SQL."""
import pytest

from leifeng_desktop.core import stats
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store

YEAR = 2026
IN_YEAR = "a.starts_at LIKE '2026-%'"


@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    st = Store.open(tmp_path_factory.mktemp("volunteers") / "odd.db")
    st.settings.set({"year": YEAR})
    load_demo(st, seed=2026)
    db = st.db
    moved = [r[0] for r in db.execute("SELECT id FROM activity ORDER BY id LIMIT 3")]
    db.execute("UPDATE activity SET starts_at = '2025-12-30T09:00', ends_at = '2025-12-30T11:00' "
               f"WHERE id IN ({', '.join('?' * len(moved))})", moved)
    cols = [r[1] for r in db.execute("PRAGMA table_info(participant)")]
    first = dict(zip(cols, db.execute("SELECT * FROM participant ORDER BY id LIMIT 1").fetchone()))
    idle = db.execute("SELECT id FROM member WHERE id NOT IN (SELECT member_id FROM participant) "
                      "ORDER BY id LIMIT 1").fetchone()[0]   # serves the other year only
    for extra in ({"id": "twice"}, {"id": "no-activity", "activity_id": None},
                  {"id": "other-year-only", "activity_id": moved[0], "member_id": idle}):
        row = {**first, **extra}
        db.execute(f"INSERT INTO participant ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                   list(row.values()))
    yield st
    st.close()


def hand(store, sql):
    return store.db.execute(sql).fetchall()


def test_the_year_holds_some_participations_only(odd):
    figures = stats.campaign_stats(odd, today="2026-08-27")
    in_year = "FROM participant p JOIN activity a ON a.id = p.activity_id WHERE " + IN_YEAR
    assert figures["activities"]["volunteers"] == hand(odd, f"SELECT COUNT(DISTINCT p.member_id) {in_year}")[0][0]
    persons = hand(odd, f"SELECT COUNT(*) FROM (SELECT DISTINCT p.activity_id, p.member_id {in_year})")[0][0]
    assert figures["activities"]["participants"] == persons
    per_unit = dict(hand(odd, f"SELECT a.unit, COUNT(DISTINCT p.member_id) {in_year} GROUP BY a.unit"))
    assert {u["unit"]: u["volunteers"] for u in figures["units"] if u["volunteers"]} == per_unit
    all_members = hand(odd, "SELECT COUNT(DISTINCT member_id) FROM participant")[0][0]
    assert figures["activities"]["volunteers"] < all_members, "a member of the other year only is not counted"


def test_the_other_year_counts_its_own(odd):
    figures = stats.campaign_stats(odd, year=2025, today="2025-12-31")
    other = "FROM participant p JOIN activity a ON a.id = p.activity_id WHERE a.starts_at LIKE '2025-%'"
    assert figures["activities"]["total"] == 3
    assert figures["activities"]["volunteers"] == hand(odd, f"SELECT COUNT(DISTINCT p.member_id) {other}")[0][0] > 0
    assert figures["activities"]["total_minutes"] == hand(odd, f"SELECT COALESCE(SUM(p.minutes), 0) {other}")[0][0]
