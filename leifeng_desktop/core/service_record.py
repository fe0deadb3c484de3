"""Volunteer service records (记录办法 art. 7): hours rules for an activity's participants, overlap and duplicate
warnings, one member's record for a certificate, everyone's hours for a list, and saving an activity whole.

Times are ISO text ('YYYY-MM-DDTHH:MM', seconds optional); the first 16 characters compare as text, so SQL does the
overlap and period tests. Hours are integer minutes throughout.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from . import oplog, record_rules
from . import schema as s
from .record_rules import activity_minutes as activity_minutes  # part of this module's API too
from .store import Store
from .validation import ValidationError, minutes_to_hours

MEDIA_REPORT = "媒体报道"
_MINUTE = "substr({}, 1, 16)"     # drop seconds so '09:00' and '09:00:00' compare equal
_DAY = "substr({}, 1, 10)"


def _parse(value: object) -> dt.datetime | None:
    if not value or not isinstance(value, str):
        return None
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            pass
    return None


# -- rules for the participant rows of one activity ------------------------------------------------------------
def check_participants(activity: Mapping[str, Any], participants: Sequence[Mapping[str, Any]]) -> dict[int, str]:
    """{row index: Chinese message} for rows that cannot be saved: no member, no or non-positive minutes, more
    minutes than the activity lasted (the rule of core.record_rules, which the store enforces), a member twice."""
    limit = activity_minutes(activity)
    errors: dict[int, str] = {}
    first_row: dict[str, int] = {}
    for i, row in enumerate(participants):
        member, minutes = row.get("member_id"), row.get("minutes")
        if not member:
            errors[i] = "请选择队员"
        elif member in first_row:
            errors[i] = f"同一队员重复登记（与第{first_row[member] + 1}行相同）"
        elif minutes is None or minutes == "":
            errors[i] = "请填写服务时长"
        elif isinstance(minutes, bool) or not isinstance(minutes, int):
            errors[i] = "服务时长应为整数分钟"
        elif minutes <= 0:
            errors[i] = "服务时长应大于0"
        elif problem := record_rules.minutes_problem(minutes, limit):
            errors[i] = problem
        if member and member not in first_row:
            first_row[member] = i
    return errors


def overlaps(store: Store, member_id: str, starts_at: str, ends_at: str, *,
             exclude_activity_id: str | None = None) -> list[dict[str, Any]]:
    """Other activities of the member whose time overlaps [starts_at, ends_at); touching ends do not overlap."""
    sql = (f"SELECT DISTINCT a.id, a.title, a.starts_at, a.ends_at FROM participant p "
           f"JOIN activity a ON a.id = p.activity_id WHERE p.member_id = ? "
           f"AND {_MINUTE.format('a.starts_at')} < {_MINUTE.format('?')} "
           f"AND {_MINUTE.format('a.ends_at')} > {_MINUTE.format('?')} AND a.id IS NOT ? ORDER BY a.starts_at")
    return [dict(r) for r in store.db.query(sql, [member_id, ends_at, starts_at, exclude_activity_id])]


def overlap_warnings(store: Store, activity: Mapping[str, Any], participants: Sequence[Mapping[str, Any]], *,
                     activity_id: str | None = None) -> dict[int, str]:
    """{row index: warning} for members who take part in another activity at the same time (saving is allowed)."""
    start, end = activity.get("starts_at"), activity.get("ends_at")
    if not (isinstance(start, str) and isinstance(end, str) and _parse(start) and _parse(end)):
        return {}
    out: dict[int, str] = {}
    for i, row in enumerate(participants):
        if row.get("member_id"):
            found = overlaps(store, row["member_id"], start, end, exclude_activity_id=activity_id)
            if found:
                out[i] = "该队员同一时间还参加了" + "、".join(f"《{a['title']}》" for a in found)
    return out


def duplicate_activity(store: Store, team_id: str | None, title: str | None, starts_at: str | None, *,
                       exclude_id: str | None = None) -> dict[str, Any] | None:
    """An activity already entered with the same team, title and start (a second clerk entering the same event)."""
    sql = (f"SELECT * FROM activity WHERE team_id IS ? AND title = ? "
           f"AND {_MINUTE.format('starts_at')} = {_MINUTE.format('?')} AND id IS NOT ? LIMIT 1")
    rows = list(store.db.query(sql, [team_id or None, (title or "").strip(), starts_at or "", exclude_id]))
    return rows[0] if rows else None


# -- one member's record and everyone's totals ------------------------------------------------------------------
class ServiceItem(NamedTuple):
    date: str          # YYYY-MM-DD, the activity's start date
    title: str
    category: str
    minutes: int
    activity_id: str


@dataclass
class ServiceRecord:
    member: dict[str, Any]
    team: dict[str, Any]
    total_minutes: int = 0
    activity_count: int = 0
    items: list[ServiceItem] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None

    @property
    def total_hours(self) -> str:
        return minutes_to_hours(self.total_minutes)


def period_sql(column: str, date_from: str | None, date_to: str | None) -> tuple[list[str], list[str]]:
    """SQL conditions and parameters for an inclusive period on the date part of `column`."""
    conds: list[str] = []
    params: list[str] = []
    if date_from:
        conds.append(f"{_DAY.format(column)} >= ?")
        params.append(str(date_from)[:10])
    if date_to:
        conds.append(f"{_DAY.format(column)} <= ?")
        params.append(str(date_to)[:10])
    return conds, params


def member_record(store: Store, member_id: str, *, date_from: str | None = None,
                  date_to: str | None = None) -> ServiceRecord:
    """The member's activities in the period (inclusive, by start date), each once, with their minutes summed."""
    member = store.get("member", member_id)
    if member is None:
        raise ValueError(f"找不到该队员（编号 {member_id}），可能已被删除")
    team = store.get("team", member["team_id"]) or {}
    conds, params = period_sql("a.starts_at", date_from, date_to)
    where = " AND ".join(["p.member_id = ?", *conds])
    rows = store.db.query(
        f"SELECT {_DAY.format('a.starts_at')} AS day, a.title, a.category, SUM(p.minutes) AS minutes, a.id "
        f"FROM participant p JOIN activity a ON a.id = p.activity_id WHERE {where} "
        f"GROUP BY a.id ORDER BY a.starts_at, a.title", [member_id, *params])
    items = [ServiceItem(r["day"], r["title"], r["category"] or "", r["minutes"] or 0, r["id"]) for r in rows]
    return ServiceRecord(member, team, sum(i.minutes for i in items), len(items), items,
                         str(date_from)[:10] if date_from else None, str(date_to)[:10] if date_to else None)


