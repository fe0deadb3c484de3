"""志愿者服务时长: every member with the activities and minutes of a period, most hours first (the figures of
service_record.members_summary), in one read that a city's 60,000 members and 400,000 participations afford: the
period's activities are read from their index and their participations summed per member from theirs, then the
members joined, instead of every member's participations looked up row by row.
"""
from __future__ import annotations

from typing import NamedTuple

from .service_record import period_sql
from .store import Store


class Hours(NamedTuple):
    member_id: str
    name: str
    team_id: str
    team: str | None
    unit: str | None
    activity_count: int
    total_minutes: int


def volunteer_hours(store: Store, *, date_from: str | None = None, date_to: str | None = None,
                    team_id: str | None = None) -> list[Hours]:
    """Every member (of one team, if given) with the number of activities and the minutes in the period; most
    minutes first, then team and name. Members without activities are listed with 0."""
    conds, params = period_sql("a.starts_at", date_from, date_to)
    where, wparams = ("WHERE m.team_id = ?", [team_id]) if team_id else ("", [])
    sql = ("SELECT m.id, m.name, t.id, t.name, t.unit, COALESCE(x.n, 0) AS n, COALESCE(x.minutes, 0) AS minutes "
           "FROM member m JOIN team t ON t.id = m.team_id LEFT JOIN ("
           "SELECT p.member_id, COUNT(DISTINCT p.activity_id) AS n, SUM(p.minutes) AS minutes "
           "FROM activity a CROSS JOIN participant p ON p.activity_id = a.id "   # activities first: their index
           f"WHERE {' AND '.join(conds) or '1 = 1'} GROUP BY p.member_id) x ON x.member_id = m.id "
           f"{where} ORDER BY minutes DESC, t.name, m.name, m.id")
    return [Hours(*row) for row in store.db.execute(sql, [*params, *wparams])]
