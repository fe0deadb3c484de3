"""Photos and documents of an activity: the files beside the database, the `attachment` records that name them.

The files live in `<db stem>.附件/` next to the database file (leifeng.db → leifeng.附件/), each under its content
hash in a two-character subfolder: `ab/ab12…ef.jpg`. The same content added twice is stored once; the record keeps
the name the file came with. A file is copied to a temporary name and renamed into place, so there is never half a
file under a hash name.

A file goes when the last record naming it goes — a record in the 回收站 (core.trash) still names it, so its file
goes when that entry is purged: remove_attachment(), delete_activity() and trash.purge() check after their commit.
Inside an outer transaction they leave the file (a rollback would bring the record back without it);
purge_orphans() sweeps what no record names. Thumbnails are the UI's job.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from . import private_files
from .errors import UserError
from .store import Store
from .validation import ValidationError

MAX_BYTES = 20 * 1024 * 1024
CHUNK = 1024 * 1024
IMAGE, DOCUMENT = "图片", "文档"
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp"})
# What may be attached (and opened from the activity dialog): photos and documents. A program (.exe, .bat, .lnk,
# .js, .hta …) or an archive is refused, so a bundle from outside cannot bring one that a clerk's click runs.
ALLOWED_SUFFIXES = IMAGE_SUFFIXES | frozenset({
    ".tif", ".tiff", ".heic", ".pdf", ".ofd", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods",
    ".odp", ".rtf", ".wps", ".et", ".dps", ".txt", ".csv"})
ALLOWED_KINDS = "图片、PDF、Word/Excel/PowerPoint、WPS 文档和文本文件"
TEMP_PREFIX = ".tmp-"
STALE_TEMP_S = 3600   # a temporary file this old was left by a crash, not by a copy still running

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_SUFFIX_RE = re.compile(r"^\.[0-9a-z]{1,10}$")
_STORED_RE = re.compile(r"^[0-9a-f]{64}(\.[0-9a-z]{1,10})?$")


class AttachmentError(ValueError, UserError):
    """A file that cannot be attached (or an attachment record that names no usable file); one Chinese line."""


def attachments_dir(store: Store) -> Path:
    """The folder beside the database that holds its attachment files (not created until a file is added)."""
    path = Path(store.path)
    return path.with_name(f"{path.stem}.附件")


def kind_of(name: str) -> str:
    """图片 for the picture formats a clerk's camera or phone gives, 文档 for anything else."""
    return IMAGE if Path(name).suffix.lower() in IMAGE_SUFFIXES else DOCUMENT


def allowed(name: str | os.PathLike[str]) -> bool:
    """Whether a file of this name may be attached and opened: its suffix is a photo's or a document's."""
    return Path(name).suffix.lower() in ALLOWED_SUFFIXES


def kind_refused(name: str) -> str:
    return f"“{name}”不是可添加的附件类型，只能添加{ALLOWED_KINDS}"


def stored_name(sha256: str, name: str) -> str:
    """The file name under which content is kept: its hash and the original's suffix in lower case (if plain)."""
    if not isinstance(sha256, str) or not _SHA_RE.match(sha256):
        raise AttachmentError(f"附件“{name}”的内容摘要无效，找不到对应的文件")
    suffix = Path(name or "").suffix.lower()
    return sha256 + (suffix if _SUFFIX_RE.match(suffix) else "")


def file_path(store: Store, record: dict[str, Any]) -> Path:
    """Where the file of an attachment record is kept (it may have been removed by hand: see exists())."""
    name = stored_name(record["sha256"], record["name"])
    return attachments_dir(store) / name[:2] / name


def exists(store: Store, record: dict[str, Any]) -> bool:
    """Whether the record's file is still there; a file deleted by hand, or a damaged record, is False."""
    try:
        return file_path(store, record).is_file()
    except (AttachmentError, KeyError, TypeError):
        return False


