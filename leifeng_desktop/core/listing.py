"""The SQL behind every record list, and its rows: chosen columns, reference titles joined in, derived columns, a
text search, sorting and keyset paging (core/list_plan.py writes each page's SELECT; this module adds the search and
the filter, runs the statements and counts).

Column and sort keys are checked against the schema and only then written into SQL; the search text only ever
travels as a parameter. `where` is SQL the program writes (e.g. 'kind = ?'), about the record type's own table: it
runs in a sub-select, so its column names never clash with a joined table's.

Paging is by keyset, never OFFSET: each row carries its sort key (KEY) and rowid (ROWID), and the next page asks
for the rows after the last one (`after=after_key(row)`). The text search uses m009's search tables. A searched or
filtered page is cut before the titles of its references are joined; a list model asks for no titles
(titles=False) and reads those it shows (titles()).
"""
from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, overload

from . import migrate_lists
from . import schema as s
from .list_columns import DERIVED as DERIVED  # the list columns live in list_columns; these names stay
from .list_columns import Derived as Derived
from .list_columns import alerts as alerts
from .list_columns import column_field as column_field
from .list_columns import depends_on as depends_on
from .list_plan import KEY as KEY  # a page's SELECT is written in list_plan; these names stay
from .list_plan import REF_ID as REF_ID
from .list_plan import ROWID as ROWID
from .list_plan import ListPlan
from .store import Store
from .store_rows import decoder

SEARCHABLE = (s.TEXT, s.LONGTEXT, s.CHOICE, s.MULTI, s.UNIT)

# A hook for searches the search tables cannot answer (engineer K's "last digits" of an encrypted number): called
# with the record type and one search word, it returns SQL selecting rowids of the type's table and its parameters,
# or None. The rows it selects are found as if their text matched.
SearchHook = Callable[[s.RecordType, str], "tuple[str, list[Any]] | None"]
SEARCH_HOOKS: list[SearchHook] = []


def search_fields(rt: s.RecordType) -> tuple[str | None, tuple[str, ...]]:
    """(title field, other fields) of the record's search text: its non-sensitive text, choice and unit fields
    (schema step m009 writes them into `<type>_search`; a test keeps the two the same)."""
    fields = [f for f in rt.fields if f.type in SEARCHABLE and not f.sensitive]
    title = rt.title if any(f.key == rt.title for f in fields) else None
    return title, tuple(f.key for f in fields if f.key != title)


def indexed(store: Store) -> bool:
    """Whether the file has m009's search tables (a development file that recorded the step before it had a body
    has not): without them the search reads every row with LIKE. Asked once per open store (sqlite_master is read
    row by row: a list asked it at every batch)."""
    found = _INDEXED.get(store)
    if found is None:
        found = _INDEXED[store] = store.db.execute(
            f"SELECT 1 FROM sqlite_master WHERE name = '{migrate_lists.SEQ}'").fetchone() is not None
    return found


_INDEXED: weakref.WeakKeyDictionary[Store, bool] = weakref.WeakKeyDictionary()


def after_key(row: dict[str, Any]) -> tuple[Any, Any]:
    """What `after=` takes to continue after this row (a row fetch_rows returned)."""
    return row[KEY], row[ROWID]


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def phrase(word: str) -> str:
    """An FTS5 phrase of the word's characters, each a token of the search tables."""
    return '"' + " ".join(word).replace('"', '""') + '"'


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _search_sets(plan: ListPlan, word: str) -> tuple[list[str], list[Any]]:
    """SELECTs of the rowids whose text holds `word`: the record's own search text, the titles of its shown
    references, its shown unit, and the search hooks."""
    t, sets, args = plan.table, [], []
    title, body = search_fields(plan.rt)
    like = f"%{escape_like(word)}%"
    if (title or body) and not plan.indexed:   # a file without m009's search tables: every row read
        fields = [k for k in (title, *body) if k]
        sets.append(f"SELECT rowid FROM {t} WHERE " + " OR ".join(f"{_q(k)} LIKE ? ESCAPE '\\'" for k in fields))
        args += [like] * len(fields)
    elif title or body:
        sets.append(f"SELECT rowid FROM {_q(plan.rt.key + '_search')} WHERE {_q(plan.rt.key + '_search')} MATCH ?")
        args.append(phrase(word))
    for key in plan.columns:
        f = column_field(plan.rt, key)
        if key in DERIVED.get(plan.rt.key, {}):
            continue
        if f.type == s.REF and not plan.indexed:
            target = s.record_type(f.target)
            sets.append(f"SELECT rowid FROM {t} WHERE {_q(key)} IN (SELECT id FROM {_q(target.key)} "
                        f"WHERE {_q(target.title)} LIKE ? ESCAPE '\\')")
            args.append(like)
        elif f.type == s.REF and search_fields(s.record_type(f.target))[0]:
            fts = _q(f.target + "_search")
            sets.append(f"SELECT rowid FROM {t} WHERE {_q(key)} IN (SELECT id FROM {_q(f.target)} WHERE rowid IN "
                        f"(SELECT rowid FROM {fts} WHERE {fts} MATCH ?))")
            args.append(f"title : {phrase(word)}")
        elif key == "unit" and key not in plan.rt.keys:   # the meta column, shown
            sets.append(f"SELECT rowid FROM {t} WHERE unit IN (SELECT DISTINCT unit FROM {t} "
                        "WHERE unit LIKE ? ESCAPE '\\')")
            args.append(like)
    for hook in SEARCH_HOOKS:
        found = hook(plan.rt, word)
        if found:
            sets.append(found[0])
            args.extend(found[1])
    return sets, args


