"""走访台账 and 帮扶台账, written as a stream by the generic ledger writer (exports.xlsx_ledger).

走访台账: one row per 职工诉求 under its visit, the visit's cells merged down over its demands (a visit without
demands is one row), so a clerk reads each visit once with its demands beside it, as on the paper ledger; the 合计 row
gives visits, distinct enterprises (core.visits rule), demands, settled and overdue.
帮扶台账: one row per aid record, 身份证号 masked unless reveal; a 合计 row (records, households, amount) and under it
one “其中” row per programme. Amounts go from integer fen to Decimal 元: never float arithmetic.
Both end with the 填表人/审核人/填报日期 line. The 走访台账's twenty columns print on A3 landscape (chosen: on A4 the
text would be under 9 pt), the 帮扶台账 on A4; the 统一社会信用代码 column is one line wide enough for the code.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..core import schema as s
from ..core import visits as v
from ..core.formatting import cn_date
from ..core.store import Store
from . import xlsx
from . import xlsx_print as xp
from .xlsx_ledger import Breakdown, write_counted

VISIT_TITLE = "“面对面，心贴心，实打实”大走访企业台账"
AID_TITLE = "困难职工帮扶台账"
SEQ, GROUP, OVERDUE = "序号", "工作组", "逾期情况"
HEADER_ROW = 3      # title, subtitle, header
DEMAND_FIELDS = ("content", "kind", "handler", "due_on", "status", "reply")
DEMAND_LABELS = {"content": "诉求内容", "kind": "诉求类别", "due_on": "答复期限", "reply": "答复情况"}
# Widths in character units for A3 landscape at 9 pt or more (the writer narrows text columns further if needed);
# the 统一社会信用代码's comes from the codes (xlsx_print.code_width).
WIDTHS = {"date": 11, "group_id": 10, "leader": 8, "visitors": 10, "enterprise": 14, "address": 12,
          "industry": 8, "workers": 7, "interviewees": 10, "content": 20, "kind": 8, "handler": 7, "due_on": 11,
          "status": 8, "reply": 16, "note": 10, "unit": 12}
VISIT_PAPER, AID_PAPER = xp.A3, xp.A4
CENTRED = {"date", "group_id", "leader", "kind", "handler", "due_on", "status", "programme", "name", "id_number"}


def _year_sql(column: str, year: int | str | None) -> tuple[str, dict[str, str]]:
    return (f"substr({column}, 1, 4) = :year", {"year": str(int(year))}) if year is not None else ("1 = 1", {})


def _year_prefix(store: Store, table: str, year: int | str | None) -> str:
    """'2026年' for the year asked, or the one year all the records are in; '' when they span several."""
    if year is not None:
        return f"{int(year)}年"
    years = [r[0] for r in store.db.execute(f"SELECT DISTINCT substr(date, 1, 4) FROM {table} WHERE date <> ''")]
    return f"{years[0]}年" if len(years) == 1 else ""


def _several_units(store: Store, table: str, cond: str, params: dict[str, Any]) -> bool:
    units: int = store.db.execute(f"SELECT COUNT(DISTINCT unit) FROM {table} WHERE {cond}", params).fetchone()[0]
    return units > 1


# -- 走访台账 ---------------------------------------------------------------------------------------------------
def visit_summary(store: Store, *, year: int | None = None, today: dt.date | str | None = None) -> dict[str, Any]:
    """{visits, enterprises, demands, done, overdue} for the year (None: every year), overdue as of `today`."""
    today = (today if isinstance(today, dt.date) else dt.date.fromisoformat(today)) if today else dt.date.today()
    cond, params = _year_sql("v.date", year)
    visits = store.db.execute(f"SELECT COUNT(*) FROM enterprise_visit v WHERE {cond}", params).fetchone()[0]
    demands, done, overdue = store.db.execute(
        f"SELECT COUNT(d.id), COALESCE(SUM(d.status = '{v.DONE}'), 0), "
        f"COALESCE(SUM({v.overdue_sql(':today', ':days', table='d')}), 0) "
        f"FROM demand d JOIN enterprise_visit v ON v.id = d.visit_id WHERE {cond}",
        {**params, "today": today.isoformat(), "days": v.reply_days(store)}).fetchone()
    return {"visits": visits, "enterprises": v.distinct_enterprises(store, year=year), "demands": demands,
            "done": done, "overdue": overdue, "today": today.isoformat()}


def _visit_fields(several_units: bool) -> tuple[list[s.Field], list[s.Field]]:
    """The visit's columns before the demands (short fields) and after them (备注, 填报单位)."""
    rt = s.ENTERPRISE_VISIT
    short = [f for f in rt.fields if f.type != s.LONGTEXT]
    return short, [f for f in rt.fields if f.type == s.LONGTEXT] + ([rt.field("unit")] if several_units else [])


