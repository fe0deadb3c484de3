"""Column widths from what a Word table holds, and line breaks that leave no character alone on a line.

Widths come from the longest value (header included) measured by document.text_width_mm at the table's size.
Columns that must never wrap (names, numbers, dates) get their whole width; the others share what is left in
proportion to their longest value. A value that still wraps is broken into balanced lines here (explicit line
breaks, each line narrower than the column), so neither Word nor LibreOffice leaves one character on a line of its own.
"""
from __future__ import annotations

import math
from collections.abc import Collection, Sequence

from . import document as d

CELL_PAD_MM = 2.0 + 1.5         # the cells' left and right margins (prose.table), and room for the reader's fonts
NO_LINE_START = set("）)」』】〕》、，。：；！？,.:;!?%…—")


def longest_mm(values: Sequence[object], size: float) -> float:
    return max([d.text_width_mm(str(v), size) for v in values if v not in (None, "")] + [0.0])


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[object]], *, size: float, total_mm: float,
                  whole: Collection[int], narrowest_chars: int = 4) -> list[float]:
    """Widths (mm) adding up to `total_mm`: columns in `whole` as wide as their longest value or header, the rest
    sharing the remainder in proportion to their longest value, none narrower than `narrowest_chars` characters."""
    need = [longest_mm([h, *(r[i] for r in rows)], size) + CELL_PAD_MM for i, h in enumerate(headers)]
    fixed = sum(need[i] for i in whole)
    free = [i for i in range(len(headers)) if i not in whole]
    if not free:
        return [w * total_mm / fixed for w in need] if fixed else need
    left = total_mm - fixed
    low = narrowest_chars * size * 25.4 / 72 + CELL_PAD_MM
    share = sum(need[i] for i in free)
    out = list(need)
    for i in free:
        out[i] = max(low, left * need[i] / share)
    over = sum(out) - total_mm      # the narrowest floor may overshoot: take it back from the widest free columns
    for i in sorted(free, key=lambda k: -out[k]):
        if over <= 0:
            break
        give = min(over, out[i] - low)
        out[i] -= give
        over -= give
    out = [math.ceil(w * 10) / 10 if i in whole else round(w, 1) for i, w in enumerate(out)]
    widest = max(free, key=lambda k: out[k])     # the rounding's remainder, so the table is `total_mm` wide
    out[widest] = round(out[widest] + total_mm - sum(out), 1)
    return out


def _greedy(text: str, limit: float, size: float) -> list[str]:
    """Lines no wider than `limit`, a line never starting with closing punctuation."""
    return _wrap(text, limit, size)[0]


def _wrap(text: str, limit: float, size: float) -> tuple[list[str], float]:
    """_greedy's lines, and the narrowest width that broke a line (infinity when none did): every limit from
    `limit` up to that width breaks the same. Each line's width is summed a character at a time as
    document.text_ems sums it (the same floats as measuring the line whole)."""
    lines, current, ems, last, broke = [], "", 0.0, None, math.inf
    for ch in text:
        em, wide = d.char_ems(ch)
        grown = ems + em
        if last is not None and wide != last and ch != " ":
            grown += 0.2
        mm = grown * size * 25.4 / 72
        if current and mm > limit:
            broke = min(broke, mm)
            if ch in NO_LINE_START and len(current) > 1:    # carry the last character over with the mark
                lines.append(current[:-1])
                current = current[-1]
            else:
                lines.append(current)
                current = ""
            grown = d.text_ems(current + ch)
        current += ch
        ems, last = grown, wide
    return ([*lines, current] if current else lines), broke


def balance(text: str, width_mm: float, size: float) -> str:
    """The text with line breaks where it would wrap in a cell `width_mm` wide: as few lines as wrapping takes,
    as even as possible, so no line holds a single character. Text that fits, or has its own breaks, is kept."""
    room = width_mm - CELL_PAD_MM
    if "\n" in text or d.text_width_mm(text, size) <= room:
        return text
    lines = len(_greedy(text, room, size))
    if lines <= 1:
        return text
    limit = d.text_width_mm(text, size) / lines
    while limit < room:
        even, broke = _wrap(text, limit, size)
        if len(even) <= lines and min(len(line) for line in even) > 1:
            return "\n".join(even)
        limit += 0.25
        while limit < room and limit < broke:    # the same lines again: only the steps, not the wrapping
            limit += 0.25
    return "\n".join(_greedy(text, room, size))


def fitted(headers: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float], size: float, *,
           whole: Collection[int] = ()) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Headers and rows as text, each balanced to its column (the `whole` columns as they are: they fit)."""
    def fit_row(values: Sequence[object]) -> tuple[str, ...]:
        return tuple(("" if v is None else str(v)) if i in whole else balance("" if v is None else str(v), w, size)
                     for i, (v, w) in enumerate(zip(values, widths)))
    return fit_row(headers), [fit_row(r) for r in rows]

