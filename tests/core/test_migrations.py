"""The migration steps: frozen (their own SQL, never core/schema.py), in order, reaching core/schema.py at the end;
a rename or a removal is a step like any other and keeps every other value."""
import ast
import inspect
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from leifeng_desktop.core import migration_sql, values
from leifeng_desktop.core import migrations as mig
from leifeng_desktop.core.migrate_lists import drop_search_text
from leifeng_desktop.core.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RELEASED = ["m001_records", "m002_settings", "m003_attachments"]   # steps of released versions (fixtures)


def test_a_new_file_reaches_core_schema(store):
    problems = mig.differences(store.db)
    assert problems == [], ("core/schema.py and the migration steps differ; add a step at the end of "
                            "core/migrations.py (never edit a released one):\n" + "\n".join(problems))
    assert store.schema_version == mig.SCHEMA_VERSION == len(mig.known_names())


def test_steps_keep_their_names_and_order():
    names = mig.known_names()
    assert names[:5] == [*RELEASED, "m004_revisions", "m005_padded_dates"]
    assert len(set(names)) == len(names)


def test_differences_names_what_a_step_forgot(store):
    db = store.db
    drop_search_text(db, "team")   # m009's search text names every searchable column, area too
    db.execute('ALTER TABLE team DROP COLUMN "area"')
    db.execute('ALTER TABLE team ADD COLUMN "motto" TEXT')
    db.execute('DROP INDEX "idx_member_team_id"')
    db.execute('DROP TRIGGER "member_revision_ai"')
    db.execute('DROP TABLE "submission"')
    assert set(mig.differences(db)) == {
        "team.area: in core/schema.py, not in the file",
        "team.motto: in the file, not in core/schema.py",
        "member: no index on team_id",
        "member: trigger member_revision_ai missing",
        "table submission: in core/schema.py, not in the file",
    }


def test_differences_sees_a_changed_reference_and_type(store):
    mig.transform(store.db, "activity", foreign_keys=[], types={"beneficiaries": str})   # team_id: no reference
    assert set(mig.differences(store.db)) == {
        "activity: reference ('team_id', 'team', 'SET NULL') in core/schema.py, not in the file",
        "activity.beneficiaries: file has ('TEXT', 0, None), schema wants ('INTEGER', 0, None) "
        "(type, not null, default)",
    }


def _uses_schema(func) -> bool:
    tree = ast.parse(inspect.getsource(func))
    return any(isinstance(n, ast.Name) and n.id in ("s", "schema") for n in ast.walk(tree))


