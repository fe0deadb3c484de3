"""The visiting campaign (大走访) and hardship aid: counting rules for the targets, demand deadlines, saving a visit or
a household whole, a household's history and its removal.

Same enterprise (走访企业数, target ≥ 40). The key is computed in SQL, not stored: a stored column would go stale
whenever a record is written by anything other than one save function (the generic editor, the demo, imported
bundles), and a Python function registered on the connection would be missing on any other connection (a worker
thread, the sqlite3 shell). So the rule is a table of character replacements that Python (`enterprise_key`) and
SQL (`enterprise_keys_sql`, `replace()` chains) apply identically:
  - with a 统一社会信用代码 the key is the code ("U:" + code);
  - otherwise the name: full-width letters, digits, brackets and spaces made half-width (NFKC of the full-width
    block), spaces and punctuation removed except brackets, Latin letters upper-cased ("N:" + name). Wording is left
    alone: 有限公司 and 有限责任公司 stay different names.
`enterprise_keys_sql()` also lets a visit without a code borrow the code another visit of the same name carries,
so filling the code in on a later visit does not count the enterprise twice.

Counted household (走访帮扶困难职工户数, target ≥ 80): a distinct household with at least one household visit AND at
least one aid record, both dated in the campaign year (`COUNTED_HOUSEHOLDS_SQL`).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from . import oplog
from .errors import StoreError
from .store import Store
from .validation import ValidationError, is_empty

DONE = "已办结"                      # the demand status that stops the reply clock
DEFAULT_REPLY_DAYS = 3

# -- the same enterprise --------------------------------------------------------------------------------------
_REMOVED = " \t.,;:!?'\"`~^_-–—―·・•、，。；：！？“”‘’/\\|*&+#@%<>《》〈〉「」『』…"
_FOLD: dict[str, str] = {}
for _code in [0x3000, *range(0xFF01, 0xFF5F)]:          # ideographic space and the full-width ASCII block
    _FOLD[chr(_code)] = unicodedata.normalize("NFKC", chr(_code))
_FOLD = {c: ("" if f in _REMOVED else f) for c, f in _FOLD.items()}
_FOLD.update({c: "" for c in _REMOVED})
_TABLE = str.maketrans({c: (f or None) for c, f in _FOLD.items()})
_STAGE = 25
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


# most names hold nothing to fold and no lower-case Latin letter: a search costs less than a translate
_FOLDED = re.compile("[" + re.escape("".join(_FOLD)) + "]")
_LOWER = re.compile("[a-z]")


def _upper(text: str) -> str:
    """ASCII letters upper-cased, nothing else (as SQLite's upper())."""
    if text.isascii():
        return text.upper()
    return text.translate(_ASCII_UPPER) if _LOWER.search(text) else text


def name_key(name: str | None) -> str:
    """An enterprise name as compared (see the module docstring)."""
    text = name or ""
    return _upper(text.translate(_TABLE) if _FOLDED.search(text) else text)


def enterprise_key(values: Mapping[str, Any]) -> str:
    """One visit's own key: 'U:<code>' when the 统一社会信用代码 is given, else 'N:<normalised name>'."""
    code = "".join(str(values.get("uscc") or "").split()).upper()
    return f"U:{code}" if code else f"N:{name_key(values.get('enterprise'))}"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def enterprise_keys_sql() -> str:
    """SELECT id, group_id, date, unit, enterprise_key for every enterprise visit; use it as a subquery. The name's
    replacements run in stages because SQLite's parser allows only about 30 nested calls in one expression."""
    cols, items = "id, group_id, date, unit, code", list(_FOLD.items())
    ctes = [("s0 AS (SELECT id, group_id, date, unit, NULLIF(upper(replace(COALESCE(uscc, ''), ' ', '')), '') "
             "AS code, COALESCE(enterprise, '') AS t FROM enterprise_visit)")]
    for n, start in enumerate(range(0, len(items), _STAGE), start=1):
        expr = "t"
        for char, repl in items[start:start + _STAGE]:
            expr = f"replace({expr}, {_literal(char)}, {_literal(repl)})"
        ctes.append(f"s{n} AS (SELECT {cols}, {expr} AS t FROM s{n - 1})")
    # a name's borrowed code is the smallest code any visit of that name carries: a window over the names (one
    # sort), not a join to a grouped list of names, which SQLite scanned whole for every visit
    ctes += [f"ev AS (SELECT {cols}, upper(t) AS nk FROM s{len(ctes) - 1})",   # upper(): ASCII only, as ours
             "named AS (SELECT id, group_id, date, unit, code, nk, MIN(code) OVER (PARTITION BY nk) AS borrowed "
             "FROM ev)"]
    return ("WITH " + ", ".join(ctes) + " SELECT id, group_id, date, unit, "
            "COALESCE('U:' || code, 'U:' || borrowed, 'N:' || nk) AS enterprise_key FROM named")


def _year_cond(column: str, year: int | str | None) -> tuple[str, list[str]]:
    return (f"substr({column}, 1, 4) = ?", [str(int(year))]) if year is not None else ("1 = 1", [])


def _sql_code(uscc: object) -> str | None:
    """The 统一社会信用代码 as enterprise_keys_sql reads it: spaces removed, ASCII upper-cased, '' as none."""
    return _upper(str(uscc if uscc is not None else "").replace(" ", "")) or None


@functools.lru_cache(maxsize=1 << 15)
def _stored_keys(uscc: object, name: str | None) -> tuple[str | None, str]:
    """(code, name key) of one visit's stored values: kept, as the dashboard keys every visit at each recount and
    the values seldom change (a pure function of the two)."""
    return _sql_code(uscc), name_key(name)


def visit_keys(store: Store, cond: str = "1 = 1", params: Sequence[Any] = ()) -> list[tuple[str, Any, Any, str]]:
    """(id, group_id, date, enterprise_key) of the enterprise visits for which `cond` (SQL over enterprise_visit)
    holds: the keys of enterprise_keys_sql, a code borrowed from any visit of the same name (in scope or not). Keyed
    here rather than by the SQL: one read of the table instead of ~140 replace() calls per visit."""
    rows = store.db.execute(f"SELECT id, group_id, date, uscc, enterprise, ({cond}) FROM enterprise_visit",
                            list(params)).fetchall()
    borrowed: dict[str, str] = {}
    keyed = []
    for i, g, d, uscc, name, inside in rows:
        code, nk = _stored_keys(uscc, name)
        if code is not None and (nk not in borrowed or code < borrowed[nk]):
            borrowed[nk] = code
        if inside:
            keyed.append((i, g, d, code, nk))
    return [(i, g, d, "U:" + code if code else "U:" + borrowed[nk] if nk in borrowed else "N:" + nk)
            for i, g, d, code, nk in keyed]


def enterprise_counts(store: Store, cond: str = "1 = 1",
                      params: Sequence[Any] = ()) -> tuple[int, int, list[dict[str, Any]]]:
    """(visits, distinct enterprises, every working group's share) of the visits for which `cond` holds; a share is
    {group_id, group, visits, enterprises}, in the groups' order."""
    keys = visit_keys(store, cond, params)
    by_group: dict[Any, set[str]] = {}
    visits: dict[Any, int] = {}
    for _id, group, _date, key in keys:
        by_group.setdefault(group, set()).add(key)
        visits[group] = visits.get(group, 0) + 1
    shares = [{"group_id": g["id"], "group": g["name"], "visits": visits.get(g["id"], 0),
               "enterprises": len(by_group.get(g["id"], ()))}
              for g in store.db.query("SELECT id, name FROM working_group ORDER BY rowid")]
    return len(keys), len({k[3] for k in keys}), shares


def distinct_enterprises(store: Store, *, year: int | None = None, group_id: str | None = None) -> int:
    """Distinct enterprises visited (in the year, by the group); None means every year / every group."""
    cond, params = _year_cond("date", year)
    if group_id:
        cond, params = f"{cond} AND group_id = ?", [*params, group_id]
    return enterprise_counts(store, cond, params)[1]


def enterprises_by_group(store: Store, *, year: int | None) -> list[dict[str, Any]]:
    """Every working group's share: {group_id, group, visits, enterprises}, in the groups' order. An enterprise two
    groups visited counts in both shares, so the shares may add up to more than distinct_enterprises()."""
    return enterprise_counts(store, *_year_cond("date", year))[2]


# -- the counted household --------------------------------------------------------------------------------------
def counted_households_sql(year: str = ":year") -> str:
    """SELECT h.id of the households counted in a year; `year` is an SQL expression for the year as text (a named
    parameter, or `?`, which then appears twice)."""
    return ("SELECT h.id FROM household h "
            "WHERE EXISTS (SELECT 1 FROM household_visit v WHERE v.household_id = h.id "
            f"AND substr(v.date, 1, 4) = {year}) "
            f"AND EXISTS (SELECT 1 FROM aid a WHERE a.household_id = h.id AND substr(a.date, 1, 4) = {year})")


COUNTED_HOUSEHOLDS_SQL = counted_households_sql()


def counted_household_ids(store: Store, year: int) -> list[str]:
    """Households that count toward the target in `year`: visited at least once AND helped at least once, both
    dated in that year. A household visited but not helped (or helped only in another year) does not count."""
    sql = COUNTED_HOUSEHOLDS_SQL + " ORDER BY h.rowid"
    return [r[0] for r in store.db.execute(sql, {"year": str(int(year))})]


def counted_households(store: Store, year: int) -> int:
    """How many households count toward the target in `year` (the rule of counted_household_ids)."""
    found: int = store.db.execute(f"SELECT COUNT(*) FROM ({COUNTED_HOUSEHOLDS_SQL})",
                                  {"year": str(int(year))}).fetchone()[0]
    return found


# -- demands: the reply deadline ------------------------------------------------------------------------------
def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def reply_days(store: Store) -> int:
    return int(store.settings.get("demand_reply_days") or DEFAULT_REPLY_DAYS)


def reply_deadline(visit_date: object, days: int = DEFAULT_REPLY_DAYS) -> str:
    """The visit date plus the reply days, as an ISO date ('' when the visit date is not a date)."""
    day = _day(visit_date)
    return (day + dt.timedelta(days=int(days))).isoformat() if day else ""


def deadline(demand: Mapping[str, Any], days: int = DEFAULT_REPLY_DAYS) -> str:
    """The demand's 答复期限, or its visit date (key 'visit_date') plus the reply days when none was set."""
    return demand.get("due_on") or reply_deadline(demand.get("visit_date"), days)


def is_overdue(demand: Mapping[str, Any], today: object, *, days: int = DEFAULT_REPLY_DAYS) -> bool:
    """Not settled (办理状态 is not 已办结) and the deadline is before `today` (the deadline day itself is in time)."""
    due, today = _day(deadline(demand, days)), _day(today)
    return demand.get("status") != DONE and due is not None and today is not None and due < today


def deadline_sql(*, table: str = "demand", days: str | int = ":reply_days") -> str:
    """The deadline as SQL over a demand row `table`; `days` is an SQL expression or a number."""
    return (f"COALESCE(NULLIF({table}.due_on, ''), (SELECT date(ev_.date, '+' || ({days}) || ' days') "
            f"FROM enterprise_visit ev_ WHERE ev_.id = {table}.visit_id))")


def overdue_sql(today: str = ":today", days: str | int = ":reply_days", *, table: str = "demand") -> str:
    """The is_overdue rule as an SQL condition (1/0) for lists and statistics, like teams.lateness_sql."""
    return f"(COALESCE({table}.status, '') <> '{DONE}' AND {deadline_sql(table=table, days=days)} < {today})"


def overdue_demands(store: Store, *, today: object = None) -> list[dict[str, Any]]:
    """Demands past their deadline and not settled, oldest deadline first, with their visit's enterprise, date and
    working group, the deadline used ('deadline') and the days overdue ('days_overdue')."""
    today = _day(today) or dt.date.today()
    sql = (f"SELECT d.*, v.enterprise, v.date AS visit_date, g.name AS group_name, "
           f"{deadline_sql(table='d')} AS deadline FROM demand d JOIN enterprise_visit v ON v.id = d.visit_id "
           f"LEFT JOIN working_group g ON g.id = v.group_id WHERE {overdue_sql(table='d')} "
           f"ORDER BY deadline, v.date, d.rowid")
    rows = [dict(r) for r in store.db.query(sql, {"today": today.isoformat(), "reply_days": reply_days(store)})]
    for r in rows:
        r["days_overdue"] = (today - dt.date.fromisoformat(r["deadline"])).days
    return rows


def visit_date_warning(date: object, year: int | str | None, *, label: str = "走访日期") -> str | None:
    """A warning (saving is allowed) for a date outside the campaign year; None when fine or not yet a date."""
    day = _day(date)
    if day is None or year in (None, "") or day.year == int(year):
        return None
    return f"{label}不在活动年度（{int(year)}年）内"


# -- saving a record with its rows ------------------------------------------------------------------------------
def _save_rows(store: Store, child: str, parent_key: str, parent_id: str, rows: Sequence[Mapping[str, Any]],
               what: str, fill: Callable[[dict[str, Any]], None] | None = None) -> None:
    """Replace the owner's child rows: rows without an id are added, old rows not listed removed, the rest updated.
    A bad row raises ValidationError keyed '<child>[i].<field>' with its row number in the message."""
    old = {r["id"] for r in store.rows(child, where=f"{parent_key} = ?", params=[parent_id])}
    keep = {r["id"] for r in rows if r.get("id")}
    if keep - old:
        raise StoreError(f"要修改的{what}不属于这条记录（可能已被删除）")
    for gone in old - keep:
        store.delete(child, gone)
    for i, row in enumerate(rows):
        fields = {k: v for k, v in row.items() if k != "id"}
        fields[parent_key] = parent_id
        if fill:
            fill(fields)
        try:
            if row.get("id"):
                store.update(child, row["id"], fields)
            else:
                store.insert(child, fields)
        except ValidationError as exc:
            raise ValidationError({f"{child}[{i}].{k}": f"第{i + 1}条{what}：{m}" for k, m in exc.errors.items()}) \
                from None


def _save_owner(store: Store, type_key: str, record_id: str | None, values: Mapping[str, Any], *,
                expected_revision: int | None, children: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """Insert, or update checking the revision the editor loaded (RecordConflict before anything is written)."""
    if record_id:
        store.update(type_key, record_id, dict(values), expected_revision=expected_revision, children=children)
        return record_id
    return store.insert(type_key, dict(values))


def save_enterprise_visit(store: Store, visit_id: str | None, values: Mapping[str, Any],
                          demands: Iterable[Mapping[str, Any]], *, expected_revision: int | None = None) -> str:
    """The visit and its whole list of 职工诉求 in one transaction; returns the visit's id. A demand without 答复期限
    gets the visit date plus the reply days of the settings. Nothing is written when any row is refused, or when
    the visit changed elsewhere since `expected_revision` (RecordConflict)."""
    rows = [dict(d) for d in demands]
    days = reply_days(store)
    with store.transaction(), oplog.saving(store, "enterprise_visit", visit_id):
        visit_id = _save_owner(store, "enterprise_visit", visit_id, values, expected_revision=expected_revision,
                               children={"demand": rows})
        visit_date = (store.get("enterprise_visit", visit_id) or {})["date"]

        def fill(fields: dict[str, Any]) -> None:
            if is_empty(fields.get("due_on")) and (due := reply_deadline(visit_date, days)):
                fields["due_on"] = due
        _save_rows(store, "demand", "visit_id", visit_id, rows, "诉求", fill)
    return visit_id


def save_household(store: Store, household_id: str | None, values: Mapping[str, Any],
                   family: Iterable[Mapping[str, Any]], *, expected_revision: int | None = None) -> str:
    """The household and its family members in one transaction; returns the household's id (RecordConflict as
    save_enterprise_visit)."""
    members = [dict(f) for f in family]
    with store.transaction(), oplog.saving(store, "household", household_id):
        household_id = _save_owner(store, "household", household_id, values, expected_revision=expected_revision,
                                   children={"family_member": members})
        _save_rows(store, "family_member", "household_id", household_id, members, "家庭成员")
    return household_id


# -- aid and a household's history ----------------------------------------------------------------------------
def aid_totals(store: Store, *, year: int | None = None, household_id: str | None = None) -> list[dict[str, Any]]:
    """Per programme: {programme, count, households, amount_fen}; every programme of the choice list in its order
    (zeros included), then any stored programme no longer on the list. Sums are SQLite integers: exact."""
    cond, params = _year_cond("date", year)
    if household_id:
        cond, params = f"{cond} AND household_id = ?", [*params, household_id]
    found = {r["programme"]: dict(r) for r in store.db.query(
        f"SELECT programme, COUNT(*) AS count, COUNT(DISTINCT household_id) AS households, "
        f"COALESCE(SUM(amount), 0) AS amount_fen FROM aid WHERE {cond} GROUP BY programme ORDER BY programme", params)}
    order = store.settings.choices().get("aid_programme", [])
    out = [found.pop(p, {"programme": p, "count": 0, "households": 0, "amount_fen": 0}) for p in order]
    return out + list(found.values())


def household_history(store: Store, household_id: str) -> dict[str, Any]:
    """{household, family, visits (with group_name), aid, totals (programmes with records), total_fen}."""
    household = store.get("household", household_id)
    if household is None:
        raise StoreError("该困难职工档案已不存在（可能已被删除）")
    visits = [dict(r) for r in store.db.query(
        "SELECT v.*, g.name AS group_name FROM household_visit v LEFT JOIN working_group g ON g.id = v.group_id "
        "WHERE v.household_id = ? ORDER BY v.date, v.rowid", [household_id])]
    totals = [t for t in aid_totals(store, household_id=household_id) if t["count"]]
    return {"household": household,
            "family": store.rows("family_member", where="household_id = ?", params=[household_id]),
            "visits": visits,
            "aid": store.rows("aid", where="household_id = ?", params=[household_id], order_by="date, rowid"),
            "totals": totals, "total_fen": sum(t["amount_fen"] for t in totals)}


def household_dependents(store: Store, household_id: str) -> dict[str, Any]:
    """What deleting the household would remove: {name, family_member, household_visit, aid, amount_fen, text}."""
    household = store.get("household", household_id)
    if household is None:
        raise StoreError("该困难职工档案已不存在（可能已被删除）")
    out: dict[str, Any] = {"name": household["name"]}
    for child in ("family_member", "household_visit", "aid"):
        out[child] = store.count(child, where="household_id = ?", params=[household_id])
    out["amount_fen"] = store.db.execute("SELECT COALESCE(SUM(amount), 0) FROM aid WHERE household_id = ?",
                                         [household_id]).fetchone()[0]
    parts = [f"{label} {out[k]} {unit}" for k, label, unit in (
        ("family_member", "家庭成员", "人"), ("household_visit", "走访记录", "条"), ("aid", "帮扶记录", "条"))
        if out[k]]
    out["text"] = f"困难职工“{out['name']}”的档案" + (f"及其{'、'.join(parts)}" if parts else "")
    return out


def delete_household(store: Store, household_id: str) -> dict[str, Any]:
    """Move the household with its family, visits and aid into the 回收站 in one transaction (Store.delete takes
    every row that references it, and every list hears about it). Returns household_dependents() as it was."""
    with store.transaction():
        removed = household_dependents(store, household_id)
        store.delete("household", household_id)
    return removed