def _row_sets(plan: ListPlan, text: str, where: str | None,
              params: Sequence[Any]) -> tuple[list[str | None], list[Any]]:
    """The SELECT of the rowids each condition lets through: the filter, then each search word (None: a word
    nothing can match)."""
    sets: list[str | None] = []
    args: list[Any] = []
    if where:
        sets.append(f"SELECT rowid FROM {plan.table} WHERE {where}")
        args.extend(params)
    for word in (text or "").split():
        found, values = _search_sets(plan, word)
        sets.append(" UNION ".join(found) if found else None)
        args.extend(values)
    return sets, args


def _where(plan: ListPlan, text: str, where: str | None, params: Sequence[Any]) -> tuple[list[str], list[Any]]:
    sets, args = _row_sets(plan, text, where, params)
    return [f"{plan.table}.rowid IN ({q})" if q else "0" for q in sets], args


def _plan(rt: s.RecordType, columns: Sequence[str], order_by: str | None = None, descending: bool = False,
          indexed: bool = True) -> ListPlan:
    key = (rt.key, tuple(columns), order_by, descending, indexed)
    plan = _PLANS.get(key) if s.RECORD_TYPES.get(rt.key) is rt else None
    if plan is None:
        plan = ListPlan(rt, columns, order_by, descending, indexed)
        if s.RECORD_TYPES.get(rt.key) is rt:
            _PLANS[key] = plan
    return plan


def _prepared(rt: s.RecordType, columns: Sequence[str], text: str = "", where: str | None = None,
              params: Sequence[Any] = (), order_by: str | None = None, descending: bool = False,
              indexed: bool = True) -> tuple[ListPlan, list[str], list[Any]]:
    plan = _plan(rt, columns, order_by, descending, indexed)
    clauses, args = _where(plan, text, where, params)
    return plan, clauses, args


# plans of the schema's record types by (type, columns, sort, direction, indexed): a list asks for one per batch
_PLANS: dict[tuple[Any, ...], ListPlan] = {}


def list_queries(rt: s.RecordType, *, columns: Sequence[str], limit: int | None = None,
                 after: Sequence[Any] | None = None, ref_ids: bool = False, titles: bool = True,
                 drive: bool = True, **kw: Any) -> list[tuple[str, list[Any]]]:
    """The statements that together give the rows after `after` (from the start when None), in order: run them one
    after the other until `limit` rows are read. Each SELECTs id, `columns` (REF columns as the referenced record's
    title; with ref_ids also "<key>:id"; titles=False as fetch_rows), KEY and ROWID. Takes text, where, params,
    order_by, descending too; drive=False: a list sorted by a title without its index walk (title_sort.pays)."""
    plan, clauses, args = _prepared(rt, columns, **kw)
    return [plan.statement(clauses + ([cond] if cond else []), args + keyset, limit, ref_ids, bool(clauses), titles,
                           how) for cond, keyset, how in plan.segments(after, bool(clauses), drive)]


def list_query(rt: s.RecordType, **kw: Any) -> tuple[str, list[Any]]:
    """The statement of a first page (list_queries without `after`)."""
    kw.pop("after", None)
    return list_queries(rt, **kw)[0]


def count_query(rt: s.RecordType, *, columns: Sequence[str], text: str = "", where: str | None = None,
                params: Sequence[Any] = (), indexed: bool = True, **_ignored: object) -> tuple[str, list[Any]]:
    """COUNT(*) of what list_query returns without paging (takes and ignores the sort and paging arguments)."""
    plan = _plan(rt, columns, indexed=indexed)
    sets, args = _row_sets(plan, text, where, params)
    if not sets:
        return f"SELECT COUNT(*) FROM {plan.table}", args
    if None in sets:
        return "SELECT 0", []
    # the rowid sets counted (the rows they share): no row of the table itself is read
    rowids = [f"SELECT * FROM ({q})" for q in sets]
    body = " INTERSECT ".join(rowids) if len(rowids) > 1 else f"SELECT DISTINCT * FROM ({sets[0]})"
    return f"SELECT COUNT(*) FROM ({body})", args


class Rows(list):  # type: ignore[type-arg]
    """A list's rows as SQLite gives them (tuples: sensitive values encrypted, MULTI values as stored JSON), with
    `names`, their columns in order (KEY and ROWID among them). A model keeps these: 400,000 dicts cost more than
    the SELECT itself."""

    def __init__(self, names: Sequence[str] = (), rows: Iterable[tuple[Any, ...]] = ()):
        super().__init__(rows)
        self.names = tuple(names)


@overload
def fetch_rows(store: Store, rt: s.RecordType, *, raw: Literal[True], **kw: Any) -> Rows: ...


@overload
def fetch_rows(store: Store, rt: s.RecordType, *, raw: Literal[False] = False, **kw: Any) -> list[dict[str, Any]]: ...


def fetch_rows(store: Store, rt: s.RecordType, *, raw: bool = False, **kw: Any) -> list[dict[str, Any]] | Rows:
    """The list's rows. Takes columns, limit, after, ref_ids, keys, opened and list_queries' text, where, params,
    order_by, descending. With keys=True each holds KEY and ROWID, and `after=after_key(row)` continues after it.
    Each row becomes a dict through store_rows.decoder (Store.decode, planned once per statement); opened=False
    leaves sensitive values encrypted for the caller to open those it shows (sealed.open_value). raw=True: the
    rows undecoded, as Rows (tuples and their column names, KEY and ROWID kept); with titles=False and ref_ids
    a REF column comes as its "<key>:id" alone (unless the list is sorted by its title): the caller reads the
    titles of the rows it shows (titles()). drive: a whole list sorted by a title read from its index or not
    (None: when TitleSort.pays)."""
    found = _fetch(store, rt, **kw)
    if raw:
        return found
    keys, opened = kw.get("keys", False), kw.get("opened", True)
    row_of = decoder(rt, found.names, keys=[store.keys] if store.keys else [], opened=opened)
    rows = list(map(row_of, found))
    if not keys:
        for row in rows:
            del row[KEY], row[ROWID]
    return rows


def _fetch(store: Store, rt: s.RecordType, *, columns: Sequence[str], limit: int | None = None,
           after: Sequence[Any] | None = None, ref_ids: bool = False, offset: int | None = None,
           keys: bool = False, opened: bool = True, titles: bool = True, drive: bool | None = None,
           **kw: Any) -> Rows:
    if offset:
        raise ValueError("lists page by keyset: pass after=after_key(last row), not an offset")
    plan, clauses, args = _prepared(rt, columns, indexed=indexed(store), **kw)
    rows = Rows()
    if drive is None:   # a whole list sorted by a title: from the title's index when that pays (title_sort)
        drive = plan.title_sort is not None and not clauses and plan.title_sort.pays(store.db.conn)
    for cond, keyset, how in plan.segments(after, bool(clauses), drive):
        need = None if limit is None else limit - len(rows)
        if need is not None and need <= 0:
            break
        sql, values = plan.statement(clauses + ([cond] if cond else []), args + keyset, need, ref_ids,
                                     bool(clauses), titles, how)
        cursor = store.db.conn.execute(sql, values)
        rows.names = tuple(d[0] for d in cursor.description)
        rows += cursor.fetchall()
    return rows


def titles(store: Store, type_key: str, ids: Iterable[str]) -> dict[str, Any]:
    """The titles of these records of `type_key` (as a list's REF column shows them), by id; a missing one is left
    out."""
    target = s.record_type(type_key)
    wanted = list(dict.fromkeys(i for i in ids if i is not None))
    out: dict[str, Any] = {}
    for at in range(0, len(wanted), 500):
        chunk = wanted[at:at + 500]
        out.update(store.db.conn.execute(f"SELECT id, {_q(target.title)} FROM {_q(target.key)} WHERE id IN "
                                         f"({', '.join('?' * len(chunk))})", chunk).fetchall())
    return out


def fetch_count(store: Store, rt: s.RecordType, **kw: Any) -> int:
    sql, args = count_query(rt, indexed=indexed(store), **kw)
    count: int = store.db.execute(sql, args).fetchone()[0]
    return count
