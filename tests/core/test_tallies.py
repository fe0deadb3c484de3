"""Schema step m012's tallies (activity_tally, unit_volunteer, year_volunteer) after every write path equal a
recount from the participations and activities, and the dashboard's figures read from them equal those counted
from the rows (issue 18)."""
from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from bundle_cases import PASSPHRASE, make_office

from leifeng_desktop.core import bundle_merge, migrate_rollups, migrate_tallies, new_year, stats_passes, trash
from leifeng_desktop.core.bundle_export import export_bundle
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.stats import campaign_stats
from leifeng_desktop.core.store import Store

RECOUNT = {
    "activity_tally": "SELECT activity_id, COUNT(*), COUNT(DISTINCT member_id), COALESCE(SUM(minutes), 0) "
                      "FROM participant WHERE activity_id IS NOT NULL GROUP BY activity_id",
    "unit_volunteer": "SELECT substr(a.starts_at, 1, 4), a.unit, p.member_id, COUNT(*) FROM participant p "
                      "JOIN activity a ON a.id = p.activity_id WHERE a.starts_at IS NOT NULL "
                      "AND p.member_id IS NOT NULL GROUP BY 1, 2, 3",
    "year_volunteer": "SELECT substr(a.starts_at, 1, 4), p.member_id, COUNT(DISTINCT a.unit) FROM participant p "
                      "JOIN activity a ON a.id = p.activity_id WHERE a.starts_at IS NOT NULL "
                      "AND p.member_id IS NOT NULL GROUP BY 1, 2",
    # m013's sums of the year's activities (migrate_rollups), recounted from the activities and the participations
    **{table: f"SELECT {', '.join(exprs)}, COUNT(*), COALESCE(SUM(a.beneficiaries), 0), COALESCE(SUM(p.n), 0), "
              "COALESCE(SUM(p.persons), 0), COALESCE(SUM(p.minutes), 0) FROM activity a LEFT JOIN (SELECT "
              "activity_id, COUNT(*) AS n, COUNT(DISTINCT member_id) AS persons, COALESCE(SUM(minutes), 0) AS minutes "
              "FROM participant GROUP BY activity_id) p ON p.activity_id = a.id WHERE a.starts_at IS NOT NULL "
              f"GROUP BY {', '.join(str(i + 1) for i in range(len(exprs)))}"
       for table, (_cols, exprs) in migrate_rollups.KEYS.items()},
    "unit_volunteer_tally": "SELECT substr(a.starts_at, 1, 4), a.unit, COUNT(DISTINCT p.member_id) FROM participant p "
                            "JOIN activity a ON a.id = p.activity_id WHERE a.starts_at IS NOT NULL "
                            "AND p.member_id IS NOT NULL GROUP BY 1, 2",
    "year_volunteer_tally": "SELECT substr(a.starts_at, 1, 4), COUNT(DISTINCT p.member_id) FROM participant p "
                            "JOIN activity a ON a.id = p.activity_id WHERE a.starts_at IS NOT NULL "
                            "AND p.member_id IS NOT NULL GROUP BY 1",
    "team_member_tally": "SELECT team_id, COUNT(*) FROM member WHERE team_id IS NOT NULL GROUP BY 1",
}


def assert_tallied(conn: sqlite3.Connection) -> None:
    """Every tally row equals the recount, and no tally row is left over (no zero rows either)."""
    for table, sql in RECOUNT.items():
        kept = sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)   # a key may be NULL
        assert kept == sorted(conn.execute(sql).fetchall(), key=repr), table


def check(store: Store) -> None:
    assert_tallied(store.db.conn)


def figures_both_ways(store: Store, monkeypatch: pytest.MonkeyPatch, **scope: object) -> None:
    """campaign_stats from the tallies equals campaign_stats counted from the participations."""
    tallied = campaign_stats(store, today="2026-12-31", **scope)
    with monkeypatch.context() as m:
        m.setattr(stats_passes, "tallied", lambda _store: False)
        counted = campaign_stats(store, today="2026-12-31", **scope)
    assert tallied == counted, scope


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tallies") / "demo.db"
    with Store.open(path) as store:
        load_demo(store)
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path):
    path = tmp_path / "demo.db"
    with Store.open(demo_file) as source:
        target = sqlite3.connect(path)
        source.db.conn.backup(target)
        target.close()
    with Store.open(path) as store:
        yield store


