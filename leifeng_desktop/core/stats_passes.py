"""The activity figures of campaign_stats, shared by the whole figures (by category, form, month, totals) and the
per-unit ones (stats_units), in two statements whatever the scope (issue 18: 400,000 participations at city scale):

1. the scope's activities (the covering index of m010) with their participations summed per activity once (rows,
   distinct members, minutes; the whole covering index read in its order when the scope holds most activities,
   else looked up activity by activity), then each grouping adds those up;
2. the distinct members per unit (volunteers), the activities read unit by unit so that each unit's members are
   told apart among its own participations only (a distinct count does not add up).

Volunteers of the whole: distinct members over the scope's participations. When those are every participation of
the file (their count says so, as a year's file has it) the member index answers alone; else one more read.

`rollup(store, sc)` → {("category"|"form"|"month"|"unit", value) | ("total", None): Sums}.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from .stats_filters import Scope
    from .store import Store

GROUPS = ("category", "form", "month", "unit")
WHOLE_SHARE = 4   # the participations are read whole when the scope holds more than 1/WHOLE_SHARE of activities


class Sums(TypedDict):
    count: int           # activities
    minutes: int         # their participants' minutes
    participants: int    # person-times: one per member and activity
    beneficiaries: int
    volunteers: int      # distinct members (units and the total only; 0 elsewhere)


def _sql(where: str, whole: bool) -> str:
    """The scope's activities with their participations summed per activity (rows, distinct members, minutes),
    then every grouping of them; the total carries the participation rows in its last column."""
    scope = "" if whole else "WHERE activity_id IN (SELECT id FROM a) "
    parts = [f"SELECT '{name}' AS g, {name} AS v, COUNT(*), COALESCE(SUM(minutes), 0), COALESCE(SUM(persons), 0), "
             "COALESCE(SUM(beneficiaries), 0), 0 FROM r GROUP BY 2" for name in GROUPS]
    parts.append("SELECT 'total', NULL, COUNT(*), COALESCE(SUM(minutes), 0), COALESCE(SUM(persons), 0), "
                 "COALESCE(SUM(beneficiaries), 0), COALESCE(SUM(n), 0) FROM r")
    return (f"WITH a AS MATERIALIZED (SELECT id, unit, category, service_form AS form, substr(starts_at, 1, 7) AS "
            f"month, beneficiaries FROM activity WHERE {where}), "
            "pa AS MATERIALIZED (SELECT activity_id, COUNT(*) AS n, COUNT(DISTINCT member_id) AS persons, "
            f"SUM(minutes) AS minutes FROM participant {scope}GROUP BY activity_id), "
            "r AS MATERIALIZED (SELECT a.*, pa.n, pa.minutes, pa.persons FROM a LEFT JOIN pa ON pa.activity_id = a.id) "
            + " UNION ALL ".join(parts))


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


def rollup(store: Store, sc: Scope) -> dict[tuple[str, Any], Sums]:
    """Every activity figure of the scope, keyed by (grouping, value); a value without activities is absent."""
    w, p = sc.activity()
    in_scope, every_activity = store.db.execute(
        f"SELECT (SELECT COUNT(*) FROM activity WHERE {w}), (SELECT COUNT(*) FROM activity)", p).fetchone()
    out: dict[tuple[str, Any], Sums] = {}
    rows = 0
    for g, v, count, minutes, persons, beneficiaries, n in store.db.execute(
            _sql(w, in_scope * WHOLE_SHARE > every_activity), p):
        out[(g, v)] = {"count": count, "minutes": minutes, "participants": persons, "beneficiaries": beneficiaries,
                       "volunteers": 0}
        rows += n
    if not in_scope:
        return out
    every = rows == store.db.execute("SELECT COUNT(*) FROM participant").fetchone()[0]
    units, total = _volunteers(store, w, p, every)
    for unit, volunteers in units.items():
        out[("unit", unit)]["volunteers"] = volunteers
    out[("total", None)]["volunteers"] = total
    return out


def grouped(sums: dict[tuple[str, Any], Sums], group: str) -> list[dict[str, Any]]:
    """The rows of one grouping as a GROUP BY gives them: {group: value, count, minutes}."""
    return [{group: v, "count": s["count"], "minutes": s["minutes"]} for (g, v), s in sums.items() if g == group]
