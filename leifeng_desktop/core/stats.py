"""The campaign dashboard's figures (targets, deadlines, counts), built from SQL aggregates, and the list behind each.

`campaign_stats(store, *, year=None, unit=None, today=None) -> dict` (JSON-serialisable; the keys are stable):

- "year" (int, default the campaign year of the settings), "unit" (the unit scope or None), "today" (ISO date).
- "targets": {"enterprises": {"target", "done", "by_group": [{"group", "group_id", "visits", "done"}]},
  "households": {"target", "done"}}. Targets come from the settings. Enterprises: distinct enterprises visited in
  the year (visits.distinct_enterprises; a group's share counts an enterprise two groups visited in both).
  Households: visits.counted_households, a household with a household visit AND an aid record in the year.
- "teams": {"total", "by_kind": [{"kind", "count"}] (every kind of the list, zeros included), "by_unit": [{"unit",
  "count", "missing_kinds"}] (units with teams or expected to report), "late" (formed after the registration
  deadline), "undated" (no 成立日期), "members" (roster rows of those teams)}. Teams are the standing registry:
  not limited to the year.
- "reporting": {"expected_units", "materials": [{"material", "deadline_key", "deadline", "days_left",
  "days_overdue", "sent", "late", "missing"}], "units": [{"unit", "materials": [{"material", "sent", "date",
  "late"}]}]}. Materials are 登记表 / 实施方案 / 总结材料 (those of the material list with a deadline setting:
  registration_deadline / plan_deadline / summary_deadline). days_left (≥ 0, 0 on the deadline day) or
  days_overdue (> 0) against today; the other is None, both None without a deadline. A unit (unit table,
  应报送 = 1) has sent a material when a submission record (报送记录) of that unit and material is dated in the year;
  `date` is its first one, `late` means after the deadline. Only submission records count: a team registered or
  an exported 登记表 is not a submission. "missing" lists the units that have not sent it (未报送).
- "activities": {"total", "by_category": [{"category", "count", "minutes"}] (every category, zeros included),
  "by_form": [{"form", "count", "minutes"}] (every form; then form None for activities without one, if any),
  "by_month": [{"month": "2026-03", "count", "minutes"}] (the 12 months), "total_minutes", "participants"
  (person-times: a volunteer in an activity once), "volunteers" (distinct members), "beneficiaries"}. Activities
  of the year by 开始时间; minutes are the participants' service minutes.
- "publicity": {"total", "by_kind": [{"kind", "count"}]} dated in the year.
- "aid": {"by_programme": [{"programme", "count", "households", "amount_fen"}] (every programme, zeros included),
  "count", "total_fen", "households" (distinct households helped)} dated in the year. Money is integer fen.
- "demands": {"total", "overdue", "done", "open"}: demands of enterprise visits of the year; overdue by
  visits.overdue_sql against today; done = 已办结; open = not 已办结.
- "honors": {"total", "by_status": [{"status", "count"}], "by_kind": [{"kind", "count"}]} recommended in the year
  (by 推荐日期, or when entered if it has none).
- "visits": {"enterprise_visits", "distinct_enterprises", "household_visits", "households_visited"} in the year.

Lists keyed by a choice list also carry stored values no longer on the list, after the list's own. With a unit
scope only records whose `unit` is that unit count (for teams that column is 所属单位; members go with their team,
participants with their activity, reporting covers that unit only, households counted are those the unit filed).

Every figure is a way in: `filters_for(store, key, …)` gives the list behind a count; see stats_filters.
"""
from __future__ import annotations

import datetime as dt
import json

from . import teams as team_rules
from . import visits
from .stats_filters import REPORT_DEADLINES, FigureFilter, Scope, figure, figure_keys, filters_for  # noqa: F401
from .store import Store


def _one(store: Store, sql: str, params) -> int:
    return store.db.execute(sql, list(params)).fetchone()[0] or 0


def _in_order(rows, key: str, order, zero: dict) -> list[dict]:
    """Rows of a GROUP BY in the choice list's order, zeros for values without rows, then any other value."""
    found = {r[key]: dict(r) for r in rows}
    out = [found.pop(v, {key: v, **zero}) for v in order]
    return out + sorted(found.values(), key=lambda r: (r[key] is None, str(r[key])))


def _count_by(store: Store, table: str, column: str, key: str, cond, order) -> list[dict]:
    w, p = cond
    rows = store.db.query(f'SELECT {column} AS "{key}", COUNT(*) AS count FROM {table} WHERE {w} GROUP BY 1', p)
    return _in_order(rows, key, order, {"count": 0})