def _visit_columns(before: list[s.Field], after: list[s.Field], codes: Iterable[Any]) -> list[xlsx.Column]:
    cols = [xlsx.Column(SEQ, xlsx.INT, width=5, align="center")]
    for f in before:
        if f.type == s.REF:
            cols.append(xlsx.Column(GROUP, width=WIDTHS["group_id"], align="center"))
        elif f.key == "uscc":     # 18 characters never split over two lines
            cols.append(xlsx.Column.of(f, width=xp.code_width(codes), align="center", wrap=False))
        else:
            cols.append(_col(f))
    cols += [_col(s.DEMAND.field(k), label=DEMAND_LABELS.get(k)) for k in DEMAND_FIELDS]
    cols.append(xlsx.Column(OVERDUE, width=9, align="center"))
    return cols + [_col(f) for f in after]


def _col(f: s.Field, **kw: Any) -> xlsx.Column:
    return xlsx.Column.of(f, width=WIDTHS.get(f.key), align="center" if f.key in CENTRED else None, **kw)


def export_visit_ledger(store: Store, path: str | os.PathLike[str], *, year: int | None = None,
                        today: dt.date | str | None = None, day: dt.date | str | None = None) -> Path:
    """Write the 走访台账 (year None: every visit) and return its path. Overdue is judged as of `today`; `day` is
    the 填报日期 (default today). Visits and demands are read from two cursors in step and written as a stream."""
    summary = visit_summary(store, year=year, today=today)
    today = dt.date.fromisoformat(summary["today"])
    days = v.reply_days(store)
    cond, params = _year_sql("v.date", year)
    before, after = _visit_fields(_several_units(store, "enterprise_visit v", cond, params))
    width = 1 + len(before) + len(DEMAND_FIELDS) + 1 + len(after)     # _visit_columns: 序号 … 逾期情况 …
    visit_cols = [0, *range(1, 1 + len(before)), *range(width - len(after), width)]
    codes = (r[0] for r in store.db.execute(f"SELECT uscc FROM enterprise_visit v WHERE {cond}", params))
    cols = _visit_columns(before, after, codes)
    labels = [c.label for c in cols]
    first_demand, last_demand = labels.index(DEMAND_LABELS["content"]), labels.index(OVERDUE)
    totals = {1: f"走访 {summary['visits']} 次，涉及企业 {summary['enterprises']} 家",
              first_demand: f"职工诉求 {summary['demands']} 条，其中已办结 {summary['done']} 条，"
                            f"逾期未办结 {summary['overdue']} 条"}
    prefix = _year_prefix(store, "enterprise_visit", year)
    subtitle = "　　".join([f"填报单位：{store.our_unit()}", f"职工诉求答复期限：走访后 {days} 天",
                           f"逾期情况截至 {cn_date(today)}"])
    groups = _visit_groups(store, cond, params, before, after, today, days)
    return write_counted(path, title=f"{prefix}{VISIT_TITLE}", subtitle=subtitle, columns=cols, rows=groups,
                         totals=totals, sheet_name="走访台账", paper=VISIT_PAPER, signing=xp.Signing.of(store, day),
                         merge_down=visit_cols, total_spans=[(1, first_demand - 1), (first_demand, last_demand)]).path


def _visit_groups(store: Store, cond: str, params: dict[str, Any], before: list[s.Field], after: list[s.Field],
                  today: dt.date, days: int) -> Iterator[list[list[Any]]]:
    """Per visit, its rows: one per demand (a visit without demands is one row, 无), the visit's own cells in the
    first. Visits and demands come in the same order from two cursors, so neither is held whole."""
    order = "ORDER BY v.date, v.enterprise, v.rowid"
    visits = store.db.query(f"SELECT v.*, g.name AS group_name FROM enterprise_visit v LEFT JOIN working_group g "
                            f"ON g.id = v.group_id WHERE {cond} {order}", params)
    demands = store.db.query(f"SELECT d.* FROM demand d JOIN enterprise_visit v ON v.id = d.visit_id "
                             f"WHERE {cond} {order}, d.rowid", params)
    pending = next(demands, None)
    for n, visit in enumerate(visits, start=1):
        mine = []
        while pending is not None and pending["visit_id"] == visit["id"]:
            mine.append(pending)
            pending = next(demands, None)
        head = [n] + [visit["group_name"] if f.type == s.REF else visit.get(f.key) for f in before]
        tail = [visit.get(f.key) for f in after]
        rows = []
        for k, dem in enumerate(mine or [{"content": "无"}]):
            real = "id" in dem
            shown = {**dem, "due_on": v.deadline({**dem, "visit_date": visit["date"]}, days) if real else None}
            late = real and v.is_overdue(shown, today)
            overdue = f"逾期{(today - dt.date.fromisoformat(shown['due_on'])).days}天" if late else None
            rows.append((head if k == 0 else [None] * len(head)) + [shown.get(key) for key in DEMAND_FIELDS] +
                        [overdue] + (tail if k == 0 else [None] * len(tail)))
        yield rows


