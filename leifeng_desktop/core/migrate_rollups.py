"""Schema step m013: the year's activity figures kept summed by triggers, and covering indexes for the visits and aid
figures (issue 18: campaign_stats under 300 ms at city scale). Frozen once released.

- `activity_unit_tally`: per year (first four characters of starts_at, as Scope.dated matches a year) and unit,
  the activities, their beneficiaries, and their participations (n), persons and minutes (m012's activity_tally).
- `activity_group_tally`: the same per year, category, service form and month (first seven characters).
- `unit_volunteer_tally` (year, unit) and `year_volunteer_tally` (year): how many rows m012's unit_volunteer and
  year_volunteer hold, i.e. the volunteers; `team_member_tally` (team id): a team's members.

core.stats_passes and stats_units read them for a whole year's figures instead of grouping 40,000 activities
joined to their tallies (two sorts), counting 58,000 volunteer rows, or 60,000 members team by team. Triggers keep
them current: an activity inserted, deleted (before: its tally is whole then; the participations its CASCADE
deletes after find no activity) or changed in a counted column moves its own sums; a change of m012's
activity_tally (a participation written, however: its own triggers or its refill) moves its activity's; a row of
unit_volunteer, year_volunteer or member counts itself in or out. The activity sums' key may be NULL (category,
form), so their rows are matched with IS, not upserted; a row whose count reaches 0 goes. `refill(db)` recounts
them all from the rows.
"""
from __future__ import annotations

from typing import Any

from sqlite_utils import Database

NAMES = frozenset({"activity_unit_tally", "activity_group_tally", "unit_volunteer_tally", "year_volunteer_tally",
                   "team_member_tally"})   # derived from the records, as m012's tallies
