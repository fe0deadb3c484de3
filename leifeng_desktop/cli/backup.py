"""`backup [--out FILE]`, `backups [--json]` and `restore FILE`: copies of the database and its attachments.

They work on the file itself (core.backup), never through an open Store: a backup reads with SQLite's online
backup API while the window may be writing, and a restore needs the file to itself (refused while the window or
another program has it open). Exit codes: 0 done; 1 `backups` lists a damaged backup, or `restore` could not
bring back every attachment file; 2 an error.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..core import backup as b
from .common import EXIT_OK, EXIT_PROBLEMS, PROG, echo, saving, session
from .types import InFile, OutPath
from .zh import argument, command, option, pad, width


@command("backup", short_help="立即备份数据库和附件（默认保存到数据库旁的“备份”文件夹）",
         help="立即备份数据库（含附件文件）。不指定 --out 时保存到数据库所在文件夹下的“备份”文件夹，"
              "与自动备份放在一起（手动备份不会被自动删除）；备份写完后做完整性检查，未通过的会删除并报错。",
         epilog=f"例：{PROG} --db 台账.db backup ；{PROG} --db 台账.db backup --out E:\\台账备份.db")
@option("--out", type=OutPath(".db", wrong_suffix="备份文件名应以 .db 结尾：{out}"), metavar="文件.db",
        help="保存为这个文件（附件保存在它旁边的“<文件名>.附件”文件夹；已有的同名文件在新备份检查通过后被替换）")
def backup(out: Path | None) -> int:
    db = session().db_path
    if out is None:
        info = b.make_backup(db, reason=b.MANUAL)
    else:
        out = out.absolute()
        with saving(out):
            info = b.make_backup(db, reason=b.MANUAL, out=out)
    echo(f"已备份到 {info.path}")
    echo(f"记录 {info.total} 条，附件文件 {info.attachments} 个；完整性检查：正常")
    return EXIT_OK


@command("backups", short_help="列出数据库的备份：时间、原因、记录数、是否完好",
         help="列出“备份”文件夹中本数据库的备份，最新的在前：备份时间、原因（每日、升级前、导入前、批量删除前、"
              "恢复前、合并前、手动）、记录数、附件文件数、是否完好。有损坏的备份时退出码为 1。")
@option("--json", "as_json", is_flag=True, help="以 JSON 输出（含各类记录的数量）")
def backups(as_json: bool) -> int:
    db = session().db_path
    found = b.list_backups(db)
    if as_json:
        echo(json.dumps([_as_dict(i) for i in found], ensure_ascii=False, indent=2))
    elif not found:
        echo(f"“{b.backup_dir(db)}”中还没有数据库“{db.name}”的备份")
    else:
        echo(f"备份文件夹：{b.backup_dir(db)}（共 {len(found)} 份）")
        rows = [["备份时间", "原因", "记录数", "附件", "状态", "文件"]]
        rows += [[f"{i.made_at:%Y-%m-%d %H:%M:%S}", i.reason, str(i.total) if i.ok else "-", str(i.attachments),
                  "完好" if i.ok else "损坏", i.path.name] for i in found]
        for line in _table(rows, right={2, 3}):
            echo(line)
    return EXIT_OK if all(i.ok for i in found) else EXIT_PROBLEMS


@command("restore", short_help="用一份备份替换数据库（先把现在的数据库另存为“恢复前”备份）",
         help="用备份文件替换数据库，并找回该备份所需的附件文件。恢复前，现在的数据库会先另存为一份“恢复前”备份，"
              "需要时可以再恢复回来。程序窗口或其他程序打开着该数据库时不能恢复。",
         epilog=f"例：{PROG} --db 台账.db restore 台账_20260901-090000_daily.db（可只写“备份”文件夹中的文件名）")
@argument("file", metavar="备份文件", type=InFile(),
          help="要恢复的备份（backups 命令列出的文件名，或任一备份文件的路径）")
def restore(file: Path) -> int:
    db = session().db_path
    if not file.exists() and not file.is_absolute() and (b.backup_dir(db) / file).is_file():
        file = b.backup_dir(db) / file
    existed = db.is_file() and db.stat().st_size > 0
    info = b.restore_backup(db, file)
    echo(f"已用备份“{info.path.name}”（{info.made_at:%Y-%m-%d %H:%M:%S}，{info.reason}，记录 {info.total} 条）"
         f"{'恢复' if existed else '新建'}数据库 {db}")
    if info.safety_copy is not None:
        echo(f"恢复前的数据库已另存为 {info.safety_copy}")
    if info.missing_files:
        echo(f"有 {info.missing_files} 个附件文件在备份中找不到，相关活动的这些附件将无法打开")
        return EXIT_PROBLEMS
    return EXIT_OK


def _as_dict(info: b.BackupInfo) -> dict:
    return {"path": str(info.path), "made_at": info.made_at.isoformat(), "reason": info.reason, "ok": info.ok,
            "counts": info.counts, "attachments": info.attachments, "source": info.source}


def _table(rows: list[list[str]], right: set[int], indent: str = "  ") -> list[str]:
    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [(indent + "  ".join(" " * (widths[i] - width(c)) + c if i in right else pad(c, widths[i])
                                for i, c in enumerate(row))).rstrip() for row in rows]
