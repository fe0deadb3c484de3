"""The empty workbook a clerk fills for an import: the header row of core.xlsx_import's spec (required columns
marked *), text-formatted ID and phone columns, drop-downs for choices, and a 填写说明 sheet. Cells go through the
ledger writer's put() (choice texts come from the clerk: never a formula) and the file is saved atomically."""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from . import schema as s
from .xlsx_import import spec_for

_TEXT_TYPES = (s.TEXT, s.LONGTEXT, s.MONTH, s.CHOICE, s.MULTI)   # kept as typed: "@" stops Excel's guessing


def _hint(f: s.Field) -> str:
    hint = {s.RIC: "18位身份证号，末位可为X（本列为文本格式，请勿改为数字）",
            s.PHONE: "11位手机号，或带区号的座机号，如 010-12345678",
            s.USCC: "18位统一社会信用代码", s.URL: "以 http:// 或 https:// 开头的链接"}.get(f.check or "")
    hint = hint or {s.MONTH: "年月，如 1985-03（也可写 1985年3月、1985.03）", s.DATE: "日期，如 2026-08-25",
                    s.DATETIME: "日期和时间，如 2026-08-25 09:00", s.INT: "整数",
                    s.MONEY: "金额（元），最多两位小数", s.HOURS: "小时，如 2 或 1.5", s.BOOL: "填“是”或“否”",
                    s.CHOICE: "从可选值中选一项", s.MULTI: "从可选值中选，多项用顿号“、”分隔"}.get(f.type)
    hint = hint or f"文字，不超过{f.max_len}字"
    return f"{hint}。{f.help}" if f.help else hint


def _width(f: s.Field) -> float:
    by_kind = {s.RIC: 22, s.USCC: 22, s.PHONE: 16}.get(f.check or "") or {s.DATETIME: 18, s.LONGTEXT: 40}.get(f.type)
    return max(by_kind or (12 if f.max_len <= 30 else 16 if f.max_len <= 60 else 28), 2 * len(f.label) + 4)


def write_template(path: str | os.PathLike[str], record_type_key: str, *,
                   choices: Mapping[str, list[str]] | None = None) -> Path:
    """An empty workbook to fill: the header row (required columns marked *) and a 填写说明 sheet.
    `choices` are the database's lists for the drop-downs; the schema's defaults without one."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..exports.files import save_atomic
    from ..exports.xlsx import append_row, put

    spec, path = spec_for(record_type_key), Path(path)
    rt = spec.rt
    choices = choices or {name: list(items) for name, (_, items) in s.CHOICE_LISTS.items()}
    wb = Workbook()
    ws = wb.active
    ws.title = f"{rt.label}名单"[:31]
    for col, key in enumerate(spec.fields, start=1):
        f, letter = rt.field(key), get_column_letter(col)
        cell = put(ws, 1, col, f.label + ("*" if f.required else ""))
        cell.font, cell.alignment = Font(bold=True), Alignment(horizontal="center", vertical="center")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[letter].width = _width(f)
        if f.type in _TEXT_TYPES:
            ws.column_dimensions[letter].number_format = "@"
        allowed = choices.get(f.choices or "") or []
        formula = '"' + ",".join(allowed) + '"'
        # Excel caps an inline list at 255 characters; a longer list, or one whose items hold a separator or a
        # quote, is only described on 填写说明.
        if f.type == s.CHOICE and allowed and len(formula) <= 255 and not any(
                c in a for a in allowed for c in ',"'):
            dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                errorTitle=f.label, error=f"请从下拉列表中选择{f.label}")
            dv.add(f"{letter}2:{letter}1048576")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    append_row(notes, ["列名", "是否必填", "填写格式", "可选值"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for key in spec.fields:
        f = rt.field(key)
        allowed = choices.get(f.choices or "") or [] if f.type in (s.CHOICE, s.MULTI) else []
        append_row(notes, [f.label, "必填" if f.required else "选填", _hint(f), "、".join(allowed)])
    append_row(notes, [])
    append_row(notes, ["说明：第一行为列标题，请勿修改或删除；每行填写一条记录，空行会被跳过；列的顺序可以调整。"])
    for key in spec.given:
        append_row(notes, [f"{rt.field(key).label}在导入时选择，不在表中填写。"])
    for letter, w in zip("ABCD", (18, 10, 48, 60)):
        notes.column_dimensions[letter].width = w
    return save_atomic(wb, path)
