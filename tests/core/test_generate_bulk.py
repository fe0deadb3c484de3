"""core.generate_bulk: a file written by generate's bulk path (indexes, revision triggers, tallies and rollups set
aside, made after the rows) is the file the triggers and indexes give row by row."""
import contextlib

import pytest

from leifeng_desktop.core import generate, generate_bulk, revisions
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.store import Store

DERIVED = ("activity_tally", "unit_volunteer", "year_volunteer", "activity_unit_tally", "activity_group_tally",
           "unit_volunteer_tally", "year_volunteer_tally", "team_member_tally")


def content(store: Store) -> dict[str, object]:
    """What must not depend on the path: every record's revision (by its place in the table, ids being random),
    the derived tables (ids as places), the schema's indexes and triggers with their text, a sound file."""
    conn = store.db.conn
    places = {}
    out: dict[str, object] = {}
    for key in s.RECORD_TYPES:
        rows = conn.execute(f'SELECT id, revision FROM "{key}" ORDER BY rowid').fetchall()
        places.update((rid, f"{key}#{n}") for n, (rid, _) in enumerate(rows))
        out[key] = [rev for _, rev in rows]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in (t for t in DERIVED if t in tables):
        out[table] = sorted(tuple(places.get(v, v) for v in row) for row in conn.execute(f"SELECT * FROM {table}"))
    out["schema"] = sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                        "WHERE type IN ('index', 'trigger')").fetchall())
    out["integrity"] = conn.execute("PRAGMA integrity_check").fetchall()
    return out


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bulk")
    with Store.open(folder / "bulk.db") as store:
        generate.generate(store, "demo", seed=5)
        bulk = content(store)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(generate_bulk, "set_aside", lambda db, table: contextlib.nullcontext())
        with Store.open(folder / "rows.db") as store:
            generate.generate(store, "demo", seed=5)
            by_rows = content(store)
    return bulk, by_rows


def test_revisions_as_the_triggers_raise_them(both):
    bulk, by_rows = both
    for key in s.RECORD_TYPES:
        assert bulk[key] == by_rows[key], key
    assert max(bulk["activity"]) > 1 and max(bulk["team"]) > 1   # the owners of participants and members raised


def test_tallies_rollups_indexes_and_triggers_as_row_by_row(both):
    bulk, by_rows = both
    assert bulk["activity_tally"] and bulk["integrity"] == [("ok",)]
    for key in (*DERIVED, "schema", "integrity"):
        assert bulk.get(key) == by_rows.get(key), key


def test_revision_set_aside_counts_only_the_new_rows(tmp_path):
    with Store.open(tmp_path / "x.db") as store:
        kind = store.settings.choices()["team_kind"][0]
        team = store.insert("team", {"name": "一队", "kind": kind, "unit": store.our_unit(), "leader": "张三",
                                     "leader_phone": "13812345678"})
        store.insert("member", {"team_id": team, "name": "李四"})
        before = store.get("team", team)["revision"]
        with store.transaction(), revisions.set_aside(store.db, "member"):
            assert not store.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'member_revision_ai'").fetchone()
            for name in ("王五", "赵六"):
                store.insert("member", {"team_id": team, "name": name})
        assert store.get("team", team)["revision"] == before + 2
        store.insert("member", {"team_id": team, "name": "钱七"})   # the trigger is back
        assert store.get("team", team)["revision"] == before + 3


def test_a_failure_rolls_the_set_aside_back(tmp_path):
    with Store.open(tmp_path / "x.db") as store:
        schema = sorted(store.db.execute("SELECT name, sql FROM sqlite_master").fetchall())
        with pytest.raises(RuntimeError), store.transaction(), generate_bulk.set_aside(store.db, "participant"):
            raise RuntimeError("stopped")
        assert sorted(store.db.execute("SELECT name, sql FROM sqlite_master").fetchall()) == schema
