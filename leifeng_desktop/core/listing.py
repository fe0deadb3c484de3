"""The SQL behind every record list: chosen columns, reference titles joined in, a text filter, sorting and paging.

Column and sort keys are checked against the schema and only then written into SQL; the search text only ever
travels as a parameter. `where` is SQL the program writes (e.g. 'kind = ?'), about the record type's own table: it
runs in a sub-select, so its column names never clash with a joined table's.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import filters, teams
from . import schema as s
from .store import Store, decode

SEARCHABLE = (s.TEXT, s.LONGTEXT, s.CHOICE, s.MULTI, s.UNIT)
REF_ID = "{}:id"   # key of a REF column's raw uuid when list_query(ref_ids=True)


@dataclass(frozen=True)
class Derived:
    """A list column computed in SQL from other rows or the settings (a roster count, lateness). `sql` is an
    expression over the record's table, written as {t}; `depends` are the record types whose changes alter it."""
    field: s.Field
    sql: str
    depends: tuple[str, ...] = ()
    alerts: tuple[str, ...] = ()   # values a list shows as a warning (逾期)


DERIVED: dict[str, dict[str, Derived]] = {
    "team": {
        "member_count": Derived(s.F("member_count", "队员人数", s.INT),
                                "(SELECT COUNT(*) FROM member WHERE member.team_id = {t}.id)", ("member",)),
        "lateness": Derived(s.F("lateness", "逾期/按期", s.TEXT),
                            teams.lateness_sql(filters.setting_sql("registration_deadline"), table="{t}"),
                            ("settings",), alerts=(teams.LATE,)),
    },
    "enterprise_visit": {
        "demand_count": Derived(s.F("demand_count", "诉求数", s.INT),
                                "(SELECT COUNT(*) FROM demand WHERE demand.visit_id = {t}.id)", ("demand",)),
        "overdue_count": Derived(s.F("overdue_count", "逾期未办结", s.INT),
                                 "(SELECT COUNT(*) FROM demand WHERE demand.visit_id = {t}.id AND "
                                 + filters.overdue_demand_sql()
                                 + ")", ("demand", "settings")),
    },
    "household": {
        "visit_count": Derived(s.F("visit_count", "走访次数", s.INT),
                               "(SELECT COUNT(*) FROM household_visit WHERE household_visit.household_id = {t}.id)",
                               ("household_visit",)),
        "aid_fen": Derived(s.F("aid_fen", "帮扶金额（元）", s.MONEY),
                           "(SELECT COALESCE(SUM(amount), 0) FROM aid WHERE aid.household_id = {t}.id)", ("aid",)),
    },
    "activity": {
        "participant_count": Derived(s.F("participant_count", "参加人数", s.INT),
                                     "(SELECT COUNT(*) FROM participant WHERE participant.activity_id = {t}.id)",
                                     ("participant",)),
        "total_minutes": Derived(s.F("total_minutes", "服务总时长（小时）", s.HOURS),
                                 "(SELECT COALESCE(SUM(minutes), 0) FROM participant "
                                 "WHERE participant.activity_id = {t}.id)", ("participant",)),
    },
}


def column_field(rt: s.RecordType, key: str) -> s.Field:
    """The schema field of a list column, or the field that describes a derived column."""
    derived = DERIVED.get(rt.key, {}).get(key)
    return derived.field if derived else rt.field(key)


def alerts(rt: s.RecordType, key: str) -> tuple[str, ...]:
    derived = DERIVED.get(rt.key, {}).get(key)
    return derived.alerts if derived else ()