def test_no_step_reads_today_s_schema():
    steps = [m.fn for m in mig.migrations._migrations]
    assert steps and not [f.__name__ for f in steps if _uses_schema(f)]
    imports = [n for n in ast.walk(ast.parse(Path(migration_sql.__file__).read_text(encoding="utf-8")))
               if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert [getattr(n, "module", None) for n in imports] == ["__future__"]


def _released_sql(fixture: str | Path, tables: list[str]) -> list[str]:
    conn = sqlite3.connect(fixture)
    try:
        return [sql for t in tables for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC, rowid", [t])]
    finally:
        conn.close()


def _as_stored(statements) -> list[str]:
    """The statements as sqlite_master keeps them (without IF NOT EXISTS)."""
    return [st.replace(" IF NOT EXISTS", "", 1) for st in statements]


def test_released_steps_carry_the_sql_their_release_wrote(tmp_path):
    v2 = shutil.copy(FIXTURES / "schema_v2" / "leifeng.db", tmp_path / "v2.db")
    v3 = shutil.copy(FIXTURES / "schema_v3" / "leifeng.db", tmp_path / "v3.db")
    record_tables = [t for t in migration_sql.M004_TABLES if t != "attachment"]
    assert _as_stored(migration_sql.M001_RECORDS) == _released_sql(v2, record_tables)
    assert _as_stored(migration_sql.M002_SETTINGS) == _released_sql(v2, ["settings"])
    assert _as_stored(migration_sql.M003_ATTACHMENTS) == _released_sql(v3, ["attachment"])


def test_the_date_step_pads_as_the_value_rule_does(tmp_path):
    """m005 (a frozen column list) and values.pad_stored_dates (today's schema) agree on a released file."""
    results = []
    for name, pad in (("step", mig.m005_padded_dates), ("rule", values.pad_stored_dates)):
        path = shutil.copy(FIXTURES / "schema_v3" / "leifeng.db", tmp_path / f"{name}.db")
        db = Database(path)
        mig.migrations.apply(db, stop_before="m005_padded_dates")
        pad(db)
        results.append({t: db.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
                        for t in [*migration_sql.M004_TABLES, "settings"]})
        db.close()
    assert results[0] == results[1]
    assert results[0]["settings"] != []


# -- a rename and a removal, as a developer would write them ------------------------------------------------------
def m900_rename_and_remove(db):
    """What a later step looks like: rename a field, remove two (one by rebuilding a table others reference)."""
    db.execute('ALTER TABLE member RENAME COLUMN "skills" TO "specialties"')   # indexes, triggers follow the name
    db.execute('ALTER TABLE household DROP COLUMN "bank_account"')            # nothing indexes or references it
    mig.transform(db, "team", drop={"area"})   # a rebuild: team's members must not go with the old table


def add_step(monkeypatch, step) -> None:
    """`step` registered after the real ones, as the next step of a later version would be."""
    steps = [*mig.migrations._migrations, mig.migrations._Migration(step.__name__, step)]
    monkeypatch.setattr(mig.migrations, "_migrations", steps)


def _rows(db_path, table):
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return {r["id"]: dict(r) for r in conn.execute(f'SELECT * FROM "{table}"')}
    finally:
        conn.close()


def _filled(db_path, team_values, fake_id):
    with Store.open(db_path) as st:
        team = st.insert("team", {**team_values, "area": "城区"})
        for i in range(3):
            st.insert("member", {"team_id": team, "name": f"队员{i}", "skills": f"特长{i}"})
        st.insert("household", {"name": "李四", "id_number": fake_id(), "bank_account": "6222020200001234567"})
        return team


def test_a_step_renames_and_removes_fields_keeping_every_value(db_path, team_values, fake_id, monkeypatch):
    team = _filled(db_path, team_values, fake_id)
    add_step(monkeypatch, m900_rename_and_remove)
    before = {t: _rows(db_path, t) for t in ("team", "member", "household")}
    with Store.open(db_path) as st:   # the step is pending: backed up, then applied
        assert st.schema_version == len(mig.known_names())
        assert st.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert mig.broken_references(st.db) == set()
        member = st.insert("member", {"team_id": team, "name": "新队员"})   # team's triggers came back
        raised = st.get("team", team)
        assert raised is not None and raised["revision"] == before["team"][team]["revision"] + 1
        st.delete("member", member)
    after = {t: _rows(db_path, t) for t in ("team", "member", "household")}
    for key, row in before["member"].items():
        row["specialties"] = row.pop("skills")
        assert after["member"][key] == row
    for key, row in before["household"].items():
        assert row.pop("bank_account") and after["household"][key] == row
    row = before["team"][team]
    assert row.pop("area") == "城区" and {**after["team"][team], "revision": row["revision"]} == row


def test_a_step_that_would_break_references_is_rolled_back(db_path, team_values, monkeypatch):
    with Store.open(db_path) as st:
        team = st.insert("team", team_values)
        st.insert("member", {"team_id": team, "name": "甲"})

    def m901_careless(db):
        db.execute("DELETE FROM team")   # foreign keys are off during the steps: nothing cascades, members dangle
    add_step(monkeypatch, m901_careless)
    with pytest.raises(mig.MigrationError, match="broken references"):
        Store.open(db_path)
    assert list(_rows(db_path, "team")) == [team] and len(_rows(db_path, "member")) == 1
    conn = sqlite3.connect(db_path)
    assert "m901_careless" not in {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}
    conn.close()
