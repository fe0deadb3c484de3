"""Team rules of the campaign: lateness against the registration deadline, the kinds a unit has not formed, and the
same person twice in a roster."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import crypto, oplog
from .store import Store

ON_TIME, LATE, UNDATED = "按期", "逾期", "未填成立日期"


def lateness(founded_on: str | None, deadline: str | None) -> str:
    """A team formed after the registration deadline is late (dates are ISO text, so they compare as text)."""
    if not founded_on:
        return UNDATED
    if deadline and founded_on > deadline:
        return LATE
    return ON_TIME


def lateness_sql(deadline: str = ":deadline", *, table: str = "") -> str:
    """The same rule as SQL over team.founded_on, for lists and statistics; `deadline` is an SQL expression."""
    col = f"{table}.founded_on" if table else "founded_on"
    return (f"CASE WHEN {col} IS NULL OR {col} = '' THEN '{UNDATED}' "
            f"WHEN {deadline} IS NOT NULL AND {col} > {deadline} THEN '{LATE}' ELSE '{ON_TIME}' END")


def missing_kinds(store: Store) -> dict[str, list[str]]:
    """For every unit that has teams or is expected to report: the team kinds it has not formed, in list order."""
    kinds = store.settings.choices()["team_kind"]
    formed: dict[str, set[str]] = {}
    for row in store.db.query("SELECT unit, kind FROM team"):
        formed.setdefault(row["unit"], set()).add(row["kind"])
    for row in store.db.query("SELECT name FROM unit WHERE expected = 1"):
        formed.setdefault(row["name"], set())
    return {unit: [k for k in kinds if k not in have] for unit, have in sorted(formed.items())}


def formed_counts(store: Store) -> dict[str, int]:
    """How many teams each unit has formed (units without a team are absent)."""
    return {r[0]: r[1] for r in store.db.execute("SELECT unit, COUNT(*) FROM team GROUP BY unit")}


@dataclass(frozen=True)
class Duplicate:
    rows: tuple[int, ...]
    reason: str
    blocking: bool = True   # False: a question for the clerk (a warning), saving goes ahead


def roster_duplicates(members: Iterable[Mapping[str, Any]]) -> list[Duplicate]:
    """Rows (0-based, in the given order) that are the same person: the same 身份证号 (one person, so saving is
    refused), or the same name and phone (most likely one person, but an office phone may be shared: a warning).
    Values of a locked file (已加密) compare with nothing: they were checked when saved, and no new one is taken."""
    by_id: dict[str, list[int]] = {}
    by_name_phone: dict[tuple[str, str], list[int]] = {}
    for i, m in enumerate(members):
        id_number = _plain(m.get("id_number")).upper()
        if id_number:
            by_id.setdefault(id_number, []).append(i)
        name, phone = (m.get("name") or "").strip(), _plain(m.get("phone"))
        if name and phone:
            by_name_phone.setdefault((name, phone), []).append(i)
    found = [Duplicate(tuple(rows), "身份证号相同") for rows in by_id.values() if len(rows) > 1]
    found += [Duplicate(tuple(rows), "姓名和电话相同", blocking=False) for rows in by_name_phone.values()
              if len(rows) > 1 and not any(set(rows) <= set(d.rows) for d in found)]
    return found


def _plain(value: Any) -> str:
    return "" if not value or crypto.is_locked(value) else str(value).strip()


def id_number_holders(store: Store, type_key: str, id_number: str) -> list[str]:
    """Ids of the records (member or household) holding this 身份证号, found by its keyed hash (`id_number__hmac`):
    nothing is decrypted. [] when the file is locked (no key to hash with)."""
    from . import schema as s
    from .sealed import lookup_hash
    rt = s.record_type(type_key)
    if store.keys is None:
        rows = store.db.execute(f'SELECT id FROM "{rt.key}" WHERE id_number = ?', [id_number.strip().upper()])
        return [] if store.locked else [r[0] for r in rows]
    digest = lookup_hash(store.keys, rt, "id_number", id_number)
    return [r[0] for r in store.db.execute(f'SELECT id FROM "{rt.key}" WHERE id_number__hmac = ?', [digest])]


def service_count(store: Store, member_ids: Iterable[str]) -> int:
    """Participation rows of these members: they go with the members (ON DELETE CASCADE), so a clerk is told first."""
    ids = list(member_ids)
    if not ids:
        return 0
    found: int = store.db.execute(f"SELECT COUNT(*) FROM participant WHERE member_id IN ({', '.join('?' * len(ids))})",
                                  ids).fetchone()[0]
    return found


def removal_counts(store: Store, team_id: str) -> tuple[int, int]:
    """(roster members, their service records): what goes with a team when it is deleted, for the question first."""
    members = store.count("member", where="team_id = ?", params=[team_id])
    served = store.db.execute("SELECT COUNT(*) FROM participant WHERE member_id IN "
                              "(SELECT id FROM member WHERE team_id = ?)", [team_id]).fetchone()[0]
    return members, served


def save_team(store: Store, team_id: str | None, values: Mapping[str, Any], members: Iterable[Mapping[str, Any]], *,
              expected_revision: int | None = None) -> str:
    """The team and its whole roster in one transaction: members without an id are added, those no longer listed
    are removed, the rest updated. A bad member raises ValidationError and nothing is written; so does a team
    changed elsewhere since `expected_revision` (RecordConflict, see Store.update)."""
    members = [dict(m) for m in members]
    with store.transaction(), oplog.saving(store, "team", team_id):   # one 操作日志 entry: the team and its roster
        if team_id:
            store.update("team", team_id, dict(values), expected_revision=expected_revision,
                         children={"member": members})
        else:
            team_id = store.insert("team", dict(values))
        keep = {m["id"] for m in members if m.get("id")}
        for old in store.rows("member", where="team_id = ?", params=[team_id]):
            if old["id"] not in keep:
                store.delete("member", old["id"])
        for member in members:
            fields = {k: v for k, v in member.items() if k != "id"}
            fields["team_id"] = team_id
            if member.get("id"):
                store.update("member", member["id"], fields)
            else:
                store.insert("member", fields)
    return team_id