def campaign_stats(store: Store, *, year: int | None = None, unit: str | None = None, today=None) -> dict:
    """Every figure of the dashboard (see the module docstring for the keys)."""
    sc = Scope(store, year, unit, today)
    out = {"year": sc.year, "unit": sc.unit, "today": sc.today.isoformat(),
           "targets": _targets(store, sc), "teams": _teams(store, sc), "reporting": _reporting(store, sc),
           "activities": _activities(store, sc), "publicity": _publicity(store, sc), "aid": _aid(store, sc),
           "demands": _demands(store, sc), "honors": _honors(store, sc), "visits": _visits(store, sc)}
    out["visits"]["distinct_enterprises"] = out["targets"]["enterprises"]["done"]
    return out


def _targets(store: Store, sc: Scope) -> dict:
    if sc.unit is None:   # the rules of core.visits, as they are
        done = visits.distinct_enterprises(store, year=sc.year)
        groups = visits.enterprises_by_group(store, year=sc.year)
        households = visits.counted_households(store, sc.year)
    else:                 # the same rules over the unit's own records
        keys = visits.enterprise_keys_sql()
        cond = "substr(k.date, 1, 4) = ? AND k.unit = ?"
        params = [str(sc.year), sc.unit]
        done = _one(store, f"SELECT COUNT(DISTINCT k.enterprise_key) FROM ({keys}) k WHERE {cond}", params)
        groups = store.db.query(
            f'SELECT g.id AS group_id, g.name AS "group", COUNT(k.id) AS visits, COUNT(DISTINCT k.enterprise_key) '
            f"AS enterprises FROM working_group g LEFT JOIN ({keys}) k ON k.group_id = g.id AND {cond} "
            f"GROUP BY g.id ORDER BY g.rowid", params)
        w, p = sc.counted()
        households = _one(store, f"SELECT COUNT(*) FROM household WHERE {w}", p)
    by_group = [{"group": g["group"], "group_id": g["group_id"], "visits": g["visits"], "done": g["enterprises"]}
                for g in groups]
    return {"enterprises": {"target": sc.campaign.get("enterprise_target"), "done": done, "by_group": by_group},
            "households": {"target": sc.campaign.get("household_target"), "done": households}}


def _teams(store: Store, sc: Scope) -> dict:
    w, p = sc.team()
    kinds = sc.choices.get("team_kind", [])
    late = team_rules.lateness_sql(sc.setting_sql("registration_deadline"))
    row = store.db.execute(
        f"SELECT COUNT(*), COALESCE(SUM({late} = '{team_rules.LATE}'), 0), "
        f"COALESCE(SUM({late} = '{team_rules.UNDATED}'), 0) FROM team WHERE {w}", p).fetchone()
    mw, mp = sc.member()
    eu, eup = sc.expected_units()
    units = store.db.query(
        f"SELECT us.u AS unit, COUNT(t.id) AS count, json_group_array(DISTINCT t.kind) AS kinds FROM "
        f"(SELECT unit AS u FROM team WHERE {w} UNION SELECT name FROM unit WHERE {eu}) us "
        f"LEFT JOIN team t ON t.unit = us.u AND t.id IN (SELECT id FROM team WHERE {w}) "
        f"WHERE us.u IS NOT NULL GROUP BY us.u ORDER BY us.u", [*p, *eup, *p])
    by_unit = []
    for u in units:
        formed = set(json.loads(u["kinds"])) - {None}
        by_unit.append({"unit": u["unit"], "count": u["count"], "missing_kinds": [k for k in kinds if k not in formed]})
    return {"total": row[0], "by_kind": _count_by(store, "team", "kind", "kind", (w, p), kinds),
            "by_unit": by_unit, "late": row[1], "undated": row[2],
            "members": _one(store, f"SELECT COUNT(*) FROM member WHERE {mw}", mp)}


def _days(deadline: str | None, today: dt.date) -> tuple[int | None, int | None]:
    if not deadline:
        return None, None
    delta = (dt.date.fromisoformat(str(deadline)[:10]) - today).days
    return (delta, None) if delta >= 0 else (None, -delta)


def _reporting(store: Store, sc: Scope) -> dict:
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
    out_materials, units = [], []
    deadlines = {m: sc.campaign.get(REPORT_DEADLINES[m]) for m in materials}
    for m in materials:
        days_left, days_overdue = _days(deadlines[m], sc.today)
        dates = [got[m] for got in sent.values() if m in got]
        out_materials.append({
            "material": m, "deadline_key": REPORT_DEADLINES[m], "deadline": deadlines[m],
            "days_left": days_left, "days_overdue": days_overdue, "sent": len(dates),
            "late": sum(1 for d in dates if deadlines[m] and d > deadlines[m]),
            "missing": [u for u, got in sent.items() if m not in got]})
    for u, got in sent.items():
        units.append({"unit": u, "materials": [
            {"material": m, "sent": m in got, "date": got.get(m),
             "late": bool(m in got and deadlines[m] and got[m] > deadlines[m])} for m in materials]})
    return {"expected_units": len(sent), "materials": out_materials, "units": units}


