"""The 总结材料's 附表 (statistics tables on pages of their own) and its 附件说明, Qt-free.

`appendices(st, scope_all=…)` lists the 附表 that have something to show, in print order, as (title, writer);
`write_appendices` prints them, each numbered 附表n with the period under its title and the 填表人/负责人/联系电话 line
(from 设置) under its table; the 附件说明 before the signature (prose.attachment_note) names the same titles in the
same order. Every number is read from campaign_stats (its units, working groups, honors, demands): a 合计 row is the
figure of the whole scope, not a sum the table makes.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..core.formatting import cn_date
from ..core.stats_shape import CampaignStats, UnitFigures, UnitMaterial
from ..core.validation import fen_to_yuan, minutes_to_hours
from . import document as d
from . import prose as pr
from . import styles as sty
from . import table_fit as tf

if TYPE_CHECKING:
    from docx.document import Document

Writer = Callable[["Document", CampaignStats], None]
BLANK = "________"      # a signature field 设置 leaves empty, to fill in by hand


def _hours(minutes: int) -> str:
    return minutes_to_hours(minutes) or "0"


def _unit(u: UnitFigures) -> str:
    return u["unit"] or "未注明单位"


def has_visits(st: CampaignStats) -> bool:
    """Anything of the visiting campaign to report (a sub-union's own records often have none)."""
    return bool(st["visits"]["enterprise_visits"] or st["visits"]["household_visits"] or st["aid"]["count"]
                or st["demands"]["total"])


# -- the tables -------------------------------------------------------------------------------------------------
def _activities(doc: Document, st: CampaignStats) -> None:
    a = st["activities"]
    total = ("合计", a["total"], _hours(a["total_minutes"]))
    rows = [(n, c["category"] or "未填写", c["count"], _hours(c["minutes"]))
            for n, c in enumerate(a["by_category"], start=1)]
    pr.caption(doc, "按服务内容统计")
    pr.table(doc, ("序号", "服务内容", "活动场次", "服务时长（小时）"), rows, (16, 60, 36, 44), total=total)
    rows = [(n, f["form"] or "未填写", f["count"], _hours(f["minutes"])) for n, f in enumerate(a["by_form"], start=1)]
    pr.caption(doc, "按服务形式统计", before=12)
    pr.table(doc, ("序号", "服务形式", "活动场次", "服务时长（小时）"), rows, (16, 60, 36, 44), total=total)


def _units_service(doc: Document, st: CampaignStats) -> None:
    a = st["activities"]
    units = [u for u in st["units"] if u["teams"] or u["activities"]]    # a unit with neither: a row of zeros
    rows = [(n, _unit(u), u["teams"], u["volunteers"], u["activities"], u["participants"], _hours(u["minutes"]),
             u["beneficiaries"]) for n, u in enumerate(units, start=1)]
    pr.table(doc, ("序号", "单位", "服务队（支）", "志愿者（名）", "活动（场）", "参与人次", "服务时长（小时）",
                   "受益人次"), rows, (8, 43, 15, 15, 15, 20, 20, 20),
             aligns=(pr.CENTER, pr.LEFT, *(pr.CENTER,) * 6),
             total=("合计", st["teams"]["total"], a["volunteers"], a["total"], a["participants"],
                    _hours(a["total_minutes"]), a["beneficiaries"]))
    pr.note(doc, "注：志愿者按人统计，同一人参加多个单位活动的在各单位分别计入，合计只计一次。")


def _units_visits(doc: Document, st: CampaignStats) -> None:
    v, aid = st["visits"], st["aid"]
    units = [u for u in st["units"] if u["enterprise_visits"] or u["households_visited"] or u["aid_households"]]
    rows = [(n, _unit(u), u["enterprise_visits"], u["households_visited"], u["aid_households"],
             fen_to_yuan(u["aid_fen"])) for n, u in enumerate(units, start=1)]
    pr.table(doc, ("序号", "单位", "走访企业（次）", "走访困难职工（户）", "帮扶困难职工（户）", "帮扶金额（元）"),
             rows, (10, 46, 24, 26, 26, 24), aligns=(pr.CENTER, pr.LEFT, *(pr.CENTER,) * 4),
             total=("合计", v["enterprise_visits"], v["households_visited"], aid["households"],
                    fen_to_yuan(aid["total_fen"])), empty="无")
    pr.note(doc, "注：走访和帮扶的困难职工按户统计，同一户多次走访或帮扶的只计一次。")


def _groups(doc: Document, st: CampaignStats) -> None:
    ent = st["targets"]["enterprises"]
    rows = []
    for n, g in enumerate(ent["by_group"], start=1):
        share = g["share"]
        state = "—" if share is None else "已完成" if g["done"] >= share else f"差{share - g['done']}家"
        rows.append((n, g["group"], g["visits"], g["done"], "—" if share is None else share, state))
    state = "—" if ent["target"] is None else "已完成" if ent["done"] >= ent["target"] else \
        f"差{ent['target'] - ent['done']}家"
    pr.table(doc, ("序号", "工作组", "走访次数", "走访企业（家）", "分担目标（家）", "完成情况"), rows,
             (12, 40, 24, 28, 28, 24), aligns=(pr.CENTER, pr.LEFT, *(pr.CENTER,) * 4),
             total=("合计", sum(g["visits"] for g in ent["by_group"]), ent["done"],
                    "—" if ent["target"] is None else ent["target"], state), empty="无")
    pr.note(doc, "注：分担目标为走访企业目标在各工作组间平均分配；同一企业由两个工作组走访的在两组各计一家，"
                 "合计按家统计。")


def _aid(doc: Document, st: CampaignStats) -> None:
    aid = st["aid"]
    rows = [(n, p["programme"] or "未填写", p["count"], p["households"], fen_to_yuan(p["amount_fen"]))
            for n, p in enumerate(aid["by_programme"], start=1)]
    pr.table(doc, ("序号", "帮扶项目", "帮扶次数", "帮扶户数", "帮扶金额（元）"), rows, (16, 44, 28, 28, 40),
             total=("合计", aid["count"], aid["households"], fen_to_yuan(aid["total_fen"])))
    pr.note(doc, "注：合计帮扶户数按户统计，同一户获多个项目帮扶的只计一次。")


def _demands(doc: Document, st: CampaignStats) -> None:
    dm = st["demands"]
    units = [u for u in st["units"] if u["demands"]]
    rows = [(n, _unit(u), u["demands"], u["demands_done"], u["demands_open"], u["demands_overdue"])
            for n, u in enumerate(units, start=1)]
    pr.table(doc, ("序号", "单位", "收集诉求（条）", "已办结（条）", "未办结（条）", "其中逾期（条）"), rows,
             (10, 50, 26, 24, 22, 24), aligns=(pr.CENTER, pr.LEFT, *(pr.CENTER,) * 4),
             total=("合计", dm["total"], dm["done"], dm["open"], dm["overdue"]), empty="无")
    pr.note(doc, f"注：逾期指超过答复期限仍未办结，按{cn_date(st['today'])}计算。")


def _honors(doc: Document, st: CampaignStats) -> None:
    ho = st["honors"]
    rows = [(n, k["kind"] or "未填写", k["count"], k["awarded"]) for n, k in enumerate(ho["by_kind"], start=1)]
    pr.table(doc, ("序号", "类别", "推荐（个）", "其中受表彰（个）"), rows, (16, 72, 32, 36),
             aligns=(pr.CENTER, pr.LEFT, pr.CENTER, pr.CENTER),
             total=("合计", ho["total"], sum(k["awarded"] for k in ho["by_kind"])))


def _reporting(doc: Document, st: CampaignStats) -> None:
    reporting = {u["unit"]: {m["material"]: m for m in u["materials"]} for u in st["reporting"]["units"]}
    materials = [m["material"] for m in st["reporting"]["materials"]]
    units = list(dict.fromkeys([*(u["unit"] for u in st["teams"]["by_unit"]), *reporting]))
    counts = {u["unit"]: u["count"] for u in st["teams"]["by_unit"]}
    rows = []
    for n, unit in enumerate(units, start=1):
        sent = reporting.get(unit)
        cells = [_sent(sent.get(m)) if sent is not None else "—" for m in materials]
        rows.append((n, unit, counts.get(unit, 0), *cells))
    totals = [f"{m['sent']}个单位" for m in st["reporting"]["materials"]]
    pr.table(doc, *_reporting_layout(materials, rows, totals),
             aligns=(pr.CENTER, pr.LEFT, *(pr.CENTER,) * (1 + len(materials))),
             total=("合计", st["teams"]["total"], *totals))
    dash = "，“—”为不需报送的单位" if any(u not in reporting for u in units) else ""
    pr.note(doc, f"注：报送情况按{st['year']}年度的报送记录填列{dash}；截止日期后报送的注明“逾期”。")


def _reporting_layout(materials: list[str], rows: list[tuple[Any, ...]], totals: list[str]
                      ) -> tuple[tuple[str, ...], list[tuple[str, ...]], tuple[float, ...]]:
    """Headers, rows and widths: every material column as wide as its widest date, header or total (so a date
    never leaves 日 alone on a line; （逾期） goes under the date), the unit column the rest, its names balanced."""
    size, pad = pr.TABLE_SIZE, tf.CELL_PAD_MM
    rows = [(*r[:3], *(str(v).replace("（逾期）", "\n（逾期）") for v in r[3:])) for r in rows]
    dates = [line for r in rows for v in r[3:] for line in v.split("\n")]
    mat = math.ceil((tf.longest_mm([*materials, *dates, *totals], size) + pad) * 10) / 10
    number, teams = (math.ceil((tf.longest_mm([h, *(r[i] for r in rows)], size) + pad) * 10) / 10
                     for i, h in ((0, "序号"), (2, "服务队数")))
    widths = (number, round(156 - number - teams - mat * len(materials), 1), teams, *(mat,) * len(materials))
    headers = ("序号", "单位", "服务队数", *materials)
    shown_headers, shown = tf.fitted(headers, rows, widths, size, whole={0, 2, *range(3, len(headers))})
    return shown_headers, shown, widths


def _sent(material: UnitMaterial | None) -> str:
    if not material or not material["sent"]:
        return "未报送"
    return cn_date(material["date"], year=False) + ("（逾期）" if material["late"] else "")


def appendices(st: CampaignStats, *, scope_all: bool) -> list[tuple[str, Writer]]:
    """The 附表 to print, in order: those with nothing to show are left out (a unit's own summary has no per-unit
    table; no visits, no visiting tables)."""
    out: list[tuple[str, Writer]] = [("志愿服务活动分类统计表", _activities)]
    if scope_all and len(st["units"]) > 1:
        out.append(("各单位志愿服务情况统计表", _units_service))
    if has_visits(st) and scope_all and len(st["units"]) > 1:
        out.append(("各单位走访帮扶情况统计表", _units_visits))
    if st["visits"]["enterprise_visits"] and st["targets"]["enterprises"]["by_group"]:
        out.append(("工作组走访企业情况统计表", _groups))
    if st["aid"]["count"]:
        out.append(("困难职工帮扶项目统计表", _aid))
    if st["demands"]["total"]:
        out.append(("职工诉求办理情况统计表", _demands))
    if st["honors"]["total"]:
        out.append(("选树典型分类统计表", _honors))
    out.append(("各单位志愿服务队及材料报送情况表" if scope_all else "志愿服务队及材料报送情况表", _reporting))
    return out


def period_text(st: CampaignStats) -> str:
    return f"{cn_date(st['period']['from'])}至{cn_date(st['period']['to'])}"


def write_appendices(doc: Document, st: CampaignStats, tables: Sequence[tuple[str, Writer]],
                     campaign: Mapping[str, Any]) -> None:
    """Each 附表 on a new page: 附表n, its title, the period, the table(s), the signature line."""
    for n, (title, write) in enumerate(tables, start=1):
        pr.appendix_page(doc, f"附表{n}", title)
        p = d.add_paragraph(doc, f"统计时段：{period_text(st)}", style=sty.NOTE, align=pr.CENTER, before=0, after=6)
        p.paragraph_format.keep_with_next = True
        write(doc, st)
        sign_line(doc, campaign)


def sign_line(doc: Document, campaign: Mapping[str, Any]) -> None:
    """填表人：…　负责人：…　联系电话：… under a statistics table (设置's operator, leader, contact_phone)."""
    fields = (("填表人", "operator"), ("负责人", "leader"), ("联系电话", "contact_phone"))
    text = "　　".join(f"{label}：{str(campaign.get(key) or '').strip() or BLANK}" for label, key in fields)
    d.add_paragraph(doc, text, style=sty.NOTE, east_asia=d.FANGSONG, before=9)
