"""Every dashboard figure is a way in: the scope of the statistics as SQL, and the list of records behind a count.

A figure is named by its key: its path in the dict of stats.campaign_stats, stepping into a list by the entry's
name (kind, unit, category, form, month, programme, status, material; a working group by its id or name):

    ("teams", "late")                                   team       formed after the registration deadline
    ("activities", "by_category", "扶老助残")            activity   of that category in the year
    ("demands", "overdue")                              demand     past the reply deadline, not 已办结
    ("reporting", "materials", "登记表", "missing")     unit       expected units that have not sent it
    ("reporting", "登记表", "missing")                  the same (short form)
    ("units", "XX市供电公司工会", "activities")          activity   the figure of ("activities", "total") for the unit

`filters_for(store, key, *, year=None, unit=None, today=None) -> FigureFilter(record_type, where, params, label)`
takes the arguments of campaign_stats. `where` is SQL over the record type's own table with positional `?`
parameters, for RecordListModel.set_where(where, params) or Store.count(record_type, where=…, params=…); `label`
is a Chinese caption for the list. The count of those records equals the figure. Where a figure counts distinct
things, the list has one row per thing: distinct enterprises show each enterprise's first visit in the year (a
snapshot of ids, see first_visits), person-times one participant row per volunteer and activity. Sums (minutes,
fen, beneficiaries) have no filter of their own: their rows are those of the count beside them. An unknown key
raises KeyError.

`figure_keys(stats)` lists every key of a stats dict that has a list behind it; `figure(stats, key)` reads the
number a key names (an entry's "count", "done" for the targets; a list of unit names counts its names).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from . import teams as team_rules
from . import visits
from .filters import setting_sql
from .store import Store

# material → the setting that holds its deadline (the material list's entries that have one are reported on)
REPORT_DEADLINES = {"登记表": "registration_deadline", "实施方案": "plan_deadline", "总结材料": "summary_deadline",
                    "数据包": "bundle_deadline"}   # a merged bundle records its 数据包 submission (bundle_merge)
NAME_FIELDS = ("group_id", "group", "kind", "unit", "material", "category", "form", "month", "programme", "status")
Cond = tuple[str, list[Any]]


class FigureFilter(NamedTuple):
    record_type: str
    where: str
    params: tuple[Any, ...]
    label: str


def _as_date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError(f"日期“{value}”无法识别，应写作 2026-08-25") from None


def _and(cond: Cond, sql: str, *params: Any) -> Cond:
    return f"{cond[0]} AND {sql}", [*cond[1], *params]


def _in(column: str, table: str, cond: Cond) -> Cond:
    return f"{column} IN (SELECT id FROM {table} WHERE {cond[0]})", list(cond[1])


class Scope:
    """The year, unit and day the statistics are about, and each record type's share of them as SQL over the
    type's own table (unqualified column names, positional parameters)."""

    def __init__(self, store: Store, year: int | str | None = None, unit: str | None = None,
                 today: dt.date | str | None = None, date_from: dt.date | str | None = None,
                 date_to: dt.date | str | None = None):
        self.store = store
        self.campaign = store.settings.campaign()
        self.choices = store.settings.choices()
        self.today = _as_date(today) or dt.date.today()
        start, end = _as_date(date_from), _as_date(date_to)
        if start and end and start > end:
            raise ValueError(f"起始日期 {start.isoformat()} 晚于截止日期 {end.isoformat()}")
        given = start or end
        self.year = int(year if year is not None else given.year if given
                        else (self.campaign.get("year") or self.today.year))
        # the period the dated records are counted in: the given days, an open end filled from the year; without
        # either, the year by substr (the year stays for targets, deadlines and reporting)
        self.by_period = given is not None
        self.date_from = (start or dt.date((end or given or dt.date(self.year, 1, 1)).year, 1, 1)).isoformat()
        self.date_to = (end or dt.date((start or given or dt.date(self.year, 1, 1)).year, 12, 31)).isoformat()
        self.unit = (unit or "").strip() or None
        self.reply_days = visits.reply_days(store)

    setting_sql = staticmethod(setting_sql)   # a saved list filter follows a changed setting

    def months(self) -> list[str]:
        """The months of the period (all 12 of the year without one)."""
        y, m = int(self.date_from[:4]), int(self.date_from[5:7])
        out = []
        while f"{y}-{m:02d}" <= self.date_to[:7]:
            out.append(f"{y}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def dated(self, date_expr: str) -> Cond:
        """`date_expr` within the period (its date part), else within the year."""
        if self.by_period:
            return f"substr({date_expr}, 1, 10) BETWEEN ? AND ?", [self.date_from, self.date_to]
        return f"substr({date_expr}, 1, 4) = ?", [str(self.year)]

    def report_materials(self) -> list[str]:
        return [m for m in self.choices.get("material", []) if m in REPORT_DEADLINES]

    def own(self, date_expr: str | None = None, unit_col: str = "unit") -> Cond:
        conds: list[str] = []
        params: list[Any] = []
        if date_expr:
            sql, args = self.dated(date_expr)
            conds.append(sql)
            params += args
        if self.unit is not None:
            conds.append(f"{unit_col} = ?")
            params.append(self.unit)
        return " AND ".join(conds) or "1 = 1", params

    def of(self, record_type: str) -> Cond:
        cond: Cond = getattr(self, record_type)()
        return cond

    def team(self) -> Cond:
        return self.own()

    def member(self) -> Cond:
        return _in("team_id", "team", self.team())

    def activity(self) -> Cond:
        return self.own("starts_at")

    def participant(self) -> Cond:
        return _in("activity_id", "activity", self.activity())

    def publicity(self) -> Cond:
        return self.own("date")

    def aid(self) -> Cond:
        return self.own("date")

    def enterprise_visit(self) -> Cond:
        return self.own("date")

    def household_visit(self) -> Cond:
        return self.own("date")

    def honor(self) -> Cond:
        return self.own("COALESCE(NULLIF(recommended_on, ''), created_at)")

    def demand(self) -> Cond:
        sql, args = self.dated("date")
        return _and(self.own(), f"visit_id IN (SELECT id FROM enterprise_visit WHERE {sql})", *args)

    def overdue(self) -> Cond:
        return visits.overdue_sql("?", int(self.reply_days), table="demand"), [self.today.isoformat()]

    def counted(self) -> Cond:
        """Households that count toward the target (the rule of visits.counted_households_sql: visited and helped,
        both in the year, or both in the period)."""
        if not self.by_period:
            return _and(self.own(), f"id IN ({visits.counted_households_sql('?')})", str(self.year), str(self.year))
        (v, vp), (a, ap) = self.dated("v.date"), self.dated("a.date")
        return _and(self.own(), f"id IN (SELECT h.id FROM household h WHERE EXISTS (SELECT 1 FROM household_visit v "
                                f"WHERE v.household_id = h.id AND {v}) AND EXISTS (SELECT 1 FROM aid a "
                                f"WHERE a.household_id = h.id AND {a}))", *vp, *ap)

    def expected_units(self) -> Cond:
        return _and(self.own(unit_col="name"), "expected = 1")


def first_visits(sc: Scope, group: str | None = None) -> Cond:
    """`id IN (…)`: each distinct enterprise's first visit in the scope (by date, then id), of one group (id or name)
    if given. A snapshot of ids: the keys are visits.visit_keys' (the rule of visits.enterprise_keys_sql)."""
    cond, params = sc.own("date")
    if group is not None:
        cond = f"{cond} AND group_id IN (SELECT id FROM working_group WHERE id = ? OR name = ?)"
        params = [*params, group, group]
    first: dict[str, tuple[bool, str, str]] = {}
    for visit_id, _group, date, key in visits.visit_keys(sc.store, cond, params):
        order = (date is not None, str(date or ""), visit_id)   # SQLite's order: NULL first
        if key not in first or order < first[key]:
            first[key] = order
    ids = [order[2] for order in first.values()]
    return f"id IN ({', '.join('?' * len(ids))})", ids


def _late_teams(sc: Scope, which: str) -> Cond:
    return _and(sc.team(), f"{team_rules.lateness_sql(sc.setting_sql('registration_deadline'))} = '{which}'")


def _submitted(sc: Scope, material: str, how: str) -> Cond:
    sent = "SELECT unit FROM submission WHERE material = ? AND substr(date, 1, 4) = ? AND unit IS NOT NULL"
    args = (material, str(sc.year))
    if how == "sent":
        return _and(sc.expected_units(), f"name IN ({sent})", *args)
    if how == "missing":
        return _and(sc.expected_units(), f"name NOT IN ({sent})", *args)
    if how == "late":
        deadline = sc.setting_sql(REPORT_DEADLINES[material])
        return _and(sc.expected_units(), f"name IN ({sent} GROUP BY unit HAVING MIN(date) > {deadline})", *args)
    raise KeyError(how)


def _all(rt: str) -> Callable[[Scope], Cond]:
    return lambda sc: sc.of(rt)


def _eq(rt: str, expr: str) -> Callable[[Scope, Any], Cond]:
    return lambda sc, value: _and(sc.of(rt), f"{expr} IS ?", value)


def _where(rt: str, sql: str) -> Callable[[Scope], Cond]:
    return lambda sc: _and(sc.of(rt), sql)


def _used_by(column: str, table: str) -> Callable[[Scope], Cond]:
    """Records whose id appears in `column` of `table`'s records in the scope (members who took part …)."""
    return lambda sc: (f"id IN (SELECT {column} FROM {table} WHERE {sc.of(table)[0]})", sc.of(table)[1])


def _person_times(sc: Scope) -> Cond:
    w, p = sc.participant()
    return f"rowid IN (SELECT MIN(rowid) FROM participant WHERE {w} GROUP BY activity_id, member_id)", p


def _overdue(sc: Scope) -> Cond:
    return _and(sc.demand(), sc.overdue()[0], *sc.overdue()[1])


_FIRST_VISITS = "走访企业（每家一条：年内首次走访）"
# key prefix → (how many values follow it, record type, label, make(scope, *values) -> Cond)
_Spec = tuple[int, str, str, Callable[..., Cond]]
_FILTERS: dict[tuple[str, ...], _Spec] = {
    ("targets", "enterprises"): (0, "enterprise_visit", _FIRST_VISITS, first_visits),
    ("targets", "enterprises", "by_group"): (1, "enterprise_visit", "工作组走访企业（每家一条）", first_visits),
    ("targets", "households"): (0, "household", "计入目标的困难职工（年内既走访又帮扶）", lambda sc: sc.counted()),
    ("teams", "total"): (0, "team", "志愿服务队", _all("team")),
    ("teams", "by_kind"): (1, "team", "服务队类型", _eq("team", "kind")),
    ("teams", "by_unit"): (1, "team", "单位的服务队", _eq("team", "unit")),
    ("teams", "late"): (0, "team", "逾期成立的服务队", lambda sc: _late_teams(sc, team_rules.LATE)),
    ("teams", "undated"): (0, "team", "未填成立日期的服务队", lambda sc: _late_teams(sc, team_rules.UNDATED)),
    ("teams", "members"): (0, "member", "服务队队员", _all("member")),
    ("reporting", "expected_units"): (0, "unit", "应报送单位", _all("expected_units")),
    ("reporting", "materials"): (2, "unit", "报送情况", _submitted),
    ("activities", "total"): (0, "activity", "志愿服务活动", _all("activity")),
    ("activities", "by_category"): (1, "activity", "服务内容", _eq("activity", "category")),
    ("activities", "by_form"): (1, "activity", "服务形式", _eq("activity", "service_form")),
    ("activities", "by_month"): (1, "activity", "月份", _eq("activity", "substr(starts_at, 1, 7)")),
    ("activities", "participants"): (0, "participant", "参与人次（每人每场一条）", _person_times),
    ("activities", "volunteers"): (0, "member", "参加过活动的志愿者", _used_by("member_id", "participant")),
    ("publicity", "total"): (0, "publicity", "宣传与文化活动", _all("publicity")),
    ("publicity", "by_kind"): (1, "publicity", "宣传类型", _eq("publicity", "kind")),
    ("aid", "count"): (0, "aid", "帮扶记录", _all("aid")),
    ("aid", "by_programme"): (1, "aid", "帮扶项目", _eq("aid", "programme")),
    ("aid", "households"): (0, "household", "受帮扶的困难职工", _used_by("household_id", "aid")),
    ("demands", "total"): (0, "demand", "职工诉求", _all("demand")),
    ("demands", "overdue"): (0, "demand", "逾期未办结的职工诉求", _overdue),
    ("demands", "done"): (0, "demand", "已办结的职工诉求", _where("demand", f"status IS '{visits.DONE}'")),
    ("demands", "open"): (0, "demand", "未办结的职工诉求", _where("demand", f"status IS NOT '{visits.DONE}'")),
    ("honors", "total"): (0, "honor", "选树典型", _all("honor")),
    ("honors", "by_status"): (1, "honor", "评选状态", _eq("honor", "status")),
    ("honors", "by_kind"): (1, "honor", "荣誉类别", _eq("honor", "category")),
    ("visits", "enterprise_visits"): (0, "enterprise_visit", "走访企业记录", _all("enterprise_visit")),
    ("visits", "distinct_enterprises"): (0, "enterprise_visit", _FIRST_VISITS, first_visits),
    ("visits", "household_visits"): (0, "household_visit", "走访困难职工记录", _all("household_visit")),
    ("visits", "households_visited"): (0, "household", "走访过的困难职工",
                                       _used_by("household_id", "household_visit")),
}


# a per-unit figure ("units", <unit>, <figure>) lists what the whole figure lists, in that unit's scope
UNIT_FIGURES = {
    "teams": ("teams", "total"), "members": ("teams", "members"), "activities": ("activities", "total"),
    "participants": ("activities", "participants"), "volunteers": ("activities", "volunteers"),
    "enterprise_visits": ("visits", "enterprise_visits"), "households_visited": ("visits", "households_visited"),
    "aid_households": ("aid", "households"), "demands": ("demands", "total"), "demands_done": ("demands", "done"),
    "demands_open": ("demands", "open"), "demands_overdue": ("demands", "overdue"),
}


def normalize_key(key: Iterable[Any]) -> tuple[Any, ...]:
    key = tuple(key)
    if len(key) == 3 and key[0] == "reporting" and key[1] not in ("expected_units", "materials", "units"):
        key = ("reporting", "materials", *key[1:])   # the short form ("reporting", "登记表", "missing")
    return key


def _lookup(key: tuple[Any, ...]) -> tuple[_Spec, tuple[Any, ...]]:
    for n in range(len(key), 0, -1):
        spec = _FILTERS.get(key[:n])
        if spec and spec[0] == len(key) - n:
            return spec, key[n:]
    raise KeyError(f"no list behind the figure {key!r}")


def filters_for(store: Store, key: Iterable[Any], *, year: int | str | None = None, unit: str | None = None,
                today: dt.date | str | None = None, date_from: dt.date | str | None = None,
                date_to: dt.date | str | None = None) -> FigureFilter:
    """The records behind the figure `key` of campaign_stats(store, year=…, unit=…, today=…, date_from=…,
    date_to=…)."""
    key = normalize_key(key)
    if len(key) == 3 and key[0] == "units" and key[1] is not None and key[2] in UNIT_FIGURES:
        found = filters_for(store, UNIT_FIGURES[key[2]], year=year, unit=key[1], today=today, date_from=date_from,
                            date_to=date_to)
        return found._replace(label=f"{key[1]}：{found.label}")
    (_, record_type, label, make), values = _lookup(key)
    sc = Scope(store, year, unit, today, date_from, date_to)
    where, params = make(sc, *values)
    if values:
        label = f"{label}：{'、'.join('未填' if v is None else str(v) for v in values)}"
    return FigureFilter(record_type, where, tuple(params), label)


def figure(stats: Mapping[str, Any], key: Iterable[Any]) -> int:
    """The number a key names in a campaign_stats dict."""
    node: Any = stats
    for step in normalize_key(key):
        if isinstance(node, list):
            node = next((e for e in node if any(e.get(f, object()) == step for f in NAME_FIELDS if f in e)), None)
            if node is None:
                raise KeyError(f"no entry {step!r} in figure {key!r}")
        else:
            node = node[step]
    if isinstance(node, dict):
        node = node["done"] if "done" in node else node["count"]
    elif isinstance(node, list):
        node = len(node)
    count: int = node
    return count


def figure_keys(stats: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """Every key of this stats dict that has a list behind it (filters_for), in the dict's order."""
    out: list[tuple[Any, ...]] = []
    for prefix, (arity, *_) in _FILTERS.items():
        if arity == 0:
            out.append(prefix)
        elif prefix == ("reporting", "materials"):
            out += [(*prefix, m["material"], how) for m in stats["reporting"]["materials"]
                    for how in ("sent", "late", "missing")]
        else:
            node: Any = stats
            for step in prefix:
                node = node[step]
            name = next(f for f in NAME_FIELDS if node and f in node[0]) if node else None
            out += [(*prefix, e[name]) for e in node] if name else []
    return out + [("units", u["unit"], f) for u in stats.get("units", []) if u["unit"] is not None
                  for f in UNIT_FIGURES]
