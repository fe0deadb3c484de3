"""The search text of generated rows (core.generate, issue 18), written after a table's rows in one go.

Schema step m009 keeps `<type>_search` current by a trigger copying each new row from the view
`<type>_search_text`, which spaces a record's text character by character in SQL: the whole text is rebuilt for each
character, a cost growing with the square of its length (at city scale 25 s of CPU for activities and members, row
by row twenty times more). While generate writes a table the trigger is set aside; the text of each row is made in
Python as the view makes it (migrate_lists.define_search: every character then a space, fields apart by U+E000, list
items too, an empty title NULL) and written with one executemany. A sample of rows is read back through the view;
should it differ (a later schema step changed the view), or a value be one the mirror does not handle, the view
fills the table instead. The trigger is put back as it was, in the same transaction.
"""
from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from . import migrate_lists
from .store import Store

BOUNDARY = chr(migrate_lists.BOUNDARY)
SAMPLE = 12          # rows read back through the view, from each end of the table's new rows
Text = tuple[str | None, str | None]


class _Unknown(Exception):
    """A value the mirror does not spell as the view would (not text, not a JSON list of text)."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    raise _Unknown


def _items(value: Any) -> str:
    """A MULTI column as the view reads it: the JSON list's items apart by U+E000 (an empty list: nothing)."""
    if value is None:
        return ""
    try:
        items = json.loads(_text(value))
    except ValueError:
        raise _Unknown from None
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise _Unknown
    return BOUNDARY.join(items)


def _spaced(text: str) -> str | None:
    """group_concat(substr(text, n, 1), ' ') over n ≤ length(text) (the numbers stop at SEQ_MAX); no n: NULL."""
    return " ".join(text[:migrate_lists.SEQ_MAX]) or None


def search_text(type_key: str, row: Mapping[str, Any]) -> Text:
    """(title, body) of a stored row as the view `<type>_search_text` gives them; _Unknown when not sure."""
    title, body, multi = migrate_lists.SEARCH[type_key]
    parts = [_items(row.get(k)) if k in multi else _text(row.get(k)) for k in body]
    return (_spaced(_text(row.get(title))) if title else "",
            _spaced(BOUNDARY.join(parts)) if body else "")


def _agrees(store: Store, type_key: str, first: int, texts: Sequence[Text]) -> bool:
    """The view's text of a sample of the new rows (rowids from first + 1 on) is ours."""
    picks = sorted({*range(min(SAMPLE, len(texts))), *range(max(0, len(texts) - SAMPLE), len(texts))})
    marks = ", ".join("?" * len(picks))
    found = store.db.execute(f'SELECT rowid, title, body FROM "{type_key}_search_text" WHERE rowid IN ({marks})',
                             [first + 1 + i for i in picks]).fetchall()
    return sorted(found) == [(first + 1 + i, *texts[i]) for i in picks]


@contextlib.contextmanager
def search_after(store: Store, type_key: str) -> Iterator[Callable[[Mapping[str, Any]], None]]:
    """Inside generate's transaction for one table: yields `add(row)`, to be called with each stored row in the
    order of the INSERTs; afterwards the rows' search text is written and the table's search trigger is back."""
    name = f"{type_key}_search_ai"
    found = store.db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]).fetchone()
    if found is None:
        yield lambda row: None
        return
    last = store.db.execute(f'SELECT ifnull(max(rowid), 0) FROM "{type_key}"').fetchone()[0]
    store.db.execute(f'DROP TRIGGER "{name}"')
    texts: list[Text] | None = [] if type_key in migrate_lists.SEARCH else None

    def add(row: Mapping[str, Any]) -> None:
        nonlocal texts
        if texts is not None:
            try:
                texts.append(search_text(type_key, row))
            except _Unknown:
                texts = None
    yield add
    now = store.db.execute(f'SELECT ifnull(max(rowid), 0) FROM "{type_key}"').fetchone()[0]
    fts = f'"{type_key}_search"'
    if texts is not None and now == last + len(texts) and (not texts or _agrees(store, type_key, last, texts)):
        store.db.conn.executemany(f"INSERT INTO {fts}(rowid, title, body) VALUES (?, ?, ?)",
                                  ((last + 1 + i, *text) for i, text in enumerate(texts)))
    else:
        store.db.execute(f'INSERT INTO {fts}(rowid, title, body) SELECT rowid, title, body '
                         f'FROM "{type_key}_search_text" WHERE rowid > ?', [last])
    store.db.execute(found[0])
