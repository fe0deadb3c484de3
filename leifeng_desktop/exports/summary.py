"""《关于<year>年学雷锋职工志愿服务活动开展情况的总结》 (总结材料), Qt-free.

Title (a sub-union's names the unit); 主送 (设置's 主送机关 for our own unit when set, else the automatic one, unless
the clerk wrote one); 开头语; 一、基本情况 (the period it covers, the user's text, the figures in sentences and a
table, and optionally two native Word charts of the activities, by service content and by month); 二、主要做法和成效,
one （一）…（五） per content area with the user's text and the chosen highlight records; 三、典型事迹 (left out when
none); 四、存在问题和下步打算; the 附件说明; signature and date; the 附表 on pages of their own (summary_tables).
Every figure comes from campaign_stats for the period and unit (so it equals `stats --from … --to … --unit …`);
the texts (drafts built from the records, or the clerk's as written) and highlight choices from core.texts.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx.image.exceptions import UnrecognizedImageError
from docx.shared import Mm, Pt

from ..core import texts as tx
from ..core.formatting import cn_date
from ..core.stats import campaign_stats
from ..core.stats_shape import CampaignStats
from ..core.text_context import document_unit, summary_period
from ..core.text_drafts import AREAS
from ..core.validation import fen_to_yuan, minutes_to_hours
from . import document as d
from . import prose as pr
from .files import file_name, save_atomic
from .summary_chart import add_bar_chart
from .summary_tables import appendices, has_visits, period_text, write_appendices

if TYPE_CHECKING:
    from docx.document import Document

    from ..core.store import Store

yuan = tx.yuan
PICTURE_CAPTION = "学雷锋职工志愿服务活动数据概览"
SECTIONS = ("基本情况", "主要做法和成效", "典型事迹", "存在问题和下步打算")


def summary_title(year: int, unit: str | None = None) -> list[str]:
    """The title in lines split where the sense allows (GB/T 9704); a sub-union's starts with the unit, so the
    office that receives twelve of them can tell them apart."""
    lines = [f"关于{year}年学雷锋职工志愿服务", "活动开展情况的总结"]
    return [unit, *lines] if unit else lines


def _when(st: CampaignStats) -> str:
    """The period as running text names it: 2026年 for the whole year, else 2026年1月1日至6月30日."""
    start, end = st["period"]["from"], st["period"]["to"]
    if (start, end) == (f"{st['year']}-01-01", f"{st['year']}-12-31"):
        return f"{st['year']}年"
    return f"{cn_date(start)}至{cn_date(end, year=start[:4] != end[:4])}"


def _count(items: Sequence[Mapping[str, Any]], key: str, value: str) -> int:
    return next((i["count"] for i in items if i[key] == value), 0)


def figure_sentences(st: CampaignStats, *, is_city: bool) -> list[str]:
    """基本情况 in words, every number from campaign_stats; a topic with nothing to report is left out."""
    out = []
    t, a = st["teams"], st["activities"]
    kinds = "、".join(f"{k['kind']}{k['count']}支" for k in t["by_kind"] if k["count"])
    out.append(f"目前，共组建学雷锋职工志愿服务队{t['total']}支，登记队员{t['members']}名"
               + (f"，其中{kinds}。" if kinds else "。"))
    out.append(f"{_when(st)}，共开展志愿服务活动{a['total']}场，{a['volunteers']}名志愿者参加志愿服务{a['participants']}"
               f"人次，服务总时长{minutes_to_hours(a['total_minutes']) or 0}小时，受益群众{a['beneficiaries']}人次。")
    v, tg, dm, aid = st["visits"], st["targets"], st["demands"], st["aid"]
    visit = []
    if v["enterprise_visits"]:
        ent = tg["enterprises"]
        goal = f"（目标不少于{ent['target']}家）" if is_city and ent["target"] else ""
        visit.append(f"走访企业{v['enterprise_visits']}次，覆盖企业{ent['done']}家{goal}")
        if dm["total"]:
            visit.append(f"收集职工诉求{dm['total']}条，已办结{dm['done']}条")
    if v["household_visits"]:
        hh = tg["households"]
        goal = f"（目标不少于{hh['target']}户）" if is_city and hh["target"] else ""
        visit.append(f"走访困难职工{v['household_visits']}户次，走访并帮扶困难职工{hh['done']}户{goal}")
    if aid["count"]:
        parts = "、".join(f"“{p['programme']}”{yuan(p['amount_fen'])}元" for p in aid["by_programme"]
                         if p["amount_fen"])
        visit.append(f"开展帮扶{aid['count']}次，帮扶困难职工{aid['households']}户，发放帮扶资金{yuan(aid['total_fen'])}元"
                     + (f"（其中{parts}）" if parts else ""))
    if visit:
        out.append("深入开展“面心实”大走访活动，" + "；".join(visit) + "。")
    pub, hon = st["publicity"], st["honors"]
    tail = []
    if pub["total"]:
        media = _count(pub["by_kind"], "kind", "媒体报道")
        tail.append(f"开展宣传和职工文化活动{pub['total']}次" + (f"，其中媒体报道{media}篇" if media else ""))
    if hon["total"]:
        awarded = _count(hon["by_status"], "status", tx.AWARDED)
        tail.append(f"推荐选树先进典型{hon['total']}个" + (f"，其中{awarded}个受到表彰" if awarded else ""))
    if tail:
        out.append("；".join(tail) + "。")
    return out


def figure_rows(st: CampaignStats) -> list[tuple[str, str | int]]:
    """The 主要数据 table: (项目, 数量), every value from campaign_stats; the visiting campaign's rows only when
    there is something to report."""
    a, v, tg, aid = st["activities"], st["visits"], st["targets"], st["aid"]
    rows = [
        ("志愿服务队（支）", st["teams"]["total"]), ("登记队员（名）", st["teams"]["members"]),
        ("志愿服务活动（场）", a["total"]), ("参加志愿者（名）", a["volunteers"]),
        ("参与志愿服务（人次）", a["participants"]), ("服务总时长（小时）", minutes_to_hours(a["total_minutes"]) or 0),
        ("受益群众（人次）", a["beneficiaries"]), ("宣传和文化活动（次）", st["publicity"]["total"]),
        ("走访企业（次）", v["enterprise_visits"]), ("覆盖企业（家）", tg["enterprises"]["done"]),
        ("职工诉求（条）", st["demands"]["total"]), ("已办结诉求（条）", st["demands"]["done"]),
        ("走访困难职工（户次）", v["household_visits"]), ("走访并帮扶困难职工（户）", tg["households"]["done"]),
        ("帮扶困难职工（户）", aid["households"]), ("帮扶资金（元）", fen_to_yuan(aid["total_fen"])),
        ("推荐先进典型（个）", st["honors"]["total"]),
        ("受表彰先进典型（个）", _count(st["honors"]["by_status"], "status", tx.AWARDED)),
    ]
    return rows if has_visits(st) else rows[:8] + rows[16:]


def _figure_table(doc: Document, st: CampaignStats) -> None:
    pairs = figure_rows(st)
    rows = [(*pairs[i], *(pairs[i + 1] if i + 1 < len(pairs) else ("", ""))) for i in range(0, len(pairs), 2)]
    pr.caption(doc, "学雷锋职工志愿服务活动主要数据", before=6)
    pr.table(doc, ("项目", "数量", "项目", "数量"), rows, (53, 25, 53, 25),
             aligns=(pr.LEFT, pr.CENTER, pr.LEFT, pr.CENTER))


def _picture(doc: Document, picture: Path) -> None:
    picture = Path(picture)
    if not picture.is_file():
        raise ValueError(f"找不到图片文件“{picture}”")
    p = doc.add_paragraph()
    p.alignment = pr.CENTER
    d.set_spacing(p, before=6)
    p.paragraph_format.keep_with_next = True
    try:
        p.add_run().add_picture(str(picture), width=Mm(d.TEXT_W))
    except (UnrecognizedImageError, OSError, ValueError, IndexError) as exc:   # not an image python-docx reads
        raise ValueError(f"无法插入图片“{picture.name}”（应为 PNG 或 JPEG 图片）：{exc}") from None
    pr.caption(doc, PICTURE_CAPTION)


def _charts(doc: Document, st: CampaignStats) -> None:
    """The activities by service content and by month, as native Word charts the office can edit."""
    a = st["activities"]
    add_bar_chart(doc, "志愿服务活动场次（按服务内容）",
                  [c["category"] or "未填写" for c in a["by_category"]], [c["count"] for c in a["by_category"]],
                  unit_label="活动场次")
    one_year = len({m["month"][:4] for m in a["by_month"]}) == 1
    add_bar_chart(doc, "志愿服务活动场次（按月份）",
                  [f"{int(m['month'][5:])}月" if one_year else f"{m['month'][:4]}年{int(m['month'][5:])}月"
                   for m in a["by_month"]], [m["count"] for m in a["by_month"]], unit_label="活动场次")


def _highlight_paragraph(doc: Document, items: list[dict[str, Any]]) -> None:
    if items:
        pr.body(doc, "其中，" + "；".join(i["sentence"] for i in items) + "。")


def _deeds(doc: Document, store: Store, items: list[dict[str, Any]]) -> None:
    ids = [item["id"] for item in items]      # one read for every deed (a city's awarded honors are hundreds)
    deeds = {h["id"]: h.get("deeds") for h in store.rows("honor", where=f"id IN ({','.join('?' * len(ids))})",
                                                          params=ids)}
    for n, item in enumerate(items, start=1):
        pr.heading(doc, 3, n, item["sentence"])
        pr.body(doc, deeds.get(item["id"]) or "")


def build_summary(store: Store, *, date_from: str | dt.date | None = None, date_to: str | dt.date | None = None,
                  unit: str | None = None, chart: bool = True, picture: Path | None = None,
                  today: dt.date | None = None) -> Document:
    """The summary as a python-docx Document (same inputs and data, same document)."""
    day = today or dt.date.today()
    year, start, end = summary_period(store, date_from, date_to)
    unit = (unit or "").strip() or None
    # the whole year asked as the year: the same figures, from the year's kept sums (issue 18: a sixth of the time)
    period = {} if (start, end) == (f"{year}-01-01", f"{year}-12-31") else {"date_from": start, "date_to": end}
    st = campaign_stats(store, year=year, unit=unit, today=day, **period)
    unit_name, is_city = document_unit(store, unit)
    texts = tx.load_texts(store, "summary", unit=unit, date_from=start, date_to=end, today=day, stats=st)
    chosen = tx.chosen_highlights(store, date_from=start, date_to=end, unit=unit)
    title = summary_title(year, None if is_city else unit_name)

    doc = pr.start(title, "".join(title), day, author=unit_name)
    pr.line(doc, texts["addressee"])
    pr.body(doc, texts["opening"])
    number = 0

    def section(title: str, after_table: bool = False) -> None:
        nonlocal number
        number += 1
        p = pr.heading(doc, 1, number, title)
        if after_table:   # half a line of air below the table or chart
            p.paragraph_format.space_before = Pt(pr.BODY_LINE / 2)

    section(SECTIONS[0])
    pr.body(doc, f"本材料统计时段：{period_text(st)}。各项数字按此时段内的记录统计，服务队和队员为登记在册的总数。")
    pr.body(doc, texts["basic"])
    for sentence in figure_sentences(st, is_city=is_city):
        pr.body(doc, sentence)
    _figure_table(doc, st)
    if chart:
        _charts(doc, st)
    if picture is not None:
        _picture(doc, picture)
    section(SECTIONS[1], after_table=True)
    for n, (key, area) in enumerate(AREAS, start=1):
        pr.heading(doc, 2, n, area)
        pr.body(doc, texts[f"area.{key}"])
        _highlight_paragraph(doc, chosen[key])
    if chosen["deeds"]:
        section(SECTIONS[2])
        _deeds(doc, store, chosen["deeds"])
    section(SECTIONS[3])
    pr.heading(doc, 2, 1, "存在的问题")
    pr.body(doc, texts["problems"])
    pr.heading(doc, 2, 2, "下步打算")
    pr.body(doc, texts["next_steps"])
    tables = appendices(st, scope_all=unit is None)
    pr.attachment_note(doc, [t for t, _ in tables])
    pr.signature(doc, unit_name, day)    # kept with the 附件说明 and the text's last paragraph
    write_appendices(doc, st, tables, store.settings.campaign())
    return doc


def summary_filename(year: int, unit: str) -> str:
    return file_name(unit, f"{year}年学雷锋职工志愿服务活动总结")


def export_summary(store: Store, path: str | os.PathLike[str], *, date_from: str | dt.date | None = None,
                   date_to: str | dt.date | None = None, unit: str | None = None, chart: bool = True,
                   picture: Path | None = None, today: dt.date | None = None) -> Path:
    """Write the summary (atomic: a failure leaves no file) and return its path."""
    doc = build_summary(store, date_from=date_from, date_to=date_to, unit=unit, chart=chart, picture=picture,
                        today=today)
    return save_atomic(doc, Path(path))