# -- 帮扶台账 ---------------------------------------------------------------------------------------------------
def aid_summary(store: Store, *, year: int | None = None) -> dict[str, Any]:
    """{records, households, amount_fen, programmes: core.visits.aid_totals(year)}."""
    cond, params = _year_sql("date", year)
    records, households, amount = store.db.execute(
        f"SELECT COUNT(*), COUNT(DISTINCT household_id), COALESCE(SUM(amount), 0) FROM aid WHERE {cond}",
        params).fetchone()
    return {"records": records, "households": households, "amount_fen": amount,
            "programmes": v.aid_totals(store, year=year)}


def export_aid_ledger(store: Store, path: str | os.PathLike[str], *, year: int | None = None,
                      reveal: bool = False, day: dt.date | str | None = None) -> Path:
    """Write the 帮扶台账 (year None: every record) and return its path; 身份证号 masked unless reveal (the file is
    then the owner's only); `day` is the 填报日期 (default today)."""
    cond, params = _year_sql("a.date", year)
    several = _several_units(store, "aid a", cond, params)
    hh, aid = s.HOUSEHOLD, s.AID
    fields = [aid.field("date"), hh.field("name"), hh.field("id_number"), aid.field("programme"), aid.field("amount"),
              aid.field("goods"), aid.field("handler"), aid.field("note")] + ([aid.field("unit")] if several else [])
    fits = _aid_fits(store, cond, params, several)
    cols = [xlsx.Column(SEQ, xlsx.INT, width=5, align="center")]
    for f in fields:   # text wide enough for one line where it is short (goods, handler), up to a limit
        width = fits.get(f.key) or {"name": 9, "id_number": 21, "programme": 11, "amount": 12, "date": 11}[f.key]
        cols.append(xlsx.Column.of(f, reveal=reveal, width=width, align="center" if f.key in CENTRED else None,
                                   wrap=f.key != "id_number"))
    records = store.db.query(f"SELECT a.*, h.name, h.id_number FROM aid a JOIN household h ON h.id = a.household_id "
                             f"WHERE {cond} ORDER BY a.date, h.name, a.programme, a.rowid", params)
    rows = ([n] + [r[f.key] for f in fields]     # 身份证号 opened with the store's key (stored encrypted)
            for n, r in enumerate((store.decode(hh, r) for r in records), start=1))
    summary = aid_summary(store, year=year)
    amount_col = 5
    totals = {1: f"共 {summary['records']} 笔，{summary['households']} 户", amount_col: xlsx.SUM}
    programmes = Breakdown("其中", [[None, f"{p['count']} 笔，{p['households']} 户", None, None, p["programme"],
                                     p["amount_fen"]] for p in summary["programmes"]], spans=[(1, 3)])
    prefix = _year_prefix(store, "aid", year)
    shown = "身份证号为完整号码，请妥善保管" if reveal else "身份证号已部分隐藏"
    subtitle = "　　".join([f"填报单位：{store.our_unit()}", "金额单位：元", shown])
    return write_counted(path, title=f"{prefix}{AID_TITLE}", subtitle=subtitle, columns=cols, rows=rows,
                         totals=totals, sheet_name="帮扶台账", paper=AID_PAPER, signing=xp.Signing.of(store, day),
                         total_spans=[(1, 3)], breakdown=programmes, private=reveal).path


def _aid_fits(store: Store, cond: str, params: dict[str, Any], several: bool) -> dict[str, float]:
    """Widths of the short text columns: their longest value on one line, at least 10, at most a limit each."""
    limits = {"goods": 22, "handler": 14, "note": 24, **({"unit": 14} if several else {})}
    widest = dict.fromkeys(limits, 10)
    for r in store.db.query(f"SELECT {', '.join(limits)} FROM aid a WHERE {cond}", params):
        for key, limit in limits.items():
            if widest[key] < limit:
                widest[key] = max(widest[key], xlsx.text_width(r[key] or "") + 3)
    return {key: min(w, limits[key]) for key, w in widest.items()}
