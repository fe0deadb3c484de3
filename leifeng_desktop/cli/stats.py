"""`stats [--json] [--year N] [--from DATE --to DATE] [--unit NAME] [--today DATE]`: the dashboard's figures.

Plain output is Chinese, one aligned block per part of the plan; --json prints core.stats.campaign_stats as it is
(UTF-8, indented; its keys are stable and documented in core/stats.py and the README).
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping
from typing import Any

from ..core.validation import fen_to_yuan, minutes_to_hours
from .common import EXIT_OK, PROG, echo, known_unit, open_store
from .options import period_options, today_option, unit_option, year_option
from .zh import command, option, pad, width


@command("stats", short_help="统计：目标完成情况、报送截止日期、服务队、活动、走访帮扶等各项数字",
         help="按活动方案统计各项数字：走访企业和困难职工目标的完成情况、登记表/实施方案/总结材料的报送情况和截止日期、"
              "服务队、志愿服务活动、宣传、帮扶、职工诉求、选树典型。",
         epilog=f"例：{PROG} --db 台账.db stats ；{PROG} --db 台账.db stats --unit XX市供电公司工会 --json")
@option("--json", "as_json", is_flag=True, help="以 JSON 输出（字段名固定，便于其他程序读取）")
@year_option("统计哪一年（默认：设置中的活动年度）", message="{flag} 应为 2000 到 2100 之间的年份：{value}")
@period_options("2026-01-01", "2026-06-30")
@unit_option("只统计一个单位的记录（默认：全部单位）")
@today_option("2026-08-27", "按哪一天计算剩余/逾期天数（默认：今天），如 2026-08-27")
def stats(as_json: bool, year: int | None, period: tuple, unit: str | None, today: dt.date | None) -> int:
    """--from/--to count the dated records of that period; targets, deadlines and reporting stay the year's."""
    from ..core.stats import campaign_stats
    with open_store() as store:
        unit = known_unit(store, unit, detail="（单位表和服务队的所属单位中都没有）")
        figures = campaign_stats(store, year=year, unit=unit, today=today, date_from=period[0], date_to=period[1])
    if as_json:
        echo(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        for line in format_stats(figures):
            echo(line)
    return EXIT_OK


# -- plain text -------------------------------------------------------------------------------------------------
def _table(rows: list[list[Any]], right: Collection[int] = frozenset(), indent: str = "  ") -> list[str]:
    """Columns padded to the widest cell (CJK counts two); columns in `right` are right-aligned."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(width(r[i]) for r in cells if i < len(r)) for i in range(max(map(len, cells), default=0))]
    out = []
    for row in cells:
        parts = [(" " * (widths[i] - width(c)) + c) if i in right else pad(c, widths[i])
                 for i, c in enumerate(row)]
        out.append((indent + "  ".join(parts)).rstrip())
    return out


def _hours(minutes: int) -> str:
    return minutes_to_hours(minutes) or "0"


def _deadline(m: dict) -> str:
    if not m["deadline"]:
        return "未设截止日期"
    if m["days_overdue"]:
        return f"{m['deadline']}（已过 {m['days_overdue']} 天）"
    left = "今天截止" if m["days_left"] == 0 else f"还有 {m['days_left']} 天"
    return f"{m['deadline']}（{left}）"


def _pairs(items: list[dict], name: str, value=lambda e: e["count"]) -> list[str]:
    return _table([[e[name] if e[name] is not None else "未填", value(e)] for e in items], right={1}, indent="    ")


def _mark(target: dict) -> str:
    return "已完成" if target["target"] is not None and target["done"] >= target["target"] else "未完成"


def format_stats(st: Mapping[str, Any]) -> list[str]:
    """campaign_stats as aligned Chinese lines."""
    scope = st["unit"] or "全部单位"
    out = [f"{st['year']}年度 学雷锋职工志愿服务统计（{scope}，截至 {st['today']}）"]
    period = st["period"]
    if (period["from"], period["to"]) != (f"{st['year']}-01-01", f"{st['year']}-12-31"):
        out.append(f"统计时段：{period['from']} 至 {period['to']}（目标、截止日期和报送情况按{st['year']}年度）")
    out.append("")
    ent, hh = st["targets"]["enterprises"], st["targets"]["households"]
    out += ["【目标】", *_table([
        ["走访企业", f"{ent['done']} / {ent['target']} 家", _mark(ent)],
        ["走访帮扶困难职工", f"{hh['done']} / {hh['target']} 户", _mark(hh)]], right={1})]
    out += ["  各工作组走访企业：", *_table([[g["group"], f"{g['done']} 家", f"（走访 {g['visits']} 次）"]
                                            + ([f"分担目标 {g['share']} 家"] if g["share"] is not None else [])
                                            for g in ent["by_group"]], right={1}, indent="    "), ""]
    rep = st["reporting"]
    out += [f"【报送】应报送单位 {rep['expected_units']} 个"]
    rows: list[list[Any]] = [["材料", "截止日期", "已报送", "逾期报送", "未报送"]]
    rows += [[m["material"], _deadline(m), m["sent"], m["late"], len(m["missing"])] for m in rep["materials"]]
    out += _table(rows, right={2, 3, 4})
    for m in rep["materials"]:
        if m["missing"] and len(m["missing"]) < rep["expected_units"]:
            out.append(f"  {m['material']}未报送：{'、'.join(m['missing'])}")
    tm = st["teams"]
    out += ["", (f"【志愿服务队】{tm['total']} 支，队员 {tm['members']} 人；逾期成立 {tm['late']} 支，"
                 f"未填成立日期 {tm['undated']} 支"), "  按类型：", *_pairs(tm["by_kind"], "kind"), "  按单位：",
            *_table([[u["unit"], f"{u['count']} 支", ("未组建：" + "、".join(u["missing_kinds"]))
                      if u["missing_kinds"] else "各类型齐全"] for u in tm["by_unit"]], right={1}, indent="    ")]
    ac = st["activities"]
    out += ["", (f"【志愿服务活动】{ac['total']} 场，参与 {ac['participants']} 人次（{ac['volunteers']} 名志愿者），"
                 f"服务总时长 {_hours(ac['total_minutes'])} 小时，受益 {ac['beneficiaries']} 人次")]
    for title, key, name in (("按服务内容", "by_category", "category"), ("按服务形式", "by_form", "form"),
                             ("按月份", "by_month", "month")):
        out += [f"  {title}：", *_table([[e[name] if e[name] is not None else "未填", f"{e['count']} 场",
                                          f"{_hours(e['minutes'])} 小时"] for e in ac[key]], right={1, 2},
                                        indent="    ")]
    pb = st["publicity"]
    out += ["", f"【宣传与文化活动】{pb['total']} 项", *_pairs(pb["by_kind"], "kind")]
    aid, vi = st["aid"], st["visits"]
    out += ["", (f"【走访与帮扶】走访企业 {vi['enterprise_visits']} 次（{vi['distinct_enterprises']} 家），"
                 f"走访困难职工 {vi['household_visits']} 次（{vi['households_visited']} 户）"),
            f"  帮扶 {aid['count']} 次，{aid['households']} 户，金额合计 {fen_to_yuan(aid['total_fen'])} 元",
            *_table([["帮扶项目", "次数", "户数", "金额（元）"]] +
                    [[p["programme"], p["count"], p["households"], fen_to_yuan(p["amount_fen"])]
                     for p in aid["by_programme"]], right={1, 2, 3}, indent="    ")]
    dm = st["demands"]
    out += ["", (f"【职工诉求】{dm['total']} 件：已办结 {dm['done']} 件，未办结 {dm['open']} 件，"
                 f"其中逾期未答复 {dm['overdue']} 件")]
    ho = st["honors"]
    out += ["", f"【选树典型】{ho['total']} 个", "  按状态：", *_pairs(ho["by_status"], "status"),
            "  按类别：", *_table([[k["kind"] if k["kind"] is not None else "未填", k["count"], f"表彰 {k['awarded']}"]
                                  for k in ho["by_kind"]], right={1}, indent="    ")]
    return out + _units(st["units"])


def _units(units: list[dict]) -> list[str]:
    """The per-unit figures, one row a unit (志愿者 is per unit: one member in two units' activities counts in each)."""
    head = ["单位", "队", "志愿者", "活动", "人次", "小时", "受益", "走访企业", "走访困难户", "帮扶户", "帮扶金额",
            "诉求", "办结", "逾期"]
    rows: list[list[Any]] = [head] + [
        [u["unit"] or "未注明单位", u["teams"], u["volunteers"], u["activities"], u["participants"],
         _hours(u["minutes"]), u["beneficiaries"], u["enterprise_visits"], u["households_visited"],
         u["aid_households"], fen_to_yuan(u["aid_fen"]), u["demands"], u["demands_done"], u["demands_overdue"]]
        for u in units]
    return ["", "【各单位】", *_table(rows, right=set(range(1, len(head))))]
