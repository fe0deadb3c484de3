"""Automatic backups of a database and its attachments, their rotation, and restoring one. Qt-free.

Backups go to the folder `备份` beside the database, named `<stem>_<YYYYmmdd-HHMMSS>_<reason key>.db`; the
attachment files they need are in `备份/<stem>.附件/` (content-hash names, each copied once). A copy is taken with
SQLite's online backup API in one step (one read transaction: consistent while the window or another program
writes), described inside itself (core.backup_files), checked with integrity_check and only then given its name;
a copy that fails the check is removed and reported. Files and folder are readable by the owner only.

When: once a day at open (`daily_backup`, never blocking the open), before a migration, an import, a bulk delete,
a restore and a bundle merge, and when the clerk asks (手动). `rotate` keeps 7 daily, 4 weekly and 12 monthly
copies, the last 10 made before an operation, and every manual one.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from . import backup_files as bf
from . import errors, store_open
from .backup_files import BackupError
from .errors import BUSY_TIMEOUT_S, UserError

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger(__name__)

FOLDER = "备份"
DAILY, UPGRADE, IMPORT, BULK_DELETE = "每日", "升级前", "导入前", "批量删除前"
RESTORE, MERGE, MANUAL = "恢复前", "合并前", "手动"
REASON_KEYS = {DAILY: "daily", UPGRADE: "upgrade", IMPORT: "import", BULK_DELETE: "bulk-delete", RESTORE: "restore",
               MERGE: "merge", MANUAL: "manual"}
BEFORE_OPERATION = (UPGRADE, IMPORT, BULK_DELETE, RESTORE, MERGE)
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY, KEEP_OPERATIONS = 7, 4, 12, 10
SEEDED = ("unit", "working_group")   # what a new file holds before a clerk enters anything (as Store.is_empty)
_KEY_REASON = {v: k for k, v in REASON_KEYS.items()}
_NAME = re.compile(r"^(?P<stem>.+)_(?P<at>\d{8}-\d{6})_(?P<key>[a-z]+(?:-[a-z]+)*?)(?:-(?P<n>\d+))?\.db$")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file: when and why it was made, its record counts (by record type), whether it reads as sound.
    `restore_backup` also fills `safety_copy` (the 恢复前 copy of what was replaced) and `missing_files`."""
    path: Path
    made_at: dt.datetime
    reason: str
    counts: dict[str, int] = field(default_factory=dict, compare=False)
    ok: bool = True
    attachments: int = 0          # attachment files the backup holds
    source: str = ""              # the database file it was made of
    files: tuple[str, ...] = field(default=(), repr=False, compare=False)
    safety_copy: Path | None = None
    missing_files: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def backup_dir(db_path: str | os.PathLike[str]) -> Path:
    return Path(db_path).expanduser().absolute().parent / FOLDER


def pool_dir(db_path: str | os.PathLike[str]) -> Path:
    """Where the backups in 备份 keep the attachment files they need."""
    path = Path(db_path).expanduser().absolute()
    return backup_dir(path) / f"{path.stem}.附件"


# -- making one ----------------------------------------------------------------------------------------------------
def make_backup(db_path: str | os.PathLike[str], *, reason: str, out: str | os.PathLike[str] | None = None,
                now: dt.datetime | None = None) -> BackupInfo:
    """Copy the database (and the attachment files the copy lacks) into 备份, or to `out` (its attachments into
    `<out stem>.附件/` beside it, an existing `out` replaced only by a verified copy). Raises BackupError (or
    StoreError for a missing, empty or foreign file) in one Chinese sentence; nothing half-written is left."""
    db_path = Path(db_path).expanduser().absolute()
    if reason not in REASON_KEYS:
        raise ValueError(f"unknown backup reason {reason!r}")
    store_open.check_path(db_path, create=False, read_only=True)
    target = Path(out).expanduser().absolute() if out else None
    if target is not None and target.exists() and target.resolve() == db_path.resolve():
        raise BackupError(f"备份文件不能与数据库“{db_path.name}”是同一个文件，请另选文件名")
    try:
        source = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise BackupError(f"无法读取数据库“{db_path.name}”，未能备份：{exc}") from exc
    try:
        source.execute("PRAGMA query_only = 1")
        info = write_copy(source, db_path, reason, target, now)
    finally:
        source.close()
    if target is None:
        rotate_quietly(db_path, info.made_at)
    return info


