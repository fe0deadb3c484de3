"""The campaign dashboard's figures (targets, deadlines, counts), built from SQL aggregates, and the list behind each.

`campaign_stats(store, *, year=None, unit=None, today=None) -> CampaignStats`: plain dicts and lists (JSON as they
are; the CLI's `stats --json` prints them) shaped by the TypedDicts of stats_shape, whose comments say what each
figure counts. Keys keep their order.

Figures are of the year (default the campaign year of the settings), except teams: the standing registry. Lists
keyed by a choice list hold every value of the list in its order (zeros included), then stored values no longer on
the list. With a unit scope only records whose `unit` is that unit count (for teams that column is 所属单位;
members go with their team, participants with their activity, reporting covers that unit only, households counted
are those the unit filed).

Every figure is a way in: `filters_for(store, key, …)` gives the list behind a count; see stats_filters.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from . import stats_passes as passes
from . import teams as team_rules
from . import visits
from .stats_filters import REPORT_DEADLINES, Cond, FigureFilter, Scope, figure, figure_keys, filters_for
from .stats_shape import (
    Activities,
    Aid,
    CampaignStats,
    Demands,
    GroupShare,
    Honors,
    Material,
    Publicity,
    Reporting,
    Targets,
    Teams,
    UnitFigures,
    UnitReport,
    UnitTeams,
    Visits,
)
from .stats_units import unit_figures
from .store import Store

AWARDED = "表彰"   # the honor_status that counts as awarded (core.texts.AWARDED)

# the figures' lists are stats_filters' work, offered here beside the figures
__all__ = ["REPORT_DEADLINES", "FigureFilter", "Scope", "campaign_stats", "figure", "figure_keys", "filters_for"]


def _one(store: Store, sql: str, params: Iterable[Any]) -> int:
    value: int = store.db.execute(sql, list(params)).fetchone()[0] or 0
    return value


def _in_order(rows: Iterable[Mapping[str, Any]], key: str, order: Iterable[object], zero: dict[str, int]) -> list[Any]:
    """Rows of a GROUP BY in the choice list's order, zeros for values without rows, then any other value."""
    found = {r[key]: dict(r) for r in rows}
    out = [found.pop(v, {key: v, **zero}) for v in order]
    return out + sorted(found.values(), key=lambda r: (r[key] is None, str(r[key])))


def _count_by(store: Store, table: str, column: str, key: str, cond: Cond, order: Iterable[object]) -> list[Any]:
    w, p = cond
    rows = store.db.query(f'SELECT {column} AS "{key}", COUNT(*) AS count FROM {table} WHERE {w} GROUP BY 1', p)
    return _in_order(rows, key, order, {"count": 0})


def campaign_stats(store: Store, *, year: int | None = None, unit: str | None = None,
                   today: dt.date | str | None = None, date_from: dt.date | str | None = None,
                   date_to: dt.date | str | None = None) -> CampaignStats:
    """Every figure of the dashboard (CampaignStats says what each counts), of the year or of the period
    date_from–date_to (dated records only; targets, deadlines and reporting stay the year's)."""
    sc = Scope(store, year, unit, today, date_from, date_to)
    enterprises = visits.enterprise_counts(store, *sc.enterprise_visit())   # one read of the visits
    acts = passes.rollup(store, sc)   # activities and participations read once for every activity figure
    units = unit_figures(store, sc, acts)   # members and demands of the whole are these added up
    return {"year": sc.year, "unit": sc.unit, "today": sc.today.isoformat(),
            "period": {"from": sc.date_from, "to": sc.date_to},
            "targets": _targets(store, sc, enterprises), "teams": _teams(store, sc, units),
            "reporting": _reporting(store, sc), "activities": _activities(sc, acts), "publicity": _publicity(store, sc),
            "aid": _aid(store, sc), "demands": _demands(units), "honors": _honors(store, sc),
            "visits": _visits(store, sc, enterprises), "units": units}


