"""A ledger sheet written as a stream (openpyxl's write-only mode): rows go to the file as they are appended, so the
memory a ledger takes does not grow with its rows.

What write-only mode asks for, and how this module gives it:
- column widths and the frozen pane are written before the first row: they are given to LedgerSheet at once;
- a row's height is set just before the row goes out and dropped after it;
- each cell's look is a style made once per kind of cell (StyleSheet) and copied onto the cell, never a new font,
  border or alignment object per cell;
- merged ranges (a visit over its demands: tens of thousands at city scale) are kept on a scratch file as they come
  and written as <mergeCells> after the rows; openpyxl's own merge list checks each new range against all earlier
  ones, which made the 走访台账 quadratic.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl import Workbook


class _Merges:
    """Merged ranges on a temporary text file, one "A1:B2" a line (no personal data: only cell references)."""

    def __init__(self) -> None:
        self.count = 0
        self._file: IO[str] | None = None

    def add(self, ref: str) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile("w+", encoding="ascii")
        self._file.write(ref + "\n")
        self.count += 1

    def __iter__(self) -> Iterator[str]:
        if self._file is None:
            return
        self._file.seek(0)
        for line in self._file:
            yield line.rstrip("\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _writer_class() -> type:
    """openpyxl's worksheet writer, writing the merged ranges from _Merges as a stream."""
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.xml.functions import Element

    class Writer(WorksheetWriter):   # type: ignore[misc]
        def write_merged_cells(self) -> None:
            merges: _Merges = self.ws.leifeng_merges
            if not merges.count:
                return
            xf = self.xf.send(True)
            with xf.element("mergeCells", count=str(merges.count)):
                for ref in merges:
                    xf.write(Element("mergeCell", ref=ref))
            self.xf.send(None)
            merges.close()
    return Writer


class _Cell:
    """What openpyxl's cell writer reads of a cell, made once per cell with its style already registered:
    openpyxl's own Cell works out its coordinate, data type and style on every write."""
    __slots__ = ("parent", "coordinate", "style_id", "data_type", "_value")
    hyperlink = _comment = None
    has_style = True

    def __init__(self, parent: Any, coordinate: str, style_id: int, data_type: str, value: Any) -> None:
        self.parent, self.coordinate, self.style_id, self.data_type, self._value = (
            parent, coordinate, style_id, data_type, value)


class LedgerSheet:
    """One write-only worksheet in its own workbook; append rows of cells (LedgerSheet.cell), merge ranges, then
    save the workbook (openpyxl's save) when done."""

    def __init__(self, title: str, widths: Sequence[float], *, default_font: Any) -> None:
        from openpyxl import Workbook
        from openpyxl.utils import get_column_letter
        from openpyxl.utils.indexed_list import IndexedList
        wb = Workbook(write_only=True)
        # the default font sets Excel's width unit: with 宋体 10 a CJK character is two units in Excel and LibreOffice
        wb._fonts = IndexedList([default_font])
        wb._named_styles["Normal"].font = default_font
        ws = wb.create_sheet(title)
        for i, width in enumerate(widths):
            ws.column_dimensions[get_column_letter(i + 1)].width = width
        ws.leifeng_merges = _Merges()
        self.wb: Workbook = wb
        self.ws = ws
        self.row = 0
        self._styles: dict[Any, tuple[Any, int, bool]] = {}
        self._letters: list[str] = []
        self._rows: Any = None

    def style(self, key: Any, look: Callable[[], dict[str, Any]]) -> tuple[Any, int, bool]:
        """The style for `key` (its array, its number in the workbook, whether it formats dates), made from
        look() (font, border, alignment, fill, number_format, quotePrefix) the first time the key is asked for."""
        found = self._styles.get(key)
        if found is None:
            from openpyxl.cell import Cell
            from openpyxl.styles.numbers import is_date_format
            cell = Cell(self.ws, row=1, column=1)
            for name, value in look().items():
                setattr(cell, name, value)
            found = self._styles[key] = (cell._style, cell.style_id, is_date_format(cell.number_format))
        return found

    def cell(self, column: int, value: Any, style: tuple[Any, int, bool]) -> Any:
        """The cell at `column` (1-based) of the next row, holding `value` (what the cell shows: text, number,
        date) in `style`. Text is always a text cell, never a formula."""
        while len(self._letters) < column:
            from openpyxl.utils import get_column_letter
            self._letters.append(get_column_letter(len(self._letters) + 1))
        where = f"{self._letters[column - 1]}{self.row + 1}"
        kind = type(value)
        if value is None:
            return _Cell(self.ws, where, style[1], "n", None)
        if kind is str or kind.__name__ == "CellRichText":
            return _Cell(self.ws, where, style[1], "s", value)
        if kind in (int, float, Decimal):
            return _Cell(self.ws, where, style[1], "n", value)
        if kind in (dt.date, dt.datetime) and style[2]:
            return _Cell(self.ws, where, style[1], "d", value)
        from openpyxl.cell import Cell  # anything else as openpyxl makes it (a date in a text column)
        cell = Cell(self.ws, row=self.row + 1, column=column, style_array=style[0])
        cell.value = value
        return cell

    def append(self, cells: Sequence[Any], height: float | None = None) -> int:
        """Write the next row (cells made for it by cell()) at `height` points; returns its number."""
        from openpyxl.cell._writer import write_cell
        self.row += 1
        attrs = {"r": str(self.row)}
        if height is not None:
            attrs.update(ht=f"{height:g}", customHeight="1")
        xf = self._xf()
        with xf.element("row", attrs):
            for cell in cells:
                write_cell(xf, self.ws, cell, True)
        return self.row

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        """Merge a range (1-based, inclusive) of rows already written or still to come."""
        from openpyxl.utils import get_column_letter
        if (first_row, first_col) == (last_row, last_col):
            return
        self.ws.leifeng_merges.add(f"{get_column_letter(first_col)}{first_row}:"
                                   f"{get_column_letter(last_col)}{last_row}")

    def _xf(self) -> Any:
        """The open <sheetData> of the sheet's stream, opened (with the sheet's top) at the first row. Rows go in
        through the writer directly: openpyxl's append would look at each value again and fail over to each cell."""
        if self._rows is None:
            ws = self.ws
            ws._writer = _writer_class()(ws)
            ws._writer.write_top()
            self._rows = ws._rows = _sheet_data(ws._writer)
            self._xf_now = next(self._rows)
        return self._xf_now

    def close(self) -> None:
        """After the save, or instead of it: a sheet whose save failed (disk full) has its open XML streams
        closed now, quietly, so the garbage collector does not print their second failure in English."""
        ws = self.ws
        if not ws.closed:
            for stream in (ws._rows, ws._writer.xf if ws._writer is not None else None):
                if stream is not None:
                    with contextlib.suppress(Exception):
                        stream.close()
        ws.leifeng_merges.close()


def _sheet_data(writer: Any) -> Iterator[Any]:
    """<sheetData> open while the rows are written; closed when the sheet is (openpyxl closes ws._rows)."""
    xf = writer.xf.send(True)
    with xf.element("sheetData"):
        try:
            yield xf      # the sheet closes the generator here, after the last row
        except GeneratorExit:
            pass
    writer.xf.send(None)
