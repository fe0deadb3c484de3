"""Numbered schema steps, applied in order by sqlite-utils' Migrations; the count applied is the schema version.

Every step is frozen: it carries its own SQL (the released ones in core/migration_sql.py) and never reads
core/schema.py, so a step does the same to every file, whenever it runs. A change of the schema is a new step at the
end: ADD COLUMN, RENAME COLUMN, DROP COLUMN, or `db[table].transform(...)` for anything else. The steps run in one
transaction with foreign keys off (`foreign_keys_off`: a table rebuilt by transform must not cascade its DROP to
the child rows), and `apply` refuses to commit steps that leave a reference broken. `differences(db)` lists how a
file differs from core/schema.py; tests/core/test_migrations.py fails while the last step does not reach it.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from . import migration_sql as sql
from . import schema as s

MIGRATION_SET = "leifeng"
migrations = Migrations(MIGRATION_SET)

# Child rows an editor saves together with their owner: any change to them is a change of the owner's revision
# (core.revisions; the triggers are written by the steps).
REVISION_CHILDREN = ("member", "participant", "demand", "family_member")


class MigrationError(RuntimeError):
    """A step would leave the file inconsistent; nothing of the upgrade is committed (a program error)."""


def add_column(db: Database, table: str, definition: str) -> None:
    """ALTER TABLE … ADD COLUMN unless the column is there: a step may meet a file that already has it."""
    name = definition.split()[0].strip('"')
    if name not in db[table].columns_dict:
        db.execute(f'ALTER TABLE "{table}" ADD COLUMN {definition}')


def run(db: Database, statements: Iterable[str]) -> None:
    for statement in statements:
        db.execute(statement)


def transform(db: Database, table: str, **kwargs: Any) -> None:
    """`db[table].transform(**kwargs)` in a step (a type or a constraint changed, a referenced column dropped …),
    keeping the table's triggers, which SQLite drops with the old table. A rename is better done with ALTER TABLE …
    RENAME COLUMN, which rewrites the triggers, indexes and references that name the column."""
    triggers = [r[0] for r in db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                                         [table])]
    db.table(table).transform(**kwargs)
    run(db, triggers)


# -- the steps: never edit one that was released; add the next at the end ----------------------------------------
@migrations()
def m001_records(db: Database) -> None:
    run(db, sql.M001_RECORDS)


@migrations()
def m002_settings(db: Database) -> None:
    run(db, sql.M002_SETTINGS)


@migrations()
def m003_attachments(db: Database) -> None:
    run(db, sql.M003_ATTACHMENTS)


@migrations()
def m004_revisions(db: Database) -> None:
    """Optimistic concurrency (no lost update): the revision column and its triggers."""
    for table in sql.M004_TABLES:
        add_column(db, table, sql.M004_REVISION_COLUMN)
    run(db, sql.m004_triggers())


@migrations()
def m005_padded_dates(db: Database) -> None:
    """Dates, months and times older releases stored as typed (2026-9-1) in the stored form (2026-09-01), so they
    count in month figures and sort right; what cannot be read stays as it is."""
    from .values import iso
    for table, columns in sql.M005_DATES.items():
        for column, kind in columns.items():
            rows = db.execute(f'SELECT rowid, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL '
                              f'AND "{column}" != \'\'').fetchall()
            for rowid, value in rows:
                fixed = iso(kind, value)
                if fixed and fixed != value:
                    db.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?', [fixed, rowid])
    for key in sql.M005_SETTINGS_DATES:
        row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        value = json.loads(row[0]) if row else None
        fixed = iso("date", value) if isinstance(value, str) and value else None
        if fixed and fixed != value:
            db.execute("UPDATE settings SET value = ? WHERE key = ?", [json.dumps(fixed), key])


@migrations()
def m006_oplog(db: Database) -> None:
    """操作日志 (core.oplog): one row per write; newest first by id, filtered by day and by record."""
    run(db, ["CREATE TABLE IF NOT EXISTS oplog (\n"
             "  id INTEGER PRIMARY KEY,\n"
             "  at TEXT NOT NULL,\n"
             "  operator TEXT NOT NULL DEFAULT '',\n"
             "  action TEXT NOT NULL,\n"
             "  type_key TEXT NOT NULL DEFAULT '',\n"
             "  record_id TEXT,\n"
             "  title TEXT NOT NULL DEFAULT '',\n"
             "  changes TEXT NOT NULL DEFAULT '[]'\n"
             ")",
             "CREATE INDEX IF NOT EXISTS idx_oplog_at ON oplog(at)",
             "CREATE INDEX IF NOT EXISTS idx_oplog_record ON oplog(record_id)"])


@migrations()
def m007_trash(db: Database) -> None:
    """回收站 (core.trash): one row per delete, every row it took as JSON in `payload`."""
    run(db, ["CREATE TABLE IF NOT EXISTS trash (\n"
             "  id TEXT PRIMARY KEY NOT NULL,\n"
             "  type_key TEXT NOT NULL,\n"
             "  record_id TEXT NOT NULL,\n"
             "  title TEXT NOT NULL DEFAULT '',\n"
             "  deleted_at TEXT NOT NULL,\n"
             "  operator TEXT,\n"
             "  row_count INTEGER NOT NULL DEFAULT 1,\n"
             "  counts TEXT NOT NULL DEFAULT '{}',\n"
             "  payload TEXT NOT NULL\n"
             ")",
             "CREATE INDEX IF NOT EXISTS idx_trash_record ON trash(type_key, record_id)",
             "CREATE INDEX IF NOT EXISTS idx_trash_deleted_at ON trash(deleted_at)"])


@migrations()
def m008_sensitive_fields(db: Database) -> None:
    """Sensitive fields stored encrypted (issue 19): its own module, core/migrate_sensitive.py."""
    from .migrate_sensitive import step
    step(db)


@migrations()
def m009_list_indexes(db: Database) -> None:
    """Record lists at city scale (issue 18): sort indexes, text search; core/migrate_lists.py."""
    from .migrate_lists import step
    step(db)


@migrations()
def m010_stats_indexes(db: Database) -> None:
    """Dashboard figures at city scale (issue 18): core/migrate_stats.py."""
    from .migrate_stats import step
    step(db)


@migrations()
def m011_bundles(db: Database) -> None:
    """Bundles upward and settings downward (issue 17): core/migrate_bundles.py."""
    from .migrate_bundles import step
    step(db)


@migrations()
def m012_stats_tallies(db: Database) -> None:
    """Dashboard figures from tallies kept by triggers (issue 18): core/migrate_tallies.py."""
    from .migrate_tallies import step
    step(db)


@migrations()
def m013_stats_rollups(db: Database) -> None:
    """The year's activity figures summed by triggers, covering indexes for visits and aid (issue 18):
    core/migrate_rollups.py."""
    from .migrate_rollups import step
    step(db)


# -- applying -----------------------------------------------------------------------------------------------------
@contextmanager
def foreign_keys_off(db: Database) -> Iterator[None]:
    """Foreign keys off for the steps' transaction (the pragma cannot change inside one), on again after it."""
    was_on = db.execute("PRAGMA foreign_keys").fetchone()[0]
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        if was_on:
            db.execute("PRAGMA foreign_keys = ON")