_ACTIVITY_GROUP = (
    'SELECT {g} AS "{k}", COUNT(*) AS count, COALESCE(SUM(pm.minutes), 0) AS minutes FROM activity a '
    "LEFT JOIN (SELECT activity_id, SUM(minutes) AS minutes FROM participant GROUP BY activity_id) pm "
    "ON pm.activity_id = a.id WHERE a.id IN (SELECT id FROM activity WHERE {w}) GROUP BY 1")


def _activities(store: Store, sc: Scope) -> dict:
    w, p = sc.activity()
    zero = {"count": 0, "minutes": 0}

    def group(expr: str, key: str, order) -> list[dict]:
        rows = store.db.query(_ACTIVITY_GROUP.format(g=expr, k=key, w=w), p)
        return _in_order(rows, key, order, zero)
    pw, pp = sc.participant()
    part = store.db.execute(
        f"SELECT COALESCE(SUM(minutes), 0), COUNT(DISTINCT member_id), "
        f"(SELECT COUNT(*) FROM (SELECT 1 FROM participant WHERE {pw} GROUP BY activity_id, member_id)) "
        f"FROM participant WHERE {pw}", [*pp, *pp]).fetchone()
    total, beneficiaries = store.db.execute(
        f"SELECT COUNT(*), COALESCE(SUM(beneficiaries), 0) FROM activity WHERE {w}", p).fetchone()
    return {"total": total,
            "by_category": group("a.category", "category", sc.choices.get("service_category", [])),
            "by_form": group("a.service_form", "form", sc.choices.get("service_form", [])),
            "by_month": group("substr(a.starts_at, 1, 7)", "month", sc.months()),
            "total_minutes": part[0], "participants": part[2], "volunteers": part[1],
            "beneficiaries": beneficiaries}


def _publicity(store: Store, sc: Scope) -> dict:
    w, p = sc.publicity()
    return {"total": _one(store, f"SELECT COUNT(*) FROM publicity WHERE {w}", p),
            "by_kind": _count_by(store, "publicity", "kind", "kind", (w, p), sc.choices.get("publicity_kind", []))}


def _aid(store: Store, sc: Scope) -> dict:
    w, p = sc.aid()
    if sc.unit is None:
        by_programme = visits.aid_totals(store, year=sc.year)
    else:
        rows = store.db.query(
            f"SELECT programme, COUNT(*) AS count, COUNT(DISTINCT household_id) AS households, "
            f"COALESCE(SUM(amount), 0) AS amount_fen FROM aid WHERE {w} GROUP BY programme", p)
        by_programme = _in_order(rows, "programme", sc.choices.get("aid_programme", []),
                                 {"count": 0, "households": 0, "amount_fen": 0})
    count, total, households = store.db.execute(
        f"SELECT COUNT(*), COALESCE(SUM(amount), 0), COUNT(DISTINCT household_id) FROM aid WHERE {w}", p).fetchone()
    return {"by_programme": by_programme, "count": count, "total_fen": total, "households": households}


def _demands(store: Store, sc: Scope) -> dict:
    w, p = sc.demand()
    ow, op = sc.overdue()
    row = store.db.execute(
        f"SELECT COUNT(*), COALESCE(SUM({ow}), 0), COALESCE(SUM(status IS '{visits.DONE}'), 0) "
        f"FROM demand WHERE {w}", [*op, *p]).fetchone()
    return {"total": row[0], "overdue": row[1], "done": row[2], "open": row[0] - row[2]}


def _honors(store: Store, sc: Scope) -> dict:
    cond = sc.honor()
    return {"total": _one(store, f"SELECT COUNT(*) FROM honor WHERE {cond[0]}", cond[1]),
            "by_status": _count_by(store, "honor", "status", "status", cond, sc.choices.get("honor_status", [])),
            "by_kind": _count_by(store, "honor", "category", "kind", cond, sc.choices.get("honor_kind", []))}


def _visits(store: Store, sc: Scope) -> dict:
    ew, ep = sc.enterprise_visit()
    hw, hp = sc.household_visit()
    return {"enterprise_visits": _one(store, f"SELECT COUNT(*) FROM enterprise_visit WHERE {ew}", ep),
            "distinct_enterprises": None,   # filled from targets.enterprises.done
            "household_visits": _one(store, f"SELECT COUNT(*) FROM household_visit WHERE {hw}", hp),
            "households_visited": _one(store, f"SELECT COUNT(DISTINCT household_id) FROM household_visit "
                                              f"WHERE {hw}", hp)}
