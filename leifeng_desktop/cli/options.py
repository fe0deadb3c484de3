"""Options several commands share, each declared once: the period, unit, year, today, --out and --full.

    @command("ledger")
    @period_options()
    @out_option(".xlsx")
    def ledger(period, out): ...
"""
from __future__ import annotations

import functools

from .common import reject
from .types import Date, OutPath, Year
from .zh import option


def period_options(from_example: str = "2026-08-01", to_example: str = "2026-12-31"):
    """--from/--to: the command gets `period=(first, last)` as ISO dates or None; a reversed period is refused."""
    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, date_from=None, date_to=None, **kwargs):
            first = date_from.isoformat() if date_from else None
            last = date_to.isoformat() if date_to else None
            if first and last and first > last:
                reject(f"起始日期 {first} 晚于截止日期 {last}")
            return func(*args, period=(first, last), **kwargs)
        wrapper = option("--to", "date_to", type=Date(to_example), metavar="日期",
                         help=f"截止日期（含），如 {to_example}")(wrapper)
        return option("--from", "date_from", type=Date(from_example), metavar="日期",
                      help=f"起始日期（含），如 {from_example}")(wrapper)
    return decorate


def unit_option(help: str = "有同名服务队时，用所属单位区分", metavar: str = "单位名称"):
    return option("--unit", metavar=metavar, help=help)


def team_option(help: str = "导入到哪支服务队（按队伍名称查找）", *, required: bool = False):
    return option("--team", metavar="队伍名称", required=required, help=help)


def year_option(help: str = "只导出该年度的记录，如 2026（默认全部）", **year):
    return option("--year", type=Year(**year), metavar="年度", help=help)


def today_option(example: str, help: str):
    return option("--today", type=Date(example), metavar="日期", help=help)


def out_option(suffix: str | None = None, help: str = "保存到哪个文件", *, metavar: str | None = None, **out):
    """--out (required); with a suffix it must be a file name ending so (`--out 应是以 .xlsx 结尾的文件名`)."""
    return option("--out", required=True, type=OutPath(suffix, **out), metavar=metavar or f"文件{suffix}",
                  help=help)


def full_option(help: str = "显示完整的身份证号（默认部分隐藏）"):
    return option("--full", is_flag=True, help=help)


def dry_run_option():
    return option("--dry-run", is_flag=True, help="只检查并列出问题，不写入数据库")