def test_the_demo_and_its_figures(demo, monkeypatch):
    check(demo)
    assert demo.db.execute("SELECT COUNT(*) FROM activity_tally").fetchone()[0] > 0
    unit = demo.db.execute("SELECT unit FROM activity GROUP BY unit ORDER BY COUNT(*) DESC").fetchone()[0]
    for scope in ({}, {"unit": unit}, {"unit": "无此单位"}, {"year": 2025},
                  {"date_from": "2026-03-01", "date_to": "2026-06-30"}, {"date_from": "2026-05-01", "unit": unit}):
        figures_both_ways(demo, monkeypatch, **scope)


def _activity(store: Store) -> dict:
    """The first activity with participants, as stored."""
    cur = store.db.execute("SELECT a.* FROM activity a WHERE EXISTS (SELECT 1 FROM participant p WHERE "
                           "p.activity_id = a.id) ORDER BY a.id LIMIT 1")
    return dict(zip([d[0] for d in cur.description], cur.fetchone()))


def test_store_writes_the_trash_and_restore(demo, monkeypatch):
    act = _activity(demo)
    members = [r[0] for r in demo.db.execute("SELECT id FROM member ORDER BY id LIMIT 3")]
    first = demo.insert("participant", {"activity_id": act["id"], "member_id": members[0], "minutes": 30})
    demo.insert("participant", {"activity_id": act["id"], "member_id": members[0], "minutes": 15})   # twice
    check(demo)
    demo.update("participant", first, {"minutes": 45})
    check(demo)
    demo.update("participant", first, {"member_id": members[1]})
    check(demo)
    other_unit = demo.db.execute("SELECT name FROM unit WHERE name IS NOT ? ORDER BY name LIMIT 1",
                                 [act["unit"]]).fetchone()[0]
    demo.db.execute("UPDATE activity SET unit = ? WHERE id = ?", [other_unit, act["id"]])   # a unit renamed
    check(demo)
    demo.update("activity", act["id"], {"starts_at": "2025" + act["starts_at"][4:],
                                        "ends_at": "2025" + act["ends_at"][4:]})
    check(demo)
    figures_both_ways(demo, monkeypatch)
    figures_both_ways(demo, monkeypatch, year=2025)
    entry = demo.delete("participant", first)
    check(demo)
    trash.restore(demo, entry)
    check(demo)
    entry = demo.delete("activity", act["id"])   # its participants go with it (CASCADE) into the same entry
    check(demo)
    assert not demo.db.execute("SELECT 1 FROM activity_tally WHERE activity_id = ?", [act["id"]]).fetchone()
    trash.restore(demo, entry)
    check(demo)
    member = demo.db.execute("SELECT member_id FROM participant ORDER BY id LIMIT 1").fetchone()[0]
    demo.delete("member", member)   # the member's participations go too
    check(demo)
    trash.purge(demo)
    check(demo)
    figures_both_ways(demo, monkeypatch)


def test_raw_sql_writes_in_any_order(demo):
    """Writes a repair or a future path might make in SQL directly: an activity deleted before or after its
    participants, participants moved between activities, inserted before their activity, foreign keys off."""
    conn = demo.db.conn
    rng = random.Random(18)
    acts = [r[0] for r in conn.execute("SELECT id FROM activity ORDER BY id")]
    members = [r[0] for r in conn.execute("SELECT id FROM member ORDER BY id")]
    parts = [r[0] for r in conn.execute("SELECT id FROM participant ORDER BY id")]
    for i in range(60):
        pid = rng.choice(parts)
        how = i % 6
        if how == 0:
            conn.execute("UPDATE participant SET activity_id = ?, minutes = ? WHERE id = ?",
                         [rng.choice(acts), rng.choice([None, 0, 60, 90]), pid])
        elif how == 1:
            conn.execute("UPDATE participant SET member_id = ? WHERE id = ?", [rng.choice(members), pid])
        elif how == 2:
            conn.execute("UPDATE activity SET unit = (SELECT name FROM unit ORDER BY random() LIMIT 1), "
                         "starts_at = ? WHERE id = ?", [rng.choice(["2025-05-01T09:00", "2026-02-03T08:00", None]),
                                                       rng.choice(acts)])
        elif how == 3:
            conn.execute("INSERT INTO participant (id, unit, created_at, updated_at, activity_id, member_id, minutes) "
                         "SELECT 'p' || ?, unit, created_at, updated_at, activity_id, ?, 30 FROM participant "
                         "WHERE id = ?", [i, rng.choice(members), pid])
            parts.append(f"p{i}")
        elif how == 4:
            conn.execute("DELETE FROM participant WHERE id = ?", [pid])
        else:
            conn.execute("DELETE FROM activity WHERE id = ?", [acts.pop(rng.randrange(len(acts)))])
        parts = [r[0] for r in conn.execute("SELECT id FROM participant ORDER BY id")] or parts
        assert_tallied(conn)
    # an activity restored after its participants (foreign keys off, as a repair would)
    conn.execute("PRAGMA foreign_keys = OFF")
    row = conn.execute("SELECT * FROM activity WHERE id = ?", [acts[0]]).fetchone()
    conn.execute("DELETE FROM activity WHERE id = ?", [acts[0]])
    assert_tallied(conn)
    conn.execute(f"INSERT INTO activity VALUES ({', '.join('?' * len(row))})", list(row))
    assert_tallied(conn)
    conn.execute("PRAGMA foreign_keys = ON")


