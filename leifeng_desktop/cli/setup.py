"""`init`: the first setup of a database from the command line, as the window's setup wizard does it
(core.first_run.first_setup)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.first_run import SETUP_KEYS, first_setup, is_set_up
from ..core.formatting import display
from ..core.settings import CAMPAIGN, FIXED_CHOICES
from ..core.store import Store
from ..core.validation import ValidationError
from .common import EXIT_OK, PROG, echo, open_store, reject, session
from .types import Choice, Year
from .zh import command, option, pad, width


@command("init", short_help="新建并设置数据库：城市、本单位及其类型、主送机关、操作员、活动年度",
         help="完成数据库的首次设置（与程序窗口第一次打开时的设置向导相同）：城市、本单位及其类型、主送机关、操作员、"
              "负责人、联系电话和活动年度；报送截止日期按活动年度填写。数据库不存在时新建。已设置过的数据库"
              "（已有记录或已完成首次设置）不会被改动，除非加 --force。",
         epilog=f"例：{PROG} --db 台账.db init --city 广州市 --unit 越秀区总工会 --level 区县总工会 --operator 王芳")
@option("--city", required=True, metavar="城市", help="城市名称，如 广州市")
@option("--unit", required=True, metavar="单位名称", help="本单位名称，如 越秀区总工会")
@option("--level", required=True, type=Choice(FIXED_CHOICES["our_unit_kind"]), metavar="类型",
        help=f"本单位类型：{'、'.join(FIXED_CHOICES['our_unit_kind'])}")
@option("--addressee", metavar="机关", help="总结材料的主送机关（默认：市总工会为“城市+精神文明建设委员会办公室”，"
                                          "其他为“城市+总工会”）")
@option("--operator", metavar="姓名", help="操作员（填表人）")
@option("--leader", metavar="姓名", help="负责人")
@option("--phone", metavar="电话", help="本单位联系电话")
@option("--year", type=Year("{flag} 应为 2000 到 2100 之间的年份：{value}"), metavar="年份",
        help="活动年度（默认：今年），报送截止日期随之移到该年")
@option("--force", is_flag=True, help="数据库已设置过时仍然重新设置（已有记录不受影响）")
def init(city: str, unit: str, level: str, addressee: str | None, operator: str | None, leader: str | None,
         phone: str | None, year: int | None, force: bool) -> int:
    values = {"city": city, "our_unit": unit, "our_unit_kind": level, "addressee": addressee,
              "operator": operator, "leader": leader, "contact_phone": phone, "year": year}
    path = session().db_path
    new_file = not path.exists()
    try:
        with open_store(create=True, sound=True, backup=force) as store:
            written = _setup(store, {k: v for k, v in values.items() if v is not None}, force)
    except BaseException:
        if new_file:   # a refused init leaves no half-made file behind
            _remove_new(path)
        raise
    echo(f"已设置数据库 {path}：")
    rows = [(CAMPAIGN.field(k).label, display(CAMPAIGN.field(k), written[k])) for k in SETUP_KEYS
            if written.get(k) not in (None, "")]
    column = max(width(label) for label, _ in rows)
    for label, text in rows:
        echo(f"  {pad(label, column)}  {text}")
    return EXIT_OK


def _setup(store: Store, values: dict[str, Any], force: bool) -> dict[str, Any]:
    if not force and is_set_up(store):
        reject(f"数据库 {store.path} 已设置过（已有记录或已完成首次设置），未作修改；"
               "如要重新设置，请加 --force，或在程序窗口的“设置”页修改")
    try:
        return first_setup(store, values, force=force)
    except ValidationError as exc:
        reject(f"数据库 {store.path} 未作设置：{exc}")


def _remove_new(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
