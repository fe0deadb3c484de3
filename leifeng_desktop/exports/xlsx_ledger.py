"""The ledger (台账) as a stream: exports.xlsx's layout, written in two passes over the rows without holding them.

Pass one reads the rows once (a cursor, a generator), turns them into cell values, adds up the totals and measures
each column, and spills the cell values to an unnamed temporary file (pickle, a group of rows at a time). Column
widths are then known, so pass two writes the sheet in openpyxl's write-only mode (exports.xlsx_sheet): the title,
the header, the rows read back from the spill with their heights and merges, the 合计, rows under it (帮扶台账's
其中), the signing line, and the page set-up (exports.xlsx_print). Memory stays flat in the number of rows.

Rows may come in groups (merge_down): the given columns of a group of several rows are merged down over it, as the
走访台账 shows a visit once beside its demands.
"""
from __future__ import annotations

import io
import os
import pickle
import tempfile
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import IO, Any

from . import xlsx as x
from . import xlsx_print as xp
from .files import write_atomic
from .xlsx_sheet import LedgerSheet

SPAN = tuple[int, int]      # first and last column (0-based, inclusive) merged across a row


@dataclass(frozen=True)
class Breakdown:
    """Rows under the 合计 (stored values in column order), `label` in the first column merged down over them,
    the `spans` merged across each."""
    label: str
    rows: Sequence[Sequence[Any]]
    spans: Sequence[SPAN] = ()


SPILL_CHUNK = 256     # groups of rows per pickle in the spill file (memory stays flat: a chunk at a time)


@dataclass
class Written:
    """What a ledger holds: its path, the data rows and the exact sums of the numeric columns' stored integers."""
    path: Path
    rows: int = 0
    sums: dict[int, int] = field(default_factory=dict)


def write_counted(path: str | os.PathLike[str], *, title: str, columns: list[x.Column],
                  rows: Iterable[Any], totals: Mapping[int, Any] | None = None, subtitle: str = "",
                  sheet_name: str = "台账", totals_label: str = "合计", paper: str = xp.A4,
                  signing: xp.Signing | None = None, merge_down: Sequence[int] = (), total_spans: Sequence[SPAN] = (),
                  breakdown: Breakdown | None = None, private: bool = False) -> Written:
    """Write one ledger sheet atomically. `rows` hold stored values in column order (with merge_down: each item is
    a group, a list of rows); `totals` maps a column index to a stored value, SUM, COUNT or a function of the row
    count (the 合计 label goes in column 0 unless it has a total). Printed landscape on `paper` with the text no
    smaller than xlsx_print.MIN_PT; the signing line at the foot when given; `private` (full 身份证号): the file is
    the owner's only."""
    written = Written(Path(path))

    def write(temp: Path) -> None:
        # beside the target, as openpyxl's temporaries (files.py), and unnamed: nothing of it outlives the export
        with tempfile.TemporaryFile(dir=temp.parent) as spill:
            measure = _Measure(columns)
            groups = rows if merge_down else ([row] for row in rows)
            chunk: list[list[list[Any]]] = []
            for group in groups:     # spilled a chunk of groups at a time: one pickle per row cost a tenth
                chunk.append([measure.row(raw) for raw in group])
                if len(chunk) == SPILL_CHUNK:
                    pickle.dump(chunk, spill, pickle.HIGHEST_PROTOCOL)
                    chunk = []
            pickle.dump(chunk, spill, pickle.HIGHEST_PROTOCOL)
            written.rows, written.sums = measure.count, measure.sums
            out = _totals(columns, totals, measure, totals_label) if totals is not None else None
            if out is not None:
                measure.take(out)
            widths = xp.fit(measure.widths(), [c.kind in (x.TEXT, x.LONG) and c.wrap for c in columns], paper,
                            x.SIZE)
            spill.seek(0)
            book = _Book(columns, widths, sheet_name)
            try:
                book.write(title, subtitle, _groups(spill), merge_down, out, totals, total_spans, breakdown,
                           signing)
                xp.page_setup(book.sheet.ws, widths, header_row=book.header_row, rows=measure.count, paper=paper,
                              size_pt=x.SIZE)
                book.save(temp, private)
            finally:
                book.sheet.close()

    write_atomic(path, write)
    return written


def _groups(spill: IO[bytes]) -> Iterator[list[list[Any]]]:
    while True:
        try:
            yield from pickle.load(spill)
        except EOFError:
            return