def members_summary(store: Store, *, date_from: str | None = None, date_to: str | None = None,
                    team_id: str | None = None) -> list[dict[str, Any]]:
    """Every member (of one team, if given) with activity count and total minutes in the period; most hours
    first. Members without activities are listed with 0."""
    conds, params = period_sql("a.starts_at", date_from, date_to)
    on = " AND ".join(["a.id = p.activity_id", *conds])
    where, wparams = ("WHERE m.team_id = ?", [team_id]) if team_id else ("", [])
    sql = (f"SELECT m.id AS member_id, m.name, t.id AS team_id, t.name AS team, t.unit AS unit, "
           f"COUNT(DISTINCT a.id) AS activity_count, "
           f"COALESCE(SUM(CASE WHEN a.id IS NOT NULL THEN p.minutes END), 0) AS total_minutes "
           f"FROM member m JOIN team t ON t.id = m.team_id "
           f"LEFT JOIN participant p ON p.member_id = m.id LEFT JOIN activity a ON {on} "
           f"{where} GROUP BY m.id ORDER BY total_minutes DESC, t.name, m.name")
    return [dict(r) for r in store.db.query(sql, [*params, *wparams])]


# -- saving an activity with its participants and reports -------------------------------------------------------
class ParticipantErrors(ValidationError):
    """Bad participant rows; `rows` maps row index to message for a table, `errors` has one summary line."""

    def __init__(self, rows: Mapping[int, str], others: Mapping[str, str] | None = None):
        self.rows = dict(rows)
        summary = "；".join(f"第{i + 1}行：{msg}" for i, msg in sorted(self.rows.items()))
        super().__init__({**dict(others or {}), "participants": f"参加人员有误：{summary}"})


