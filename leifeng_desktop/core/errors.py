"""The errors a clerk can meet, apart from program errors; SQLite errors sorted by their result code.

A `UserError` is a clerk's mistake or a state of the world: `str(exc)` is one Chinese sentence shown as is (the CLI
prints `错误：<message>` and exits 2, the window shows a message box). Everything else is a program error: logged
with its traceback and shown as "程序内部错误".
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BUSY_TIMEOUT_S = 5.0


class UserError(Exception):
    """A clerk's mistake or a state of the world; the message is one Chinese sentence."""


class StoreError(UserError):
    """A database that cannot be opened or written; the message is one clear Chinese line."""


class StoreBusy(StoreError):
    """A write that could not get SQLite's write lock within the busy timeout; nothing was written."""


class DatabaseDamaged(StoreError):
    """quick_check or integrity_check found damage, or SQLite reported a malformed file."""


@dataclass(frozen=True)
class Difference:
    """One field (or one child list) where the stored record and the clerk's values differ."""
    key: str
    label: str
    mine: object
    theirs: object


class RecordConflict(StoreError):
    """An update of a record that changed elsewhere since the editor loaded it; nothing was written."""

    def __init__(self, type_key: str, record_id: str, current: dict[str, Any], differences: list[Difference],
                 label: str = ""):
        self.type_key = type_key
        self.record_id = record_id
        self.current = current
        self.differences = list(differences)
        what = label or "记录"
        fields = "、".join(d.label for d in self.differences[:5]) or "内容"
        super().__init__(f"这条{what}在您打开之后已在别处被修改（{fields}），为免覆盖他人的修改，本次未保存；"
                         f"请选择保留您的内容或采用已保存的内容")


def busy_message(path: str | os.PathLike[str]) -> str:
    return (f"数据库“{Path(path).name}”正被其他程序写入，已等待 {BUSY_TIMEOUT_S:g} 秒仍未完成；"
            f"本次没有写入任何内容（已填写的内容仍在），请稍后重试")


def damaged_message(path: str | os.PathLike[str], detail: str = "") -> str:
    why = f"（{detail}）" if detail else ""
    return (f"数据库“{Path(path).name}”已损坏{why}，为保护数据本次未作任何修改；"
            f"请运行 leifeng-desktop --db “{path}” check 查看详情")


def read_only_message(path: str | os.PathLike[str]) -> str:
    return f"数据库“{Path(path).name}”以只读方式打开，不能保存修改"


_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED"}
_DAMAGED = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
_READ_ONLY = {"SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH"}


# SQLite's primary result codes (the low byte of an extended code) that are states of the world.
_CODES = {5: "SQLITE_BUSY", 6: "SQLITE_LOCKED", 11: "SQLITE_CORRUPT", 26: "SQLITE_NOTADB", 8: "SQLITE_READONLY",
          14: "SQLITE_CANTOPEN", 3: "SQLITE_PERM", 23: "SQLITE_AUTH", 13: "SQLITE_FULL", 10: "SQLITE_IOERR"}


def primary_code(exc: BaseException) -> str:
    """The primary result code's name (SQLITE_BUSY for SQLITE_BUSY_SNAPSHOT …), or '' for any other code."""
    code = getattr(exc, "sqlite_errorcode", None)
    return _CODES.get(code & 0xFF, "") if isinstance(code, int) else ""


def classify(exc: Exception, path: str | os.PathLike[str]) -> Exception:
    """A UserError for an SQLite error that is a state of the world (locked, damaged, read-only, disk full, I/O),
    else `exc` itself (any other exception too)."""
    code = primary_code(exc)
    name = Path(path).name
    if code in _BUSY:
        return StoreBusy(busy_message(path))
    if code in _DAMAGED:
        return DatabaseDamaged(damaged_message(path, "文件结构损坏，或不是有效的数据库文件"))
    if code in _READ_ONLY:
        return StoreError(f"无法写入数据库“{path}”：文件或其所在文件夹是只读的，或没有访问权限；"
                          f"请复制到可写的位置再打开")
    if code == "SQLITE_FULL":
        return StoreError(f"磁盘空间不足，数据库“{name}”未能保存修改；请清理磁盘后重试")
    if code == "SQLITE_IOERR":
        return StoreError(f"读写数据库“{name}”时发生磁盘错误，修改未保存；请检查磁盘或 U 盘是否已拔出后重试")
    return exc
