"""A ledger workbook as plain data, to compare two writers' files cell by cell: values, styles, merges, row heights,
column widths and the print set-up (ledger_golden/*.json hold what the writer before issue 18 wrote on the demo)."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

GOLDEN = Path(__file__).with_name("ledger_golden")


def _value(v: Any) -> Any:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, float):
        return str(Decimal(str(v)).normalize())
    if isinstance(v, (int, Decimal)):
        return str(Decimal(v).normalize())
    return None if v is None else str(v)


def _style(c: Any) -> list[Any]:
    f, a, b = c.font, c.alignment, c.border
    fill = c.fill.fgColor.rgb if c.fill and c.fill.fill_type else None
    return [f.name, f.sz, bool(f.b), a.horizontal, a.vertical, bool(a.wrap_text), a.indent or 0,
            [b.left.style, b.right.style, b.top.style, b.bottom.style], c.number_format, fill,
            bool(c.quotePrefix)]


def dump(path: str | Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    styles: list[str] = []     # each distinct style once; a cell names its style by index
    cells = []
    for row in ws.iter_rows():
        out = []
        for c in row:
            style = json.dumps(_style(c), ensure_ascii=False)
            if style not in styles:
                styles.append(style)
            out.append([_value(c.value), styles.index(style)])
        cells.append(out)
    ps = ws.page_setup
    return {
        "title": ws.title, "cells": cells, "styles": styles,
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "heights": {str(r): d.height for r, d in sorted(ws.row_dimensions.items()) if d.height},
        "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items()) if d.width},
        "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
        "print": [ps.orientation, str(ps.paperSize), str(ps.scale), bool(ws.sheet_properties.pageSetUpPr.fitToPage),
                  ws.print_title_rows, bool(ws.print_options.horizontalCentered), ws.page_margins.left,
                  ws.page_margins.right, ws.page_margins.top, ws.page_margins.bottom, ws.oddFooter.center.text],
    }


def load(name: str) -> dict[str, Any]:
    return json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))


def save(name: str, data: dict[str, Any]) -> None:
    GOLDEN.mkdir(exist_ok=True)
    (GOLDEN / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=None), encoding="utf-8")


def generic_ledger(path: str | Path) -> Path:
    """The generic writer on rows that exercise every kind, formula-like text, `_xHHHH_`, long text, empty cells,
    a COUNT and a SUM total, a fixed total text and the signing line."""
    from leifeng_desktop.exports import xlsx
    from leifeng_desktop.exports import xlsx_print as xp
    cols = [xlsx.Column("序号", xlsx.INT, width=6, align="center"), xlsx.Column("名称"),
            xlsx.Column("说明", xlsx.LONG), xlsx.Column("金额（元）", xlsx.MONEY),
            xlsx.Column("时长（小时）", xlsx.HOURS),
            xlsx.Column("日期", xlsx.DATE), xlsx.Column("时间", xlsx.DATETIME), xlsx.Column("人数", xlsx.INT),
            xlsx.Column("代码", width=21, wrap=False, align="center")]
    texts = ["=1+1", "@SUM(A1)", "  -3", "卫_x000B_十二", "普通文字", "很长的文字" * 9, "", None, "a\nb"]
    rows = [[n, t, (t or "") * 3, 1234 * n, 95 * n, f"2026-03-0{n % 9 + 1}",
             f"2026-03-01T0{n % 10}:30:00", n if n % 3 else None, "91110101MA01ABCD2X"]
            for n, t in enumerate(texts, start=1)]
    return xlsx.write_ledger(path, title="=测试台账", subtitle="填报单位：测试", columns=cols, rows=rows,
                             totals={0: xlsx.COUNT, 1: "共 9 条", 3: xlsx.SUM, 4: xlsx.SUM, 7: xlsx.SUM},
                             sheet_name="测试", signing=xp.Signing("张三", "", dt.date(2026, 11, 30)))
