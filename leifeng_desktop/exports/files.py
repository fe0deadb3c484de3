"""Writing a file safely: every export and template goes through write_atomic/save_atomic.

A file is written to a temporary file beside the target (`.~leifeng-<token>-<random>.tmp`, hidden on Windows) and
renamed over the target only when complete, so the target holds the old file or the new one, never half of one.
openpyxl's own worksheet temporaries go beside the target under the same name (not into the system temp folder,
where they would keep personal data after a crash). Each export holds a locked entry in a small journal in the
app's data folder naming its folder; a leftover of a killed export (its entry no longer locked) is removed by
leftovers.sweep_leftovers() at the next start, and by the sweep of the target folder before each export. OS
failures become one Chinese line naming the file the clerk chose (explain_os_error).
"""
from __future__ import annotations

import contextvars
import errno
import io
import os
import re
import secrets
import stat
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

from ..core.errors import UserError
from .leftovers import TEMP_PREFIX, TEMP_SUFFIX, close_entry, open_entry, remove_ours, sweep_folder
from .leftovers import _set_hidden as _set_hidden  # core.new_year and bundles unhide what they rename

T = TypeVar("T")

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
MAX_STEM = 120


class FileWriteError(UserError, OSError):
    """An OS failure while writing the clerk's file; also an OSError, so older `except OSError` handlers see it."""


# -- file names -------------------------------------------------------------------------------------------------
def safe_name(text: object) -> str:
    """Characters Windows refuses in a file name become "_"; no leading/trailing dots or spaces."""
    return _UNSAFE.sub("_", str(text or "")).strip(" .") or "_"


def file_name(*parts: object, suffix: str = ".docx") -> str:
    """A file name of parts joined by "_", each made safe (safe_name), the stem cut to MAX_STEM characters."""
    stem = "_".join(safe_name(part) for part in parts)
    if len(stem) > MAX_STEM:
        stem = stem[:MAX_STEM].rstrip(" .")
    return stem + suffix


def unique_names(names: list[str]) -> list[str]:
    """The names in order, a name met again getting " (2)", " (3)" … before its suffix; case-blind, as on
    Windows, where 队.docx and 队.DOCX are one file."""
    used: set[str] = set()
    out = []
    for base in names:
        stem, suffix = os.path.splitext(base)
        n, name = 1, base
        while name.casefold() in used:
            n += 1
            name = f"{stem} ({n}){suffix}"
        used.add(name.casefold())
        out.append(name)
    return out


# -- OS failures ------------------------------------------------------------------------------------------------
def explain_os_error(exc: OSError, target: str | os.PathLike[str]) -> UserError:
    """One Chinese line for an OS failure while writing `target` (the file the clerk chose, never a temp file)."""
    target = Path(target)
    where, name = target.parent, target.name
    code = exc.errno
    winerror = getattr(exc, "winerror", None)
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        text = f"磁盘空间不足，无法保存“{target}”；请清理磁盘或另选位置后重试"
    elif code == errno.EROFS:
        text = f"“{where}”是只读位置，无法保存“{name}”；请另选文件夹"
    elif code == errno.EISDIR or (target.is_dir() and code in (errno.EACCES, errno.EPERM, errno.EEXIST)):
        text = f"“{target}”是一个文件夹，不能保存为文件；请另起一个文件名"
    elif code == errno.EEXIST:
        text = f"“{target}”已存在同名文件，无法在此创建；请另选名称或位置"
    elif code == errno.ENOENT:
        text = f"文件夹“{where}”不存在，无法保存“{name}”；请先创建该文件夹或另选位置"
    elif code == errno.ENOTDIR:
        text = f"“{where}”不是文件夹，无法保存“{name}”；请另选位置"
    elif code in (errno.EACCES, errno.EPERM) or winerror in (5, 32, 33):
        text = (f"没有权限写入“{target}”，或该文件正被其他程序（如 Excel、WPS）打开；"
                f"请关闭该文件或另选位置后重试")
    elif code == errno.ENAMETOOLONG:
        text = f"文件名“{name}”或其路径太长，无法保存；请缩短文件名或另选位置"
    elif code == errno.EINVAL or winerror == 123:
        text = f"文件名“{name}”含有系统不允许的字符，无法保存；请修改文件名"
    else:
        text = f"无法保存“{target}”（系统错误代码 {code if code is not None else '未知'}）；请另选位置后重试"
    error = FileWriteError(text)
    error.errno = code
    return error


def _lxml_io_errno(exc: Exception) -> int | None:
    """lxml's incremental writer (openpyxl's worksheets) reports a failed write as SerialisationError("IO_ENOSPC")."""
    name = str(exc)
    if type(exc).__name__ != "SerialisationError" or not name.startswith("IO_"):
        return None
    return getattr(errno, name[3:], errno.EIO)


# -- temporary files --------------------------------------------------------------------------------------------
_current: contextvars.ContextVar[tuple[Path, str] | None] = contextvars.ContextVar("leifeng_export", default=None)


def _new_temp(folder: Path, token: str) -> str:
    """A new empty file of ours in `folder`; made with mode 0666 so the umask applies, as to any saved file
    (mkstemp's 0600 would make every export private to its writer)."""
    for _ in range(100):
        name = os.path.join(folder, f"{TEMP_PREFIX}{token}-{secrets.token_hex(4)}{TEMP_SUFFIX}")
        try:
            os.close(os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o666))
        except FileExistsError:
            continue
        _set_hidden(name, True)
        return name
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(folder))


