"""`generate --scale city|district|demo [--seed N] [--force]`: a generated city's records for measuring (issue 18)."""
from __future__ import annotations

import time

from ..core import schema as s
from ..core.generate import SCALES
from .common import EXIT_OK, as_user_error, echo, open_store, print_counts, reject
from .types import Choice, Integer
from .zh import command, option

SCALE_HELP = ("规模：city（300 个单位、6 万名队员、4 万场活动、40 万条参加记录）、district（约十分之一）、"
              "demo（与演示数据相当）")


@command("generate", short_help="生成城市规模的测试数据（用于性能测试，内容均为虚构）",
         help="在空数据库中生成一套虚构的测试数据，规模与全市汇总后的数据库相当，用于性能测试（make bench）；"
              "完成后列出各类记录的数量。已有录入记录的数据库不会被改动，除非加 --force。")
@option("--scale", type=Choice(list(SCALES)), default="city", metavar="规模", help=SCALE_HELP + "，默认 city")
@option("--seed", type=Integer(), default=2026, metavar="SEED", help="随机种子（相同种子生成相同内容，默认 2026）")
@option("--force", is_flag=True, help="数据库中已有记录时仍然生成（测试记录与已有记录混在一起，无法分开删除）")
def generate(scale: str, seed: int, force: bool) -> int:
    from ..core.generate import generate as fill
    started = time.perf_counter()
    with open_store(create=True, sound=True, backup=force) as store, as_user_error(ValueError):
        if not force and not store.is_empty():
            reject(f"数据库 {store.path} 中已有录入的记录，测试数据只能生成到空数据库中"
                   "（确实要混入这些记录时加 --force）")

        def progress(key: str, rows: int) -> None:
            echo(f"  已写入{s.record_type(key).label} {rows} 条（{time.perf_counter() - started:.0f} 秒）")

        counts = fill(store, scale, seed=seed, force=force, progress=progress)
        echo(f"已在 {store.path} 中生成 {scale} 规模的测试数据（用时 {time.perf_counter() - started:.0f} 秒）：")
        print_counts({k: n for k, n in counts.items() if n}, with_keys=False)
    return EXIT_OK
