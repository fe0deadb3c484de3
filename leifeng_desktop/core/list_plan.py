"""How a record list's page is read: the plan of a list (its columns' SQL, the joins of reference titles and of
derived columns, the sort key) and the SELECT statements it writes. core.listing adds the search and the filter
(the clauses these statements take) and runs them.

Paging is by keyset, never OFFSET: each row carries its sort key (KEY) and rowid (ROWID), and the next page asks
for the rows after the last one (`after=after_key(row)`). A list is ordered by the sort column then rowid, both
ascending or both descending (NULL first ascending, last descending, as SQLite orders them); the rows after a key
are read in segments (the same key with a later rowid, then later keys, then the NULLs where they come last), each
an index walk on the indexes of schema step m009 (core/migrate_lists.py). Derived columns from other rows (队员人数,
诉求数, …) come from one grouped join over the page's ids, not a sub-query per row; sorting by one groups the whole
child table (slower: see docs/architecture.md). A searched or filtered page is cut before the titles of its
references are joined; a list model asks for no titles (titles=False) and reads those it shows.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import schema as s
from .list_columns import DERIVED, Derived, column_field
from .title_sort import TITLED, Segment, TitleSort

REF_ID = "{}:id"   # key of a REF column's raw uuid when list_query(ref_ids=True)
KEY, ROWID = "#key", "#rowid"   # every row's sort key and rowid, for the next page's `after`


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class ListPlan:
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
        self.late_inner, self.late_outer = [f"{self.table}.id AS id"], ["_pg.id AS id"]
        self.late_joins: list[str] = []
        self.untitled = [f"{self.table}.id AS id"]   # the columns without the REF titles (titles=False)
        self.title_sorts: dict[str, tuple[str, TitleSort]] = {}   # REF column -> its LEFT JOIN, its sort by title
        derived = DERIVED.get(rt.key, {})
        for i, key in enumerate(self.columns):
            self._add(i, key, derived)
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

    def _add(self, i: int, key: str, derived: dict[str, Derived]) -> None:
        """The SQL of the i-th column, in each form a statement takes it."""
        f = column_field(self.rt, key)   # KeyError for a key the schema does not know
        own = f"{self.table}.{_q(key)}"
        if key in derived and derived[key].child:
            self.groups.setdefault(str(derived[key].child), []).append(key)
            return
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

