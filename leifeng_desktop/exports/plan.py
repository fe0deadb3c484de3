"""实施方案: the starting draft of a unit's implementation plan, Qt-free.

The seed plan's sections: 开头语, 一、指导思想, 二、活动内容 (the five content areas), 三、实施步骤 (动员部署,
推进实施, 总结回顾), 四、工作要求 (加强组织领导, 营造良好氛围, 注重工作实效); each item run in after its （一）
heading as the seed writes them. Every text is a part of core.texts.PLAN_PARTS (saved text, else a draft naming
the campaign settings: city, deadlines, targets). Then the signature and date, and, when the unit has teams, 附件
the list of its teams: column widths from the longest value, names never split, no character alone on a line
(exports.table_fit).
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import texts as tx
from ..core.text_context import context
from ..core.text_drafts import AREAS
from . import document as d
from . import prose as pr
from . import table_fit as tf
from .files import file_name, save_atomic

if TYPE_CHECKING:
    from docx.document import Document

    from ..core.store import Store

STEPS = (("steps.mobilize", "动员部署"), ("steps.implement", "推进实施"), ("steps.review", "总结回顾"))
REQUIREMENTS = (("requirements.leadership", "加强组织领导"), ("requirements.atmosphere", "营造良好氛围"),
                ("requirements.results", "注重工作实效"))
TEAM_HEADERS = ("序号", "队伍名称", "队伍类型", "队长", "人数", "成立日期")
CITY_HEADERS = ("序号", "队伍名称", "所属单位", "队伍类型", "队长", "人数")
# columns that never wrap (numbers, names, dates): as wide as their longest value; the others share the rest
TEAM_WHOLE, CITY_WHOLE = {0, 3, 4, 5}, {0, 4, 5}


def plan_title(unit: str) -> list[str]:
    """The title in two lines: who, and what."""
    return [f"{unit}关于开展", "学雷锋职工志愿服务活动的实施方案"]


def team_list_title(unit: str, is_city: bool) -> str:
    return "全市学雷锋职工志愿服务队名单" if is_city else f"{unit}学雷锋职工志愿服务队名单"


def _members(store: Store, team_ids: list[str]) -> dict[str, int]:
    if not team_ids:
        return {}
    marks = ",".join("?" * len(team_ids))
    rows = store.db.execute(f"SELECT team_id, COUNT(*) FROM member WHERE team_id IN ({marks}) GROUP BY team_id",
                            team_ids).fetchall()
    return dict(rows)


def _team_table(doc: Document, store: Store, teams: list[dict[str, Any]], is_city: bool) -> None:
    counts = _members(store, [t["id"] for t in teams])
    rows: list[tuple[object, ...]]
    if is_city:
        rows = [(n, t["name"], t["unit"], t["kind"], t["leader"], counts.get(t["id"], 0))
                for n, t in enumerate(teams, start=1)]
        headers, whole = CITY_HEADERS, CITY_WHOLE
        aligns = (pr.CENTER, pr.LEFT, pr.LEFT, pr.LEFT, pr.CENTER, pr.CENTER)
    else:
        rows = [(n, t["name"], t["kind"], t["leader"], counts.get(t["id"], 0),
                 t["founded_on"].replace("-", ".") if t["founded_on"] else "")
                for n, t in enumerate(teams, start=1)]
        headers, whole = TEAM_HEADERS, TEAM_WHOLE
        aligns = (pr.CENTER, pr.LEFT, pr.LEFT, pr.CENTER, pr.CENTER, pr.CENTER)
    widths = tf.column_widths(headers, rows, size=d.SIZE_5, total_mm=d.TEXT_W, whole=whole)
    shown_headers, shown = tf.fitted(headers, rows, widths, d.SIZE_5, whole=whole)
    pr.table(doc, shown_headers, shown, tuple(widths), size=d.SIZE_5, aligns=aligns)


def build_plan(store: Store, *, unit: str | None = None, today: dt.date | None = None) -> Document:
    """The plan as a python-docx Document (same inputs and data, same document)."""
    day = today or dt.date.today()
    unit = (unit or "").strip() or None
    ctx = context(store, unit)
    texts = tx.load_texts(store, "plan", unit=unit)
    doc = pr.start(plan_title(ctx.unit), "".join(plan_title(ctx.unit)), day)
    pr.body(doc, texts["preamble"])
    pr.heading(doc, 1, 1, "指导思想")
    pr.body(doc, texts["guiding"])
    pr.heading(doc, 1, 2, "活动内容")
    for n, (key, title) in enumerate(AREAS, start=1):
        pr.run_in(doc, n, title, texts[f"content.{key}"])
    pr.heading(doc, 1, 3, "实施步骤")
    for n, (key, title) in enumerate(STEPS, start=1):
        pr.run_in(doc, n, title, texts[key])
    pr.heading(doc, 1, 4, "工作要求")
    for n, (key, title) in enumerate(REQUIREMENTS, start=1):
        pr.run_in(doc, n, title, texts[key])
    listed = team_list_title(ctx.unit, ctx.is_city)
    if ctx.teams:     # GB/T 9704: 附件说明 one line below the text, indented two characters
        pr.blank(doc)
        pr.line(doc, f"附件：{listed}", indent=True)
    pr.signature(doc, ctx.unit, day)
    if ctx.teams:
        pr.appendix_page(doc, "附件", listed)
        _team_table(doc, store, ctx.teams, ctx.is_city)
    return doc


def plan_filename(unit: str, year: int) -> str:
    return file_name(unit, f"{year}年学雷锋职工志愿服务活动实施方案")


def export_plan(store: Store, path: str | os.PathLike[str], *, unit: str | None = None,
                today: dt.date | None = None) -> Path:
    """Write the plan (atomic: a failure leaves no file) and return its path."""
    return save_atomic(build_plan(store, unit=unit, today=today), Path(path))

