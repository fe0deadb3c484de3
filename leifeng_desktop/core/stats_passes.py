"""The activity figures of campaign_stats, shared by the whole figures (by category, form, month, totals) and the
per-unit ones (stats_units), whatever the scope (issue 18: 400,000 participations at city scale):

1. the scope's activities (the covering index of m010) with their participations summed per activity (rows,
   distinct members, minutes: schema step m012's activity_tally, kept by triggers; without it, summed here from
   the participations), then each grouping adds those up; of a whole year (no unit) none of that: schema step
   m013's sums per unit and per category/form/month, kept by triggers, added up by year;
2. the distinct members per unit (volunteers) and of the whole: of a year (with or without a unit) m012's
   unit_volunteer and year_volunteer rows counted (of a whole year, m013's counts of those rows); of a period,
   the activities read unit by unit so that each unit's members are told apart among its own participations only
   (a distinct count does not add up), those of the whole from the member index when the scope holds every
   participation, else one more read.

`rollup(store, sc)` → {("category"|"form"|"month"|"unit", value) | ("total", None): Sums}.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from .migrate_rollups import NAMES as ROLLUPS
from .migrate_tallies import NAMES

if TYPE_CHECKING:
    from .stats_filters import Scope
    from .store import Store

WHOLE_SHARE = 4   # the participations are read whole when the scope holds more than 1/WHOLE_SHARE of activities


class Sums(TypedDict):
    count: int           # activities
    minutes: int         # their participants' minutes
    participants: int    # person-times: one per member and activity
    beneficiaries: int
    volunteers: int      # distinct members (units and the total only; 0 elsewhere)


def _sql(where: str, whole: bool, tallied: bool) -> str:
    """The scope's activities with their participations summed per activity (rows, distinct members, minutes),
    then grouped twice: by unit, and by category, form and month together (rollup adds those up: a sort of the
    activities costs more than folding the few hundred groups in Python)."""
    sums = "COUNT(*), SUM(minutes), SUM(persons), SUM(beneficiaries), SUM(n)"
    tail = (f"SELECT 1, unit, NULL, NULL, {sums} FROM r GROUP BY unit "
            f"UNION ALL SELECT 0, category, form, month, {sums} FROM r GROUP BY 2, 3, 4")
    if tallied:   # `where` names the activity's columns only: the tally has none of those names
        return ("WITH r AS MATERIALIZED (SELECT activity.unit, activity.category, activity.service_form AS form, "
                "substr(activity.starts_at, 1, 7) AS month, activity.beneficiaries, pa.n, pa.minutes, pa.persons "
                f"FROM activity LEFT JOIN activity_tally pa ON pa.activity_id = activity.id WHERE {where}) " + tail)
    scope = "" if whole else "WHERE activity_id IN (SELECT id FROM a) "
    return (f"WITH a AS MATERIALIZED (SELECT id, unit, category, service_form AS form, substr(starts_at, 1, 7) AS "
            f"month, beneficiaries FROM activity WHERE {where}), "
            "r AS MATERIALIZED (SELECT a.*, pa.n, pa.minutes, pa.persons FROM a LEFT JOIN (SELECT activity_id, "
            "COUNT(*) AS n, COUNT(DISTINCT member_id) AS persons, SUM(minutes) AS minutes FROM participant "
            f"{scope}GROUP BY activity_id) pa ON pa.activity_id = a.id) " + tail)


def present(store: Store) -> frozenset[str]:
    """Which of the tally tables of steps m012 and m013 are in the file (one opened as it is, not upgraded, may
    lack them)."""
    every = sorted(NAMES | ROLLUPS)
    return frozenset(r[0] for r in store.db.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ({', '.join('?' * len(every))})", every))


def tallied(store: Store) -> bool:
    """Schema step m012's tallies are in the file."""
    return NAMES <= present(store)


# a year's groupings, each as rollup keys it, from m013's sums (the few hundred group rows added up by SQL)
_ROLLED_SUMS = "SUM(activities), SUM(minutes), SUM(persons), SUM(beneficiaries)"
ROLLED = " UNION ALL ".join(
    ["SELECT 'unit', unit, activities, minutes, persons, beneficiaries FROM activity_unit_tally WHERE year = ?"]
    + [f"SELECT '{g}', {c}, {_ROLLED_SUMS} FROM activity_group_tally WHERE year = ? GROUP BY {c}"
       for g, c in (("category", "category"), ("form", "form"), ("month", "month"))])


