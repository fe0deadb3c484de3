"""The activity figures of campaign_stats in one pass over activities and participations, shared by the whole
figures (by category, form, month, totals) and the per-unit ones (stats_units): participations are aggregated
per activity once (minutes, person-times), then each grouping adds those up; volunteers (distinct members, for
the whole and per unit) take one more pass, since a distinct count does not add up.

`rollup(store, sc)` → {("category"|"form"|"month"|"unit", value) | ("total", None): Sums}.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from .stats_filters import Scope
    from .store import Store

GROUPS = (("category", "category"), ("form", "service_form"), ("month", "month"), ("unit", "unit"))


class Sums(TypedDict):
    count: int           # activities
    minutes: int         # their participants' minutes
    participants: int    # person-times: one per member and activity
    beneficiaries: int
    volunteers: int      # distinct members (units and the total only; 0 elsewhere)


def _sql(where: str) -> str:
    """Activities in scope with their participations summed per activity, then every grouping of them."""
    parts = [f"SELECT '{name}' AS g, {column} AS v, COUNT(*), COALESCE(SUM(minutes), 0), "
             "COALESCE(SUM(persons), 0), COALESCE(SUM(beneficiaries), 0), 0 FROM r GROUP BY 2"
             for name, column in GROUPS]
    parts.append("SELECT 'total', NULL, COUNT(*), COALESCE(SUM(minutes), 0), COALESCE(SUM(persons), 0), "
                 "COALESCE(SUM(beneficiaries), 0), 0 FROM r")
    parts.append("SELECT 'unit', unit, 0, 0, 0, 0, COUNT(*) FROM um GROUP BY unit")
    parts.append("SELECT 'total', NULL, 0, 0, 0, 0, COUNT(DISTINCT member_id) FROM um")
    return (f"WITH a AS MATERIALIZED (SELECT id, unit, category, service_form, substr(starts_at, 1, 7) AS month, "
            f"beneficiaries FROM activity WHERE {where}), "
            "pa AS (SELECT activity_id, SUM(minutes) AS minutes, COUNT(DISTINCT member_id) AS persons "
            "FROM participant WHERE activity_id IN (SELECT id FROM a) GROUP BY activity_id), "
            "r AS MATERIALIZED (SELECT a.*, pa.minutes, pa.persons FROM a LEFT JOIN pa ON pa.activity_id = a.id), "
            "um AS MATERIALIZED (SELECT DISTINCT a.unit, p.member_id FROM a JOIN participant p "
            "ON p.activity_id = a.id) " + " UNION ALL ".join(parts))


def rollup(store: Store, sc: Scope) -> dict[tuple[str, Any], Sums]:
    """Every activity figure of the scope, keyed by (grouping, value); a value without activities is absent."""
    w, p = sc.activity()
    out: dict[tuple[str, Any], Sums] = {}
    for g, v, count, minutes, persons, beneficiaries, volunteers in store.db.execute(_sql(w), p):
        sums = out.setdefault((g, v), {"count": 0, "minutes": 0, "participants": 0, "beneficiaries": 0,
                                       "volunteers": 0})
        sums["count"] += count
        sums["minutes"] += minutes
        sums["participants"] += persons
        sums["beneficiaries"] += beneficiaries
        sums["volunteers"] += volunteers
    return out


def grouped(sums: dict[tuple[str, Any], Sums], group: str) -> list[dict[str, Any]]:
    """The rows of one grouping as a GROUP BY gives them: {group: value, count, minutes}."""
    return [{group: v, "count": s["count"], "minutes": s["minutes"]} for (g, v), s in sums.items() if g == group]
