"""The entries of a record list's filters: each is a label and the SQL the core writes for it.

A `Filter(label, where, params)` narrows one record type: `where` is SQL over the type's own table with positional
`?` parameters (None means "everything"), as core.listing takes it. The window shows the labels and hands the
chosen entries back to `combine()`; it never writes a condition itself. Rules stay in their modules (team
lateness in core.teams, overdue demands and the counted household in core.visits, the dashboard's figures in
core.stats_filters): the entries here only put them to use, so a list and the dashboard cannot disagree.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import schema as s
from . import teams, visits
from .store import Store

TODAY_SQL = "date('now', 'localtime')"


@dataclass(frozen=True)
class Filter:
    label: str
    where: str | None = None
    params: tuple[Any, ...] = ()


def setting_sql(key: str) -> str:
    """A campaign setting read inside SQL (the one place that writes this sub-query), so a list's condition follows
    a changed setting without being built again."""
    if not key.replace("_", "").isalnum():
        raise ValueError(f"not a setting key: {key!r}")
    return f"(SELECT json_extract(value, '$') FROM settings WHERE key = '{key}')"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column(type_key: str, column: str) -> str:
    s.record_type(type_key).field(column)   # only schema columns reach the SQL (KeyError otherwise)
    return _q(column)


def everything(label: str) -> Filter:
    return Filter(label)


def equals(type_key: str, column: str, value: Any, label: str | None = None) -> Filter:
    return Filter(str(value) if label is None else label, f"{_column(type_key, column)} = ?", (value,))


def combine(filters: Iterable[Filter | None]) -> tuple[str | None, list[Any]]:
    """Every chosen entry at once: (where, params) for RecordListModel.set_where, (None, []) when none narrows."""
    clauses: list[str] = []
    params: list[Any] = []
    for f in filters:
        if f is not None and f.where:
            clauses.append(f"({f.where})")
            params.extend(f.params)
    return (" AND ".join(clauses) or None), params


def date_range(type_key: str, column: str, start: str | None, end: str | None) -> Filter:
    """From/to ISO days (either may be None) on a DATE or DATETIME column; both bounds count. Written as a range
    on the column itself (stored ISO text: a day's values sort from the day up to the next day), so an index on
    the column serves it."""
    col = _column(type_key, column)
    clauses: list[str] = []
    params: list[str] = []
    if start:
        clauses.append(f"{col} >= ?")
        params.append(str(start)[:10])
    if end:
        clauses.append(f"{col} < ?")
        params.append((dt.date.fromisoformat(str(end)[:10]) + dt.timedelta(days=1)).isoformat())
    return Filter(f"{start or '…'} 至 {end or '…'}", " AND ".join(clauses) or None, tuple(params))


# -- entries for a combo ----------------------------------------------------------------------------------------
def choices(store: Store, type_key: str, column: str, everything_label: str) -> list[Filter]:
    """Everything, then each option of the column's (editable) choice list."""
    list_name = s.record_type(type_key).field(column).choices
    options = store.settings.choices().get(list_name, []) if list_name else []
    return [everything(everything_label)] + [equals(type_key, column, c) for c in options]


def units_in_use(store: Store, type_key: str, everything_label: str = "全部单位") -> list[Filter]:
    """Everything, then each unit that has records of this type (a new unit appears once it has one)."""
    from .lookups import units_in_use as used
    return [everything(everything_label)] + [equals(type_key, "unit", u) for u in used(store, type_key)]


def references(store: Store, type_key: str, column: str, everything_label: str) -> list[Filter]:
    """Everything, then each record the REF column can point at (teams by name, working groups in their order)."""
    from .lookups import titles
    field = s.record_type(type_key).field(column)
    return [everything(everything_label)] + [equals(type_key, column, rid, title)
                                             for rid, title in titles(store, field.target)]


def team_lateness() -> list[Filter]:
    """Teams by core.teams' lateness rule against the registration deadline of the settings."""
    rule = teams.lateness_sql(setting_sql("registration_deadline"))
    return [everything("全部（按期与逾期）")] + [Filter(v, f"{rule} = ?", (v,))
                                             for v in (teams.ON_TIME, teams.LATE, teams.UNDATED)]


def overdue_demand_sql(table: str = "demand") -> str:
    """core.visits' overdue rule against today and the reply days of the settings (lists and their columns)."""
    return visits.overdue_sql(TODAY_SQL, setting_sql("demand_reply_days"), table=table)


def visit_demands() -> list[Filter]:
    """Enterprise visits: all, or those with a demand past its reply deadline and not settled."""
    return [everything("全部走访"),
            Filter("有逾期未办结诉求", "EXISTS (SELECT 1 FROM demand WHERE demand.visit_id = enterprise_visit.id "
                                  f"AND {overdue_demand_sql()})")]


def household_target(store: Store) -> list[Filter]:
    """Households: all, those the dashboard counts toward the target this campaign year (the very list behind
    that figure), and those never visited."""
    from .stats_filters import filters_for
    counted = filters_for(store, ("targets", "households"))
    target = store.settings.get("household_target")
    return [everything("全部困难职工"),
            Filter(f"已走访且已帮扶（计入 {target} 户目标）", counted.where, counted.params),
            Filter("尚未走访", "id NOT IN (SELECT household_id FROM household_visit)")]
