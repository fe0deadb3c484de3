"""Record lists through the window's own model (ui/record_model.RecordListModel, as every list page uses it), each
against one bare SELECT of the same rows: the first rows (the model's first batch and the cells a view paints),
scrolling to the end (fetchMore until it can fetch no more), a sort, a sort by each reference (the referenced
record's title, e.g. 队员), and searches ('王', a two-character name, the
last digits of a number)."""
from __future__ import annotations

import functools
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from leifeng_desktop.core import schema as s
from leifeng_desktop.core.store import Store

from .measure import Result, Run, median_run, ratio_goal, time_goal

LISTS = ("team", "member", "activity", "participant", "enterprise_visit", "household", "household_visit", "aid",
         "honor", "publicity")
SEARCHES = (("'王'", "王"), ("two-character name", "秀英"), ("last digits", "5678"))
FIRST_ROWS_S = SORT_S = SEARCH_S = 0.1
VISIBLE = 30      # rows a list view shows at once


def _qt() -> Any:
    from PySide6.QtCore import QCoreApplication
    return QCoreApplication.instance() or QCoreApplication([])


class Bare:
    """The bare SELECT of a list's rows: its own columns and the titles of what it refers to, nothing derived."""

    def __init__(self, rt: s.RecordType):
        cols, joins, texts = ["t.id"], [], []
        self.titles: dict[str, str] = {}   # REF column -> its title's expression
        for i, f in enumerate(f for f in rt.list_fields if f.key in rt.keys):
            if f.type == s.REF:
                target = s.record_type(f.target)
                cols.append(f'r{i}."{target.title}"')
                joins.append(f'LEFT JOIN "{target.key}" r{i} ON r{i}.id = t."{f.key}"')
                texts.append(f'r{i}."{target.title}"')
                self.titles[f.key] = texts[-1]
            else:
                cols.append(f't."{f.key}"')
                if f.type in (s.TEXT, s.LONGTEXT, s.UNIT, s.CHOICE):
                    texts.append(f't."{f.key}"')
        self.rt, self.texts = rt, texts or ["t.id"]
        self.base = f'SELECT {", ".join(cols)} FROM "{rt.key}" t {" ".join(joins)}'
        self.order = ", ".join(f"t.{part.strip()}" for part in rt.order_by.split(","))

    def rows(self, conn: sqlite3.Connection, *, limit: int | None = None, where: str = "", args: tuple = (),
             order: str | None = None) -> list[Any]:
        sql = f"{self.base} {where} ORDER BY {order or self.order}" + (f" LIMIT {limit}" if limit else "")
        return conn.execute(sql, args).fetchall()

    def search(self, conn: sqlite3.Connection, text: str) -> list[Any]:
        where = "WHERE " + " OR ".join(f"{c} LIKE ?" for c in self.texts)
        return self.rows(conn, limit=200, where=where, args=tuple(f"%{text}%" for _ in self.texts))


def _first_rows(store: Store, key: str) -> Callable[[], object]:
    from leifeng_desktop.ui.record_model import RecordListModel

    def run() -> object:
        model = RecordListModel(store, key)
        cells = [model.data(model.index(r, c)) for r in range(min(VISIBLE, model.rowCount()))
                 for c in range(model.columnCount())]
        model.close()
        return cells
    return run


def _scroll(store: Store, key: str) -> Callable[[], object]:
    from leifeng_desktop.ui.record_model import RecordListModel

    def run() -> object:
        model = RecordListModel(store, key)
        while model.canFetchMore():
            model.fetchMore()
        model.close()
        return model.rowCount()
    return run


def paired(ours: Callable[[], object], bare: Callable[[], object], rounds: int) -> tuple[Run, Run]:
    """The median times of both, run in turns (ours, bare, ours, …): a ratio of two figures taken minutes apart
    on a shared machine measured the load between them as much as the work."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(max(1, rounds)):
        for fn, out in ((ours, times[0]), (bare, times[1])):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return Run(statistics.median(times[0])), Run(statistics.median(times[1]))


def _on_model(store: Store, key: str, action: Callable[[Any], object], undo: Callable[[Any], object]) \
        -> Callable[[], object]:
    """`action` on a model showing its first rows; `undo` (untimed) puts the model back for the next round."""
    from leifeng_desktop.ui.record_model import RecordListModel
    model = RecordListModel(store, key)

    def run() -> object:
        result = action(model)
        undo(model)
        return result
    return run


def measure_list(store: Store, conn: sqlite3.Connection, key: str, rounds: int) -> list[Result]:
    from PySide6.QtCore import Qt
    rt, bare = s.record_type(key), Bare(s.record_type(key))
    label = f"list {key}"
    results = [
        time_goal(f"{label}: first rows", median_run(_first_rows(store, key), rounds),
                  median_run(lambda: bare.rows(conn, limit=200), rounds), FIRST_ROWS_S),
        ratio_goal(f"{label}: scroll to the end", *paired(_scroll(store, key), lambda: bare.rows(conn), rounds), 2.0),
    ]
    title = next((i for i, f in enumerate(rt.list_fields) if f.key in rt.keys and f.type != s.REF), 0)
    column = rt.list_fields[title].key
    sort = _on_model(store, key, lambda m: m.sort(title, Qt.SortOrder.DescendingOrder),
                     lambda m: m.sort(-1, Qt.SortOrder.AscendingOrder))
    results.append(time_goal(f"{label}: sort", median_run(sort, rounds),
                             median_run(lambda: bare.rows(conn, limit=200, order=f't."{column}" DESC'), rounds),
                             SORT_S))
    results += [_sort_by_title(store, conn, bare, key, rounds, i) for i, f in enumerate(rt.list_fields)
                if f.type == s.REF and f.key in rt.keys]
    for name, text in SEARCHES:
        search = _on_model(store, key, functools.partial(_search, text=text), functools.partial(_search, text=""))
        results.append(time_goal(f"{label}: search {name}", median_run(search, rounds),
                                 median_run(functools.partial(bare.search, conn, text), rounds), SEARCH_S))
    return results


def _sort_by_title(store: Store, conn: sqlite3.Connection, bare: Bare, key: str, rounds: int, column: int) \
        -> Result:
    """A click on a reference's header (ascending: the rows without one first), against the bare SELECT sorted by
    that title."""
    from PySide6.QtCore import Qt
    field = s.record_type(key).list_fields[column]
    sort = _on_model(store, key, lambda m: m.sort(column, Qt.SortOrder.AscendingOrder),
                     lambda m: m.sort(-1, Qt.SortOrder.AscendingOrder))
    return time_goal(f"list {key}: reference sort {field.key}", median_run(sort, rounds),
                     median_run(lambda: bare.rows(conn, limit=200, order=f"{bare.titles[field.key]}, t.rowid"), rounds),
                     SORT_S)


def _search(model: Any, text: str) -> object:
    return model.set_filter_text(text)


def measure(db: Path, rounds: int, keys: tuple[str, ...] = LISTS) -> list[Result]:
    app = _qt()
    store = Store.open(db)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [r for key in keys for r in measure_list(store, conn, key, rounds)]
    finally:
        conn.close()
        store.close()
        del app
