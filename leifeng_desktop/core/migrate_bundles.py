"""Schema step m011: what bundles (issue 17) need in every file. Frozen once released.

- `tombstone`: one row per record deleted (type, id, when, its unit), written by core.trash.move for every row of
  an entry and removed when the entry is restored; kept when the 回收站 entry is purged, so a deletion still travels
  in a bundle made after the 回收站 forgot it.
- `bundle_import`: one row per bundle merged here (its id, sender, when, what it brought): the same bundle twice is
  found, and the dashboard says per unit when its last bundle arrived.
- `bundle_baseline`: per record merged from a bundle, the `updated_at` it had then; a record changed on both sides
  since is a conflict, not a silent overwrite.
- every file gets a database id (vault.db_id; before this step only encrypted files had one): a bundle names the
  database it came from, and one from this very file is refused.
"""
from __future__ import annotations

import uuid

from sqlite_utils import Database

STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS tombstone (
  type_key TEXT NOT NULL,
  record_id TEXT NOT NULL,
  deleted_at TEXT NOT NULL,
  unit TEXT,
  PRIMARY KEY (type_key, record_id)
)""",
    "CREATE INDEX IF NOT EXISTS idx_tombstone_deleted_at ON tombstone(deleted_at)",
    """CREATE TABLE IF NOT EXISTS bundle_import (
  id TEXT PRIMARY KEY NOT NULL,
  bundle_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  sender_db TEXT NOT NULL,
  sender_unit TEXT NOT NULL,
  created_at TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  file_name TEXT,
  records INTEGER NOT NULL DEFAULT 0,
  counts TEXT NOT NULL DEFAULT '{}',
  operator TEXT
)""",
    "CREATE INDEX IF NOT EXISTS idx_bundle_import_unit ON bundle_import(sender_unit, imported_at)",
    """CREATE TABLE IF NOT EXISTS bundle_baseline (
  type_key TEXT NOT NULL,
  record_id TEXT NOT NULL,
  sender_db TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (type_key, record_id)
)""",
)


def step(db: Database) -> None:
    for sql in STATEMENTS:
        db.execute(sql)
    db.execute("INSERT OR IGNORE INTO vault (name, value) VALUES ('db_id', ?)", [str(uuid.uuid4())])