def write_copy(source: sqlite3.Connection, db_path: Path, reason: str, out: Path | None,
               now: dt.datetime | None = None) -> BackupInfo:
    """The copy itself, from an open connection (restore passes the one holding its exclusive lock)."""
    made = (now or dt.datetime.now()).astimezone()
    folder = out.parent if out else backup_dir(db_path)
    bf.make_private_dir(folder)
    name = f"{db_path.stem}_{made:%Y%m%d-%H%M%S}_{REASON_KEYS[reason]}.db"
    target = out or folder / name
    pool = bf.attachment_dir(out) if out else pool_dir(db_path)
    try:
        temp = bf.new_temp(folder, ".db")
    except OSError as exc:
        raise bf.os_failure(exc, target) from exc
    try:
        info = _fill(source, temp, db_path, reason, made, pool)
        bf.sync_file(temp)
        if out:
            os.replace(temp, target)   # the clerk's chosen file: replaced only now, by a verified copy
            final = target
        else:
            final = bf.place_new(temp, target)
        bf.sync_dir(folder)
    except sqlite3.Error as exc:
        temp.unlink(missing_ok=True)
        raise _sqlite_failure(exc, db_path, target) from exc
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise (exc if isinstance(exc, UserError) else bf.os_failure(exc, target)) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    log.info("backup made: %s (%s, %d records, %d attachment files)", final.name, reason, info.total,
             info.attachments)
    return dataclasses.replace(info, path=final)


def _sqlite_failure(exc: sqlite3.Error, db_path: Path, target: Path) -> BackupError:
    code = errors.primary_code(exc)
    if code in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return BackupError(f"数据库“{db_path.name}”正被其他程序长时间写入，未能备份；请稍后重试")
    if code in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
        return BackupError(f"数据库“{db_path.name}”已损坏，未能备份；请运行 check 查看详情")
    if code == "SQLITE_FULL":
        return BackupError(f"磁盘空间不足，未能备份到“{target}”；请清理磁盘后重试")
    return BackupError(f"未能备份数据库“{db_path.name}”到“{target}”：{exc}")


def _fill(source: sqlite3.Connection, temp: Path, db_path: Path, reason: str, made: dt.datetime,
          pool: Path) -> BackupInfo:
    copy = sqlite3.connect(str(temp), isolation_level=None)
    try:
        source.backup(copy)   # every page in one step: one snapshot of the source
        copy.execute("PRAGMA journal_mode = DELETE")   # a plain file: nothing beside it when read
        copy.execute("PRAGMA synchronous = OFF")       # a temporary file, synced once whole before it is named
        counts = bf.counts(copy)
        files = bf.copy_new_files(bf.attachment_dir(db_path), pool)
        bf.write_info(copy, reason=reason, made_at=made.isoformat(), counts=counts, source=db_path.name,
                      files=files)
        found = bf.problems(copy)
    finally:
        copy.close()
    if found:
        raise BackupError(f"数据库“{db_path.name}”的备份未通过完整性检查（{len(found)} 处问题），已删除该备份；"
                          f"数据库可能已损坏，请运行 check 检查")
    return BackupInfo(temp, made, reason, counts, True, len(files), db_path.name, tuple(files))


