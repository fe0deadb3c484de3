"""The one list model for every list: BatchListModel fetches rows a batch at a time (canFetchMore/fetchMore) from
two hooks; RecordListModel serves every record type on it, sorting and the text filter run in SQL (core.listing),
values are shown through core.formatting (masked unless revealed).

RecordListModel keeps its rows as SQLite gives them (listing.Rows: tuples, a sensitive value encrypted, a MULTI one
as stored) and decodes a cell when it is first asked for: scrolling 400,000 rows makes no dict and opens nothing. A
REF column comes as the referenced record's id; its titles are read for the rows about one that is shown, once
(unless the list is sorted by that title: then the query joins them).
It pages by keyset: the next batch is the rows after the last loaded row's sort key and rowid (no
OFFSET, so a batch deep in the list costs what the first does). A sort, filter or search that changes nothing
reads nothing again (a page setting up its view and filters loads its first batch once)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ..core import crypto, listing, sealed
from ..core import schema as s
from ..core.formatting import display
from ..core.store import Store
from ..core.validation import as_list

RecordIdRole = Qt.ItemDataRole.UserRole + 1
NUMERIC = (s.INT, s.MONEY, s.HOURS)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ALERT = QColor("#c0392b")
GROWN = 2000   # the largest batch a record list reads at once (about 10 ms of the participations at city scale)


class BatchListModel(QAbstractTableModel):
    """Rows a batch at a time: a subclass says how many rows there are (`_count`) and reads a slice (`_query`);
    `headers` are the column titles."""

    def __init__(self, headers: Sequence[str], *, batch_size: int = 200, parent=None):
        super().__init__(parent)
        self.headers = list(headers)
        self.batch_size = max(1, int(batch_size))
        self._rows: list[Any] = []
        self._total = 0

    def _count(self) -> int:
        raise NotImplementedError

    def _query(self, limit: int, offset: int) -> list:
        raise NotImplementedError

    def _next_batch(self) -> int:
        """How many rows the next fetchMore reads."""
        return self.batch_size

    def _added(self, start: int, rows: list) -> None:
        """Called with each batch as it is loaded (start 0: a fresh load), for a subclass's own bookkeeping."""

    def _load(self, n: int) -> None:
        self._total = self._count()
        self._rows = self._query(n, 0) if self._total else []
        self._added(0, self._rows)

    def refresh(self, *, keep_loaded: bool = True) -> None:
        """Query again; keep_loaded keeps as many rows loaded as before (the view's scroll), else one batch."""
        loaded = len(self._rows) if keep_loaded else 0
        self.beginResetModel()
        self._load(max(self.batch_size, -(-loaded // self.batch_size) * self.batch_size))
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or len(self._rows) >= self._total:
            return
        start = len(self._rows)
        rows = self._query(min(self._next_batch(), self._total - start), start)
        if not rows:
            self._total = start   # rows went away meanwhile; the store's notice will refresh
            return
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._added(start, rows)
        self._rows.extend(rows)
        self.endInsertRows()

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return section + 1 if section >= 0 else None

    def row_data(self, row: int) -> Any:
        """The loaded row `row` as `_query` gave it, or None."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def total_count(self) -> int:
        """Every row the filter lets through, loaded or not (for a status line)."""
        return self._total


class RecordListModel(BatchListModel):
    """DisplayRole: formatted text; UserRole: the stored value (a REF's uuid); RecordIdRole: the row's id."""

    def __init__(self, store: Store, type_key: str, *, columns: Sequence[str] | None = None, batch_size: int = 200,
                 reveal: bool = False, parent=None):
        rt = s.record_type(type_key)
        columns = list(columns) if columns else [f.key for f in rt.list_fields]
        fields = [listing.column_field(rt, k) for k in columns]
        super().__init__([f.label for f in fields], batch_size=batch_size, parent=parent)
        self.store = store
        self.rt, self.columns, self.fields = rt, columns, fields
        self._alerts = {k: listing.alerts(self.rt, k) for k in self.columns}
        self.reveal = reveal
        self._rows: list[Sequence[Any]] = []
        self._at: dict[str, int] = {}   # column name -> position in a row tuple (listing.Rows.names)
        self._titles: dict[str, dict[str, Any]] = {}   # REF column -> record id -> title, read when shown
        self._index: dict[str, int] = {}
        self._indexed = 0   # rows of _rows in _index
        self._text = ""
        self._where: str | None = None
        self._params: tuple = ()
        self._order: str | None = None
        self._descending = False
        # "*" is the notice for everything (a new file, demo data); a list also shows the titles of its refs
        self._watched = {self.rt.key, "*"} | listing.depends_on(self.rt, self.columns)
        self._listener = self._on_store_change
        self._subscribed = True
        store.subscribe(self._listener)
        # a bound method in the store's list would keep this model alive: let go when Qt destroys it
        self.destroyed.connect(lambda *_a, st=store, li=self._listener: st.unsubscribe(li))
        self._load(self.batch_size)

    # -- queries -------------------------------------------------------------------------------------------
    def _args(self) -> dict:
        return dict(columns=self.columns, text=self._text, where=self._where, params=self._params)

    def _query(self, limit: int, offset: int) -> listing.Rows:
        """`limit` rows after the first `offset` loaded ones, found by the loaded row's key (keyset paging)."""
        last = self._rows[offset - 1] if offset else None
        after = (last[self._at[listing.KEY]], last[self._at[listing.ROWID]]) if last is not None else None
        return listing.fetch_rows(self.store, self.rt, **self._args(), order_by=self._order,
                                  descending=self._descending, limit=limit, after=after, ref_ids=True, raw=True,
                                  titles=False)

    def _count(self) -> int:
        return listing.fetch_count(self.store, self.rt, **self._args())

    def _next_batch(self) -> int:
        """As many rows as are loaded, up to GROWN: a list scrolled far reads fewer, larger batches (each a query
        and a row insertion), the first ones stay small."""
        return max(self.batch_size, min(len(self._rows), GROWN))

    def _added(self, start: int, rows: list) -> None:
        if not start:   # rows are indexed by id when row_of first asks (scrolling a long list never does)
            self._index, self._indexed = {}, 0
            names = getattr(rows, "names", ())   # the same for every batch of one sort
            self._at = {name: i for i, name in enumerate(names)}
            self._titles = {}   # a title changed refreshes the list (its type is watched): read them again

    def _index_rows(self) -> None:
        at = self._at.get("id", 0)
        for i in range(self._indexed, len(self._rows)):
            self._index.setdefault(self._rows[i][at], i)   # a record seen twice keeps its first place
        self._indexed = len(self._rows)

    def set_filter_text(self, text: str) -> None:
        text = (text or "").strip()
        if text != self._text:
            self._text = text
            self._reset()

    def set_where(self, where: str | None, params=()) -> None:
        if (where or None, tuple(params)) != (self._where, self._params):
            self._where, self._params = where or None, tuple(params)
            self._reset()

    def set_reveal(self, reveal: bool) -> None:
        if reveal != self.reveal:
            self.reveal = reveal
            if self._rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1),
                                      [Qt.ItemDataRole.DisplayRole])

    def _reset(self) -> None:
        self.refresh(keep_loaded=False)

    def close(self) -> None:
        """Stop following the store (a model without a Qt parent should be closed when its page goes)."""
        if self._subscribed:
            self.store.unsubscribe(self._listener)
            self._subscribed = False

    def _on_store_change(self, key: str) -> None:
        if key in self._watched:
            self.refresh()

    # -- Qt model API --------------------------------------------------------------------------------------
    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows) \
                or not 0 <= index.column() < len(self.fields):
            return None
        field = self.fields[index.column()]
        value = self._opened(index.row(), field)
        if role == Qt.ItemDataRole.DisplayRole:
            if field.type == s.REF:   # the title of the referenced record, already text
                return "" if value is None else str(value)
            return display(field, value, reveal=self.reveal)
        if role == Qt.ItemDataRole.ToolTipRole and field.type == s.LONGTEXT and value:
            return str(value)[:500]
        if role == Qt.ItemDataRole.ForegroundRole and value in self._alerts[field.key]:
            return ALERT
        if role == Qt.ItemDataRole.TextAlignmentRole and field.type in NUMERIC:
            return _RIGHT
        if role == Qt.ItemDataRole.UserRole:
            return self._cell(index.row(), listing.REF_ID.format(field.key)) if field.type == s.REF else value
        if role == RecordIdRole:
            return self.record_id(index.row())
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column] if 0 <= column < len(self.columns) else None
        descending = key is not None and order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._order, self._descending):
            self._order, self._descending = key, descending
            self._reset()   # not a layout change: the number of loaded rows may change

    # -- helpers for pages ---------------------------------------------------------------------------------
    def _cell(self, row: int, name: str) -> Any:
        at = self._at.get(name)
        return None if at is None else self._rows[row][at]

    def _opened(self, row: int, field: s.Field) -> Any:
        """Row `row`'s value of `field`, decoded the first time it is asked for and kept so (a row tuple becomes a
        list then): a sensitive value is fetched encrypted and opened (scrolling decrypts only what is painted), a
        MULTI value becomes its list."""
        at = self._at.get(field.key)
        if at is None:
            return self._title(row, field) if field.type == s.REF else None
        value = self._rows[row][at]
        if field.sensitive and crypto.is_encrypted(value):
            value = sealed.open_value(self.rt, field, value, [self.store.keys] if self.store.keys else [])
        elif field.type == s.MULTI and not isinstance(value, list):
            value = as_list(value)
        else:
            return value
        cells = self._rows[row] = list(self._rows[row])
        cells[at] = value
        return value

    def _title(self, row: int, field: s.Field) -> Any:
        """The title a REF cell shows; a missing one is read with those of the loaded rows around it (one query
        for the rows a view shows and the next ones)."""
        at = self._at[listing.REF_ID.format(field.key)]
        ref = self._rows[row][at]
        known = self._titles.setdefault(field.key, {})
        if ref is not None and ref not in known:
            near = {self._rows[i][at] for i in range(max(0, row - 50), min(len(self._rows), row + 150))}
            known.update(listing.titles(self.store, field.target, near.difference(known)))
            known.setdefault(ref, None)   # its record is gone: an empty cell, as a LEFT JOIN gives
        return known.get(ref)

    def row_data(self, row: int) -> dict[str, Any] | None:
        """The loaded row `row` as a dict of its columns (listing.fetch_rows' keys: id, the columns, "<ref>:id",
        KEY and ROWID), every shown value decoded; None past the loaded rows."""
        if not 0 <= row < len(self._rows):
            return None
        for field in self.fields:
            self._opened(row, field)
        out = dict(zip(self._at, self._rows[row]))
        out.update({f.key: self._title(row, f) for f in self.fields if f.type == s.REF and f.key not in self._at})
        return out

    def record_id(self, row: int) -> str | None:
        return self._cell(row, "id") if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: str, *, fetch: bool = False) -> int | None:
        """The row showing `record_id`; with fetch=True more batches are loaded until it is found."""
        self._index_rows()
        while record_id not in self._index and fetch and self.canFetchMore():
            self.fetchMore()
            self._index_rows()
        return self._index.get(record_id)
