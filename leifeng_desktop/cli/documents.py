"""`export summary` and `export plan`: the 总结材料 and the 实施方案 as Word documents.

The texts are those saved in the program (设置 of each document), else the starting drafts; every figure of the
summary comes from core.stats.campaign_stats.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .common import EXIT_OK, PROG, as_user_error, echo, known_unit, open_store, saving
from .options import out_option, period_options, today_option, unit_option
from .types import InFile
from .zh import command, option


@command("summary", short_help="导出《学雷锋职工志愿服务活动开展情况的总结》（Word）",
         help="导出总结材料：基本情况（统计时段、各项数字取自统计，附统计图）、主要做法和成效（五个方面，附选定的"
              "活动记录）、典型事迹、存在问题和下步打算、附件说明、落款，以及附表（活动分类、各单位、工作组、帮扶项目、"
              "职工诉求、选树典型、报送情况）。各项数字按所选期间统计，与 stats --from --to 相同；期间须在同一年度内。",
         epilog=f"例：{PROG} --db 台账.db export summary --from 2026-01-01 --to 2026-12-31 --out 总结.docx")
@period_options()
@unit_option("只总结一个单位的记录，并以该单位落款（默认：全部记录，本单位落款）")
@option("--chart/--no-chart", default=True, help="在“基本情况”下附统计图（按服务内容、按月份的活动场次；默认附）")
@option("--picture", type=InFile(), metavar="图片.png", help="另在“基本情况”下插入一张图片（PNG 或 JPEG）")
@today_option("2026-12-20", "落款日期（默认：今天），如 2026-12-20")
@out_option(".docx")
def summary(period: tuple, unit: str | None, chart: bool, picture: Path | None, today: dt.date | None,
            out: Path) -> int:
    from ..core.text_context import summary_period
    from ..exports.summary import export_summary
    with open_store(sound=True) as store:
        unit = known_unit(store, unit)
        with as_user_error(ValueError):   # a period across two years, a picture that is not one
            year, first, last = summary_period(store, *period)
            with saving(out):
                export_summary(store, out, date_from=period[0], date_to=period[1], unit=unit, chart=chart,
                               picture=picture, today=today)
    echo(out)
    echo(f"已导出{unit or ''}{year}年学雷锋职工志愿服务活动总结（统计时段 {first} 至 {last}）")
    return EXIT_OK


@command("plan", short_help="导出《学雷锋职工志愿服务活动实施方案》初稿（Word）",
         help="按市总工会方案的结构（指导思想、活动内容、实施步骤、工作要求）生成本单位实施方案初稿，截止日期和目标"
              "取自设置；有服务队时附服务队名单。",
         epilog=f"例：{PROG} --db 台账.db export plan --unit XX市供电公司工会 --out 实施方案.docx")
@unit_option("为哪个单位生成（默认：设置中的本单位）")
@today_option("2026-08-20", "落款日期（默认：今天），如 2026-08-20")
@out_option(".docx")
def plan(unit: str | None, today: dt.date | None, out: Path) -> int:
    from ..core.texts import document_unit
    from ..exports.plan import export_plan
    with open_store(sound=True) as store:
        unit = known_unit(store, unit)
        with saving(out):
            export_plan(store, out, unit=unit, today=today)
        name = document_unit(store, unit)[0]
    echo(out)
    echo(f"已导出{name}学雷锋职工志愿服务活动实施方案初稿")
    return EXIT_OK