# -- listing -------------------------------------------------------------------------------------------------------
def read_backup(path: str | os.PathLike[str]) -> BackupInfo:
    """What a backup file says of itself; one without a readable description is described by its name and
    marked not ok."""
    path = Path(path).expanduser().absolute()
    info = bf.read_info(path)
    match = _NAME.match(path.name)
    try:
        fallback = dt.datetime.strptime(match["at"], "%Y%m%d-%H%M%S").astimezone() if match else None
    except ValueError:
        fallback = None
    if fallback is None:
        fallback = dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone() if path.exists() else \
            dt.datetime.now().astimezone()
    if not info:
        reason = _KEY_REASON.get(match["key"], "未知") if match else "未知"
        return BackupInfo(path, fallback, reason, {}, False, source=f"{match['stem']}.db" if match else "")
    files = tuple(str(n) for n in info.get("files") or ())
    return BackupInfo(path, bf.local_time(info.get("made_at"), fallback), str(info.get("reason") or "未知"),
                      {str(k): int(v) for k, v in (info.get("counts") or {}).items()}, bf.quick_ok(path),
                      len(files), str(info.get("source") or ""), files)


def list_backups(db_path: str | os.PathLike[str]) -> list[BackupInfo]:
    """The database's backups in 备份, newest first."""
    return sorted((read_backup(p) for p in _backup_files(db_path)), key=lambda i: i.made_at, reverse=True)


def newest_good(db_path: str | os.PathLike[str]) -> BackupInfo | None:
    """The newest backup that passes a full integrity_check (for a database found damaged at open)."""
    for info in list_backups(db_path):
        if info.ok and info.counts and not check_file(info.path):
            return info
    return None


def check_file(path: Path) -> list[str]:
    """integrity_check on a backup file; [] when sound."""
    try:
        conn = bf.read_only(path)
    except sqlite3.Error as exc:
        return [f"无法打开：{exc}"]
    try:
        return bf.problems(conn)
    finally:
        conn.close()


def _backup_files(db_path: str | os.PathLike[str]) -> list[Path]:
    folder, stem = backup_dir(db_path), Path(db_path).stem
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [folder / n for n in names if (m := _NAME.match(n)) and m["stem"] == stem and (folder / n).is_file()]


# -- when ---------------------------------------------------------------------------------------------------------
def daily_backup(db_path: str | os.PathLike[str], *, now: dt.datetime | None = None) -> BackupInfo | None:
    """At open: a 每日 backup unless one was made today or the file holds nothing a clerk entered. Never raises
    (opening must not fail for it): a failure is logged, and None returned."""
    db_path = Path(db_path).expanduser().absolute()
    today = (now or dt.datetime.now()).astimezone()
    try:
        if any(m["key"] == REASON_KEYS[DAILY] and m["at"].startswith(f"{today:%Y%m%d}")
               for p in _backup_files(db_path) if (m := _NAME.match(p.name))):
            return None
        if not _has_entries(db_path):
            return None
        return make_backup(db_path, reason=DAILY, now=now)
    except UserError as exc:
        log.warning("daily backup of %s not made: %s", db_path.name, exc)
    except Exception:   # noqa: BLE001 - logged with its traceback; the database opens all the same
        log.exception("daily backup of %s failed", db_path.name)
    return None