SUMS = ("activities", "beneficiaries", "n", "persons", "minutes")
TABLES = (
    """CREATE TABLE IF NOT EXISTS activity_unit_tally (
  year TEXT NOT NULL, unit TEXT,
  activities INTEGER NOT NULL, beneficiaries INTEGER NOT NULL, n INTEGER NOT NULL, persons INTEGER NOT NULL,
  minutes INTEGER NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS idx_activity_unit_tally ON activity_unit_tally(year, unit)",
    """CREATE TABLE IF NOT EXISTS activity_group_tally (
  year TEXT NOT NULL, category TEXT, form TEXT, month TEXT NOT NULL,
  activities INTEGER NOT NULL, beneficiaries INTEGER NOT NULL, n INTEGER NOT NULL, persons INTEGER NOT NULL,
  minutes INTEGER NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS idx_activity_group_tally ON activity_group_tally(year, month, category, form)",
    "CREATE TABLE IF NOT EXISTS unit_volunteer_tally (year TEXT NOT NULL, unit TEXT NOT NULL, volunteers INTEGER "
    "NOT NULL, PRIMARY KEY (year, unit)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS year_volunteer_tally (year TEXT PRIMARY KEY NOT NULL, volunteers INTEGER NOT NULL) "
    "WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS team_member_tally (team_id TEXT PRIMARY KEY NOT NULL, members INTEGER NOT NULL) "
    "WITHOUT ROWID",
)

# covering indexes: each figure of aid, household visits and demands read from an index alone, in its order
INDEXES = {
    "idx_aid_programme_stats": ("aid", ("programme", "household_id", "date", "amount")),
    "idx_aid_unit_stats": ("aid", ("unit", "household_id", "date", "amount")),
    "idx_aid_household_stats": ("aid", ("household_id", "date", "amount")),
    "idx_household_visit_unit_stats": ("household_visit", ("unit", "household_id", "date")),
    "idx_household_visit_household_stats": ("household_visit", ("household_id", "date")),
    "idx_demand_visit_stats": ("demand", ("visit_id", "unit", "status", "due_on")),
    "idx_enterprise_visit_stats": ("enterprise_visit", ("date", "unit", "group_id", "uscc", "enterprise", "id")),
}

# table → (its key columns, the activity row's expression for each, `a` standing for the row)
KEYS = {
    "activity_unit_tally": (("year", "unit"), ("substr(a.starts_at, 1, 4)", "a.unit")),
    "activity_group_tally": (("year", "category", "form", "month"),
                             ("substr(a.starts_at, 1, 4)", "a.category", "a.service_form",
                              "substr(a.starts_at, 1, 7)")),
}


def _match(table: str, a: str) -> str:
    cols, exprs = KEYS[table]
    return " AND ".join(f"{table}.{c} IS {e.replace('a.', a + '.')}" for c, e in zip(cols, exprs))


def _tally(a: str, column: str) -> str:
    return f"COALESCE((SELECT {column} FROM activity_tally WHERE activity_id = {a}.id), 0)"


def _activity(a: str, sign: str) -> str:
    """Statements adding (sign '+') or taking ('-') activity row `a` with its tally in both tables."""
    out = []
    for table, (cols, exprs) in KEYS.items():
        match = _match(table, a)
        if sign == "+":
            values = ", ".join(e.replace("a.", a + ".") for e in exprs)
            out.append(f"INSERT INTO {table} ({', '.join(cols)}, {', '.join(SUMS)}) SELECT {values}, 0, 0, 0, 0, 0 "
                       f"WHERE {a}.starts_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {table} WHERE {match}); ")
        sets = ", ".join(f"{c} = {c} {sign} {v}" for c, v in (
            ("activities", "1"), ("beneficiaries", f"COALESCE({a}.beneficiaries, 0)"), ("n", _tally(a, "n")),
            ("persons", _tally(a, "persons")), ("minutes", _tally(a, "minutes"))))
        out.append(f"UPDATE {table} SET {sets} WHERE {a}.starts_at IS NOT NULL AND {match}; ")
        if sign == "-":
            out.append(f"DELETE FROM {table} WHERE {match} AND activities <= 0; ")
    return "".join(out)


def _moved(t: str, sign: str, old: str | None = None) -> str:
    """Statements moving tally row `t`'s counts (less `old`'s, for an update) into its activity's sums."""
    out = []
    for table, (cols, exprs) in KEYS.items():
        keys = " AND ".join(f"{c} IS (SELECT {e} FROM activity a WHERE a.id = {t}.activity_id)"
                            for c, e in zip(cols, exprs))
        sets = ", ".join(f"{c} = {c} {sign} ({t}.{c}{f' - {old}.{c}' if old else ''})" for c in SUMS[2:])
        out.append(f"UPDATE {table} SET {sets} WHERE {keys}; ")
    return "".join(out)


def _counted(table: str, keys: dict[str, str], row: str, sign: str, where: str = "") -> str:
    """Statements moving `row` of a tally table into (sign '+') or out of ('-') the count `table` keeps of its rows
    per key (its column → the row's column)."""
    cols, values = ", ".join(keys), ", ".join(f"{row}.{c}" for c in keys.values())
    count = "members" if table == "team_member_tally" else "volunteers"
    if sign == "+":
        return (f"INSERT INTO {table} ({cols}, {count}) SELECT {values}, 1 WHERE {where or 1} "
                f"ON CONFLICT ({cols}) DO UPDATE SET {count} = {count} + 1; ")
    match = " AND ".join(f"{c} = {row}.{v}" for c, v in keys.items())
    return (f"UPDATE {table} SET {count} = {count} - 1 WHERE {match}; "
            f"DELETE FROM {table} WHERE {match} AND {count} <= 0; ")


# (tally, its key → the counted table's column, the counted table, a row that counts)
COUNTS = (("unit_volunteer_tally", {"year": "year", "unit": "unit"}, "unit_volunteer", ""),
          ("year_volunteer_tally", {"year": "year"}, "year_volunteer", ""),
          ("team_member_tally", {"team_id": "team_id"}, "member", "new.team_id IS NOT NULL"))
_COUNTED = ("old.unit IS NOT new.unit OR old.starts_at IS NOT new.starts_at OR old.category IS NOT new.category "
            "OR old.service_form IS NOT new.service_form OR old.beneficiaries IS NOT new.beneficiaries "
            "OR old.id IS NOT new.id")
TRIGGERS = {
    "activity_rollup_ai": f"AFTER INSERT ON activity BEGIN {_activity('new', '+')}END",
    "activity_rollup_bd": f"BEFORE DELETE ON activity BEGIN {_activity('old', '-')}END",
    "activity_rollup_au": (f"AFTER UPDATE OF id, unit, starts_at, category, service_form, beneficiaries ON activity "
                           f"WHEN {_COUNTED} BEGIN {_activity('old', '-')}{_activity('new', '+')}END"),
    "activity_tally_rollup_ai": f"AFTER INSERT ON activity_tally BEGIN {_moved('new', '+')}END",
    "activity_tally_rollup_ad": f"AFTER DELETE ON activity_tally BEGIN {_moved('old', '-')}END",
    "activity_tally_rollup_au": (f"AFTER UPDATE ON activity_tally WHEN old.activity_id IS new.activity_id "
                                 f"BEGIN {_moved('new', '+', 'old')}END"),
    "activity_tally_rollup_moved": (f"AFTER UPDATE ON activity_tally WHEN old.activity_id IS NOT new.activity_id "
                                    f"BEGIN {_moved('old', '-')}{_moved('new', '+')}END"),
}
for _table, _keys, _of, _where in COUNTS:
    _changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in _keys.values())
    TRIGGERS.update({
        f"{_of}_rollup_ai": f"AFTER INSERT ON {_of} BEGIN {_counted(_table, _keys, 'new', '+', _where)}END",
        f"{_of}_rollup_ad": f"AFTER DELETE ON {_of} BEGIN {_counted(_table, _keys, 'old', '-')}END",
        f"{_of}_rollup_au": (f"AFTER UPDATE OF {', '.join(_keys.values())} ON {_of} WHEN {_changed} BEGIN "
                             f"{_counted(_table, _keys, 'old', '-')}{_counted(_table, _keys, 'new', '+', _where)}END"),
    })


