"""The bulk path of core.generate (issue 18): what SQLite keeps beside a table, set aside while one table's rows go in
and made again from all the rows after them, inside the same transaction (a failure rolls everything back).

Row by row, each new row of a city's 400,000 participants was entered into seven indexes at random places, raised
its activity's revision and moved its activity's tallies and rollups by triggers: three quarters of the writing.
Here, while a table is written:

- its indexes but the unique ones (constraints stay checked row by row) are dropped and made again from their own
  text (CREATE INDEX sorts the rows once);
- a child table's revision trigger is set aside, each owner's revision raised by its new rows after
  (core.revisions.set_aside);
- the participants' tallies of schema step m012 are recounted after (core.migrate_tallies.set_aside), and m013's
  rollups kept by triggers on the table (or on those tallies) recounted after (migrate_rollups.refill).

The file comes out as the triggers would leave it: tests/core/test_generate.py compares it with a recount.
Triggers and indexes come back with the text they had, so a later schema step's own are kept as it wrote them.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from . import migrate_rollups, migrate_tallies, revisions


@contextlib.contextmanager
def set_aside(db: Any, table: str) -> Iterator[None]:
    """Inside the transaction writing many rows of `table` (`db`: a sqlite_utils Database or sqlite3 connection)."""
    with _rollups_aside(db, table), migrate_tallies.set_aside(db, table), revisions.set_aside(db, table), \
            _indexes_aside(db, table):
        yield


@contextlib.contextmanager
def _indexes_aside(db: Any, table: str) -> Iterator[None]:
    """The table's indexes that constrain nothing (not UNIQUE, not the key's own) dropped, made again after."""
    found = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
                       "ORDER BY name", [table]).fetchall()
    unique = {r[1] for r in db.execute(f'PRAGMA index_list("{table}")') if r[2]}
    plain = [(name, sql) for name, sql in found if name not in unique]
    for name, _ in plain:
        db.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in plain:
        db.execute(sql)


@contextlib.contextmanager
def _rollups_aside(db: Any, table: str) -> Iterator[None]:
    """m013's triggers that writing `table` fires (on the table itself; for participants also on m012's tallies,
    which set_aside recounts) dropped, the rollups recounted after and the triggers put back with their own text.
    A file without them writes as ever."""
    touched = {table, *migrate_tallies.NAMES} if table == "participant" else {table}
    names = sorted(migrate_rollups.TRIGGERS)
    found = db.execute(f"SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name IN "
                       f"({', '.join('?' * len(names))}) ORDER BY name", names).fetchall()
    found = [(name, sql) for name, sql, on in found if on in touched]
    if not found:
        yield
        return
    for name, _ in found:
        db.execute(f'DROP TRIGGER "{name}"')
    yield
    migrate_rollups.refill(db)
    for _, sql in found:
        db.execute(sql)
