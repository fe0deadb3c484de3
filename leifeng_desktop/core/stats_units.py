"""The per-unit figures of campaign_stats ("units"): one entry per unit with teams, records in the scope or a
place on the 应报送 list, each figure counted over that unit's records with the rule of the whole figure (so a
column of the 总结材料's 附表 adds up to the figure beside it, except volunteers: one member who served two units'
activities is a volunteer of each).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from . import stats_passes, visits
from .stats_passes import Sums, rollup
from .stats_shape import UnitFigures

if TYPE_CHECKING:
    from .stats_filters import Cond, Scope
    from .store import Store

_ZERO: UnitFigures = {
    "unit": None, "teams": 0, "members": 0, "activities": 0, "participants": 0, "volunteers": 0, "minutes": 0,
    "beneficiaries": 0, "enterprise_visits": 0, "households_visited": 0, "aid_households": 0, "aid_fen": 0,
    "demands": 0, "demands_done": 0, "demands_open": 0, "demands_overdue": 0}


def _queries(sc: Scope, counted: bool) -> list[tuple[str, Cond]]:
    """(SQL grouped by unit, its scope) per source; each SQL's {w} is the scope's condition. `counted`: schema step
    m013's team_member_tally is in the file."""
    done = visits.DONE
    overdue = sc.overdue()
    members = ("SELECT members FROM team_member_tally WHERE team_member_tally.team_id = team.id" if counted
               else "SELECT COUNT(*) FROM member WHERE member.team_id = team.id")   # on the roster index
    return [
        # a team's members (not the members joined to their teams)
        (f"SELECT unit, COUNT(*) AS teams, COALESCE(SUM(({members})), 0) AS members FROM team WHERE {{w}} "
         "GROUP BY unit", sc.team()),
        ("SELECT unit, COUNT(*) AS enterprise_visits FROM enterprise_visit WHERE {w} GROUP BY unit",
         sc.enterprise_visit()),
        ("SELECT unit, COUNT(DISTINCT household_id) AS households_visited FROM household_visit WHERE {w} "
         "GROUP BY unit", sc.household_visit()),
        ("SELECT unit, COUNT(DISTINCT household_id) AS aid_households, COALESCE(SUM(amount), 0) AS aid_fen "
         "FROM aid WHERE {w} GROUP BY unit", sc.aid()),
        (f"SELECT unit, COUNT(*) AS demands, COALESCE(SUM(status IS '{done}'), 0) AS demands_done, "
         f"COALESCE(SUM(status IS NOT '{done}'), 0) AS demands_open, COALESCE(SUM({overdue[0]}), 0) "
         "AS demands_overdue FROM demand WHERE {w} GROUP BY unit", _with_first(overdue, sc.demand())),
    ]


def _with_first(first: Cond, cond: Cond) -> Cond:
    """`cond` whose parameters follow those of `first`, which stands before it in the SQL."""
    return cond[0], [*first[1], *cond[1]]


def unit_figures(store: Store, sc: Scope, acts: dict[tuple[str, Any], Sums] | None = None) -> list[UnitFigures]:
    """The per-unit entries, by unit name (records with no unit last, as unit None); `acts` is the scope's
    stats_passes.rollup when the caller has it already."""
    found: dict[str | None, dict[str, Any]] = {}
    for (group, unit), sums in (rollup(store, sc) if acts is None else acts).items():
        if group == "unit":
            found.setdefault(unit, {}).update(
                {"activities": sums["count"], "beneficiaries": sums["beneficiaries"], "minutes": sums["minutes"],
                 "participants": sums["participants"], "volunteers": sums["volunteers"]})
    for sql, (w, p) in _queries(sc, "team_member_tally" in stats_passes.present(store)):
        for row in store.db.query(sql.replace("{w}", w), p):
            entry = found.setdefault(row["unit"], {})
            entry.update({k: v for k, v in row.items() if k != "unit"})
    eu, eup = sc.expected_units()
    for row in store.db.query(f"SELECT name FROM unit WHERE {eu}", eup):
        found.setdefault(row["name"], {})
    out: list[UnitFigures] = []
    for unit in sorted(found, key=lambda u: (u is None, u or "")):
        out.append(cast(UnitFigures, {**_ZERO, **found[unit], "unit": unit}))
    return out