def test_refill_recounts(demo):
    demo.db.execute("DELETE FROM activity_tally")
    demo.db.execute("UPDATE unit_volunteer SET n = n + 1")
    migrate_tallies.refill(demo.db)
    check(demo)


def test_a_bundle_merge_and_its_deletions(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "city").mkdir()
    with make_office(tmp_path / "sub" / "sub.db", "XX市青山区总工会", seed=7) as sub, \
            Store.open(tmp_path / "city" / "city.db") as city:
        check(sub)   # generate's bulk path and make_office's UPDATE of every unit
        first = tmp_path / "first.lfx"
        export_bundle(sub, first, passphrase=PASSPHRASE)
        bundle_merge.import_bundle(city, first, passphrase=PASSPHRASE)
        check(city)
        figures_both_ways(city, monkeypatch)
        act = _activity(sub)["id"]
        part = sub.db.execute("SELECT id FROM participant WHERE activity_id = ?", [act]).fetchone()[0]
        sub.update("participant", part, {"minutes": 5})
        sub.db.execute("UPDATE activity SET starts_at = '2025' || substr(starts_at, 5), updated_at = "
                       "'2099-01-01T00:00:00' WHERE id = ?", [act])
        gone = sub.db.execute("SELECT id FROM activity WHERE id <> ? AND EXISTS (SELECT 1 FROM participant p "
                              "WHERE p.activity_id = activity.id) LIMIT 1", [act]).fetchone()[0]
        sub.delete("activity", gone)
        second = tmp_path / "second.lfx"
        export_bundle(sub, second, passphrase=PASSPHRASE)
        bundle_merge.import_bundle(city, second, passphrase=PASSPHRASE)
        check(city)
        moved = city.db.execute("SELECT substr(starts_at, 1, 4) FROM activity WHERE id = ?", [act]).fetchone()[0]
        assert moved == "2025"
        assert not city.db.execute("SELECT 1 FROM activity_tally WHERE activity_id = ?", [gone]).fetchone()
        figures_both_ways(city, monkeypatch)
        figures_both_ways(city, monkeypatch, year=2025)


def test_new_year_clears_the_tallies(demo, tmp_path):
    out = tmp_path / "2027.db"
    new_year.start_new_year(demo, out, year=2027)
    conn = sqlite3.connect(out)
    try:
        assert_tallied(conn)
        assert conn.execute("SELECT COUNT(*) FROM activity_tally").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM unit_volunteer").fetchone()[0] == 0
    finally:
        conn.close()


def test_set_aside_recounts_after_a_bulk_write_and_puts_the_triggers_back(demo):
    conn = demo.db.conn
    triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%tally%' ORDER BY name"
    before = conn.execute(triggers).fetchall()
    rows = conn.execute("SELECT 'bulk' || id, unit, created_at, updated_at, activity_id, member_id, minutes "
                        "FROM participant").fetchall()
    with demo.transaction(), migrate_tallies.set_aside(demo.db, "participant"):
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'participant_tally_ai'").fetchone()
        conn.executemany("INSERT INTO participant (id, unit, created_at, updated_at, activity_id, member_id, "
                         "minutes) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    assert conn.execute(triggers).fetchall() == before
    check(demo)
    with pytest.raises(RuntimeError), demo.transaction(), migrate_tallies.set_aside(demo.db, "participant"):
        conn.execute("DELETE FROM participant WHERE id LIKE 'bulk%'")
        raise RuntimeError("stopped")
    assert conn.execute(triggers).fetchall() == before   # rolled back with the rows
    check(demo)
    with demo.transaction(), migrate_tallies.set_aside(demo.db, "activity"):   # other tables: the triggers stay
        assert conn.execute(triggers).fetchall() == before
