"""A list sorted by a reference's title (队员 in the participations, 服务队 in the activities, …) at city scale.

Sorting 400,000 participations by their member's name through a LEFT JOIN sorts every row in a temporary b-tree
(~0.6 s). Instead the rows with a title are read by walking the referenced table's title index and joining the
list's rows to each record (CROSS JOIN fixes that order; equal titles are ordered by rowid within their group), and
the rows without one (no reference, or a referenced record without a title) are a segment of their own in rowid
order, first ascending and last descending: the same rows in the same order as ORDER BY title, rowid. Only when
the list has at least as many rows as the referenced table (pays): 2,000 publicity rows sorted by activity would walk
most of 40,000 activity titles for nothing (0.15 s to the end), sorting the rows costs less (0.03 s). A
reference to a missing record cannot be stored (foreign keys are on), so no row falls outside both segments.
Used for a list that is not searched or filtered (those sort their matches: core.list_plan)."""
from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

TITLED, UNTITLED = "titled", "untitled"   # how a segment's rows are read
Segment = tuple["str | None", list[Any], "str | None"]   # (condition, its parameters, TITLED/UNTITLED/None)


@dataclass(frozen=True)
class TitleSort:
    """The sorted REF column: the list's table, the referenced table's alias in the plan (its title expression
    names it), the referenced table and its title column, the list's REF column (all quoted)."""
    table: str
    alias: str
    target: str
    title: str
    column: str

    @property
    def key(self) -> str:
        return f"{self.alias}.{self.title}"

    def joined(self, how: str | None) -> str:
        """The FROM of a segment: the title index walked first (TITLED), else the list's table by rowid."""
        if how == TITLED:
            return (f"{self.target} AS {self.alias} CROSS JOIN {self.table} "
                    f"ON {self.table}.{self.column} = {self.alias}.id")
        return f"{self.table} LEFT JOIN {self.target} AS {self.alias} ON {self.alias}.id = {self.table}.{self.column}"

    def untitled(self) -> str:
        """The rows without a title, as a set of rowids (each part an index lookup)."""
        return (f"{self.table}.rowid IN (SELECT rowid FROM {self.table} WHERE {self.column} IS NULL UNION ALL "
                f"SELECT _u.rowid FROM {self.target} AS _n CROSS JOIN {self.table} AS _u "
                f"ON _u.{self.column} = _n.id WHERE _n.{self.title} IS NULL)")

    def pays(self, conn: sqlite3.Connection) -> bool:
        """Whether the list's table is at least as large as the referenced one (by their last rowids: two index
        seeks, where COUNT(*) would read 400,000 rows)."""
        last = [conn.execute(f"SELECT MAX(rowid) FROM {t}").fetchone()[0] or 0 for t in (self.table, self.target)]
        return bool(last[0] >= last[1])

    def segments(self, after: Sequence[Any] | None, descending: bool) -> list[Segment]:
        """The rows after `after` (KEY, ROWID), in order, as core.list_plan's segments with how each is read."""
        later, rid = ("<" if descending else ">"), f"{self.table}.rowid"
        rest: Segment = (self.untitled(), [], UNTITLED)
        titled: Segment = (f"{self.key} IS NOT NULL", [], TITLED)
        if after is None:
            return [titled, rest] if descending else [rest, titled]
        value, rowid = after
        if value is None:
            same: Segment = (f"{self.untitled()} AND {rid} {later} ?", [rowid], UNTITLED)
            return [same] if descending else [same, titled]
        out: list[Segment] = [(f"{self.key} = ? AND {rid} {later} ?", [value, rowid], TITLED),
                              (f"{self.key} {later} ?", [value], TITLED)]
        return out + [rest] if descending else out
