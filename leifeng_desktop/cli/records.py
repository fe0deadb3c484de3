"""`demo` (the only command that creates a database) and `check` (what is in a database, and whether it is sound)."""
from __future__ import annotations

import logging
import sqlite3

from ..core import schema as s
from ..core.migrations import SCHEMA_VERSION
from ..core.store import Store
from .common import EXIT_OK, EXIT_PROBLEMS, as_user_error, echo, one_line, open_store, print_counts, reject
from .types import Integer
from .zh import command, option

log = logging.getLogger(__name__)


@command("demo", short_help="在空数据库中载入演示数据（虚构的单位、服务队、活动、走访记录等）",
         help="在空数据库中载入一套演示数据，并列出各类记录的数量。已有录入记录的数据库不会被改动，除非加 --force。"
              "程序窗口的“帮助 → 打开示例数据”使用单独的示例数据库。")
@option("--seed", type=Integer(), default=2026, metavar="SEED", help="随机种子（相同种子生成相同内容，默认 2026）")
@option("--force", is_flag=True, help="数据库中已有记录时仍然载入（演示记录与已有记录混在一起，无法分开删除）")
def demo(seed: int, force: bool) -> int:
    from ..core.demo import load_demo
    with open_store(create=True, sound=True, backup=force) as store, as_user_error(ValueError):
        if not force and not store.is_empty():
            reject(f"数据库 {store.path} 中已有录入的记录，演示数据只能载入空数据库；请新建一个数据库后再载入"
                   "（确实要混入这些记录时加 --force）")
        counts = load_demo(store, seed=seed, force=force)
        echo(f"已在 {store.path} 中载入演示数据：")
        print_counts({k: n for k, n in counts.items() if n}, with_keys=False)
    return EXIT_OK


@command("check", short_help="显示数据结构版本、完整性检查结果和各类记录数量",
         help="检查数据库：数据结构版本、完整性检查结果和各类记录数量。发现问题时退出码为 1。")
def check() -> int:
    """Looks at the file as it is: an older one is not upgraded, the 回收站 not purged, no attachment swept. Keeps
    going on a damaged file: every problem SQLite finds is listed."""
    with open_store(migrate=False) as store:
        echo(f"数据库：{store.path}")
        version = _readable(lambda: store.schema_version)
        echo(f"数据结构版本：{_version_text(version)}")
        problems = store.integrity_check()
        if problems:
            echo(f"完整性检查：发现 {len(problems)} 个问题")
            for problem in problems:
                echo(f"  {one_line(problem)}")
        else:
            echo("完整性检查：正常")
        counts = _readable(lambda: _counts(store))
        if counts is None:
            echo("记录数量：无法读取（数据库已损坏，见上面的问题）")
        else:
            echo("记录数量：")
            print_counts(counts, with_keys=True)
    return EXIT_PROBLEMS if problems else EXIT_OK


def _version_text(version: int | None) -> str:
    if version is None:
        return "无法读取"
    if version < SCHEMA_VERSION:
        return f"{version}（本程序为 {SCHEMA_VERSION}；用本程序打开或写入时，先备份再升级）"
    return str(version)


def _counts(store: Store) -> dict[str, int]:
    """Each record type the file has a table for (an older file may lack the newer ones)."""
    tables = set(store.db.table_names())
    return {key: store.count(key) for key in s.RECORD_TYPES if key in tables}


def _readable(read):
    """What `read()` returns, or None when the damage integrity_check reports stops it."""
    try:
        return read()
    except sqlite3.DatabaseError:
        log.warning("check: could not read a damaged database", exc_info=True)
        return None