def _shares(target: int | None, n: int) -> list[int | None]:
    """The enterprise target split over n working groups as evenly as it goes (the first groups take the rest)."""
    if not target or not n:
        return [None] * n
    return [target // n + (1 if i < target % n else 0) for i in range(n)]


def _targets(store: Store, sc: Scope, enterprises: tuple[int, int, list[dict[str, Any]]]) -> Targets:
    """The rules of core.visits over the scope's records (the year's, a unit's own, or the period's)."""
    _visits_n, done, groups = enterprises
    if sc.unit is None and not sc.by_period:
        households = visits.counted_households(store, sc.year)
    else:
        w, p = sc.counted()
        households = _one(store, f"SELECT COUNT(*) FROM household WHERE {w}", p)
    shares = _shares(sc.campaign.get("enterprise_target"), len(groups))
    by_group: list[GroupShare] = [
        {"group": g["group"], "group_id": g["group_id"], "visits": g["visits"], "done": g["enterprises"],
         "share": share} for g, share in zip(groups, shares)]
    return {"enterprises": {"target": sc.campaign.get("enterprise_target"), "done": done, "by_group": by_group},
            "households": {"target": sc.campaign.get("household_target"), "done": households}}


def _teams(store: Store, sc: Scope, per_unit: list[UnitFigures]) -> Teams:
    w, p = sc.team()
    kinds = sc.choices.get("team_kind", [])
    late = team_rules.lateness_sql(sc.setting_sql("registration_deadline"))
    row = store.db.execute(
        f"SELECT COUNT(*), COALESCE(SUM({late} = '{team_rules.LATE}'), 0), "
        f"COALESCE(SUM({late} = '{team_rules.UNDATED}'), 0) FROM team WHERE {w}", p).fetchone()
    eu, eup = sc.expected_units()
    units = store.db.query(
        f"SELECT us.u AS unit, COUNT(t.id) AS count, json_group_array(DISTINCT t.kind) AS kinds FROM "
        f"(SELECT unit AS u FROM team WHERE {w} UNION SELECT name FROM unit WHERE {eu}) us "
        f"LEFT JOIN team t ON t.unit = us.u AND t.id IN (SELECT id FROM team WHERE {w}) "
        f"WHERE us.u IS NOT NULL GROUP BY us.u ORDER BY us.u", [*p, *eup, *p])
    by_unit: list[UnitTeams] = []
    for u in units:
        formed = set(json.loads(u["kinds"])) - {None}
        by_unit.append({"unit": u["unit"], "count": u["count"], "missing_kinds": [k for k in kinds if k not in formed]})
    return {"total": row[0], "by_kind": _count_by(store, "team", "kind", "kind", (w, p), kinds),
            "by_unit": by_unit, "late": row[1], "undated": row[2],
            "members": sum(u["members"] for u in per_unit)}   # each member counted joins its team, of one unit


def _days(deadline: str | None, today: dt.date) -> tuple[int | None, int | None]:
    if not deadline:
        return None, None
    delta = (dt.date.fromisoformat(str(deadline)[:10]) - today).days
    return (delta, None) if delta >= 0 else (None, -delta)


def _after(day: str, deadline: str | None) -> bool:
    """Sent after the deadline (no deadline: never late)."""
    return bool(deadline and day > deadline)


def _reporting(store: Store, sc: Scope) -> Reporting:
    materials = sc.report_materials()
    eu, eup = sc.expected_units()
    marks = ", ".join("?" * len(materials)) or "NULL"
    rows = store.db.query(
        f"SELECT u.name AS unit, s.material AS material, MIN(s.date) AS date FROM unit u "
        f"LEFT JOIN submission s ON s.unit = u.name AND substr(s.date, 1, 4) = ? AND s.material IN ({marks}) "
        f"WHERE u.rowid IN (SELECT rowid FROM unit WHERE {eu}) GROUP BY u.name, s.material ORDER BY u.name",
        [str(sc.year), *materials, *eup])
    sent: dict[str, dict[str, str]] = {}
    for r in rows:
        got = sent.setdefault(r["unit"], {})
        if r["material"] is not None:
            got[r["material"]] = r["date"]
    out_materials: list[Material] = []
    units: list[UnitReport] = []
    deadlines = {m: sc.campaign.get(REPORT_DEADLINES[m]) for m in materials}
    for m in materials:
        days_left, days_overdue = _days(deadlines[m], sc.today)
        dates = [got[m] for got in sent.values() if m in got]
        out_materials.append({
            "material": m, "deadline_key": REPORT_DEADLINES[m], "deadline": deadlines[m],
            "days_left": days_left, "days_overdue": days_overdue, "sent": len(dates),
            "late": sum(1 for d in dates if _after(d, deadlines[m])),
            "missing": [u for u, got in sent.items() if m not in got]})
    for u, got in sent.items():
        units.append({"unit": u, "materials": [
            {"material": m, "sent": m in got, "date": got.get(m),
             "late": m in got and _after(got[m], deadlines[m])} for m in materials]})
    return {"expected_units": len(sent), "materials": out_materials, "units": units}


def _activities(sc: Scope, acts: dict[tuple[str, Any], passes.Sums]) -> Activities:
    zero = {"count": 0, "minutes": 0}
    total = acts.get(("total", None)) or {"count": 0, "minutes": 0, "participants": 0, "beneficiaries": 0,
                                          "volunteers": 0}
    return {"total": total["count"],
            "by_category": _in_order(passes.grouped(acts, "category"), "category",
                                     sc.choices.get("service_category", []), zero),
            "by_form": _in_order(passes.grouped(acts, "form"), "form", sc.choices.get("service_form", []), zero),
            "by_month": _in_order(passes.grouped(acts, "month"), "month", sc.months(), zero),
            "total_minutes": total["minutes"], "participants": total["participants"],
            "volunteers": total["volunteers"], "beneficiaries": total["beneficiaries"]}


def _publicity(store: Store, sc: Scope) -> Publicity:
    w, p = sc.publicity()
    return {"total": _one(store, f"SELECT COUNT(*) FROM publicity WHERE {w}", p),
            "by_kind": _count_by(store, "publicity", "kind", "kind", (w, p), sc.choices.get("publicity_kind", []))}


def _aid(store: Store, sc: Scope) -> Aid:
    w, p = sc.aid()
    by_programme: list[Any] = (visits.aid_totals(store, year=sc.year) if sc.unit is None and not sc.by_period
                               else _unit_programmes(store, sc, w, p))
    count, total, households = store.db.execute(
        f"SELECT COUNT(*), COALESCE(SUM(amount), 0), COUNT(DISTINCT household_id) FROM aid WHERE {w}", p).fetchone()
    return {"by_programme": by_programme, "count": count, "total_fen": total, "households": households}


def _unit_programmes(store: Store, sc: Scope, w: str, p: list[Any]) -> list[Any]:
    rows = store.db.query(
        f"SELECT programme, COUNT(*) AS count, COUNT(DISTINCT household_id) AS households, "
        f"COALESCE(SUM(amount), 0) AS amount_fen FROM aid WHERE {w} GROUP BY programme", p)
    return _in_order(rows, "programme", sc.choices.get("aid_programme", []),
                     {"count": 0, "households": 0, "amount_fen": 0})


def _demands(units: list[UnitFigures]) -> Demands:
    """The per-unit counts (stats_units, the same rules) added up: every demand is of one unit or of none."""
    total, done = sum(u["demands"] for u in units), sum(u["demands_done"] for u in units)
    return {"total": total, "overdue": sum(u["demands_overdue"] for u in units), "done": done, "open": total - done}


def _honors(store: Store, sc: Scope) -> Honors:
    w, p = sc.honor()
    rows = store.db.query(f'SELECT category AS kind, COUNT(*) AS count, COALESCE(SUM(status IS ?), 0) AS awarded '
                          f"FROM honor WHERE {w} GROUP BY 1", [AWARDED, *p])
    return {"total": _one(store, f"SELECT COUNT(*) FROM honor WHERE {w}", p),
            "by_status": _count_by(store, "honor", "status", "status", (w, p), sc.choices.get("honor_status", [])),
            "by_kind": _in_order(rows, "kind", sc.choices.get("honor_kind", []), {"count": 0, "awarded": 0})}


def _visits(store: Store, sc: Scope, enterprises: tuple[int, int, list[dict[str, Any]]]) -> Visits:
    hw, hp = sc.household_visit()
    row = store.db.execute(f"SELECT COUNT(*), COUNT(DISTINCT household_id) FROM household_visit WHERE {hw}",
                           hp).fetchone()
    return {"enterprise_visits": enterprises[0], "distinct_enterprises": enterprises[1],
            "household_visits": row[0], "households_visited": row[1]}