def broken_references(db: Database) -> set[tuple[str, int, str]]:
    """(table, rowid, referenced table) of every row whose reference names no record."""
    return {tuple(r[:3]) for r in db.execute("PRAGMA foreign_key_check").fetchall()}


def apply(db: Database) -> None:
    """Apply the pending steps inside the caller's transaction, under `foreign_keys_off`. Raises MigrationError
    when they broke a reference that held before (the caller's transaction then rolls everything back)."""
    before = broken_references(db)
    migrations.apply(db)
    broken = broken_references(db) - before
    if broken:
        raise MigrationError(f"migration left {len(broken)} broken references, e.g. {sorted(broken)[:3]}")


def upgrade_pending(path: Path) -> bool:
    """An existing file of ours that lacks some of this version's steps: opening it will back it up and upgrade it,
    a minute or more for a city's file (the window says so first). Reads only; any doubt is False (the open that
    follows says what is wrong)."""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        db = Database(conn)
        return bool(migrations.applied(db)) and bool(migrations.pending(db))
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def known_names() -> list[str]:
    return [m.name for m in migrations._migrations]


SCHEMA_VERSION = len(known_names())


# -- the developer's check: does the last step reach core/schema.py? ---------------------------------------------
Column = tuple[str, int, str | None]   # type, not null, default (as PRAGMA table_info gives them)
REVISION: Column = ("INTEGER", 1, "1")    # step 4's column on every record table
NOT_NULL = ("id", "unit", "created_at", "updated_at")


def _expected_columns(rt: s.RecordType) -> dict[str, Column]:
    cols: dict[str, Column] = {f.key: (f.sql_type, int(f.key in NOT_NULL), None) for f in rt.columns}
    cols["revision"] = REVISION
    return cols


def _table_differences(db: Database, rt: s.RecordType) -> list[str]:
    t = rt.key
    # a default as transform() writes it ('1') is the same default as 1 in an INTEGER column
    have = {r[1]: (r[2], r[3], None if r[4] is None else r[4].strip("'"))
            for r in db.execute(f'PRAGMA table_info("{t}")')}
    want = _expected_columns(rt)
    out = [f"{t}.{c}: in core/schema.py, not in the file" for c in want if c not in have]
    out += [f"{t}.{c}: in the file, not in core/schema.py" for c in have if c not in want]
    out += [f"{t}.{c}: file has {have[c]}, schema wants {want[c]} (type, not null, default)"
            for c in want if c in have and have[c] != want[c]]
    refs = {(r[3], r[2], r[6]) for r in db.execute(f'PRAGMA foreign_key_list("{t}")')}
    want_refs = {(f.key, f.ref, f.on_delete) for f in rt.fields if f.type == s.REF}
    out += [f"{t}: reference {r} in the file, not in core/schema.py" for r in sorted(refs - want_refs)]
    out += [f"{t}: reference {r} in core/schema.py, not in the file" for r in sorted(want_refs - refs)]
    indexed = {tuple(c[2] for c in db.execute(f'PRAGMA index_info("{i[1]}")'))
               for i in db.execute(f'PRAGMA index_list("{t}")')}
    out += [f"{t}: no index on {k}" for k in ["unit", *(k for k, _, _ in sorted(want_refs))] if (k,) not in indexed]
    triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                                         [t])}
    want_triggers = {f"{t}_revision_au"} | ({f"{t}_revision_ai", f"{t}_revision_ad"}
                                            if rt.parent and t in REVISION_CHILDREN else set())
    out += [f"{t}: trigger {n} missing" for n in sorted(want_triggers - triggers)]
    return out


def differences(db: Database) -> list[str]:
    """How the record tables of `db` differ from core/schema.py: columns (type, not null, default), references,
    indexes, revision triggers. Empty when the steps reach the schema; in English, for developers."""
    out = []
    for rt in s.RECORD_TYPES.values():
        if not db[rt.key].exists():
            out.append(f"table {rt.key}: in core/schema.py, not in the file")
        else:
            out += _table_differences(db, rt)
    return out