def _tallied_volunteers(store: Store, sc: Scope, rolled: bool) -> tuple[dict[Any, int], int]:
    """(unit → distinct members, distinct members of the scope) of a year's scope, from m012's tallies (`rolled`:
    their rows as m013 counts them)."""
    year = str(sc.year)
    if sc.unit is not None:
        n = store.db.execute("SELECT COUNT(*) FROM unit_volunteer WHERE year = ? AND unit = ?",
                             [year, sc.unit]).fetchone()[0]
        return ({sc.unit: n} if n else {}), n
    if rolled:
        units = dict(store.db.execute("SELECT unit, volunteers FROM unit_volunteer_tally WHERE year = ?", [year]))
        total = store.db.execute("SELECT volunteers FROM year_volunteer_tally WHERE year = ?", [year]).fetchone()
        return units, total[0] if total else 0
    units = {r[0]: r[1] for r in store.db.execute(
        "SELECT unit, COUNT(*) FROM unit_volunteer WHERE year = ? GROUP BY unit", [year])}
    return units, store.db.execute("SELECT COUNT(*) FROM year_volunteer WHERE year = ?", [year]).fetchone()[0]


def _volunteers(store: Store, where: str, params: list[Any], every: bool) -> tuple[dict[Any, int], int]:
    """(unit → distinct members, distinct members of the whole scope); `every`: the scope's participations are
    all the file's."""
    units = {r[0]: r[1] for r in store.db.execute(
        "SELECT a.unit, COUNT(DISTINCT p.member_id) FROM (SELECT id, unit FROM activity "
        f"WHERE {where}) a CROSS JOIN participant p ON p.activity_id = a.id GROUP BY a.unit", params)}
    if every:
        total = store.db.execute("SELECT COUNT(DISTINCT member_id) FROM participant").fetchone()[0]
    else:
        total = store.db.execute("SELECT COUNT(DISTINCT member_id) FROM participant WHERE activity_id IN "
                                 f"(SELECT id FROM activity WHERE {where})", params).fetchone()[0]
    return units, total


def _zero() -> Sums:
    return {"count": 0, "minutes": 0, "participants": 0, "beneficiaries": 0, "volunteers": 0}


def _add(into: Sums, count: int, minutes: int | None, persons: int | None, beneficiaries: int | None) -> None:
    into["count"] += count
    into["minutes"] += minutes or 0
    into["participants"] += persons or 0
    into["beneficiaries"] += beneficiaries or 0


def _sums(store: Store, sql: str, params: list[Any]) -> tuple[dict[tuple[str, Any], Sums], int]:
    """The groupings keyed as rollup gives them, and the participation rows of the scope."""
    out: dict[tuple[str, Any], Sums] = {("total", None): _zero()}
    rows = 0
    for by_unit, v1, v2, v3, count, minutes, persons, beneficiaries, n in store.db.execute(sql, params):
        if by_unit:
            out[("unit", v1)] = _zero()
            _add(out[("unit", v1)], count, minutes, persons, beneficiaries)
            _add(out[("total", None)], count, minutes, persons, beneficiaries)
            rows += n or 0
            continue
        for key in (("category", v1), ("form", v2), ("month", v3)):
            _add(out[key] if key in out else out.setdefault(key, _zero()), count, minutes, persons, beneficiaries)
    return out, rows


def _rolled(store: Store, year: int) -> dict[tuple[str, Any], Sums]:
    """_sums of a whole year, from m013's sums."""
    out: dict[tuple[str, Any], Sums] = {("total", None): _zero()}
    for group, value, count, minutes, persons, beneficiaries in store.db.execute(ROLLED, [str(year)] * 4):
        _add(out.setdefault((group, value), _zero()), count, minutes, persons, beneficiaries)
        if group == "unit":
            _add(out[("total", None)], count, minutes, persons, beneficiaries)
    return out


def rollup(store: Store, sc: Scope) -> dict[tuple[str, Any], Sums]:
    """Every activity figure of the scope, keyed by (grouping, value); a value without activities is absent."""
    w, p = sc.activity()
    tallies = tallied(store)   # separately: the tests compare with the figures counted without the tallies
    rolled = tallies and ROLLUPS <= present(store)
    if rolled and sc.unit is None and not sc.by_period:
        out, rows = _rolled(store, sc.year), 0   # a whole year: m013's sums, no activity read
    else:
        if tallies:
            whole = True   # the tally is read by activity id whatever the scope's share
        else:
            in_scope, every_activity = store.db.execute(
                f"SELECT (SELECT COUNT(*) FROM activity WHERE {w}), (SELECT COUNT(*) FROM activity)", p).fetchone()
            whole = in_scope * WHOLE_SHARE > every_activity
        out, rows = _sums(store, _sql(w, whole, tallies), p)
    if not out[("total", None)]["count"]:
        return out
    if tallies and not sc.by_period:
        units, total = _tallied_volunteers(store, sc, rolled)
    else:
        every = rows == store.db.execute("SELECT COUNT(*) FROM participant").fetchone()[0]
        units, total = _volunteers(store, w, p, every)
    for unit, volunteers in units.items():
        out[("unit", unit)]["volunteers"] = volunteers
    out[("total", None)]["volunteers"] = total
    return out


def grouped(sums: dict[tuple[str, Any], Sums], group: str) -> list[dict[str, Any]]:
    """The rows of one grouping as a GROUP BY gives them: {group: value, count, minutes}."""
    return [{group: v, "count": s["count"], "minutes": s["minutes"]} for (g, v), s in sums.items() if g == group]