def _openpyxl_temp(suffix: str = "") -> str:
    """openpyxl's create_temporary_file, but beside the target while one of our exports runs."""
    from openpyxl.worksheet import _writer
    current = _current.get()
    if current is None:
        original: str = _writer._leifeng_original(suffix)
        return original
    name = _new_temp(*current)
    _writer.ALL_TEMP_FILES.append(name)
    return name


def _patch_openpyxl() -> None:
    """openpyxl writes each worksheet to a temporary file in the system temp folder first; WorksheetWriter looks
    create_temporary_file up in its module at each call, so replacing it there moves those files. A failed
    worksheet write (disk full) also closes its XML stream at once: left to the garbage collector, the stream
    fails again and Python prints that second error as "Exception ignored" on stderr."""
    from openpyxl.worksheet import _writer
    if _writer.create_temporary_file is not _openpyxl_temp:
        _writer._leifeng_original = _writer.create_temporary_file
        _writer.create_temporary_file = _openpyxl_temp
    write = _writer.WorksheetWriter.write
    if getattr(write, "closes_on_failure", False):
        return

    def write_or_close(self: Any) -> None:
        try:
            write(self)
        except BaseException:
            try:
                self.xf.close()
            except Exception:   # the same failure again; the first one is what the clerk hears of
                pass
            raise
    setattr(write_or_close, "closes_on_failure", True)  # noqa: B010 -- mypy knows no attributes of a function
    _writer.WorksheetWriter.write = write_or_close


@contextmanager
def temporary_beside(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A fresh temporary file beside `target` (and openpyxl's temporaries there too); every temporary file of
    this export is gone when the block ends, however it ends. OS failures become a FileWriteError naming target."""
    target = Path(target)
    folder = target.parent
    token = secrets.token_hex(6)
    fd = None
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        _patch_openpyxl()
        sweep_folder(folder)
        fd = open_entry(token, folder)
        reset = _current.set((folder, token))
        try:
            yield Path(_new_temp(folder, token))
        finally:
            _current.reset(reset)
    except UserError:
        raise
    except OSError as exc:
        raise explain_os_error(exc, target) from exc
    except Exception as exc:
        code = _lxml_io_errno(exc)
        if code is None:
            raise
        raise explain_os_error(OSError(code, os.strerror(code)), target) from exc
    finally:
        remove_ours(folder, token)
        close_entry(token, fd)


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """write(temp) beside `path`, then rename it over `path`: a reader never sees half a file, a failure or a
    cancel leaves none, and an existing file stays as it was unless the new one is complete."""
    path = Path(path)
    with temporary_beside(path) as temp:
        write(temp)
        _set_hidden(temp, False)
        keep = 0o7777 if stat.S_IMODE(temp.stat().st_mode) & 0o077 else 0o7700   # a private() file stays private
        try:
            os.chmod(temp, path.stat().st_mode & keep)     # a file written over keeps its permissions
        except FileNotFoundError:
            pass
        os.replace(temp, path)
    return path


@contextmanager
def staged_files(folder: str | os.PathLike[str]) -> Iterator[Callable[[Saveable, Path], None]]:
    """Several files into `folder` as one export: each save(doc, path) writes a temporary file of ours beside its
    target, and all are renamed into place only when the block ends normally — a failure, a cancel or a kill
    leaves none of them (a killed export's temporaries are swept like any other)."""
    folder = Path(folder)
    pending: list[tuple[Path, Path]] = []

    def save(doc: Saveable, path: Path) -> None:
        current = _current.get()
        assert current is not None, "save() outside its staged_files block"
        try:
            if hasattr(doc, "save_to"):     # a file built as a stream (registration_stream) goes straight to disk
                temp = Path(_new_temp(*current))
                _owner_only_if_private(doc, temp)
                doc.save_to(temp)
            else:
                buffer = io.BytesIO()
                doc.save(buffer)
                temp = Path(_new_temp(*current))
                _owner_only_if_private(doc, temp)
                temp.write_bytes(buffer.getbuffer())
        except OSError as exc:
            raise explain_os_error(exc, path) from exc
        pending.append((temp, Path(path)))

    with temporary_beside(folder / f"{TEMP_PREFIX}staged{TEMP_SUFFIX}"):
        yield save
        for temp, path in pending:
            _set_hidden(temp, False)
            os.replace(temp, path)


PRIVATE_MARK = "leifeng_private"


def private(doc: T, on: bool = True) -> T:
    """Mark a document built with full numbers (reveal=True): save_atomic and staged_files write it 0600."""
    if on:
        setattr(doc, PRIVATE_MARK, True)
    return doc


def _owner_only_if_private(doc: object, temp: Path) -> None:
    if getattr(doc, PRIVATE_MARK, False):
        os.chmod(temp, 0o600)   # before the bytes go in: full 身份证号 never sit in a file others may read


class Saveable(Protocol):
    def save(self, stream: IO[bytes], /) -> object: ...


def save_atomic(doc: Saveable, path: str | os.PathLike[str]) -> Path:
    """write_atomic for anything with .save(stream): a python-docx Document, an openpyxl Workbook. The zip is built
    in memory, then written: given a file name, their zip writer stays open after a failure (disk full) and fails
    again when collected, printing an English traceback after the clerk's Chinese line."""
    def write(temp: Path) -> None:
        buffer = io.BytesIO()
        try:
            doc.save(buffer)
        except BaseException as exc:
            # openpyxl's zip writer, left open when a worksheet fails (disk full), is let go now, while its buffer
            # still exists; collected later it would print "Exception ignored … ZipFile.__del__" in English
            traceback.clear_frames(exc.__traceback__)
            raise
        _owner_only_if_private(doc, temp)
        temp.write_bytes(buffer.getbuffer())
    return write_atomic(path, write)