def _refill_sql(table: str) -> str:
    cols, exprs = KEYS[table]
    return (f"INSERT INTO {table} ({', '.join(cols)}, {', '.join(SUMS)}) SELECT {', '.join(exprs)}, COUNT(*), "
            "COALESCE(SUM(a.beneficiaries), 0), COALESCE(SUM(t.n), 0), COALESCE(SUM(t.persons), 0), "
            "COALESCE(SUM(t.minutes), 0) FROM activity a LEFT JOIN activity_tally t ON t.activity_id = a.id "
            f"WHERE a.starts_at IS NOT NULL GROUP BY {', '.join(str(i + 1) for i in range(len(cols)))}")


def refill(db: Any) -> None:
    """Every table recounted from the rows it sums (`db`: a sqlite_utils Database or a sqlite3 connection)."""
    for table in KEYS:
        db.execute(f"DELETE FROM {table}")
        db.execute(_refill_sql(table))
    for table, keys, of, _where in COUNTS:
        cols = ", ".join(keys.values())
        db.execute(f"DELETE FROM {table}")
        db.execute(f"INSERT INTO {table} SELECT {cols}, COUNT(*) FROM {of} WHERE {cols.split(', ')[-1]} IS NOT NULL "
                   f"GROUP BY {cols}")


def step(db: Database) -> None:
    for sql in TABLES:
        db.execute(sql)
    refill(db)
    for name, body in TRIGGERS.items():
        db.execute(f'CREATE TRIGGER IF NOT EXISTS "{name}" {body}')
    for name, (table, columns) in INDEXES.items():
        quoted = ", ".join(f'"{c}"' for c in columns)
        db.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}"({quoted})')
