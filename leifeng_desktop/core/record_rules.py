"""Rules that span records (a participant's minutes within its activity's duration …), checked inside the write
transaction of every Store.insert and Store.update, whatever program writes.

`check` gets the record as it will be stored (for an update: the stored row with the new values over it; column
values as stored, MULTI as JSON text) and returns {field_key: Chinese message}; the store raises ValidationError
when it is not empty, and nothing is written.

A save that writes an activity and its participants together (service_record.save_activity) passes through
states that are wrong for a moment (the activity shortened before its participants' minutes): inside
`deferred(store)` the checks are made once, on the final state, before the transaction commits.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import weakref
from collections.abc import Collection, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .validation import ValidationError, minutes_to_hours

if TYPE_CHECKING:
    from .store import Store

# store → ids of the activities to check when its deferred block ends
_deferred: weakref.WeakKeyDictionary[Store, set[str]] = weakref.WeakKeyDictionary()


def check(store: Store, type_key: str, values: dict[str, Any], record_id: str | None) -> dict[str, str]:
    """Problems of `values` (a `type_key` record; `record_id` None for an insert) against other records."""
    if type_key == "participant" and values.get("activity_id"):
        if store in _deferred:
            _deferred[store].add(values["activity_id"])
            return {}
        return _participant(store, values)
    if type_key == "activity" and record_id:      # a new activity has no participants yet
        if store in _deferred:
            _deferred[store].add(record_id)
            return {}
        message = _activity(store, values, record_id)
        return {"ends_at": message} if message else {}
    return {}


@contextlib.contextmanager
def deferred(store: Store) -> Iterator[None]:
    """Inside a transaction: activity/participant checks wait for the end of the block and see its final state;
    a problem then raises ValidationError({"participants": …}), so the transaction rolls back."""
    if store in _deferred:      # nested: the outer block checks
        yield
        return
    _deferred[store] = set()
    try:
        yield
        ids = _deferred[store]
    finally:
        del _deferred[store]
    problems = [m for m in (_activity(store, a, a["id"]) for a in _activities(store, ids)) if m]
    if problems:
        raise ValidationError({"participants": "；".join(problems)})


# -- a participant's minutes and its activity's duration -------------------------------------------------------
def _parse(value: object) -> dt.datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value[:16])
    except ValueError:
        return None


def activity_minutes(activity: Mapping[str, Any]) -> int | None:
    """Minutes from starts_at to ends_at; None when either is missing or unreadable, or the end comes first."""
    start, end = _parse(activity.get("starts_at")), _parse(activity.get("ends_at"))
    if start is None or end is None or end < start:
        return None
    return int((end - start).total_seconds() // 60)


def minutes_problem(minutes: object, limit: int | None) -> str | None:
    """The message for a participant's minutes longer than the activity lasted (service time excludes travel,
    so it can never be longer); None when they fit or either is unknown."""
    if limit is None or isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= limit:
        return None
    return f"服务时长不能超过活动时长（{minutes_to_hours(limit)}小时）"


def _activities(store: Store, ids: Collection[str]) -> list[dict[str, Any]]:
    marks = ", ".join("?" for _ in ids)
    return [dict(r) for r in store.db.query(f"SELECT * FROM activity WHERE id IN ({marks})", list(ids))] if ids else []


def _participant(store: Store, values: Mapping[str, Any]) -> dict[str, str]:
    found = _activities(store, [values["activity_id"]])
    problem = minutes_problem(values.get("minutes"), activity_minutes(found[0])) if found else None
    if not problem:
        return {}
    name = store.db.execute("SELECT name FROM member WHERE id = ?", [values.get("member_id")]).fetchone()
    who = f"参加人员{name[0]}" if name else "该参加人员"
    return {"minutes": f"{who}的服务时长（{minutes_to_hours(values['minutes'])}小时）超过了活动"
                       f"《{found[0]['title']}》的时长（{minutes_to_hours(activity_minutes(found[0]))}小时）"}


def _activity(store: Store, activity: Mapping[str, Any], activity_id: str) -> str | None:
    """The message when participants of the activity have more minutes than its (new) duration lasts."""
    limit = activity_minutes(activity)
    if limit is None:
        return None
    rows = store.db.execute(
        "SELECT COALESCE(m.name, '（已删除的队员）'), p.minutes FROM participant p LEFT JOIN member m "
        "ON m.id = p.member_id WHERE p.activity_id = ? AND p.minutes > ? ORDER BY p.rowid",
        [activity_id, limit]).fetchall()
    if not rows:
        return None
    names = "、".join(f"{name}（{minutes_to_hours(minutes)}小时）" for name, minutes in rows)
    return (f"活动《{activity.get('title') or ''}》的时长（{minutes_to_hours(limit)}小时）短于参加人员{names}"
            f"的服务时长，请先改短他们的服务时长")