def media_report_kind(store: Store) -> str | None:
    """The publicity kind a report of an activity gets by default: the list's 媒体报道 entry (or one like it)."""
    kinds = store.settings.choices().get("publicity_kind", [])
    if MEDIA_REPORT in kinds:
        return MEDIA_REPORT
    return next((k for k in kinds if "报道" in k), None)


def _sync_children(store: Store, type_key: str, parent_key: str, parent_id: str, rows: list[dict[str, Any]],
                   unit: str, label: str) -> None:
    """Rows without id inserted, rows no longer listed deleted, the rest updated; errors name the row."""
    keep = {r["id"] for r in rows if r.get("id")}
    for old in store.db.query(f'SELECT id FROM "{type_key}" WHERE "{parent_key}" = ?', [parent_id]):
        if old["id"] not in keep:
            store.delete(type_key, old["id"])
    rt = s.record_type(type_key)
    for i, row in enumerate(rows):
        values = {k: v for k, v in row.items() if k != "id"}
        values[parent_key] = parent_id
        try:
            if row.get("id"):
                store.update(type_key, row["id"], values)
            else:
                store.insert(type_key, values, unit=unit)
        except ValidationError as exc:
            detail = "；".join(f"{rt.field(k).label if k in rt.keys else k}：{m}" for k, m in exc.errors.items())
            raise ValidationError({label: f"第{i + 1}条：{detail}"}) from None


def save_activity(store: Store, activity_id: str | None, values: Mapping[str, Any],
                  participants: Iterable[Mapping[str, Any]], publicity: Iterable[Mapping[str, Any]] = (), *,
                  expected_revision: int | None = None) -> str:
    """The activity, its participants (member_id, minutes) and its publicity reports in one transaction; returns
    the activity id. Bad fields or rows raise ValidationError (participant rows: ParticipantErrors) and nothing
    is written; so does an activity changed elsewhere since `expected_revision` (RecordConflict)."""
    people: list[dict[str, Any]] = [dict(p) for p in participants]
    reports: list[dict[str, Any]] = [dict(p) for p in publicity]
    current = store.get("activity", activity_id) if activity_id else {}
    if current is None:   # an id given, and no such activity
        raise ValidationError({"activity": "要修改的活动记录已不存在（可能已被删除）"})
    field_errors: dict[str, str] = {}
    try:
        store.prepare(s.ACTIVITY, dict(values), partial=bool(activity_id), stored=current or None)
    except ValidationError as exc:
        field_errors = exc.errors
    rows = check_participants({**current, **values}, people)
    if rows:
        raise ParticipantErrors(rows, field_errors)
    if field_errors:
        raise ValidationError(field_errors)
    kind = media_report_kind(store)
    day = str({**current, **values}.get("starts_at") or "")[:10] or None
    for report in reports:
        if not report.get("kind") and kind:
            report["kind"] = kind
        if not report.get("date") and day:
            report["date"] = day
    # deferred: shortening the activity and its participants' minutes in one save is checked on the result
    with store.transaction(), record_rules.deferred(store), oplog.saving(store, "activity", activity_id):
        if activity_id:
            store.update("activity", activity_id, dict(values), expected_revision=expected_revision,
                         children={"participant": people})
        else:
            activity_id = store.insert("activity", dict(values))
        unit = (store.get("activity", activity_id) or {})["unit"]
        _sync_children(store, "participant", "activity_id", activity_id, people, unit, "participants")
        _sync_children(store, "publicity", "activity_id", activity_id, reports, unit, "publicity")
    return activity_id