# -- pass one: values, sums, widths -----------------------------------------------------------------------------
class _Measure:
    """Turns stored rows into cell values, adding up the numeric columns and keeping each column's widest value."""

    def __init__(self, columns: list[x.Column]) -> None:
        self.columns = columns
        self.count = 0
        self.sums: dict[int, int] = {}
        self.widest = [0.0] * len(columns)
        # a column whose width is fixed needs measuring only for numbers; a free one until it reaches its maximum
        self._measured = [c.kind in x.NUMERIC if c.width else True for c in columns]

    def row(self, raw: Sequence[Any]) -> list[Any]:
        self.count += 1
        values: list[Any] = []
        for i, (col, value) in enumerate(zip(self.columns, raw)):
            if col.convert is not None:
                value = col.convert(value)
            if col.kind in x.NUMERIC and value not in (None, ""):
                self.sums[i] = self.sums.get(i, 0) + int(value)     # stored integers: the total is exact
            values.append(x._cell_value(col.kind, value))
        self.take(values)
        return values

    def take(self, values: Sequence[Any]) -> None:
        for i, (col, value) in enumerate(zip(self.columns, values)):
            if self._measured[i] and value is not None:
                w = x.text_width(x._shown(col.kind, value))
                if w > self.widest[i]:
                    self.widest[i] = w
                    if not col.width and w + 2 >= x.WIDTHS[col.kind][1]:
                        self._measured[i] = False      # as wide as the kind allows: no need to look further

    def widths(self) -> list[float]:
        """From the label (a long label wraps onto two lines) and the widest value, within the kind's bounds."""
        out: list[float] = []
        for col, widest in zip(self.columns, self.widest):
            if col.width:    # a number never shows as ###: a fixed width still takes the widest number (the 合计)
                out.append(max(col.width, widest + 2.5) if col.kind in x.NUMERIC else col.width)
                continue
            low, high = x.WIDTHS[col.kind]
            label = x.text_width(col.label)
            need = max(label if label <= 10 else -(-label // 2) + 1, widest)
            out.append(max(low, min(high, need + 2)))
        return out


def _totals(columns: list[x.Column], totals: Mapping[int, Any], measure: _Measure, label: str) -> list[Any]:
    out: list[Any] = [None] * len(columns)
    count = measure.count
    for i, value in totals.items():
        if callable(value):      # a text of the row count, known only once the rows are read
            value = value(count)
        raw = measure.sums.get(i, 0) if value == x.SUM else count if value == x.COUNT else value
        out[i] = count if value == x.COUNT else x._cell_value(columns[i].kind, raw)
    if out[0] is None:
        out[0] = label
    return out


# -- pass two: the sheet ----------------------------------------------------------------------------------------
class _Book:
    """The write-only sheet and the styles of its kinds of cells."""

    def __init__(self, columns: list[x.Column], widths: list[float], sheet_name: str) -> None:
        from . import document as d
        self.columns, self.widths = columns, widths
        self.header_row = 0
        self.sheet = LedgerSheet(d.clean_text(sheet_name)[:31] or "台账", widths, default_font=x.font())
        self._bold, self._plain, self._lines = x.font(bold=True), x.font(), x.border()
        self._wraps = [c.kind in (x.TEXT, x.LONG) and c.wrap for c in columns]
        self._row_styles: dict[tuple[int, bool, bool], Any] = {}

    def write(self, title: str, subtitle: str, groups: Iterable[list[list[Any]]], merge_down: Sequence[int],
              total: list[Any] | None, totals: Mapping[int, Any] | None, total_spans: Sequence[SPAN],
              breakdown: Breakdown | None, signing: xp.Signing | None) -> None:
        self.header_row = 3 if subtitle else 2
        self.sheet.ws.freeze_panes = f"A{self.header_row + 1}"     # before the first row: it opens the sheet
        self._titles(title, subtitle)
        self._header()
        for group in groups:
            first = self.sheet.row + 1
            for values in group:
                self._data_row(values)
            if len(group) > 1:
                for c in merge_down:
                    self.sheet.merge(first, c + 1, self.sheet.row, c + 1)
        if total is not None and totals is not None:
            self._total_row(total, totals, total_spans)
            if breakdown is not None:
                self._breakdown(breakdown)
        if signing is not None:
            self._signing(signing)

    def save(self, temp: Path, private: bool) -> None:
        buffer = io.BytesIO()     # as files.save_atomic: a zip writer on a file name fails noisily on a full disk
        try:
            self.sheet.wb.save(buffer)
        except BaseException as exc:
            traceback.clear_frames(exc.__traceback__)
            raise
        if private:
            os.chmod(temp, 0o600)   # before the bytes go in: full numbers never sit in a file others may read
        temp.write_bytes(buffer.getbuffer())

    # the kinds of rows
    def _titles(self, title: str, subtitle: str) -> None:
        sheet, ncols = self.sheet, len(self.columns)
        value, quote = x.cell_value(title)
        style = sheet.style(("title", quote), lambda: dict(
            font=x.font(bold=True, size=x.TITLE_SIZE), quotePrefix=bool(quote),
            alignment=x.alignment(horizontal="center", vertical="center", wrap_text=True)))
        row = sheet.append([sheet.cell(1, value, style)], 30)
        sheet.merge(row, 1, row, ncols)
        if subtitle:
            value, quote = x.cell_value(subtitle)
            style = sheet.style(("subtitle", quote), lambda: dict(
                font=x.font(), quotePrefix=bool(quote), alignment=x.alignment(horizontal="left", vertical="center")))
            row = sheet.append([sheet.cell(1, value, style)])
            sheet.merge(row, 1, row, ncols)

    def _header(self) -> None:
        from openpyxl.styles import PatternFill
        style = self.sheet.style("header", lambda: dict(
            font=self._bold, border=self._lines, fill=PatternFill("solid", fgColor=x.HEADER_FILL),
            alignment=x.alignment(horizontal="center", vertical="center", wrap_text=True)))
        cells = [self.sheet.cell(i, x.cell_value(x._header(c.label, w))[0], style)
                 for i, (c, w) in enumerate(zip(self.columns, self.widths), start=1)]
        height = max(x._lines(c.label, w) for c, w in zip(self.columns, self.widths))
        self.sheet.append(cells, x.LINE_PT * height + x.PAD_PT)

    def _data_row(self, values: Sequence[Any]) -> None:
        """Text wraps within its column (the row as high as its longest text), numbers to the right."""
        height, cells, sheet, styles = 1, [], self.sheet, self._row_styles
        for i, (col, value) in enumerate(zip(self.columns, values)):
            wrap = self._wraps[i] and value is not None
            if wrap:
                height = max(height, x._lines(value, self.widths[i]))
            quote: bool | None = False
            if type(value) is str and value and "_x" not in value and not x.looks_like_formula(value):
                shown = value     # plain text, the usual case: no need for put's other rules
            else:
                shown, quote = x.cell_value(value)
            key = (i, wrap, bool(quote))
            style = styles.get(key)
            if style is None:
                style = styles[key] = sheet.style(("row", *key), partial(self._row_look, col, wrap, bool(quote)))
            cells.append(sheet.cell(i + 1, shown, style))
        sheet.append(cells, x.LINE_PT * height + x.PAD_PT)

    def _row_look(self, col: x.Column, wrap: bool, quote: bool) -> dict[str, Any]:
        look = dict(font=self._plain, border=self._lines, quotePrefix=quote, alignment=x.alignment(
            vertical="center", wrap_text=wrap, horizontal=col.align or ("right" if col.kind in x.NUMERIC else None),
            indent=1 if col.kind in x.NUMERIC and not col.align else 0))
        if col.kind in x.FORMATS:
            look["number_format"] = x.FORMATS[col.kind]
        return look

    def _total_row(self, total: list[Any], totals: Mapping[int, Any], spans: Sequence[SPAN]) -> None:
        cells = []
        for i, (col, value) in enumerate(zip(self.columns, total)):
            shown, quote = x.cell_value(value)
            number = isinstance(shown, (int, Decimal)) and i > 0
            fmt = x.FORMATS.get(col.kind) if totals.get(i) != x.COUNT else None
            style = self.sheet.style(("total", number, fmt, bool(quote)),
                                     partial(self._total_look, number, fmt, bool(quote)))
            cells.append(self.sheet.cell(i + 1, shown, style))
        row = self.sheet.append(cells, x.LINE_PT + x.PAD_PT)
        for first, last in spans:
            self.sheet.merge(row, first + 1, row, last + 1)

    def _total_look(self, number: bool, fmt: str | None, quote: bool) -> dict[str, Any]:
        return dict(font=self._bold, border=self._lines, quotePrefix=quote, number_format=fmt or "General",
                    alignment=x.alignment(horizontal="right" if number else "center", vertical="center",
                                          indent=1 if number else 0))

    def _breakdown_look(self, col: x.Column, number: bool, quote: bool) -> dict[str, Any]:
        return dict(font=self._plain, border=self._lines, quotePrefix=quote,
                    number_format=x.FORMATS[col.kind] if number else "General",
                    alignment=x.alignment(horizontal="right", vertical="center", indent=1) if number else
                    x.alignment(horizontal="center", vertical="center", wrap_text=True))

    def _breakdown(self, breakdown: Breakdown) -> None:
        """Rows under the 合计 in the plain font, centred; numbers as in the 合计."""
        first = self.sheet.row + 1
        for n, raw in enumerate(breakdown.rows):
            cells = []
            for i, col in enumerate(self.columns):
                value = breakdown.label if i == 0 and n == 0 else raw[i] if i < len(raw) else None
                shown, quote = x.cell_value(x._cell_value(col.kind, value) if i else value)
                number = col.kind in x.NUMERIC and i > 0
                style = self.sheet.style(("breakdown", i, number, bool(quote)),
                                         partial(self._breakdown_look, col, number, bool(quote)))
                cells.append(self.sheet.cell(i + 1, shown, style))
            row = self.sheet.append(cells, x.LINE_PT + x.PAD_PT)
            for a, b in breakdown.spans:
                self.sheet.merge(row, a + 1, row, b + 1)
        if breakdown.rows:
            self.sheet.merge(first, 1, self.sheet.row, 1)

    def _signing(self, signing: xp.Signing) -> None:
        """A blank row, then 填表人/审核人/填报日期 merged across the ledger's columns, no borders."""
        self.sheet.append([])
        value, quote = x.cell_value(signing.text())
        style = self.sheet.style(("signing", quote), lambda: dict(
            font=x.font(), quotePrefix=bool(quote), alignment=x.alignment(horizontal="left", vertical="center")))
        row = self.sheet.append([self.sheet.cell(1, value, style)], 24)
        self.sheet.merge(row, 1, row, len(self.columns))