def format_size(size: int) -> str:
    """A size as a clerk reads it: 512 字节, 4.0 KB, 23.4 MB."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def check_file(path: str | os.PathLike[str]) -> str | None:
    """Why a file cannot be attached (missing, a folder, empty, over 20 MB, not a photo or document), or None: lets
    an editor refuse it
    the moment it is chosen, before anything is saved."""
    source = Path(path)
    try:
        _checked_size(source)
    except AttachmentError as exc:
        return str(exc)
    return None if allowed(source.name) else kind_refused(source.name)


def add_attachment(store: Store, activity_id: str, path: str | os.PathLike[str], *, note: str | None = None) -> str:
    """Copy a file into the attachments folder and record it for the activity; returns the new record's id.

    Raises AttachmentError (a Chinese line) for a missing, unreadable, empty, over-20-MB file, a folder, a kind
    not in ALLOWED_SUFFIXES, and when the activity is gone; nothing is left behind then."""
    source = Path(path)
    name = _short_name(source.name)
    size = _checked_size(source)
    if not allowed(name):
        raise AttachmentError(kind_refused(name))
    if store.get("activity", activity_id) is None:
        raise AttachmentError(f"要添加附件的活动已不存在（可能已被删除），未添加“{name}”")
    folder = attachments_dir(store)
    try:
        private_files.make_dir(folder)   # personal photos: the owner's only, as every file in it (mkstemp: 0600)
    except OSError as exc:
        raise AttachmentError(f"无法创建附件文件夹“{folder}”：{exc.strerror or exc}") from None
    temp, sha, size = _copy_hashing(source, folder)
    target = folder / stored_name(sha, name)[:2] / stored_name(sha, name)
    created = False
    try:
        if target.is_file() and target.stat().st_size == size:
            temp.unlink()      # the same content is already there (an earlier file, or another record's)
            os.utime(target)   # young again: a purge on another connection spares it until our record commits
        else:
            private_files.make_dir(target.parent)
            os.replace(temp, target)
            created = True
        with store.transaction():
            record_id = store.insert("attachment", {"activity_id": activity_id, "name": name, "sha256": sha,
                                                    "size": size, "kind": kind_of(name), "note": note})
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if created:
            target.unlink(missing_ok=True)
        if isinstance(exc, ValidationError):
            raise AttachmentError(f"未能添加“{name}”：{'；'.join(exc.errors.values())}") from exc
        if isinstance(exc, OSError):
            raise AttachmentError(f"无法保存附件“{name}”：{exc.strerror or exc}") from exc
        raise
    return record_id


def remove_attachment(store: Store, attachment_id: str) -> None:
    """Delete one attachment record, and its file when no other record names the same content."""
    record = store.get("attachment", attachment_id)
    if record is None:
        return
    with store.transaction():
        store.delete("attachment", attachment_id)
    _remove_unreferenced(store, [record])


def delete_activity(store: Store, activity_id: str) -> None:
    """Delete an activity (its participants and attachment records go by ON DELETE CASCADE), then the files only
    its attachments named. The one call the UI uses to delete an activity."""
    records = store.rows("attachment", where="activity_id = ?", params=[activity_id])
    with store.transaction():
        store.delete("activity", activity_id)
    _remove_unreferenced(store, records)


def stored_files(store: Store) -> list[Path]:
    """Every content file in the attachments folder (not temporary files, nor anything else put there by hand)."""
    folder = attachments_dir(store)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("??/*") if _STORED_RE.match(p.name) and p.name[:2] == p.parent.name
                  and p.is_file())


def purge_orphans(store: Store, *, min_age_s: float = 0) -> list[Path]:
    """Delete the files no attachment record names (and temporary files a crash left); returns what was deleted.

    `min_age_s` spares younger files: on opening, another program may be between copying a file and committing
    its record. Run it outside a transaction: rows deleted but not yet committed would otherwise lose their files
    on a rollback."""
    if store.db.conn.in_transaction:
        raise RuntimeError("purge_orphans() must run outside a transaction")
    folder = attachments_dir(store)
    if not folder.is_dir():
        return []
    now = time.time()
    candidates = [p for p in stored_files(store) if _mtime(p) <= now - min_age_s]
    candidates += [p for pattern in (f"{TEMP_PREFIX}*", f"??/{TEMP_PREFIX}*")   # a merge copies into the subfolder
                   for p in folder.glob(pattern) if _mtime(p) < now - max(min_age_s, STALE_TEMP_S)]
    if not candidates or store.quick_check():
        return []   # a damaged file may not list every record: delete nothing on its word
    named = _named(store)
    removed = [p for p in candidates if p.name not in named and _unlink(p)]
    for sub in folder.glob("??"):
        _rmdir_if_empty(sub)
    return removed


# -- helpers ------------------------------------------------------------------------------------------------------
def _short_name(name: str) -> str:
    """The original name, shortened to the schema's 255 characters keeping its suffix."""
    if len(name) <= 255:
        return name
    suffix = Path(name).suffix if len(Path(name).suffix) <= 16 else ""
    return name[:255 - len(suffix)] + suffix


