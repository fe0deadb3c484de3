"""The SQL behind every record list: chosen columns, reference titles joined in, derived columns, a text search,
sorting and keyset paging.

Column and sort keys are checked against the schema and only then written into SQL; the search text only ever
travels as a parameter. `where` is SQL the program writes (e.g. 'kind = ?'), about the record type's own table: it
runs in a sub-select, so its column names never clash with a joined table's.

Paging is by keyset, never OFFSET: each row carries its sort key (KEY) and rowid (ROWID), and the next page asks
for the rows after the last one (`after=after_key(row)`). A list is ordered by the sort column then rowid, both
ascending or both descending (NULL first ascending, last descending, as SQLite orders them); the rows after a key
are read in segments (the same key with a later rowid, then later keys, then the NULLs where they come last), each
an index walk on the indexes of schema step m009 (core/migrate_lists.py). Derived columns from other
rows (队员人数, 诉求数, …) come from one grouped join over the page's ids, not a sub-query per row; sorting by one
groups the whole child table (slower: see docs/architecture.md). The text search uses m009's search tables. A
searched or filtered page is cut before the titles of its references are joined; a list model asks for no titles
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
from .store import Store
from .store_rows import decoder
from .title_sort import TITLED, Segment, TitleSort

SEARCHABLE = (s.TEXT, s.LONGTEXT, s.CHOICE, s.MULTI, s.UNIT)
REF_ID = "{}:id"   # key of a REF column's raw uuid when list_query(ref_ids=True)
KEY, ROWID = "#key", "#rowid"   # every row's sort key and rowid, for the next page's `after`

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


class _Plan:
    """The SELECT list, JOINs and SQL expression of each column (a REF column stands for its record's title), the
    grouped joins of derived columns, and the sort key."""

    def __init__(self, rt: s.RecordType, columns: Sequence[str], order_by: str | None = None,
                 descending: bool = False, indexed: bool = True):
        self.rt, self.table, self.indexed = rt, _q(rt.key), indexed
        self.columns = list(columns)
        self.items = [f"{self.table}.id AS id"]
        self.joins: list[str] = []
        self.expr: dict[str, str] = {}
        self.ref_ids: list[str] = []
        self.groups: dict[str, list[str]] = {}   # child table -> derived keys over it
        # a narrowed list (searched, filtered) sorts its matches before cutting the page: its titles are joined to
        # the page's rows after (_late), not to every match
        self.late_inner, self.late_outer, self.late_joins = [f"{self.table}.id AS id"], ["_pg.id AS id"], []
        self.untitled = [f"{self.table}.id AS id"]   # the columns without the REF titles (titles=False)
        self.title_sorts: dict[str, tuple[str, TitleSort]] = {}   # REF column -> its LEFT JOIN, its sort by title
        derived = DERIVED.get(rt.key, {})
        for i, key in enumerate(self.columns):
            f = column_field(rt, key)   # KeyError for a key the schema does not know
            own = f"{self.table}.{_q(key)}"
            if key in derived and derived[key].child:
                self.groups.setdefault(str(derived[key].child), []).append(key)
                continue
            if key in derived:
                self.expr[key] = derived[key].sql.format(t=self.table)
            elif f.type == s.REF:
                target = s.record_type(f.target)
                alias = f"_r{i}"
                self.joins.append(f"LEFT JOIN {_q(target.key)} AS {alias} ON {alias}.id = {own}")
                self.title_sorts[key] = (self.joins[-1], TitleSort(self.table, alias, _q(target.key),
                                                                   _q(target.title), _q(key)))
                self.expr[key] = f"{alias}.{_q(target.title)}"
                self.ref_ids.append(f"{own} AS {_q(REF_ID.format(key))}")
                self.late_joins.append(f"LEFT JOIN {_q(target.key)} AS {alias} ON {alias}.id = _pg.{_q(key)}")
            else:
                self.expr[key] = own
            if key != "id":
                self.items.append(f"{self.expr[key]} AS {_q(key)}")
                self.late_inner.append(f"{own if f.type == s.REF else self.expr[key]} AS {_q(key)}")
                self.late_outer.append(f"{self.expr[key] if f.type == s.REF else '_pg.' + _q(key)} AS {_q(key)}")
                if f.type != s.REF:
                    self.untitled.append(f"{self.expr[key]} AS {_q(key)}")
        self.descending = descending
        sort = order_by or rt.order_by
        self.sorted_group = self._sort_group(sort)
        self.key = self._sort_expr(sort)
        # titles can come after the page (or from the caller) unless the list is sorted by one
        self.by_title = sort in self.expr and sort not in derived and column_field(rt, sort).type == s.REF
        self.can_late = bool(self.joins) and not self.sorted_group and not self.by_title
        # sorted by a title and neither searched nor filtered: read from the title's index (core/title_sort.py)
        self.title_sort: TitleSort | None = None
        self.title_join, self.title_item = "", []   # titles=False: the sorted title alone is joined
        if self.by_title:
            self.title_join, self.title_sort = self.title_sorts[sort]
            self.title_item = [f"{self.key} AS {_q(sort)}"]

    def _sort_group(self, key: str) -> str | None:
        """The child table whose grouped join the inner query needs to sort by a derived count (else None)."""
        derived = DERIVED.get(self.rt.key, {}).get(key)
        if derived and derived.child:
            if key not in self.columns:
                raise ValueError(f"cannot sort {self.rt.key} by {key!r}: not a shown column")
            return derived.child
        return None

    def _sort_expr(self, key: str) -> str:
        if key == "rowid":
            return f"{self.table}.rowid"
        if self.sorted_group:
            return f"COALESCE(_g.{_q(key)}, 0)"
        if key in self.expr:
            return self.expr[key]
        if key in {f.key for f in self.rt.columns}:
            return f"{self.table}.{_q(key)}"
        raise ValueError(f"cannot sort {self.rt.key} by {key!r}")

    def group_join(self, child: str, alias: str, ids: str | None) -> str:
        """LEFT JOIN the aggregates over `child` (of the records whose ids `ids` selects, or of every record)."""
        derived = DERIVED[self.rt.key]
        keys = self.groups[child]
        fk = _q(derived[keys[0]].fk)
        aggs = ", ".join(f"{derived[k].sql} AS {_q(k)}" for k in keys)
        narrow = f" WHERE {_q(child)}.{fk} IN ({ids})" if ids else ""
        return (f"LEFT JOIN (SELECT {_q(child)}.{fk} AS k, {aggs} FROM {_q(child)}{narrow} GROUP BY {_q(child)}.{fk}) "
                f"AS {alias} ON {alias}.k = ")

    def search_sets(self, word: str) -> tuple[list[str], list[Any]]:
        """SELECTs of the rowids whose text holds `word`: the record's own search text, the titles of its shown
        references, its shown unit, and the search hooks."""
        t, sets, args = self.table, [], []
        title, body = search_fields(self.rt)
        like = f"%{escape_like(word)}%"
        if (title or body) and not self.indexed:   # a file without m009's search tables: every row read
            fields = [k for k in (title, *body) if k]
            sets.append(f"SELECT rowid FROM {t} WHERE " + " OR ".join(f"{_q(k)} LIKE ? ESCAPE '\\'" for k in fields))
            args += [like] * len(fields)
        elif title or body:
            sets.append(f"SELECT rowid FROM {_q(self.rt.key + '_search')} WHERE {_q(self.rt.key + '_search')} MATCH ?")
            args.append(phrase(word))
        for key in self.columns:
            f = column_field(self.rt, key)
            if key in DERIVED.get(self.rt.key, {}):
                continue
            if f.type == s.REF and not self.indexed:
                target = s.record_type(f.target)
                sets.append(f"SELECT rowid FROM {t} WHERE {_q(key)} IN (SELECT id FROM {_q(target.key)} "
                            f"WHERE {_q(target.title)} LIKE ? ESCAPE '\\')")
                args.append(like)
            elif f.type == s.REF and search_fields(s.record_type(f.target))[0]:
                fts = _q(f.target + "_search")
                sets.append(f"SELECT rowid FROM {t} WHERE {_q(key)} IN (SELECT id FROM {_q(f.target)} WHERE rowid IN "
                            f"(SELECT rowid FROM {fts} WHERE {fts} MATCH ?))")
                args.append(f"title : {phrase(word)}")
            elif key == "unit" and key not in self.rt.keys:   # the meta column, shown
                sets.append(f"SELECT rowid FROM {t} WHERE unit IN (SELECT DISTINCT unit FROM {t} "
                            "WHERE unit LIKE ? ESCAPE '\\')")
                args.append(like)
        for hook in SEARCH_HOOKS:
            found = hook(self.rt, word)
            if found:
                sets.append(found[0])
                args.extend(found[1])
        return sets, args

    def row_sets(self, text: str, where: str | None, params: Sequence[Any]) -> tuple[list[str | None], list[Any]]:
        """The SELECT of the rowids each condition lets through: the filter, then each search word (None: a word
        nothing can match)."""
        sets: list[str | None] = []
        args: list[Any] = []
        if where:
            sets.append(f"SELECT rowid FROM {self.table} WHERE {where}")
            args.extend(params)
        for word in (text or "").split():
            found, values = self.search_sets(word)
            sets.append(" UNION ".join(found) if found else None)
            args.extend(values)
        return sets, args

    def where(self, text: str, where: str | None, params: Sequence[Any]) -> tuple[list[str], list[Any]]:
        sets, args = self.row_sets(text, where, params)
        return [f"{self.table}.rowid IN ({q})" if q else "0" for q in sets], args

    def segments(self, after: Sequence[Any] | None, narrowed: bool = False, drive: bool = True) -> list[Segment]:
        """The keyset conditions of the rows after `after`, in order, each an index walk: rows of the same sort key
        with a later rowid, then rows of a later key (NULL comes first ascending, last descending); with how each
        is read (None here; a whole list sorted by a title, drive: TitleSort.segments)."""
        if self.title_sort and drive and not narrowed:
            return self.title_sort.segments(after, self.descending)
        return [(cond, args, None) for cond, args in self._segments(after)]

    def _segments(self, after: Sequence[Any] | None) -> list[tuple[str | None, list[Any]]]:
        if after is None:
            return [(None, [])]
        value, rowid = after
        k, rid = self.key, f"{self.table}.rowid"
        later = "<" if self.descending else ">"
        if k == rid:
            return [(f"{rid} {later} ?", [rowid])]
        if value is None:
            same = (f"{k} IS NULL AND {rid} {later} ?", [rowid])
            return [same] if self.descending else [same, (f"{k} IS NOT NULL", [])]
        out: list[tuple[str | None, list[Any]]] = [(f"{k} = ? AND {rid} {later} ?", [value, rowid]),
                                                   (f"{k} {later} ?", [value])]
        return out + [(f"{k} IS NULL", [])] if self.descending else out

    def statement(self, clauses: list[str], args: list[Any], limit: int | None, ref_ids: bool,
                  narrowed: bool = False, titles: bool = True, how: str | None = None) -> tuple[str, list[Any]]:
        """The SELECT of the rows `clauses` let through, sorted, `limit` of them. A narrowed list's matches are
        sorted in a temporary b-tree: its titles are looked up for the page's rows only. titles=False (with
        ref_ids): no REF column's title, only its "<key>:id", unless the list is sorted by that title. `how`: a
        segment of a list sorted by a title (title_sort)."""
        direction = " DESC" if self.descending else ""
        untitled = not titles and ref_ids
        late = narrowed and self.can_late and not untitled
        items = self.untitled + self.title_item if untitled else self.late_inner if late else self.items
        items = items + (self.ref_ids if ref_ids and not late else []) \
            + [f"{self.key} AS {_q(KEY)}", f"{self.table}.rowid AS {_q(ROWID)}"]
        joins = [self.title_join] if untitled and self.title_join else [] if late or untitled else list(self.joins)
        if self.sorted_group:
            joins.append(self.group_join(self.sorted_group, "_g", None) + f"{self.table}.id")
            items += [f"COALESCE(_g.{_q(k)}, 0) AS {_q(k)}" for k in self.groups[self.sorted_group]]
        source, order = self.table, f"{self.key}{direction}, "
        if how and self.title_sort:
            joins.remove(self.title_join)
            source, order = self.title_sort.joined(how), order if how == TITLED else ""
        where_sql = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        sql = (f"SELECT {', '.join(items)} FROM {source} {' '.join(joins)}{where_sql} "
               f"ORDER BY {order}{self.table}.rowid{direction}")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        if late:
            sql = self._late(sql, ref_ids, direction)
        outer = [c for c in self.groups if c != self.sorted_group]
        if not outer:
            return sql, args
        items, joins = ["page.*"], []
        for i, child in enumerate(outer):
            joins.append(self.group_join(child, f"_p{i}", "SELECT id FROM page") + "page.id")
            items += [f"COALESCE(_p{i}.{_q(k)}, 0) AS {_q(k)}" for k in self.groups[child]]
        return (f"WITH page AS MATERIALIZED ({sql}) SELECT {', '.join(items)} FROM page {' '.join(joins)} "
                f"ORDER BY page.{_q(KEY)}{direction}, page.{_q(ROWID)}{direction}"), args


    def _late(self, page: str, ref_ids: bool, direction: str) -> str:
        """The page's rows (`page` selects them with each REF column's uuid) with their titles joined, in order and
        in the columns statement() gives otherwise."""
        refs = [f"_pg.{_q(k)} AS {_q(REF_ID.format(k))}" for k in self.columns
                if k not in DERIVED.get(self.rt.key, {}) and column_field(self.rt, k).type == s.REF]
        items = self.late_outer + (refs if ref_ids else []) + [f"_pg.{_q(k)} AS {_q(k)}" for k in (KEY, ROWID)]
        return (f"SELECT {', '.join(items)} FROM ({page}) AS _pg {' '.join(self.late_joins)} "
                f"ORDER BY _pg.{_q(KEY)}{direction}, _pg.{_q(ROWID)}{direction}")


def _plan(rt: s.RecordType, columns: Sequence[str], order_by: str | None = None, descending: bool = False,
          indexed: bool = True) -> _Plan:
    key = (rt.key, tuple(columns), order_by, descending, indexed)
    plan = _PLANS.get(key) if s.RECORD_TYPES.get(rt.key) is rt else None
    if plan is None:
        plan = _Plan(rt, columns, order_by, descending, indexed)
        if s.RECORD_TYPES.get(rt.key) is rt:
            _PLANS[key] = plan
    return plan


def _prepared(rt: s.RecordType, columns: Sequence[str], text: str = "", where: str | None = None,
              params: Sequence[Any] = (), order_by: str | None = None, descending: bool = False,
              indexed: bool = True) -> tuple[_Plan, list[str], list[Any]]:
    plan = _plan(rt, columns, order_by, descending, indexed)
    clauses, args = plan.where(text, where, params)
    return plan, clauses, args


# plans of the schema's record types by (type, columns, sort, direction, indexed): a list asks for one per batch
_PLANS: dict[tuple[Any, ...], _Plan] = {}


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
    sets, args = plan.row_sets(text, where, params)
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
