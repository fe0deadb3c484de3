"""What a killed export leaves behind, and its removal: each export holds a locked entry in a small journal in the
app's data folder naming its folder (open_entry/close_entry); its temporary files beside the target are named
`.~leifeng-<token>-<random>.tmp` (hidden on Windows). sweep_leftovers() at start removes the temporary files of
exports whose entry is no longer locked (killed), sweep_folder() those of a folder before each export there;
exports.files writes the files.
"""
from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path

from ..core import private_files

log = logging.getLogger(__name__)

TEMP_PREFIX, TEMP_SUFFIX = ".~leifeng-", ".tmp"
# our temporary files: the export's token (its journal entry), then a random part
TEMP_NAME = re.compile(r"^\.~leifeng-([0-9a-f]{12})-[0-9a-f]{8}\.tmp$")
# what versions before the journal left (mkstemp with prefix ".~"): removed from a folder before an export there
LEGACY_NAME = re.compile(r"^\.~[a-z0-9_]{8}\.(?:docx|xlsx)(?:\.tmp)?$")
JOURNAL_DIR = "exports-in-progress"


# -- the journal of exports in progress -------------------------------------------------------------------------
def journal_dir() -> Path:
    from ..core.store import default_db_path
    return default_db_path().parent / JOURNAL_DIR


def _lock(fd: int) -> bool:
    """Lock the entry without waiting; False when another export (this process or another) holds it."""
    try:
        if sys.platform == "win32":
            import msvcrt
            os.lseek(fd, 1 << 20, os.SEEK_SET)    # a byte beyond the text, so the entry stays readable
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _entry(token: str) -> Path:
    return journal_dir() / f"{token}.txt"


def _is_live(token: str) -> bool:
    """An export whose journal entry is still locked is running; a kill releases the lock."""
    try:
        fd = os.open(_entry(token), os.O_RDWR)
    except OSError:
        return False
    try:
        # an entry we can lock is a dead export's, empty or not (a kill between create and lock leaves it empty;
        # a creator that loses this microsecond race goes on without a journal entry, as when the folder is full)
        return not _lock(fd)
    finally:
        os.close(fd)     # closing drops a lock we took just now


def open_entry(token: str, folder: Path) -> int | None:
    """Create and lock this export's journal entry; None when the data folder cannot take it (best effort)."""
    fd = None
    try:
        private_files.make_dir(journal_dir())   # inside the data folder: made owner-only if this makes it
        fd = os.open(_entry(token), os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        _lock(fd)          # locked before it names a folder: an unlocked entry with a folder is a dead export's
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, str(folder).encode("utf-8"))
        return fd
    except OSError:
        log.warning("export journal not writable; a killed export's temporary file is swept only from its folder",
                    exc_info=True)
        close_entry(token, fd)
        return None


def close_entry(token: str, fd: int | None) -> None:
    if fd is None:
        return
    os.close(fd)
    try:
        _entry(token).unlink()
    except OSError:
        log.warning("could not remove export journal entry %s", token, exc_info=True)



def _set_hidden(path: str | os.PathLike[str], hidden: bool) -> None:
    if sys.platform == "win32":
        import ctypes
        ctypes.windll.kernel32.SetFileAttributesW(str(path), 0x2 if hidden else 0x80)




# -- the sweep -------------------------------------------------------------------------------------------------
def remove_ours(folder: Path, token: str) -> None:
    for path in _listing(folder):
        match = TEMP_NAME.match(path.name)
        if match and match[1] == token:
            _remove(path)


def _listing(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _remove(path: Path) -> bool:
    try:
        _set_hidden(path, False)
        path.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError:
        log.warning("could not remove leftover %s", path, exc_info=True)
        return False


def sweep_folder(folder: str | os.PathLike[str]) -> int:
    """Remove our temporary files of exports no longer running from `folder`; returns how many went."""
    removed = 0
    for path in _listing(Path(folder)):
        match = TEMP_NAME.match(path.name)
        if (match and not _is_live(match[1])) or LEGACY_NAME.match(path.name):
            removed += _remove(path)
    return removed


def sweep_leftovers() -> int:
    """At start: remove what killed exports left in the folders the journal names; returns the files removed.
    Qt-free and quick; never raises (a folder that has gone or cannot be read is skipped)."""
    removed = 0
    for entry in _listing(journal_dir()):
        token = entry.stem
        if entry.suffix != ".txt" or not re.fullmatch(r"[0-9a-f]{12}", token) or _is_live(token):
            continue
        try:
            folder = Path(entry.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            folder = None
        if folder and str(folder):
            removed += sweep_folder(folder)
        _remove(entry)
    return removed
