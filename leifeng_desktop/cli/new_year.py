"""`new-year --out NEW.db [--year N]`: a new database file for the next campaign year (core.new_year).

The database of --db is opened read-only and left exactly as it is, so last year's reports can be exported again
byte for byte; an existing --out is refused.
"""
from __future__ import annotations

from pathlib import Path

from ..core import new_year as ny
from ..core.store import Store
from .common import EXIT_OK, PROG, echo, saving, session
from .options import out_option
from .types import Year
from .zh import command, option


@command("new-year", short_help="开始新年度：另建一个新年度的数据库文件（保留服务队、队员、困难职工和设置）",
         help="为下一个活动年度新建一个数据库文件：保留单位、工作组、服务队及队员名单、困难职工及家庭成员、设置和"
              "选项表（编号不变，两个年度的数据包仍可合并），活动年度改为新年度，各项截止日期顺延到新年度的同月同日"
              "（2月29日改为2月28日）；活动、走访、帮扶、报送记录、选树典型、总结材料和实施方案的文字、操作日志和"
              "回收站从空开始。原数据库不作任何改动，上一年度的报表仍可原样导出。",
         epilog=f"例：{PROG} --db 学雷锋志愿服务_2026.db new-year --out 学雷锋志愿服务_2027.db")
@option("--year", type=Year(), metavar="年度", help="新年度，如 2027（默认：设置中的活动年度加 1）")
@out_option(".db", "新年度的数据库文件（不能是已有的文件）", metavar="新文件.db",
            new_only="“{out}”已存在；开始新年度不会覆盖已有文件，请另选文件名")
def new_year(year: int | None, out: Path) -> int:
    out = out.absolute()
    with Store.open(session().db_path, create=False, read_only=True) as store, saving(out):
        result = ny.start_new_year(store, out, year=year)
    echo(f"已生成{result.year}年度的数据库 {result.path}")
    echo(f"原数据库 {result.source} 未作任何改动")
    echo("保留：")
    for line in result.kept_lines():
        echo(f"  {line}")
    for line in result.deadline_lines():
        echo(f"    {line}")
    echo("从空开始：")
    for line in result.emptied_lines():
        echo(f"  {line}")
    return EXIT_OK
