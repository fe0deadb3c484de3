"""Reads the window needs beside its lists and forms: names for a combo, a record's child rows, the roster to pick
participants from. Plain reads with the schema's own order; the UI calls these and never writes SQL itself."""
from __future__ import annotations

from typing import Any

from . import schema as s
from .store import Store

# the order a combo lists the records a REF can point at; others follow the record type's own order
_TITLE_ORDER = {"team": "name", "unit": "name", "working_group": "rowid"}


def titles(store: Store, type_key: str) -> list[tuple[str, str]]:
    """(id, title) of every record of a type, as a combo lists them (teams and units by name)."""
    rt = s.record_type(type_key)
    order = _TITLE_ORDER.get(type_key, rt.order_by)
    sql = f'SELECT id, "{rt.title}" AS title FROM "{rt.key}" ORDER BY {order}, rowid'
    return [(r["id"], r["title"] or "") for r in store.db.query(sql)]


def unit_names(store: Store, *, exclude: str | None = None) -> list[str]:
    """The units of the unit table by name (`exclude`: one left out, e.g. our own unit offered separately)."""
    return [title for _id, title in titles(store, "unit") if title != exclude]


def units_in_use(store: Store, type_key: str) -> list[str]:
    """The units that have records of this type, by name (teams by 所属单位, submissions by 报送单位 …)."""
    s.record_type(type_key)   # a known type, so its name may be written into the SQL
    sql = f'SELECT DISTINCT unit FROM "{type_key}" WHERE unit IS NOT NULL ORDER BY unit'
    return [r["unit"] for r in store.db.query(sql)]


def _ref_column(type_key: str, column: str | None) -> str:
    rt = s.record_type(type_key)
    if column is None or rt.field(column).type != s.REF:
        raise ValueError(f"{type_key}.{column} is not a reference")
    return f'"{column}" = ?'


def linked(store: Store, type_key: str, column: str | None, record_id: str | None) -> list[dict[str, Any]]:
    """Records whose REF `column` points at `record_id` (an activity's reports …), in the type's own order."""
    where = _ref_column(type_key, column)
    return store.rows(type_key, where=where, params=[record_id]) if record_id else []


def children(store: Store, child_type: str, parent_id: str | None) -> list[dict[str, Any]]:
    """A record's child rows of one type (its roster, demands, family, attachments …) in the child type's order."""
    return linked(store, child_type, s.record_type(child_type).parent, parent_id)


def child_count(store: Store, child_type: str, parent_id: str | None) -> int:
    where = _ref_column(child_type, s.record_type(child_type).parent)
    return store.count(child_type, where=where, params=[parent_id]) if parent_id else 0


def roster_members(store: Store, team_id: str | None = None) -> list[dict[str, Any]]:
    """Roster members with their team's name ({id, name, work, team, team_id}), by team name and roster order;
    one team's only when team_id is given."""
    sql = ("SELECT member.id, member.name, member.work, team.name AS team, team.id AS team_id FROM member "
           "JOIN team ON team.id = member.team_id")
    args: list[str] = []
    if team_id:
        sql += " WHERE team.id = ?"
        args.append(team_id)
    return [dict(r) for r in store.db.query(sql + " ORDER BY team.name, member.rowid", args)]


def activity_participants(store: Store, activity_id: str | None) -> list[dict[str, Any]]:
    """An activity's participants as its editor lists them: {id, member_id, minutes, name, team}, in entry order."""
    if not activity_id:
        return []
    sql = ("SELECT participant.id, participant.member_id, participant.minutes, member.name, team.name AS team "
           "FROM participant JOIN member ON member.id = participant.member_id "
           "LEFT JOIN team ON team.id = member.team_id WHERE participant.activity_id = ? ORDER BY participant.rowid")
    return [dict(r) for r in store.db.query(sql, [activity_id])]