def depends_on(rt: s.RecordType, columns: Sequence[str]) -> set[str]:
    """Record types (and "settings") whose changes can alter these columns."""
    out: set[str] = set()
    for key in columns:
        derived = DERIVED.get(rt.key, {}).get(key)
        if derived:
            out.update(derived.depends)
        elif rt.field(key).type == s.REF:
            out.add(rt.field(key).target)
    return out


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Plan:
    """The SELECT list, JOINs and the SQL expression of each column (a REF column stands for its record's title)."""

    def __init__(self, rt: s.RecordType, columns: Sequence[str]):
        self.rt, self.table = rt, _q(rt.key)
        self.columns = list(columns)
        self.items = [f"{self.table}.id AS id"]
        self.joins: list[str] = []
        self.expr: dict[str, str] = {}
        self.ref_ids: list[str] = []
        derived = DERIVED.get(rt.key, {})
        for i, key in enumerate(self.columns):
            f = column_field(rt, key)   # KeyError for a key the schema does not know
            own = f"{self.table}.{_q(key)}"
            if key in derived:
                self.expr[key] = derived[key].sql.format(t=self.table)
            elif f.type == s.REF:
                target = s.record_type(f.target)
                alias = f"_r{i}"
                self.joins.append(f"LEFT JOIN {_q(target.key)} AS {alias} ON {alias}.id = {own}")
                self.expr[key] = f"{alias}.{_q(target.title)}"
                self.ref_ids.append(f"{own} AS {_q(REF_ID.format(key))}")
            else:
                self.expr[key] = own
            if key != "id":
                self.items.append(f"{self.expr[key]} AS {_q(key)}")

    def search_exprs(self) -> list[str]:
        """Every non-sensitive text-like field of the record (shown or not) and the titles of the shown refs."""
        out = [f"{self.table}.{_q(f.key)}" for f in self.rt.fields if f.type in SEARCHABLE and not f.sensitive]
        for key in self.columns:   # shown meta columns (unit) and the titles of shown refs
            f = column_field(self.rt, key)
            if (f.type == s.REF or (f.type in SEARCHABLE and not f.sensitive)) and self.expr[key] not in out:
                out.append(self.expr[key])
        return out

    def where(self, text: str, where: str | None, params: Sequence[Any]) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if where:
            clauses.append(f"{self.table}.rowid IN (SELECT rowid FROM {self.table} WHERE {where})")
            args.extend(params)
        exprs = self.search_exprs()
        for word in (text or "").split():
            pattern = f"%{escape_like(word)}%"
            clauses.append("(" + " OR ".join(f"{e} LIKE ? ESCAPE '\\'" for e in exprs) + ")")
            args.extend([pattern] * len(exprs))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def sort_expr(self, key: str) -> str:
        if key in self.expr:
            return self.expr[key]
        if key == "rowid":
            return f"{self.table}.rowid"
        if key in {f.key for f in self.rt.columns}:
            return f"{self.table}.{_q(key)}"
        raise ValueError(f"cannot sort {self.rt.key} by {key!r}")


def list_query(rt: s.RecordType, *, columns: Sequence[str], text: str = "", where: str | None = None,
               params: Sequence[Any] = (), order_by: str | None = None, descending: bool = False,
               limit: int | None = None, offset: int | None = None, ref_ids: bool = False) -> tuple[str, list[Any]]:
    """SELECT id and `columns` (REF columns as the referenced record's title; with ref_ids also "<key>:id")."""
    plan = _Plan(rt, columns)
    where_sql, args = plan.where(text, where, params)
    order = []
    if order_by:
        order.append(f"{plan.sort_expr(order_by)} {'DESC' if descending else 'ASC'}")
    if rt.order_by != order_by:
        order.append(plan.sort_expr(rt.order_by))
    order.append(f"{plan.table}.rowid")   # a stable tiebreak keeps paging from skipping or repeating rows
    items = plan.items + (plan.ref_ids if ref_ids else [])
    sql = (f"SELECT {', '.join(items)} FROM {plan.table} {' '.join(plan.joins)}{where_sql} "
           f"ORDER BY {', '.join(order)}")
    if limit is not None or offset:
        sql += f" LIMIT {int(limit) if limit is not None else -1} OFFSET {int(offset or 0)}"
    return sql, args


def count_query(rt: s.RecordType, *, columns: Sequence[str], text: str = "", where: str | None = None,
                params: Sequence[Any] = (), **_ignored: object) -> tuple[str, list[Any]]:
    """COUNT(*) of what list_query returns without paging (takes and ignores the sort and paging arguments)."""
    plan = _Plan(rt, columns)
    where_sql, args = plan.where(text, where, params)
    joins = " ".join(plan.joins) if (text or "").strip() else ""   # titles matter only to the text filter
    return f"SELECT COUNT(*) FROM {plan.table} {joins}{where_sql}", args


def fetch_rows(store: Store, rt: s.RecordType, **kw: Any) -> list[dict[str, Any]]:
    sql, args = list_query(rt, **kw)
    return [decode(rt, row) for row in store.db.query(sql, args)]


def fetch_count(store: Store, rt: s.RecordType, **kw: Any) -> int:
    sql, args = count_query(rt, **kw)
    count: int = store.db.execute(sql, args).fetchone()[0]
    return count
