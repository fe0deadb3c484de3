"""活动台账: one row per activity with every field of the schema, 参加人数 and 服务总时长, a 合计 row and the
填表人/审核人/填报日期 line. Seventeen columns do not fit A4 at a readable size: it prints on A3 landscape."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import schema as s
from ..core.service_record import period_sql
from ..core.store import Store
from . import xlsx
from . import xlsx_print as xp
from .xlsx_ledger import write_counted

TITLE = "学雷锋职工志愿服务活动台账"
SEQ, PARTICIPANTS, HOURS = "序号", "参加人数", "服务总时长（小时）"
PAPER = xp.A3       # deliberate: every field of an activity, at 9 pt or more
# Widths (character units) where the value's own width would waste the page: short labels over short values.
WIDTHS = {"beneficiaries": 7, "leader": 9, "recorder": 8, "evaluation": 8, "category": 10, "service_form": 10}

@dataclass(frozen=True)
class LedgerSummary:
    activities: int
    participants: int
    total_minutes: int
    beneficiaries: int


def _fields() -> tuple[list[s.Field], list[s.Field]]:
    """Short fields first, long text last; the unit (填报单位) after the short ones."""
    short = [f for f in s.ACTIVITY.fields if f.type != s.LONGTEXT]
    long = [f for f in s.ACTIVITY.fields if f.type == s.LONGTEXT]
    return short + [s.ACTIVITY.field("unit")], long


def columns() -> list[xlsx.Column]:
    short, long = _fields()
    cols = [xlsx.Column(SEQ, xlsx.INT, width=6, align="center")]
    for f in short:
        if f.type == s.REF:   # the query puts the team's name here
            cols.append(xlsx.Column(f.label, xlsx.TEXT))
        else:
            cols.append(xlsx.Column.of(f, width=WIDTHS.get(f.key)))
    cols += [xlsx.Column(PARTICIPANTS, xlsx.INT, width=7), xlsx.Column(HOURS, xlsx.HOURS, width=10)]
    cols += [xlsx.Column.of(f) for f in long]
    return cols


def ledger_rows(store: Store, *, date_from: str | None = None, date_to: str | None = None,
                team_id: str | None = None) -> Iterator[dict[str, Any]]:
    """Activities in the period (inclusive, by start date) with team name, participant count and minutes,
    streamed from the cursor."""
    conds, params = period_sql("a.starts_at", date_from, date_to)
    if team_id:
        conds.append("a.team_id = ?")
        params.append(team_id)
    where = f"WHERE {' AND '.join(conds)}" if conds else ""
    # participants counted per activity first (one pass over the table), then joined: no sort of the join
    sql = (f"SELECT a.*, t.name AS team_name, COALESCE(p.n, 0) AS participant_count, "
           f"COALESCE(p.minutes, 0) AS total_minutes FROM activity a "
           f"LEFT JOIN team t ON t.id = a.team_id LEFT JOIN (SELECT activity_id, COUNT(*) AS n, "
           f"SUM(minutes) AS minutes FROM participant GROUP BY activity_id) p ON p.activity_id = a.id "
           f"{where} ORDER BY a.starts_at, a.title")
    yield from store.db.query(sql, params)


def _row(n: int, a: dict[str, Any], short: list[s.Field], long: list[s.Field]) -> list[Any]:
    values = [n] + [a["team_name"] if f.type == s.REF else a.get(f.key) for f in short]
    return values + [a["participant_count"], a["total_minutes"]] + [a.get(f.key) for f in long]


def export_activity_ledger(store: Store, path: str | os.PathLike[str], *, date_from: str | None = None,
                           date_to: str | None = None, team_id: str | None = None,
                           day: dt.date | str | None = None) -> Path:
    """Write the ledger workbook (atomic) and return its path; `day` is the 填报日期 (default today)."""
    return export_with_summary(store, path, date_from=date_from, date_to=date_to, team_id=team_id, day=day)[0]


def export_with_summary(store: Store, path: str | os.PathLike[str], *, date_from: str | None = None,
                        date_to: str | None = None, team_id: str | None = None,
                        day: dt.date | str | None = None) -> tuple[Path, LedgerSummary]:
    """The ledger written as a stream (the rows never held together) and what its 合计 says."""
    rows = ledger_rows(store, date_from=date_from, date_to=date_to, team_id=team_id)
    cols, fields = columns(), _fields()
    labels = [c.label for c in cols]
    title_col, benef_col = labels.index(s.ACTIVITY.field("title").label), labels.index(
        s.ACTIVITY.field("beneficiaries").label)
    people, minutes = labels.index(PARTICIPANTS), labels.index(HOURS)
    totals = {title_col: lambda n: f"共 {n} 场", benef_col: xlsx.SUM, people: xlsx.SUM, minutes: xlsx.SUM}
    out = write_counted(path, title=_title(store), subtitle=_subtitle(store, date_from, date_to, team_id),
                        columns=cols, rows=(_row(n, a, *fields) for n, a in enumerate(rows, start=1)), totals=totals,
                        sheet_name="活动台账", paper=PAPER, signing=xp.Signing.of(store, day))
    summary = LedgerSummary(out.rows, out.sums.get(people, 0), out.sums.get(minutes, 0), out.sums.get(benef_col, 0))
    return out.path, summary


def _title(store: Store) -> str:
    year = store.settings.get("year")
    return f"{year}年{TITLE}" if year else TITLE


def _subtitle(store: Store, date_from: str | None, date_to: str | None, team_id: str | None) -> str:
    parts = [f"填报单位：{store.our_unit()}"]
    if date_from or date_to:
        parts.append(f"统计期间：{date_from or '…'} 至 {date_to or '…'}")
    if team_id:
        team = store.get("team", team_id)
        parts.append(f"组织队伍：{team['name'] if team else ''}")
    return "　　".join(parts)
