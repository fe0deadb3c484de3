"""Schema step m012: tallies the dashboard reads instead of its 400,000 participations (issue 18). Frozen once
released.

- `activity_tally`: per activity id, its participations (n), distinct members (persons) and minutes, over every
  participant row naming it (what core.stats_passes summed per activity at each call).
- `unit_volunteer`: per year (first four characters of the activity's starts_at, as Scope.dated matches a year),
  activity unit and member, how many participations of that member fall on the unit's activities of that year:
  a unit's volunteers of a year are its rows, counted.
- `year_volunteer`: per year and member, in how many units' rows of unit_volunteer the member is: the year's
  volunteers are its rows, counted (kept by unit_volunteer's own triggers: they fire only when a member first
  serves a unit in a year, or no longer does).

Triggers keep both current on every write (Store, 回收站, bundle merge, imports, new_year's DELETEs): a
participant inserted, deleted or changed moves its own counts; an activity whose unit or year changes moves its
participants' rows; an activity deleted takes its participants' rows first (its CASCADE deletes them after the
activity is gone, when their own trigger finds no activity and leaves the rows alone); an activity inserted after
its participants (a 回收站 restore's order) adds them. `refill(db)` recounts them from the rows;
`set_aside(db, table)` is for a bulk write of participants inside its transaction (core.generate): a recount
after the rows costs a third of what the triggers cost row by row (city scale: about 5 s against 15).
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

NAMES = frozenset({"activity_tally", "unit_volunteer", "year_volunteer"})   # derived from the records: never
# copied or compared as data of their own (a new year's file empties them with the participations)
TABLES = (
    """CREATE TABLE IF NOT EXISTS activity_tally (
  activity_id TEXT PRIMARY KEY NOT NULL,
  n INTEGER NOT NULL,
  persons INTEGER NOT NULL,
  minutes INTEGER NOT NULL
) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS unit_volunteer (
  year TEXT NOT NULL,
  unit TEXT NOT NULL,
  member_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (year, unit, member_id)
) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS year_volunteer (
  year TEXT NOT NULL,
  member_id TEXT NOT NULL,
  units INTEGER NOT NULL,
  PRIMARY KEY (year, member_id)
) WITHOUT ROWID""",
)

# another participant row (not this one) of the same activity and member: this one adds or takes no person
_TWIN = ("EXISTS (SELECT 1 FROM participant q WHERE q.activity_id = {r}.activity_id AND q.member_id = {r}.member_id "
         "AND q.rowid <> {r}.rowid)")


def _add(r: str) -> str:
    """Statements counting participant row `r` (new) in."""
    return (
        f"INSERT INTO activity_tally (activity_id, n, persons, minutes) SELECT {r}.activity_id, 1, "
        f"{r}.member_id IS NOT NULL AND NOT {_TWIN.format(r=r)}, COALESCE({r}.minutes, 0) "
        f"WHERE {r}.activity_id IS NOT NULL ON CONFLICT (activity_id) DO UPDATE SET n = n + 1, "
        "persons = persons + excluded.persons, minutes = minutes + excluded.minutes; "
        f"INSERT INTO unit_volunteer (year, unit, member_id, n) SELECT substr(a.starts_at, 1, 4), a.unit, "
        f"{r}.member_id, 1 FROM activity a WHERE a.id = {r}.activity_id AND a.starts_at IS NOT NULL "
        f"AND {r}.member_id IS NOT NULL ON CONFLICT (year, unit, member_id) DO UPDATE SET n = n + 1; ")


def _take(r: str) -> str:
    """Statements counting participant row `r` (old) out."""
    return (
        f"UPDATE activity_tally SET n = n - 1, persons = persons - ({r}.member_id IS NOT NULL AND NOT "
        f"{_TWIN.format(r=r)}), minutes = minutes - COALESCE({r}.minutes, 0) WHERE activity_id = {r}.activity_id; "
        f"DELETE FROM activity_tally WHERE activity_id = {r}.activity_id AND n <= 0; "
        "UPDATE unit_volunteer SET n = n - 1 WHERE (year, unit, member_id) = "
        f"(SELECT substr(a.starts_at, 1, 4), a.unit, {r}.member_id FROM activity a WHERE a.id = {r}.activity_id); "
        "DELETE FROM unit_volunteer WHERE (year, unit, member_id) = "
        f"(SELECT substr(a.starts_at, 1, 4), a.unit, {r}.member_id FROM activity a WHERE a.id = {r}.activity_id) "
        "AND n <= 0; ")


def _move(a: str, sign: str) -> str:
    """Statements adding (sign '+') or taking ('-') every participant of activity row `a` in unit_volunteer."""
    if sign == "+":
        return (
            "INSERT INTO unit_volunteer (year, unit, member_id, n) SELECT substr(" + a + ".starts_at, 1, 4), "
            + a + ".unit, p.member_id, COUNT(*) FROM participant p WHERE p.activity_id = " + a + ".id AND "
            + a + ".starts_at IS NOT NULL AND p.member_id IS NOT NULL GROUP BY p.member_id "
            "ON CONFLICT (year, unit, member_id) DO UPDATE SET n = n + excluded.n; ")
    return (
        "UPDATE unit_volunteer SET n = n - (SELECT COUNT(*) FROM participant p WHERE p.activity_id = " + a + ".id "
        "AND p.member_id = unit_volunteer.member_id) WHERE year = substr(" + a + ".starts_at, 1, 4) AND unit = "
        + a + ".unit AND member_id IN (SELECT member_id FROM participant WHERE activity_id = " + a + ".id); "
        "DELETE FROM unit_volunteer WHERE year = substr(" + a + ".starts_at, 1, 4) AND unit = " + a + ".unit "
        "AND n <= 0; ")


_CHANGED_PARTICIPANT = ("old.activity_id IS NOT new.activity_id OR old.member_id IS NOT new.member_id "
                        "OR old.minutes IS NOT new.minutes")
_CHANGED_ACTIVITY = "old.unit IS NOT new.unit OR substr(old.starts_at, 1, 4) IS NOT substr(new.starts_at, 1, 4)"

TRIGGERS = {
    "participant_tally_ai": f"AFTER INSERT ON participant BEGIN {_add('new')}END",
    "participant_tally_ad": f"AFTER DELETE ON participant BEGIN {_take('old')}END",
    "participant_tally_au": (f"AFTER UPDATE OF activity_id, member_id, minutes ON participant "
                             f"WHEN {_CHANGED_PARTICIPANT} BEGIN {_take('old')}{_add('new')}END"),
    "activity_tally_ai": f"AFTER INSERT ON activity BEGIN {_move('new', '+')}END",
    "activity_tally_bd": f"BEFORE DELETE ON activity BEGIN {_move('old', '-')}END",
    "activity_tally_au": (f"AFTER UPDATE OF unit, starts_at ON activity WHEN {_CHANGED_ACTIVITY} "
                          f"BEGIN {_move('old', '-')}{_move('new', '+')}END"),
    "unit_volunteer_tally_ai": ("AFTER INSERT ON unit_volunteer BEGIN INSERT INTO year_volunteer (year, member_id, "
                                "units) VALUES (new.year, new.member_id, 1) ON CONFLICT (year, member_id) DO UPDATE "
                                "SET units = units + 1; END"),
    "unit_volunteer_tally_ad": ("AFTER DELETE ON unit_volunteer BEGIN UPDATE year_volunteer SET units = units - 1 "
                                "WHERE year = old.year AND member_id = old.member_id; DELETE FROM year_volunteer "
                                "WHERE year = old.year AND member_id = old.member_id AND units <= 0; END"),
}

REFILL = (
    "DELETE FROM activity_tally",
    "INSERT INTO activity_tally (activity_id, n, persons, minutes) SELECT activity_id, COUNT(*), "
    "COUNT(DISTINCT member_id), COALESCE(SUM(minutes), 0) FROM participant WHERE activity_id IS NOT NULL "
    "GROUP BY activity_id",
    "DELETE FROM unit_volunteer",
    "INSERT INTO unit_volunteer (year, unit, member_id, n) SELECT substr(a.starts_at, 1, 4), a.unit, p.member_id, "
    "COUNT(*) FROM activity a CROSS JOIN participant p ON a.id = p.activity_id WHERE a.starts_at IS NOT NULL "
    "AND p.member_id IS NOT NULL GROUP BY 1, 2, 3",   # activities first: else by member_id, row by row (3 s at city)
    "DELETE FROM year_volunteer",   # what unit_volunteer's triggers did row by row (when present)
    "INSERT INTO year_volunteer (year, member_id, units) SELECT year, member_id, COUNT(*) FROM unit_volunteer "
    "GROUP BY 1, 2",
)


def refill(db: Any) -> None:
    """The tallies recounted from the rows (`db`: a sqlite_utils Database or a sqlite3 connection)."""
    for sql in REFILL:
        db.execute(sql)


def step(db: Database) -> None:
    for sql in TABLES:
        db.execute(sql)
    refill(db)
    for name, body in TRIGGERS.items():
        db.execute(f'CREATE TRIGGER IF NOT EXISTS "{name}" {body}')


@contextlib.contextmanager
def set_aside(db: Any, table: str) -> Iterator[None]:
    """Inside one transaction that writes many rows of `table`: the participant triggers dropped, the tallies
    recounted after and the triggers put back (in the same transaction: a failure rolls all of it back). Other
    tables, and a file without the tallies, write through the triggers as ever."""
    names = [n for n in TRIGGERS if n.startswith(f"{table}_tally_")] if table == "participant" else []
    found = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN "
                                      f"({', '.join('?' * len(names))})", names)] if names else []
    if not names or len(found) != len(names):
        yield
        return
    for name in names:
        db.execute(f'DROP TRIGGER "{name}"')
    yield
    refill(db)
    for name in names:
        db.execute(f'CREATE TRIGGER "{name}" {TRIGGERS[name]}')
