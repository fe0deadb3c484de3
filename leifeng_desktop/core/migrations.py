"""Numbered schema steps, applied in order by sqlite-utils' Migrations; the count applied is the schema version.

A step is never edited once released: change the schema by adding a step. `sync_tables` creates what the current
schema has and the database lacks (tables, columns, indexes), so additive steps are one line.
"""
from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from . import schema as s

MIGRATION_SET = "leifeng"
migrations = Migrations(MIGRATION_SET)

# Child rows an editor saves together with their owner: any change to them is a change of the owner's revision.
REVISION_CHILDREN = ("member", "participant", "demand", "family_member")


def table_sql(rt: s.RecordType) -> str:
    cols = []
    for f in rt.columns:
        col = f'"{f.key}" {f.sql_type}'
        if f.key == "id":
            col += " PRIMARY KEY NOT NULL"
        elif f.key in ("unit", "created_at", "updated_at"):
            col += " NOT NULL"
        if f.type == s.REF:
            col += f' REFERENCES "{f.ref}"(id) ON DELETE {f.on_delete}'
        cols.append(col)
    return f'CREATE TABLE IF NOT EXISTS "{rt.key}" (\n  ' + ",\n  ".join(cols) + "\n)"


def sync_tables(db: Database) -> None:
    """Create missing tables, columns and reference indexes of the current schema (additive only)."""
    for rt in s.RECORD_TYPES.values():
        table = db[rt.key]
        if not table.exists():
            db.execute(table_sql(rt))
        else:
            have = set(table.columns_dict)
            for f in rt.columns:
                if f.key not in have:
                    ref = f' REFERENCES "{f.ref}"(id) ON DELETE {f.on_delete}' if f.type == s.REF else ""
                    db.execute(f'ALTER TABLE "{rt.key}" ADD COLUMN "{f.key}" {f.sql_type}{ref}')
        for f in rt.fields:
            if f.type == s.REF:
                db.execute(f'CREATE INDEX IF NOT EXISTS "idx_{rt.key}_{f.key}" ON "{rt.key}"("{f.key}")')
        db.execute(f'CREATE INDEX IF NOT EXISTS "idx_{rt.key}_unit" ON "{rt.key}"(unit)')
    sync_revisions(db)


def sync_revisions(db: Database) -> None:
    """The `revision` column of every record (1 on insert) and the triggers that raise it on every update, and
    raise an owner's when one of its child rows is added, changed or removed, whatever program writes."""
    for rt in s.RECORD_TYPES.values():
        t = rt.key
        if "revision" not in db[t].columns_dict:
            db.execute(f'ALTER TABLE "{t}" ADD COLUMN revision INTEGER NOT NULL DEFAULT 1')
        owner = f'UPDATE "{rt.field(rt.parent).ref}" SET revision = revision + 1 WHERE id IN ' \
            if rt.parent and t in REVISION_CHILDREN else ""
        # WHEN: the trigger's own UPDATE (revision changed) must not count twice
        db.execute(f'CREATE TRIGGER IF NOT EXISTS "{t}_revision_au" AFTER UPDATE ON "{t}" FOR EACH ROW '
                   f'WHEN NEW.revision IS OLD.revision BEGIN '
                   f'UPDATE "{t}" SET revision = OLD.revision + 1 WHERE id = NEW.id; '
                   + (f'{owner}(OLD."{rt.parent}", NEW."{rt.parent}"); ' if owner else "") + "END")
        if owner:
            db.execute(f'CREATE TRIGGER IF NOT EXISTS "{t}_revision_ai" AFTER INSERT ON "{t}" FOR EACH ROW BEGIN '
                       f'{owner}(NEW."{rt.parent}"); END')
            db.execute(f'CREATE TRIGGER IF NOT EXISTS "{t}_revision_ad" AFTER DELETE ON "{t}" FOR EACH ROW BEGIN '
                       f'{owner}(OLD."{rt.parent}"); END')


@migrations()
def m001_records(db: Database) -> None:
    sync_tables(db)


@migrations()
def m002_settings(db: Database) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")


@migrations()
def m003_attachments(db: Database) -> None:
    sync_tables(db)   # the attachment table (photos and documents of an activity)


@migrations()
def m004_revisions(db: Database) -> None:
    sync_tables(db)   # the revision column and its triggers (optimistic concurrency: no lost update)


def known_names() -> list[str]:
    return [m.name for m in migrations._migrations]


SCHEMA_VERSION = len(known_names())
