"""操作日志 as an Excel ledger: one row per entry (oldest first, as a log is read on paper), the filters of the page
or the CLI in the subtitle. The log holds masked values only, so the file does too."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Unpack

from ..core import oplog
from ..core.store import Store
from . import xlsx
from . import xlsx_print as xp
from .xlsx_ledger import write_counted

TITLE = "操作日志"
# A4 landscape at about 95 % (129 character units); （未填写） and 新建数据文件 on one line
COLUMNS = [xlsx.Column("序号", xlsx.INT, width=6, align="center"), xlsx.Column("时间", xlsx.TEXT, width=21),
           xlsx.Column("操作员", width=12.5), xlsx.Column("操作", width=13.5), xlsx.Column("记录类型", width=10),
           xlsx.Column("记录", width=20), xlsx.Column("修改内容", xlsx.LONG, width=46)]


def ledger_rows(store: Store, **filters: Unpack[oplog.Filters]) -> Iterator[list[object]]:
    """The entries the filters let through (oplog.entries' filters), oldest first, as ledger rows, streamed."""
    for n, e in enumerate(oplog.entries(store, oldest_first=True, **filters), start=1):
        yield [n, e.when, e.operator_label, e.action_label, e.type_label, e.title, e.changes_text]


def subtitle(store: Store, *, date_from: str | None = None, date_to: str | None = None, type_key: str | None = None,
             action: str | None = None, operator: str | None = None, text: str | None = None,
             **_: str | None) -> str:
    """填报单位 and every filter applied, in words."""
    parts = [f"填报单位：{store.our_unit()}"]
    if date_from or date_to:
        parts.append(f"期间：{date_from or '…'} 至 {date_to or '…'}")
    if type_key:
        parts.append(f"记录类型：{oplog.type_label(type_key)}")
    if action:
        parts.append(f"操作：{oplog.ACTIONS.get(action, action)}")
    if operator is not None:
        parts.append(f"操作员：{operator or oplog.NO_OPERATOR}")
    if text:
        parts.append(f"含“{text}”")
    return "　　".join(parts)


def export_oplog(store: Store, path: str | os.PathLike[str], *, day: dt.date | str | None = None,
                 **filters: Unpack[oplog.Filters]) -> tuple[Path, int]:
    """Write the ledger (atomic) and return its path and the number of entries in it; `day` is the 填报日期."""
    out = write_counted(path, title=TITLE, subtitle=subtitle(store, **filters), columns=COLUMNS,
                        rows=ledger_rows(store, **filters), totals={1: lambda n: f"共 {n} 条"}, sheet_name=TITLE,
                        signing=xp.Signing.of(store, day))
    return out.path, out.rows