def _has_entries(db_path: Path) -> bool:
    if not db_path.is_file() or not db_path.stat().st_size:
        return False
    conn = sqlite3.connect(f"file:{quote(str(db_path))}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        return any(n for k, n in bf.counts(conn).items() if k not in SEEDED)
    finally:
        conn.close()


def backup_before(db_path: str | os.PathLike[str], reason: str, consequence: str) -> BackupInfo:
    """A before-operation copy (升级前, 导入前, 批量删除前, 合并前); the operation must not run without it, so a
    failure is a BackupError ending with `consequence` (本次未导入任何数据 …)."""
    try:
        return make_backup(db_path, reason=reason)
    except UserError as exc:
        raise BackupError(f"{reason}未能备份（{str(exc).rstrip('。')}），{consequence}") from exc


def backup_before_upgrade(db_path: str | os.PathLike[str]) -> BackupInfo:
    """Before a migration step changes an existing file (Store.open): no upgrade without a copy."""
    return backup_before(db_path, UPGRADE, "为保护数据未作任何修改")


def backup_before_purge(store: Store) -> BackupInfo:
    """Before records leave the 回收站 for good (the only delete that cannot be taken back): a 批量删除前 copy;
    BackupError (nothing purged yet) when the copy fails."""
    return backup_before(store.path, BULK_DELETE, "回收站中的记录未被删除")


# -- rotation -----------------------------------------------------------------------------------------------------
def rotate(db_path: str | os.PathLike[str], *, now: dt.datetime | None = None) -> list[Path]:
    """Remove the sound backups `keep` does not keep, then pool files no remaining backup needs; returns what
    was removed. Damaged or unreadable backups stay for a person to look at (and keep every pool file)."""
    now = (now or dt.datetime.now()).astimezone()
    infos = list_backups(db_path)
    kept = keep(infos, now)
    removed = [i.path for i in infos if i.path not in kept and bf.remove(i.path)]
    remaining = [i for i in infos if i.path not in removed]
    if all(i.ok for i in remaining):   # file ages by the real clock: they guard copies running right now
        bf.sweep_pool(pool_dir(db_path), {n for i in remaining for n in i.files})
    for temp in backup_dir(db_path).glob(f"{bf.TEMP_PREFIX}*"):
        if bf.stale(temp):
            bf.remove(temp)
    if removed:
        log.info("rotation removed %d backups of %s", len(removed), Path(db_path).name)
    return removed


def keep(infos: list[BackupInfo], now: dt.datetime) -> set[Path]:
    """Which backups rotation keeps: the newest of each of the last 7 days, 4 ISO weeks and 12 months that have a
    每日 backup, the newest 10 before-operation copies, and everything manual, unrecognised, damaged or dated
    after `now` (a clock set wrong once must not push the real ones out)."""
    kept = {i.path for i in infos if i.reason not in (DAILY, *BEFORE_OPERATION) or not i.ok or i.made_at > now}
    usable = sorted((i for i in infos if i.ok and i.made_at <= now), key=lambda i: i.made_at, reverse=True)
    kept |= {i.path for i in [i for i in usable if i.reason in BEFORE_OPERATION][:KEEP_OPERATIONS]}
    daily = [i for i in usable if i.reason == DAILY]
    for bucket, count in ((lambda d: d.date(), KEEP_DAILY), (lambda d: d.isocalendar()[:2], KEEP_WEEKLY),
                          (lambda d: (d.year, d.month), KEEP_MONTHLY)):
        seen: set[object] = set()
        for info in daily:
            if bucket(info.made_at) not in seen and len(seen) < count:
                seen.add(bucket(info.made_at))
                kept.add(info.path)
    return kept


def rotate_quietly(db_path: Path, now: dt.datetime) -> None:
    try:
        rotate(db_path, now=now)
    except Exception:   # noqa: BLE001 - the backup itself is made; old ones go next time
        log.exception("rotating the backups of %s failed", db_path.name)


# -- restoring ----------------------------------------------------------------------------------------------------
def restore_backup(db_path: str | os.PathLike[str], backup: str | os.PathLike[str] | BackupInfo) -> BackupInfo:
    """Replace the database with `backup` (first copied aside as 恢复前), its attachment files brought back;
    refused with a Chinese UserError, the database untouched, while the window or another program has it open or
    when the backup is not a sound backup of this program. Returns the restored backup's info with `safety_copy`
    and `missing_files` filled in."""
    from .backup_restore import restore
    path = backup.path if isinstance(backup, BackupInfo) else backup
    return restore(Path(db_path).expanduser().absolute(), Path(path).expanduser().absolute())
