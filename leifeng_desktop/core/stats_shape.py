"""The shape of core.stats.campaign_stats' result: TypedDicts over the plain dicts it returns (so every
`result["…"]` reader and `json.dumps` work as they are), each comment saying what a figure counts. The scope (year,
unit) and the order of lists keyed by a choice list are core.stats' rules.
"""
from __future__ import annotations

from typing import TypedDict


class GroupShare(TypedDict):
    group: str
    group_id: str
    visits: int                 # enterprise visits by the group
    done: int                   # enterprises it visited; one two groups visited counts in both shares
    share: int | None           # its share of the enterprise target: split evenly, the first groups take the rest


class EnterpriseTarget(TypedDict):
    target: int | None          # from the settings
    done: int                   # distinct enterprises visited (visits.distinct_enterprises)
    by_group: list[GroupShare]


class HouseholdTarget(TypedDict):
    target: int | None
    done: int                   # visits.counted_households: a household visit AND an aid record in the year


class Targets(TypedDict):
    enterprises: EnterpriseTarget
    households: HouseholdTarget


class KindCount(TypedDict):
    kind: str | None
    count: int


class UnitTeams(TypedDict):
    unit: str
    count: int
    missing_kinds: list[str]    # kinds of the list the unit has formed no team of


class Teams(TypedDict):
    total: int
    by_kind: list[KindCount]
    by_unit: list[UnitTeams]    # units with teams or expected to report (unit table, 应报送)
    late: int                   # formed after the registration deadline
    undated: int                # no 成立日期
    members: int                # roster rows of those teams


class Material(TypedDict):
    """登记表 / 实施方案 / 总结材料 / 数据包: the materials of the list with a deadline setting."""
    material: str
    deadline_key: str           # registration_deadline / … / bundle_deadline
    deadline: str | None
    days_left: int | None       # ≥ 0 (0 on the deadline day); None once overdue or without a deadline
    days_overdue: int | None    # > 0; None before the deadline or without one
    sent: int                   # units with a submission record (报送记录) of it dated in the year
    late: int                   # of those, dated after the deadline
    missing: list[str]          # the units that have not sent it (未报送)


class UnitMaterial(TypedDict):
    material: str
    sent: bool                  # only a submission record counts, not a team registered or a 登记表 exported
    date: str | None            # its first submission
    late: bool


class UnitReport(TypedDict):
    unit: str
    materials: list[UnitMaterial]


class Reporting(TypedDict):
    expected_units: int
    materials: list[Material]
    units: list[UnitReport]


class CategoryCount(TypedDict):
    category: str | None
    count: int
    minutes: int                # the participants' service minutes


class FormCount(TypedDict):
    form: str | None            # None for activities without one, after the list
    count: int
    minutes: int


class MonthCount(TypedDict):
    month: str                  # 2026-03; all 12 months
    count: int
    minutes: int


class Activities(TypedDict):
    """Activities of the year by 开始时间."""
    total: int
    by_category: list[CategoryCount]
    by_form: list[FormCount]
    by_month: list[MonthCount]
    total_minutes: int
    participants: int           # person-times: a volunteer in an activity once
    volunteers: int             # distinct members
    beneficiaries: int


class Publicity(TypedDict):
    total: int
    by_kind: list[KindCount]


class ProgrammeAid(TypedDict):
    programme: str | None
    count: int
    households: int
    amount_fen: int             # money is integer fen


class Aid(TypedDict):
    by_programme: list[ProgrammeAid]
    count: int
    total_fen: int
    households: int             # distinct households helped


class Demands(TypedDict):
    """Demands of the year's enterprise visits."""
    total: int
    overdue: int                # visits.overdue_sql against today
    done: int                   # 已办结
    open: int                   # not 已办结


class StatusCount(TypedDict):
    status: str | None
    count: int


class HonorKind(TypedDict):
    kind: str | None            # 类别: 工人先锋号, 双十佳, 金牌工人, 标兵 … (the honor_kind list)
    count: int
    awarded: int                # of those, status 表彰


class Honors(TypedDict):
    """Recommended in the year or period (by 推荐日期, or when entered if it has none)."""
    total: int
    by_status: list[StatusCount]
    by_kind: list[HonorKind]


class Visits(TypedDict):
    enterprise_visits: int
    distinct_enterprises: int   # the same figure as targets.enterprises.done
    household_visits: int
    households_visited: int


class UnitFigures(TypedDict):
    """One unit's share of the figures (records whose unit is it; participants go with their activity)."""
    unit: str | None            # None: records without a unit
    teams: int
    members: int                # roster rows of its teams
    activities: int
    participants: int           # person-times
    volunteers: int             # distinct members in its activities
    minutes: int
    beneficiaries: int
    enterprise_visits: int
    households_visited: int     # distinct households
    aid_households: int         # distinct households helped
    aid_fen: int
    demands: int                # heard (its demands of visits in the scope)
    demands_done: int           # settled (已办结)
    demands_open: int
    demands_overdue: int        # past the reply deadline and not settled


# The days the dated records are counted in (ISO): the given period, else the year's first and last day.
Period = TypedDict("Period", {"from": str, "to": str})   # "from" is a keyword: the functional form


class CampaignStats(TypedDict):
    year: int
    unit: str | None            # the unit scope
    today: str                  # ISO date deadlines and overdue demands are judged against
    period: Period
    targets: Targets
    teams: Teams
    reporting: Reporting
    activities: Activities
    publicity: Publicity
    aid: Aid
    demands: Demands
    honors: Honors
    visits: Visits
    units: list[UnitFigures]    # per unit, by name