def _checked_size(source: Path) -> int:
    try:
        info = source.stat()
    except FileNotFoundError:
        raise AttachmentError(f"找不到文件“{source}”，可能已被移动或删除") from None
    except OSError as exc:
        raise AttachmentError(f"无法读取“{source.name}”：{exc.strerror or exc}") from None
    if source.is_dir():
        raise AttachmentError(f"“{source.name}”是一个文件夹，请选择其中的文件")
    if not source.is_file():
        raise AttachmentError(f"“{source.name}”不是普通文件，无法添加")
    _check_size(source.name, info.st_size)
    return info.st_size


def _check_size(name: str, size: int) -> None:
    if size == 0:
        raise AttachmentError(f"“{name}”是空文件（0 字节），未添加")
    if size > MAX_BYTES:
        raise AttachmentError(f"“{name}”有 {format_size(size)}，超过 {MAX_BYTES // 1024 // 1024} MB 的上限，未添加")


def _copy_hashing(source: Path, folder: Path) -> tuple[Path, str, int]:
    """Copy to a temporary file in `folder` while hashing (one read of the source); returns (temp, sha256, size)."""
    digest, size = hashlib.sha256(), 0
    fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with open(source, "rb") as src:
                    while chunk := src.read(CHUNK):
                        size += len(chunk)
                        if size > MAX_BYTES:   # it grew since stat(): still refused
                            _check_size(source.name, max(size, os.fstat(src.fileno()).st_size))
                        digest.update(chunk)
                        out.write(chunk)
            except OSError as exc:
                raise AttachmentError(f"无法读取“{source.name}”：{exc.strerror or exc}") from None
            out.flush()
            os.fsync(out.fileno())
        _check_size(source.name, size)   # emptied since stat()
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp, digest.hexdigest(), size


def _named(store: Store) -> set[str]:
    """The stored names every attachment record refers to, those in the 回收站 too (purging it removes them)."""
    from .trash import attachment_names
    out = attachment_names(store)
    for row in store.db.query("SELECT name, sha256 FROM attachment"):
        try:
            out.add(stored_name(row["sha256"], row["name"]))
        except AttachmentError:
            pass
    return out


def _remove_unreferenced(store: Store, records: list[dict[str, Any]]) -> None:
    """After a committed delete: the files of `records` that no remaining record names."""
    if not records or store.db.conn.in_transaction:
        return   # inside an outer transaction: left for purge_orphans()
    named = _named(store)
    for record in records:
        if exists(store, record) and stored_name(record["sha256"], record["name"]) not in named:
            path = file_path(store, record)
            _unlink(path)
            _rmdir_if_empty(path.parent)


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError:   # open in another program on Windows: the next purge tries again
        return False


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return time.time()


def _rmdir_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass
