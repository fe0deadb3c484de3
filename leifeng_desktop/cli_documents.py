"""`export summary` and `export plan`: the 总结材料 and the 实施方案 as Word documents.

    leifeng-desktop --db PATH export summary [--from DATE] [--to DATE] [--unit NAME] [--picture FILE.png] --out FILE.docx
    leifeng-desktop --db PATH export plan [--unit NAME] --out FILE.docx

The texts are those saved in the program (设置 of each document), else the starting drafts; every figure of the
summary comes from core.stats.campaign_stats.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from . import cli


def add_document_parsers(what) -> None:
    """Add `summary` and `plan` to the `export` subparsers."""
    q = what.add_parser("summary", help="导出《学雷锋职工志愿服务活动开展情况的总结》（Word）",
                        description="导出总结材料：基本情况（各项数字取自统计）、主要做法和成效（五个方面，附选定的"
                                    "活动记录）、典型事迹、存在问题和下步打算、落款，以及附表（活动分类、帮扶项目、各单位"
                                    "情况）。各项数字按期间所在的活动年度统计；期间用于挑选列举的活动和典型事迹。",
                        epilog=f"例：{cli.PROG} --db 台账.db export summary --from 2026-01-01 --to 2026-12-31 "
                               f"--out 总结.docx")
    cli.add_period_arguments(q)
    q.add_argument("--unit", metavar="单位名称", help="只总结一个单位的记录，并以该单位落款（默认：全部记录，本单位落款）")
    q.add_argument("--picture", type=Path, metavar="图片.png", help="插入“基本情况”下的图片（如仪表盘截图，PNG 或 JPEG）")
    q.add_argument("--today", metavar="日期", help="落款日期（默认：今天），如 2026-12-20")
    q.add_argument("--out", required=True, type=Path, metavar="文件.docx", help="保存到哪个文件")
    q.set_defaults(func=cmd_export_summary)
    q = what.add_parser("plan", help="导出《学雷锋职工志愿服务活动实施方案》初稿（Word）",
                        description="按市总工会方案的结构（指导思想、活动内容、实施步骤、工作要求）生成本单位实施方案"
                                    "初稿，截止日期和目标取自设置；有服务队时附服务队名单。",
                        epilog=f"例：{cli.PROG} --db 台账.db export plan --unit XX市供电公司工会 --out 实施方案.docx")
    q.add_argument("--unit", metavar="单位名称", help="为哪个单位生成（默认：设置中的本单位）")
    q.add_argument("--today", metavar="日期", help="落款日期（默认：今天），如 2026-08-20")
    q.add_argument("--out", required=True, type=Path, metavar="文件.docx", help="保存到哪个文件")
    q.set_defaults(func=cmd_export_plan)


def _today(args: argparse.Namespace):
    import datetime as dt
    if not args.today:
        return None
    try:
        return dt.date.fromisoformat(args.today.strip())
    except ValueError:
        raise ValueError(f"--today 的日期“{args.today}”无法识别，应写作 2026-12-20") from None


def _known_unit(store, unit: str | None) -> str | None:
    unit = (unit or "").strip() or None
    if unit and not store.count("unit", where="name = ?", params=[unit]) \
            and not store.count("team", where="unit = ?", params=[unit]):
        names = [r["name"] for r in store.rows("unit", limit=8)]
        raise ValueError(f"找不到单位“{unit}”" + (f"；已有的单位：{'、'.join(names)}" if names else ""))
    return unit


def cmd_export_summary(args: argparse.Namespace) -> int:
    from .core.texts import summary_period
    from .exports.summary import export_summary
    date_from, date_to = cli.period(args)
    out = cli.out_file(args.out, ".docx")
    today = _today(args)
    with cli.open_store(args, must_exist=True) as store:
        unit = _known_unit(store, args.unit)
        year, first, last = summary_period(store, date_from, date_to)
        out.parent.mkdir(parents=True, exist_ok=True)
        export_summary(store, out, date_from=date_from, date_to=date_to, unit=unit, picture=args.picture,
                       today=today)
    print(out)
    print(f"已导出{unit or ''}{year}年学雷锋职工志愿服务活动总结（数字按{year}年度统计，列举 {first} 至 {last} 的记录）")
    return cli.EXIT_OK


def cmd_export_plan(args: argparse.Namespace) -> int:
    from .core.texts import document_unit
    from .exports.plan import export_plan
    out = cli.out_file(args.out, ".docx")
    today = _today(args)
    with cli.open_store(args, must_exist=True) as store:
        unit = _known_unit(store, args.unit)
        out.parent.mkdir(parents=True, exist_ok=True)
        export_plan(store, out, unit=unit, today=today)
        name = document_unit(store, unit)[0]
    print(out)
    print(f"已导出{name}学雷锋职工志愿服务活动实施方案初稿")
    return cli.EXIT_OK
