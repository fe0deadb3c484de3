"""The columns a list computes (derived columns: 队员人数, 逾期/按期, 诉求数, …) and what a list column is: its field,
the values it shows as a warning, the record types whose changes alter it. core.list_plan writes them into SQL."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import filters, teams
from . import schema as s


@dataclass(frozen=True)
class Derived:
    """A list column computed in SQL. With `child`, `sql` is an aggregate over the rows of that table whose `fk`
    names the record (0 when there are none); without, an expression over the record's own row, written {t}.
    `depends` are the record types (and "settings") whose changes alter it."""
    field: s.Field
    sql: str
    child: str | None = None
    fk: str = ""
    depends: tuple[str, ...] = ()
    alerts: tuple[str, ...] = ()   # values a list shows as a warning (逾期)


DERIVED: dict[str, dict[str, Derived]] = {
    "team": {
        "member_count": Derived(s.F("member_count", "队员人数", s.INT), "COUNT(*)", "member", "team_id",
                                ("member",)),
        "lateness": Derived(s.F("lateness", "逾期/按期", s.TEXT),
                            teams.lateness_sql(filters.setting_sql("registration_deadline"), table="{t}"),
                            depends=("settings",), alerts=(teams.LATE,)),
    },
    "enterprise_visit": {
        "demand_count": Derived(s.F("demand_count", "诉求数", s.INT), "COUNT(*)", "demand", "visit_id",
                                ("demand",)),
        "overdue_count": Derived(s.F("overdue_count", "逾期未办结", s.INT),
                                 f"SUM(CASE WHEN {filters.overdue_demand_sql()} THEN 1 ELSE 0 END)", "demand",
                                 "visit_id", ("demand", "settings")),
    },
    "household": {
        "visit_count": Derived(s.F("visit_count", "走访次数", s.INT), "COUNT(*)", "household_visit",
                               "household_id", ("household_visit",)),
        "aid_fen": Derived(s.F("aid_fen", "帮扶金额（元）", s.MONEY), "SUM(amount)", "aid", "household_id", ("aid",)),
    },
    "activity": {
        "participant_count": Derived(s.F("participant_count", "参加人数", s.INT), "COUNT(*)", "participant",
                                     "activity_id", ("participant",)),
        "total_minutes": Derived(s.F("total_minutes", "服务总时长（小时）", s.HOURS), "SUM(minutes)", "participant",
                                 "activity_id", ("participant",)),
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
